"""The serialised interact answer (handles.interact_body) is byte for byte what orjson makes of the handles."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from emulator._config import DEFAULT_DATASTREAM_ID, load_datastreams
from emulator._datastreams import PropositionItem
from emulator._handles import DatastreamHandles

STREAM = load_datastreams()[DEFAULT_DATASTREAM_ID]
ECID = "05907638112924484241029082405297151763"


def _as_orjson_writes(handles: DatastreamHandles, request_id: str, hint: str, wants: bool, scopes: list[str]) -> bytes:
    return orjson.dumps({"requestId": request_id, "handle": handles.interact(hint, ECID, wants, scopes)})


@pytest.mark.parametrize("wants", [True, False])
@pytest.mark.parametrize(
    "scopes", [[], ["__view__"], ["serverapimbox", "nope", "__view__", "__view__"], ["web://example.com/#hero"]]
)
@pytest.mark.parametrize("request_id", ['sent-"quoted"\\-0123456789abcdef', "3f0c6a8e-6a4e-4d5b-9a52-2f1e7c9b1d01-00"])
def test_handles_interact_body_equals_the_serialised_handles(wants, scopes, request_id):
    handles = DatastreamHandles.build(STREAM)
    for hint in ("or2", "irl1", "or2"):  # the second or2 comes from the remembered frame
        body = handles.interact_body(request_id, hint, ECID, wants, scopes)
        assert body == _as_orjson_writes(handles, request_id, hint, wants, scopes)
    assert orjson.loads(body)["requestId"] == request_id


@pytest.mark.parametrize("marker", ["\x00state", "\x00ecid", "\x00requestId", "x\x00state"])
def test_handles_interact_body_serialises_whole_when_a_payload_holds_a_marker(marker):
    proposition = STREAM.propositions[0]
    item = PropositionItem("0", proposition.items[0].schema, {"content": marker})
    stream = dataclasses.replace(STREAM, propositions=(dataclasses.replace(proposition, items=(item,)),))
    handles = DatastreamHandles.build(stream)
    body = handles.interact_body("r-0", "or2", ECID, True, [proposition.scope])
    assert body == _as_orjson_writes(handles, "r-0", "or2", True, [proposition.scope])
    assert marker.encode().replace(b"\x00", b"\\u0000") in body
