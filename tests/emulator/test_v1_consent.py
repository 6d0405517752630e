"""POST /ee/v1/privacy/set-consent: the consent the Web SDK's setConsent sends, stored as the real service does."""

from __future__ import annotations

from typing import Any

import pytest

from emulator._app import EmulatorApp
from emulator._identity import decode_identity_state, encode_identity_state
from tests.emulator.v1_requests import KNOWN_ECID, PREFIX, handles, make_web_app, post, stored


@pytest.fixture
def web_app() -> EmulatorApp:
    return make_web_app()


def preference(standard: str, version: str, value: Any) -> dict[str, Any]:
    return {"standard": standard, "version": version, "value": value}


@pytest.mark.parametrize(
    ("consent", "general"),
    [
        pytest.param([preference("Adobe", "1.0", {"general": "in"})], "in", id="adobe-1.0-in"),
        pytest.param([preference("Adobe", "1.0", {"general": "out"})], "out", id="adobe-1.0-out"),
        pytest.param([preference("Adobe", "2.0", {"collect": {"val": "y"}})], "in", id="adobe-2.0-y"),
        pytest.param([preference("Adobe", "2.0", {"collect": {"val": "n"}})], "out", id="adobe-2.0-n"),
        pytest.param([preference("IAB TCF", "2.0", "CO052l-O052l-DGAMBFRACBgAIBAAAAAAIYgEaw")], "in", id="iab"),
        pytest.param(
            [preference("IAB TCF", "2.0", "CO05"), preference("Adobe", "1.0", {"general": "out"})], "out", id="any-out"
        ),
    ],
)
def test_v1_set_consent_stores_the_general_choice(web_app, consent, general):
    answer = post(web_app, "privacy/set-consent", {"consent": consent, "query": {"identity": {"fetch": ["ECID"]}}})
    assert answer.status == 200
    entries = stored(answer)
    assert entries[PREFIX + "consent"] == f"general={general}"
    assert entries[PREFIX + "consent_check"] == "1"
    items = {item["key"]: item for handle in handles(answer)["state:store"] for item in handle["payload"]}
    assert items[PREFIX + "consent"]["maxAge"] == 15552000


def test_v1_set_consent_mints_an_identity_for_a_first_time_visitor(web_app):
    consent = [preference("Adobe", "1.0", {"general": "in"})]
    answer = post(web_app, "privacy/set-consent", {"consent": consent, "query": {"identity": {"fetch": ["ECID"]}}})
    ecid = handles(answer)["identity:result"][0]["payload"][0]["id"]
    assert decode_identity_state(stored(answer)[PREFIX + "identity"]) == ecid


def test_v1_set_consent_keeps_the_identity_sent_back_in_meta_state(web_app):
    entries = [{"key": PREFIX + "identity", "value": encode_identity_state(KNOWN_ECID)}]
    document = {"consent": [preference("Adobe", "1.0", {"general": "in"})], "meta": {"state": {"entries": entries}}}
    answer = post(web_app, "privacy/set-consent", document)
    assert decode_identity_state(stored(answer)[PREFIX + "identity"]) == KNOWN_ECID


@pytest.mark.parametrize(
    ("document", "code", "field"),
    [
        pytest.param({}, "EXEG-0103-400", "consent", id="missing"),
        pytest.param({"consent": []}, "EXEG-0103-400", "consent", id="empty"),
        pytest.param({"consent": ["in"]}, "EXEG-0102-400", "consent[0]", id="not-object"),
        pytest.param(
            {"consent": [preference("Adobe", "1.0", {"general": "maybe"})]},
            "EXEG-0102-400",
            "consent[0].value.general",
            id="bad-general",
        ),
        pytest.param(
            {"consent": [preference("Adobe", "2.0", {"collect": {}})]},
            "EXEG-0103-400",
            "consent[0].value.collect.val",
            id="missing-val",
        ),
        pytest.param({"consent": [preference("Other", "9", {})]}, "EXEG-0102-400", "consent[0]", id="unknown-standard"),
    ],
)
def test_v1_set_consent_rejects_what_it_cannot_read(web_app, document, code, field):
    answer = post(web_app, "privacy/set-consent", document)
    assert answer.status == 400
    problem = answer.json()
    assert problem["type"].endswith(code)
    assert f"`{field}`" in problem["detail"]
