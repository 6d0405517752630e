"""The Web SDK's API v1: interact, collect, identity/acquire and privacy/set-consent with `configId`.

Bodies are shaped like the ones alloy 2.33.1 was seen sending (tests/clients/observed_v1_requests.json).
"""

from __future__ import annotations

import pytest

from emulator._app import EmulatorApp
from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._identity import decode_identity_state, encode_identity_state
from tests.emulator.asgi_client import call, make_app
from tests.emulator.v1_requests import (
    KNOWN_ECID,
    PREFIX,
    REQUEST_ID,
    TEXT_PLAIN,
    WEB_ID,
    body,
    event,
    handles,
    make_web_app,
    post,
    stored,
)


@pytest.fixture
def web_app() -> EmulatorApp:
    return make_web_app()


def test_v1_interact_answers_state_hint_and_identity_for_a_text_plain_body(web_app):
    answer = post(web_app, "interact", body(event()))
    assert answer.status == 200
    assert answer.json()["requestId"].startswith(REQUEST_ID + "-")
    assert set(handles(answer)) == {"locationHint:result", "state:store", "identity:result"}
    ecid = handles(answer)["identity:result"][0]["payload"][0]["id"]
    assert stored(answer) == {PREFIX + "identity": encode_identity_state(ecid), PREFIX + "cluster": "or2"}


def test_v1_interact_on_a_hint_path_answers_that_cluster(web_app):
    answer = post(web_app, "interact", body(event()), hint="va6")
    assert stored(answer)[PREFIX + "cluster"] == "va6"
    assert answer.headers["x-adobe-edge"] == "VA6;7"


def test_v1_interact_keeps_the_ecid_sent_back_in_meta_state_entries(web_app):
    entries = [
        {"key": PREFIX + "identity", "value": encode_identity_state(KNOWN_ECID)},
        {"key": PREFIX + "cluster", "value": "or2"},
    ]
    answer = post(web_app, "interact", body(event(), entries=entries), hint="or2")
    assert handles(answer)["identity:result"][0]["payload"] == [{"id": KNOWN_ECID, "namespace": {"code": "ECID"}}]
    assert decode_identity_state(stored(answer)[PREFIX + "identity"]) == KNOWN_ECID


def test_v1_interact_gives_each_event_the_decisions_it_asked_for(web_app):
    answer = post(web_app, "interact", body(event(), event(["hero-banner", "unknown-scope"])))
    (decisions,) = handles(answer)["personalization:decisions"]
    assert decisions["eventIndex"] == 1
    assert [p["scope"] for p in decisions["payload"]] == ["hero-banner"]
    assert decisions["payload"][0]["items"][0]["id"] == "301"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        pytest.param({"meta": {}}, "EXEG-0103-400", id="no-events"),
        pytest.param({"events": []}, "EXEG-0103-400", id="empty-events"),
        pytest.param({"events": ["page view"]}, "EXEG-0102-400", id="event-not-object"),
    ],
)
def test_v1_interact_rejects_a_body_without_events(web_app, document, code):
    answer = post(web_app, "interact", document)
    assert answer.status == 400
    assert answer.json()["type"].endswith(code)


def test_v1_takes_the_datastream_from_config_id_only(web_app):
    answer = call(web_app, "/ee/v1/interact", body(event()), query={"datastreamId": WEB_ID}, content_type=TEXT_PLAIN)
    assert answer.status == 400
    assert answer.json()["type"].endswith("EXEG-0002-400")
    assert "`configId`" in answer.json()["detail"]


def test_v1_interact_on_a_server_datastream_requires_a_primary_identity():
    app = make_app()
    query = {"configId": DEFAULT_DATASTREAM_ID}
    primary = {"FPID": [{"id": "visitor-1", "authenticatedState": "ambiguous", "primary": True}]}
    refused = call(app, "/ee/v1/interact", body(event(), event()), query=query, content_type=TEXT_PLAIN)
    at_event = call(app, "/ee/v1/interact", body(event(identityMap=primary)), query=query, content_type=TEXT_PLAIN)
    at_request = call(app, "/ee/v1/interact", {**body(event()), "xdm": {"identityMap": primary}}, query=query)
    assert (refused.status, refused.json()["type"][-13:]) == (400, "EXEG-0306-400")
    assert (at_event.status, at_request.status) == (200, 200)


def test_v1_collect_answers_204_without_a_body(web_app):
    answer = post(web_app, "collect", body(event(), event()))
    assert (answer.status, answer.body) == (204, b"")
    assert "content-type" not in answer.headers
    assert answer.headers["x-request-id"].startswith(REQUEST_ID + "-")


def test_v1_identity_acquire_returns_identity_result_and_identity_state(web_app):
    answer = post(web_app, "identity/acquire", {"query": {"identity": {"fetch": ["ECID"]}}, "meta": {"state": {}}})
    assert answer.status == 200
    (result,) = handles(answer)["identity:result"][0]["payload"]
    assert result["namespace"] == {"code": "ECID"}
    assert len(result["id"]) == 38
    assert decode_identity_state(stored(answer)[PREFIX + "identity"]) == result["id"]


def test_v1_responses_carry_no_url_for_the_client_to_fetch(web_app):
    # alloy loads every identity:exchange / activation:push URL as an image or iframe (https://github.com/adobe/alloy).
    consent = {"consent": [{"standard": "Adobe", "version": "1.0", "value": {"general": "in"}}]}
    answers = [
        post(web_app, "interact", body(event(["hero-banner"]))),
        post(web_app, "identity/acquire", {"query": {"identity": {"fetch": ["ECID"]}}}),
        post(web_app, "privacy/set-consent", consent),
    ]
    types = {handle["type"] for answer in answers for handle in answer.json()["handle"]}
    assert types.isdisjoint({"identity:exchange", "activation:push"})
    assert types == {"personalization:decisions", "locationHint:result", "state:store", "identity:result"}


_WRONG_OVERRIDE = {"configOverrides": {"com_adobe_target": {"propertyToken": 7}}}


@pytest.mark.parametrize(
    ("action", "document"),
    [
        pytest.param("interact", {"events": [event()], "meta": _WRONG_OVERRIDE}, id="interact-meta"),
        pytest.param("collect", {"events": [event()], "meta": _WRONG_OVERRIDE}, id="collect-meta"),
        pytest.param("identity/acquire", {"meta": _WRONG_OVERRIDE}, id="acquire-meta"),
        pytest.param("privacy/set-consent", {"query": {"identity": {"fetch": "ECID"}}}, id="consent-query"),
        pytest.param("interact", {"events": [{"xdm": {"timestamp": "yesterday"}}]}, id="interact-timestamp"),
        pytest.param("privacy/set-consent", {"identityMap": {"ECID": [{"id": "1", "primary": {}}]}}, id="consent-map"),
        pytest.param("identity/acquire", {"xdm": {"identityMap": {"ECID": [{"id": "1", "primary": 1}]}}}, id="xdm"),
    ],
)
def test_v1_rejects_a_documented_field_of_the_wrong_type_naming_its_path(web_app, action, document):
    # As on v2 (request_schema.py): schemathesis' negative_data_rejection found v1 accepting these.
    answer = post(web_app, action, document)
    assert answer.status == 400
    problem = answer.json()
    assert problem["type"].endswith("EXEG-0102-400")
    assert any(part in problem["detail"] for part in ("propertyToken", "fetch", "timestamp", "primary"))
