"""Client state the emulator hands to browsers: the identity value alloy decodes, consent, entries read back."""

from __future__ import annotations

import base64
import json

import pytest

from emulator._identity import decode_identity_state, encode_identity_state
from emulator._state import ConsentError, consent_items, entries, general_consent
from tests.contracts.reference import SAMPLES

PREFIX = "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_"
ADOBE_1 = {"standard": "Adobe", "version": "1.0"}
ADOBE_2 = {"standard": "Adobe", "version": "2.0"}


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[offset]
        value |= (byte & 0x7F) << shift
        offset += 1
        shift += 7
        if not byte & 0x80:
            return value, offset


def alloy_decode(cookie: str) -> str:
    """The ECID as alloy 2.33.1 reads it (dist/alloy.js `createGetEcidFromCookie`, `decodeKndctrProtobuf`).

    URL-safe base64 with `_`->`/`, `-`->`+`, then protobuf records until field 1 (length-delimited).
    """
    data = base64.b64decode(cookie.replace("_", "/").replace("-", "+") + "=" * (-len(cookie) % 4))
    offset = 0
    while offset < len(data):
        tag, offset = _varint(data, offset)
        field, wire = tag >> 3, tag & 7
        length, offset = _varint(data, offset) if wire == 2 else (0, offset)
        if field == 1 and wire == 2:
            return data[offset : offset + length].decode()
        offset += length if wire == 2 else 0
        if wire == 0:
            _, offset = _varint(data, offset)
    raise AssertionError("no ECID field in cookie")


def test_state_identity_value_decodes_in_alloys_format():
    ecid = "34073347390048589494398436832271910061"
    assert alloy_decode(encode_identity_state(ecid)) == ecid


def test_state_identity_value_of_the_real_service_is_read_back():
    sample = json.loads((SAMPLES / "eplen-client-state-state-store-response.json").read_text())
    value = next(i["value"] for i in sample["handle"][0]["payload"] if i["key"] == PREFIX + "identity")
    # The real value carries metadata fields after field 1; both decoders stop at the ECID.
    assert decode_identity_state(value) == alloy_decode(value) == "54758217238990693431236455737116189050"


def test_state_entries_reads_string_pairs_and_ignores_the_rest():
    meta = {"state": {"entries": [{"key": "a", "value": "1"}, {"key": "b"}, "x", {"key": 3, "value": "y"}]}}
    assert entries(meta) == {"a": "1"}
    assert entries({"state": {"entries": "nope"}}) == {}
    assert entries(None) == {}


@pytest.mark.parametrize(
    ("consent", "general"),
    [
        pytest.param([ADOBE_1 | {"value": {"general": "in"}}], "in", id="adobe-1.0"),
        pytest.param([ADOBE_2 | {"value": {"collect": {"val": "n"}}}], "out", id="adobe-2.0"),
        pytest.param([{"standard": "IAB TCF", "version": "2.0", "value": "CO05"}], "in", id="iab"),
    ],
)
def test_state_general_consent_reads_each_standard(consent, general):
    assert general_consent({"consent": consent}) == general


@pytest.mark.parametrize(
    ("document", "field", "missing"),
    [
        pytest.param({}, "consent", True, id="absent"),
        pytest.param({"consent": {}}, "consent", False, id="not-a-list"),
        pytest.param({"consent": [ADOBE_1 | {"value": {}}]}, "consent[0].value.general", True, id="no-general"),
    ],
)
def test_state_general_consent_names_the_field_it_cannot_read(document, field, missing):
    with pytest.raises(ConsentError) as raised:
        general_consent(document)
    assert (raised.value.field, raised.value.missing) == (field, missing)


def test_state_consent_items_match_the_real_services_entries():
    items = consent_items(PREFIX, "in")
    assert items == [
        {"key": PREFIX + "consent_check", "value": "1", "maxAge": 7200, "attrs": {"SameSite": "None"}},
        {"key": PREFIX + "consent", "value": "general=in", "maxAge": 15552000, "attrs": {"SameSite": "None"}},
    ]
