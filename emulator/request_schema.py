"""The documented types of v2 request bodies, checked field by field (EXEG-0102-400 / 0103-400 otherwise).

Edge answers a field whose value does not match its schema with EXEG-0102-400 naming the field path, and a
missing mandatory value with EXEG-0103-400 (troubleshooting.md). The shapes below are Adobe's official
`SingleEventRequest` / `BatchV2Request` (api-reference.yaml) plus the documented `query.personalization`,
`meta.configOverrides` and `meta.state.cookiesEnabled` (personalization.md, overrides.md, client-state.md), as
the contract in contracts/edge-network.openapi.yaml writes them. Unknown fields are allowed, as XDM allows them;
`data` is any object (every documented example breaks the official array-of-strings schema).

A hand-written walker rather than a JSON Schema library: the emulator may import only uvicorn and orjson, and
this runs on every request (it visits only the fields a schema names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

# A spec is a Python type (str, bool, dict: any object, list: any array), an `Obj`, an `Arr`, a `Map` or an `Enum`.
Spec = Any


class Obj(NamedTuple):
    fields: dict[str, Spec]
    required: tuple[str, ...] = ()


class Arr(NamedTuple):
    items: Spec


class Map(NamedTuple):
    """An object whose every value has the same spec (JSON Schema `additionalProperties`)."""

    values: Spec


class Enum(NamedTuple):
    values: frozenset[str]


class DateTime(NamedTuple):
    """An RFC 3339 date-time string (OpenAPI `format: date-time`)."""


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")

STRINGS = Arr(str)
IDENTITY_ITEM = Obj(
    {"id": str, "authenticatedState": Enum(frozenset({"ambiguous", "authenticated", "loggedOut"})), "primary": bool},
    required=("id",),
)
XDM_EVENT = Obj(
    {
        "identityMap": Map(Arr(IDENTITY_ITEM)),
        **dict.fromkeys(("environment", "device", "application", "placeContext", "web", "commerce"), dict),
        **dict.fromkeys(("_id", "eventMergeId", "eventType"), str),
        "timestamp": DateTime(),
        "implementationDetails": dict,
        "_experience": dict,
    }
)
EVENT_QUERY = Obj(
    {
        "identity": Obj({"fetch": STRINGS, "idSyncRespondWithPixel": bool, "idSyncRedirectUrl": str}),
        "personalization": Obj({"schemas": STRINGS, "decisionScopes": STRINGS, "surfaces": STRINGS}),
    }
)
_DATASET = Obj({"datasetId": str})
REQUEST_META = Obj(
    {
        "state": Obj(
            {
                "entries": Arr(Obj({"key": str, "value": str, "scope": Enum(frozenset({"APPLICATION", "DEVICE"}))})),
                "domain": str,
                "cookiesEnabled": bool,
            }
        ),
        "configOverrides": Obj(
            {
                "com_adobe_experience_platform": Obj({"datasets": Obj({"event": _DATASET, "profile": _DATASET})}),
                "com_adobe_analytics": Obj({"reportSuites": STRINGS}),
                "com_adobe_identity": Obj({"idSyncContainerId": str}),
                "com_adobe_target": Obj({"propertyToken": str}),
            }
        ),
    }
)
SINGLE_EVENT_REQUEST = Obj(
    {"event": Obj({"xdm": XDM_EVENT, "data": dict}), "query": EVENT_QUERY, "meta": REQUEST_META}, required=("event",)
)
BATCH_V2_REQUEST = Obj(
    {
        "events": Arr(Obj({"xdm": XDM_EVENT, "data": dict, "query": EVENT_QUERY})),
        "query": EVENT_QUERY,
        "meta": REQUEST_META,
    },
    required=("events",),
)


class Mismatch(NamedTuple):
    path: str
    missing: bool  # True: a required field is absent (0103); False: a value of the wrong type (0102)


class _Fail:
    """A failure travelling up the walk; the path is built only then (paths cost more than the checks)."""

    __slots__ = ("missing", "parts")

    def __init__(self, missing: bool, part: str | int | None = None) -> None:
        self.missing = missing
        self.parts: list[str | int] = [] if part is None else [part]


_ABSENT = object()


def _obj(value: object, spec: Obj) -> _Fail | None:
    if type(value) is not dict:
        return _Fail(False)
    for name in spec.required:
        if name not in value:
            return _Fail(True, name)
    fields = spec.fields
    # Walk whichever side is smaller: bodies carry many unknown XDM fields, schemas name few.
    if len(value) < len(fields):
        for name, field in value.items():
            field_spec = fields.get(name, _ABSENT)
            if field_spec is _ABSENT:
                continue
            if type(field_spec) is type:  # a leaf checked inline: a call per field would double the cost
                if not isinstance(field, field_spec):
                    return _Fail(False, name)
                continue
            failed = _CHECKS[type(field_spec)](field, field_spec)
            if failed is not None:
                failed.parts.append(name)
                return failed
        return None
    for name, field_spec in fields.items():
        field = value.get(name, _ABSENT)
        if field is _ABSENT:
            continue
        if type(field_spec) is type:
            if not isinstance(field, field_spec):
                return _Fail(False, name)
            continue
        failed = _CHECKS[type(field_spec)](field, field_spec)
        if failed is not None:
            failed.parts.append(name)
            return failed
    return None


def _field(value: object, spec: Spec) -> _Fail | None:
    if type(spec) is type:
        return None if isinstance(value, spec) else _Fail(False)
    return _CHECKS[type(spec)](value, spec)


def _arr(value: object, spec: Arr) -> _Fail | None:
    if type(value) is not list:
        return _Fail(False)
    items = spec.items
    for index, item in enumerate(value):
        failed = _field(item, items)
        if failed is not None:
            failed.parts.append(index)
            return failed
    return None


def _map(value: object, spec: Map) -> _Fail | None:
    if type(value) is not dict:
        return _Fail(False)
    values = spec.values
    for key, item in value.items():
        failed = _field(item, values)
        if failed is not None:
            failed.parts.append(key)
            return failed
    return None


def _enum(value: object, spec: Enum) -> _Fail | None:
    return None if isinstance(value, str) and value in spec.values else _Fail(False)


def _date_time(value: object, spec: DateTime) -> _Fail | None:
    return None if isinstance(value, str) and _DATE_TIME.fullmatch(value) else _Fail(False)


def _leaf(value: object, spec: type) -> _Fail | None:
    return None if isinstance(value, spec) else _Fail(False)  # str, bool, dict or list


_Check = Callable[[Any, Any], "_Fail | None"]
_CHECKS: dict[type, _Check] = {Obj: _obj, Arr: _arr, Map: _map, Enum: _enum, DateTime: _date_time, type: _leaf}


def body_mismatch(document: dict[str, Any], spec: Obj) -> Mismatch | None:
    """The first field of a request body that breaks `spec` ("event.xdm.timestamp", "events[1].xdm"), or None."""
    failed = _obj(document, spec)
    if failed is None:
        return None
    path = ""
    for part in reversed(failed.parts):
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return Mismatch(path, failed.missing)
