"""The Web SDK's API v1: `/ee[/{hint}]/v1/{interact,collect,identity/acquire,privacy/set-consent}?configId=`.

The official spec (api-reference.yaml) lists the four v1 paths with `configId` ("The v1 APIs use configId instead of
datastreamId"); Adobe's Web SDK only ever calls these (https://github.com/adobe/alloy). Bodies are `{events[], query?,
meta?}` (BatchV1Request: several events, each with its own `query`) or, for set-consent, `{consent[], identityMap?}`.
`edge.py` validates what all operations share (requestId, datastream, content type, size, rate, JSON) and hands the
parsed body here; this module only decides the v1 answer. State comes back through `meta.state.entries` (`identity.py`,
`state.py`), so a visitor keeps its ECID across calls without the emulator storing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator import _problems as P
from emulator._handles import DatastreamHandles, Handle, requested_scopes, wants_ecid
from emulator._identity import known_ecid, primary_identity
from emulator._ids import IdSource
from emulator._request_schema import BATCH_V1_REQUEST, V1_STATE_REQUEST, Obj, body_mismatch
from emulator._state import ConsentError, consent_items, general_consent


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful v1 answer: `handles` is None for a body-less 204 (v1 collect)."""

    status: int
    handles: list[Handle] | None
    events: int = 1


@dataclass(frozen=True, slots=True)
class Rejection:
    kind: P.ProblemKind
    detail: dict[str, object] = field(default_factory=dict)


def _events(document: dict[str, Any], handles: DatastreamHandles) -> list[dict[str, Any]] | Rejection:
    events = document.get("events")
    if not isinstance(events, list) or not events:
        return Rejection(P.MISSING_VALUE, {"field": "events"})
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            return Rejection(P.INVALID_FIELD, {"field": f"events[{index}]"})
        # BatchV1Request also allows a request-level `xdm` (XdmContextData) whose identityMap covers every event.
        if (
            handles.datastream.requires_primary_identity
            and primary_identity(event.get("xdm")) is None
            and primary_identity(document.get("xdm")) is None
        ):
            return Rejection(P.NO_PRIMARY_IDENTITY, {"index": index})
    return events


def _ecid(document: dict[str, Any], xdm: object, handles: DatastreamHandles, ids: IdSource) -> str:
    org = handles.datastream.org_id
    return known_ecid(org, xdm, document.get("meta"), handles.identity_key) or ids.ecid()


def _decisions(events: list[dict[str, Any]], query: object, handles: DatastreamHandles) -> list[Handle]:
    """One `personalization:decisions` handle per event that asked for configured scopes, with its eventIndex.

    The Web SDK puts `query.personalization` inside each event; a request-level one applies to the first event.
    """
    found: list[Handle] = []
    for index, event in enumerate(events):
        scopes = requested_scopes(event.get("query")) + (requested_scopes(query) if index == 0 else [])
        payload = [handles.propositions[s] for s in dict.fromkeys(scopes) if s in handles.propositions]
        if payload:
            found.append({"type": "personalization:decisions", "payload": payload, "eventIndex": index})
    return found


def _interact(document: dict[str, Any], handles: DatastreamHandles, hint: str, ids: IdSource) -> Answer | Rejection:
    events = _events(document, handles)
    if isinstance(events, Rejection):
        return events
    query = document.get("query")
    ecid = _ecid(document, events[0].get("xdm") or document.get("xdm"), handles, ids)
    request_scoped = handles.interact(hint, ecid, wants_ecid(query), [])
    return Answer(200, _decisions(events, query, handles) + request_scoped, len(events))


def _collect(document: dict[str, Any], handles: DatastreamHandles) -> Answer | Rejection:
    events = _events(document, handles)
    if isinstance(events, Rejection):
        return events
    return Answer(204, None, len(events))  # api-reference.yaml: /v1/collect answers 204 without a body


def _acquire(document: dict[str, Any], handles: DatastreamHandles, hint: str, ids: IdSource) -> Answer:
    # getIdentity before any event: the identity is the point of the call, so identity:result always comes back.
    ecid = _ecid(document, document.get("xdm"), handles, ids)
    return Answer(200, handles.interact(hint, ecid, True, []))


def _set_consent(document: dict[str, Any], handles: DatastreamHandles, hint: str, ids: IdSource) -> Answer | Rejection:
    try:
        general = general_consent(document)
    except ConsentError as exc:
        return Rejection(P.MISSING_VALUE if exc.missing else P.INVALID_FIELD, {"field": exc.field})
    # The Web SDK sends the visitor's known identities as a top-level identityMap on set-consent.
    ecid = _ecid(document, {"identityMap": document.get("identityMap")}, handles, ids)
    answer = handles.interact(hint, ecid, wants_ecid(document.get("query")), [])
    for handle in answer:
        if handle["type"] == "state:store":
            handle["payload"] = [*handle["payload"], *consent_items(handles.datastream.cookie_prefix, general)]
    return Answer(200, answer)


_BODY_SPECS: dict[str, Obj] = {"interact": BATCH_V1_REQUEST, "collect": BATCH_V1_REQUEST}


def respond(
    action: str, document: dict[str, Any], handles: DatastreamHandles, hint: str, ids: IdSource
) -> Answer | Rejection:
    """The v1 answer to a parsed body; `action` is one of the v1 operations' actions in `routes.OPERATIONS`."""
    # Documented fields of the wrong type are refused as on v2 (EXEG-0102-400 naming the path), before any answer.
    wrong = body_mismatch(document, _BODY_SPECS.get(action, V1_STATE_REQUEST))
    if wrong is not None:
        return Rejection(P.MISSING_VALUE if wrong.missing else P.INVALID_FIELD, {"field": wrong.path[:200]})
    if action == "interact":
        return _interact(document, handles, hint, ids)
    if action == "collect":
        return _collect(document, handles)
    if action == "identity/acquire":
        return _acquire(document, handles, hint, ids)
    return _set_consent(document, handles, hint, ids)
