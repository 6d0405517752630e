"""Response handles of a successful interact call (the documented examples in tests/reference/samples).

Request-scoped handles (`state:store`, `locationHint:result`, `identity:result`) carry no `eventIndex`; the
event-scoped `personalization:decisions` handle carries `eventIndex: 0` (v2 interact has exactly one event).
Per-datastream parts that never change (proposition payloads, cookie keys, hint payloads) are built once.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import orjson

from emulator._datastreams import Datastream, Proposition
from emulator._identity import encode_identity_state, identity_state_bytes

# maxAge values from eplen-client-state-state-store-response.json and dcapi-interact-response.json.
IDENTITY_MAX_AGE = 34128000
CLUSTER_MAX_AGE = 1800
HINT_TTL_SECONDS = 1800
_SAME_SITE_NONE = {"SameSite": "None"}
_ECID_NAMESPACE = {"code": "ECID"}

# Location hints of other upstreams, as in dcapi-interact-response.json; only sent when that service is on.
_UPSTREAM_HINTS = {"target": {"scope": "Target", "hint": "35"}, "audience_manager": {"scope": "AAM", "hint": "9"}}


class Handle(TypedDict, total=False):
    type: str
    payload: list[dict[str, Any]]
    eventIndex: int


def _target_proposition(p: Proposition) -> dict[str, Any]:
    # Target proposition ids are "AT:" + base64 of {"activityId", "experienceId"} (both samples decode so).
    token = orjson.dumps({"activityId": p.activity_id, "experienceId": p.experience_id})
    event_token = base64.b64encode(hashlib.sha512(p.scope.encode() + token).digest()).decode()
    meta = {
        "offer.name": p.activity_name,
        "experience.id": p.experience_id,
        "activity.name": p.activity_name,
        "activity.id": p.activity_id,
        "experience.name": p.experience_name,
        "option.id": "2",
    }
    return {
        "id": "AT:" + base64.b64encode(token).decode(),
        "scope": p.scope,
        "scopeDetails": {
            "decisionProvider": "TGT",
            "activity": {"id": p.activity_id},
            "experience": {"id": p.experience_id},
            "strategies": [{"algorithmID": "0", "trafficType": "0"}],
            "characteristics": {"eventToken": event_token},
        },
        "items": [
            {"id": i.id, "schema": i.schema, "meta": {**meta, "offer.id": i.id}, "data": dict(i.data)} for i in p.items
        ],
    }


def _ajo_proposition(p: Proposition) -> dict[str, Any]:
    stable = uuid.uuid5(uuid.NAMESPACE_URL, p.scope + "#" + p.activity_id)
    return {
        "id": str(stable),
        "scope": p.scope,
        "scopeDetails": {
            "decisionProvider": "AJO",
            "correlationID": f"{stable.hex[:8]}-0",
            "activity": {"id": p.activity_id},
            "characteristics": {"eventToken": base64.b64encode(stable.bytes).decode()},
        },
        "items": [{"id": i.id, "schema": i.schema, "data": dict(i.data)} for i in p.items],
    }


@dataclass(frozen=True, slots=True)
class DatastreamHandles:
    """The parts of a datastream's responses that are fixed per datastream."""

    datastream: Datastream
    identity_key: str
    cluster_key: str
    propositions: Mapping[str, dict[str, Any]]  # decision scope or surface -> proposition payload
    upstream_hints: tuple[dict[str, Any], ...]
    # Per cluster, built on first use and shared by every reply (nobody mutates them: fault_effects copies first).
    _hint_handles: dict[str, Handle] = field(default_factory=dict)
    _cluster_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per (hint, identity.fetch has ECID, requested scopes...): the serialised answer cut around its per-request
    # values (`interact_body`), None when it cannot be cut. Pages ask for the same few scope lists.
    _frames: dict[tuple[str | bool, ...], tuple[bytes, ...] | None] = field(default_factory=dict)

    def _for_hint(self, hint: str) -> tuple[Handle, dict[str, Any]]:
        handle = self._hint_handles.get(hint)
        if handle is None:
            edge = {"scope": "EdgeNetwork", "hint": hint, "ttlSeconds": HINT_TTL_SECONDS}
            handle = self._hint_handles[hint] = {"type": "locationHint:result", "payload": [*self.upstream_hints, edge]}
            self._cluster_items[hint] = {
                "key": self.cluster_key,
                "value": hint,
                "maxAge": CLUSTER_MAX_AGE,
                "attrs": _SAME_SITE_NONE,
            }
        return handle, self._cluster_items[hint]

    @classmethod
    def build(cls, stream: Datastream) -> DatastreamHandles:
        props = {
            p.scope: _target_proposition(p) if p.provider == "TGT" else _ajo_proposition(p) for p in stream.propositions
        }
        hints = tuple(
            {**_UPSTREAM_HINTS[s], "ttlSeconds": HINT_TTL_SECONDS} for s in stream.services if s in _UPSTREAM_HINTS
        )
        return cls(stream, stream.cookie_prefix + "identity", stream.cookie_prefix + "cluster", props, hints)

    def interact(self, hint: str, ecid: str, wants_ecid: bool, scopes: list[str]) -> list[Handle]:
        return self._handles(hint, encode_identity_state(ecid), ecid, wants_ecid, scopes)

    def _handles(self, hint: str, state: str, ecid: str, wants_ecid: bool, scopes: list[str]) -> list[Handle]:
        handles: list[Handle] = []
        if scopes:
            found = [self.propositions[s] for s in scopes if s in self.propositions]
            if found:
                handles.append({"type": "personalization:decisions", "payload": found, "eventIndex": 0})
        hint_handle, cluster_item = self._for_hint(hint)
        handles.append(hint_handle)
        identity_item = {"key": self.identity_key, "value": state, "maxAge": IDENTITY_MAX_AGE, "attrs": _SAME_SITE_NONE}
        handles.append({"type": "state:store", "payload": [identity_item, cluster_item]})
        if wants_ecid:
            handles.append({"type": "identity:result", "payload": [{"id": ecid, "namespace": _ECID_NAMESPACE}]})
        return handles

    def interact_body(self, request_id: str, hint: str, ecid: str, wants_ecid: bool, scopes: list[str]) -> bytes:
        """`orjson.dumps({"requestId": request_id, "handle": self.interact(...)})`, byte for byte, but cheaper.

        For one hint, scope list and ECID choice, every answer is the same JSON but for the requestId, the identity
        state and the ECID. Building the handles and serialising them cost about 1.5 µs per request; joining the
        pieces of the serialised answer (its frame, made once by orjson with markers in those three places) around
        the three values costs a third of that. Faults shaping an answer parse it back (fault_effects).
        """
        key: tuple[str | bool, ...] = (hint, wants_ecid, *scopes)
        frame = self._frames.get(key, _UNKNOWN)
        if frame is _UNKNOWN:
            handles = self._handles(hint, _STATE_MARK, _ECID_MARK, wants_ecid, scopes)
            frame = _frame(orjson.dumps({"requestId": _ID_MARK, "handle": handles}), wants_ecid)
            if len(self._frames) < _FRAMES_LIMIT:
                self._frames[key] = frame
        if frame is None:
            return orjson.dumps({"requestId": request_id, "handle": self.interact(hint, ecid, wants_ecid, scopes)})
        # The state (base64url) and the ECID (ASCII digits: identity_state_bytes refuses others) need no escaping.
        state = identity_state_bytes(ecid)
        if wants_ecid:
            return b"".join((frame[0], orjson.dumps(request_id), frame[1], state, frame[2], ecid.encode(), frame[3]))
        return b"".join((frame[0], orjson.dumps(request_id), frame[1], state, frame[2]))


# Markers: orjson writes "\x00state" as "\u0000state", which no configured payload holds (`_frame` makes sure).
_ID_MARK, _STATE_MARK, _ECID_MARK = "\x00requestId", "\x00state", "\x00ecid"
_UNKNOWN: tuple[bytes, ...] = (b"not built yet",)
_FRAMES_LIMIT = 1024  # frames remembered per datastream: a fuzzer's scope lists must not grow it without end


def _frame(sample: bytes, wants_ecid: bool) -> tuple[bytes, ...] | None:
    """`sample` cut where its marker strings are, or None unless each is there once, as a whole JSON string.

    The requestId goes back JSON-escaped with its quotes (a sent one may hold `"`), so its cut takes the quotes;
    the state and the ECID go back raw between the frame's own quotes.
    """
    markers = [b'"\\u0000requestId"', b'"\\u0000state"'] + ([b'"\\u0000ecid"'] if wants_ecid else [])
    pieces: list[bytes] = []
    rest = sample
    for index, marker in enumerate(markers):
        if sample.count(marker[1:-1]) != 1 or marker not in sample:
            return None  # a payload holds a marker: the caller serialises the whole answer instead
        head, _, rest = rest.partition(marker)
        if index:  # the state or the ECID: the frame keeps the quotes
            head, rest = head + b'"', b'"' + rest
        pieces.append(head)
    pieces.append(rest)
    return tuple(pieces)


def requested_scopes(query: object) -> list[str]:
    """Decision scopes and surfaces named in `query.personalization` (personalization.md), strings only."""
    personalization = query.get("personalization") if isinstance(query, dict) else None
    if not isinstance(personalization, dict):
        return []
    names: list[str] = []
    for key in ("decisionScopes", "surfaces"):
        values = personalization.get(key)
        if isinstance(values, list):
            for value in values:  # a loop, not a comprehension: a 3.11 comprehension is a function call
                if isinstance(value, str):
                    names.append(value)
    return names


def wants_ecid(query: object) -> bool:
    """True when `query.identity.fetch` contains "ECID" (visitor-identification-ecid.md)."""
    identity = query.get("identity") if isinstance(query, dict) else None
    fetch = identity.get("fetch") if isinstance(identity, dict) else None
    return isinstance(fetch, list) and "ECID" in fetch
