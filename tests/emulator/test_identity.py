"""Identity state values and ECID derivation (docs/emulator.md, identity)."""

from __future__ import annotations

import json

import pytest

from emulator._identity import decode_identity_state, ecid_for, encode_identity_state, known_ecid, primary_identity
from emulator._ids import IdSource
from tests.contracts.reference import SAMPLES

KEY = "kndctr_X_AdobeOrg_identity"


@pytest.mark.parametrize(
    ("sample", "ecid"),
    [
        ("eplen-client-state-state-store-response.json", "54758217238990693431236455737116189050"),
        ("eplen-personalization-target-v2-interact-response.json", "05907638112924484241029082405297151763"),
    ],
)
def test_identity_decodes_the_real_services_state_values(sample, ecid):
    document = json.loads((SAMPLES / sample).read_text())
    values = [
        p["value"]
        for h in document["handle"]
        if h["type"] == "state:store"
        for p in h["payload"]
        if p["key"].endswith("_identity")
    ]
    assert [decode_identity_state(v) for v in values] == [ecid]


def test_identity_encode_then_decode_round_trips():
    ecid = IdSource(4).ecid()
    assert decode_identity_state(encode_identity_state(ecid)) == ecid


@pytest.mark.parametrize("value", ["", "!!!", "AAAA", encode_identity_state("12345"), "CiY" + "x" * 50])
def test_identity_decode_returns_none_for_anything_else(value):
    assert decode_identity_state(value) is None


def test_identity_ecid_is_38_digits_and_depends_on_org_namespace_and_id():
    ecid = ecid_for("A@AdobeOrg", "FPID", "v1")
    assert len(ecid) == 38
    assert ecid.isdigit()
    assert ecid == ecid_for("A@AdobeOrg", "FPID", "v1")
    assert (
        len(
            {
                ecid,
                ecid_for("B@AdobeOrg", "FPID", "v1"),
                ecid_for("A@AdobeOrg", "CRM", "v1"),
                ecid_for("A@AdobeOrg", "FPID", "v2"),
            }
        )
        == 4
    )


@pytest.mark.parametrize(
    ("xdm", "found"),
    [
        ({"identityMap": {"FPID": [{"id": "f", "primary": True}]}}, ("FPID", "f")),
        ({"identityMap": {"FPID": [{"id": "f"}], "CRM": [{"id": "c", "primary": True}]}}, ("CRM", "c")),
        ({"identityMap": {"FPID": [{"id": "", "primary": True}]}}, None),
        ({"identityMap": {"FPID": [{"id": "f", "primary": "true"}]}}, None),
        ({"identityMap": {"FPID": {"id": "f", "primary": True}}}, None),
        ({"identityMap": []}, None),
        ([], None),
        (None, None),
    ],
)
def test_identity_primary_needs_primary_true_and_a_non_empty_id(xdm, found):
    assert primary_identity(xdm) == found


def test_identity_known_ecid_prefers_identity_map_ecid_then_state_then_primary():
    ecid = "1" * 38
    state_ecid = "2" * 38
    meta = {"state": {"entries": [{"key": KEY, "value": encode_identity_state(state_ecid)}]}}
    fpid = {"FPID": [{"id": "f", "primary": True}]}
    assert known_ecid("A@AdobeOrg", {"identityMap": {**fpid, "ECID": [{"id": ecid}]}}, meta, KEY) == ecid
    assert known_ecid("A@AdobeOrg", {"identityMap": fpid}, meta, KEY) == state_ecid
    assert known_ecid("A@AdobeOrg", {"identityMap": fpid}, {}, KEY) == ecid_for("A@AdobeOrg", "FPID", "f")
    assert known_ecid("A@AdobeOrg", {}, {"state": "x"}, KEY) is None


def test_identity_an_ecid_of_non_ascii_digits_is_not_taken_as_an_ecid():
    # str.isdigit accepts Arabic-Indic digits; taking them as the ECID made the state encoding raise (a 500).
    xdm = {"identityMap": {"ECID": [{"id": "\u0661" * 38, "primary": True}]}}
    ecid = known_ecid("ORG@AdobeOrg", xdm, None, "kndctr_ORG_AdobeOrg_identity")
    assert ecid is not None
    assert ecid.isascii()
    assert ecid == ecid_for("ORG@AdobeOrg", "ECID", "\u0661" * 38)
