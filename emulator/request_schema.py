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


def mismatch(value: object, spec: Spec, path: str) -> Mismatch | None:
    """The first field of `value` that breaks `spec`, or None; `path` names `value` (e.g. "event")."""
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            return Mismatch(path, False)
        for name in spec.required:
            if name not in value:
                return Mismatch(f"{path}.{name}", True)
        for name, field_spec in spec.fields.items():
            field = value.get(name, _ABSENT)
            if field is not _ABSENT:
                found = mismatch(field, field_spec, f"{path}.{name}")
                if found is not None:
                    return found
        return None
    if isinstance(spec, Arr):
        if not isinstance(value, list):
            return Mismatch(path, False)
        for index, item in enumerate(value):
            found = mismatch(item, spec.items, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(spec, Map):
        if not isinstance(value, dict):
            return Mismatch(path, False)
        for key, item in value.items():
            found = mismatch(item, spec.values, f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(spec, Enum):
        return None if isinstance(value, str) and value in spec.values else Mismatch(path, False)
    if isinstance(spec, DateTime):
        return None if isinstance(value, str) and _DATE_TIME.fullmatch(value) else Mismatch(path, False)
    return None if isinstance(value, spec) else Mismatch(path, False)  # str, bool, dict or list


_ABSENT = object()


def body_mismatch(document: dict[str, Any], spec: Obj) -> Mismatch | None:
    """Check a whole request body; paths start at its top-level fields ("event.xdm.timestamp")."""
    for name in spec.required:
        if name not in document:
            return Mismatch(name, True)
    for name, field_spec in spec.fields.items():
        field = document.get(name, _ABSENT)
        if field is not _ABSENT:
            found = mismatch(field, field_spec, name)
            if found is not None:
                return found
    return None
