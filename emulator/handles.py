"""Response handles of a successful interact call (EDGE-API.md §3 "Handle types with real payload examples").

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

from emulator.datastreams import Datastream, Proposition
from emulator.identity import encode_identity_state

# maxAge values from eplen-client-state-state-store-response.json and dcapi-interact-response.json.
IDENTITY_MAX_AGE = 34128000
CLUSTER_MAX_AGE = 1800
HINT_TTL_SECONDS = 1800
_SAME_SITE_NONE = {"SameSite": "None"}
_ECID_NAMESPACE = {"code": "ECID"}
_DECISIONS_LIMIT = 256  # distinct scope lists remembered per datastream: a fuzzer must not grow it without end

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
    # Per list of requested scopes (a page template asks for the same few), the decisions handle or none.
    _decisions: dict[tuple[str, ...], tuple[Handle, ...]] = field(default_factory=dict)

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

    def _decided(self, scopes: list[str]) -> tuple[Handle, ...]:
        key = tuple(scopes)
        found = self._decisions.get(key)
        if found is None:
            payload = [self.propositions[s] for s in scopes if s in self.propositions]
            found = ({"type": "personalization:decisions", "payload": payload, "eventIndex": 0},) if payload else ()
            if len(self._decisions) < _DECISIONS_LIMIT:
                self._decisions[key] = found
        return found

    def interact(self, hint: str, ecid: str, wants_ecid: bool, scopes: list[str]) -> list[Handle]:
        hint_handle, cluster_item = self._for_hint(hint)
        identity_item = {
            "key": self.identity_key,
            "value": encode_identity_state(ecid),
            "maxAge": IDENTITY_MAX_AGE,
            "attrs": _SAME_SITE_NONE,
        }
        state: Handle = {"type": "state:store", "payload": [identity_item, cluster_item]}
        handles: list[Handle] = [*self._decided(scopes), hint_handle, state] if scopes else [hint_handle, state]
        if wants_ecid:
            handles.append({"type": "identity:result", "payload": [{"id": ecid, "namespace": _ECID_NAMESPACE}]})
        return handles


def requested_scopes(query: object) -> list[str]:
    """Decision scopes and surfaces named in `query.personalization` (personalization.md), strings only."""
    personalization = query.get("personalization") if isinstance(query, dict) else None
    if not isinstance(personalization, dict):
        return []
    scopes = personalization.get("decisionScopes")
    names = [v for v in scopes if isinstance(v, str)] if isinstance(scopes, list) else []
    surfaces = personalization.get("surfaces")
    if isinstance(surfaces, list):
        names += [v for v in surfaces if isinstance(v, str)]
    return names


def wants_ecid(query: object) -> bool:
    """True when `query.identity.fetch` contains "ECID" (visitor-identification-ecid.md)."""
    identity = query.get("identity") if isinstance(query, dict) else None
    fetch = identity.get("fetch") if isinstance(identity, dict) else None
    return isinstance(fetch, list) and "ECID" in fetch
