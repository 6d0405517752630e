"""The documented types of v2 request bodies, checked field by field (EXEG-0102-400 / 0103-400 otherwise).

Edge answers a field whose value does not match its schema with EXEG-0102-400 naming the field path, and a
missing mandatory value with EXEG-0103-400 (troubleshooting.md). The shapes below are Adobe's official
`SingleEventRequest` / `BatchV2Request` (api-reference.yaml) plus the documented `query.personalization`,
`meta.configOverrides` and `meta.state.cookiesEnabled` (personalization.md, overrides.md, client-state.md), as
the contract in contracts/edge-network.openapi.yaml writes them. Unknown fields are allowed, as XDM allows them;
`data` is any object (every documented example breaks the official array-of-strings schema).

Compiled here rather than checked with a JSON Schema library: the emulator may import only uvicorn and orjson,
and this runs on every request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple, cast

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

# API v1 (the Web SDK's): BatchV1Request for interact and collect, which may also carry a request-level `xdm`
# (XdmContextData) whose identityMap covers every event; identity/acquire and set-consent share `query`, `meta`,
# a context `xdm` and the visitor's top-level `identityMap` (set-consent's `consent[]` is checked by state.py,
# which knows its documented standards).
BATCH_V1_REQUEST = Obj(
    {
        "events": Arr(Obj({"xdm": XDM_EVENT, "data": dict, "query": EVENT_QUERY})),
        "query": EVENT_QUERY,
        "meta": REQUEST_META,
        "xdm": XDM_EVENT,
    },
    required=("events",),
)
V1_STATE_REQUEST = Obj(
    {"query": EVENT_QUERY, "meta": REQUEST_META, "xdm": XDM_EVENT, "identityMap": Map(Arr(IDENTITY_ITEM))}
)


class Mismatch(NamedTuple):
    path: str
    missing: bool  # True: a required field is absent (0103); False: a value of the wrong type (0102)


# The specs are compiled to straight-line Python (one `.get` and one type test per named field, loops only for
# arrays and maps), like fastjsonschema does: a generic walker cost as much as parsing the body with orjson.
# A compiled checker returns None, or (missing, path parts) for the first field that breaks the spec.
Checker = Callable[[object], "tuple[bool, tuple[str | int, ...]] | None"]
_LEAF_TESTS = {str: "type({v}) is not str", bool: "type({v}) is not bool", dict: "type({v}) is not dict",
               list: "type({v}) is not list"}  # fmt: skip
# An optional leaf field is read with a default of its own type, so an absent field passes the one type test
# (`type(o.get("web", _DICT)) is not dict`) without a separate presence test: a third fewer steps per field, and
# most documented fields are absent from a given body. The defaults are only compared, never changed.
_LEAF_DEFAULTS = {str: '""', bool: "False", dict: "_DICT", list: "_LIST"}


class _Compiler:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, object] = {
            "_ABSENT": _ABSENT, "_DATE_TIME": _DATE_TIME.fullmatch, "_DICT": {}, "_LIST": []
        }
        self._names = 0

    def name(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def check(self, spec: Spec, var: str, path: list[str], depth: int) -> None:
        where = "(" + "".join(part + ", " for part in path) + ")"
        fail = f"return (False, {where})"
        if isinstance(spec, Obj):
            self.emit(depth, f"if type({var}) is not dict: {fail}")
            for name in spec.required:
                self.emit(depth, f"if {name!r} not in {var}: return (True, {where[:-1]}{name!r},))")
            for name, field_spec in spec.fields.items():
                field_path = [*path, repr(name)]
                if name in spec.required:  # present: tested just above
                    field = self.name("v")
                    self.emit(depth, f"{field} = {var}[{name!r}]")
                    self.check(field_spec, field, field_path, depth)
                elif isinstance(field_spec, type):
                    self.check(field_spec, f"{var}.get({name!r}, {_LEAF_DEFAULTS[field_spec]})", field_path, depth)
                else:
                    field = self.name("v")
                    self.emit(depth, f"{field} = {var}.get({name!r}, _ABSENT)")
                    self.emit(depth, f"if {field} is not _ABSENT:")
                    self.check(field_spec, field, field_path, depth + 1)
        elif isinstance(spec, Arr | Map):
            key, item = self.name("k"), self.name("v")
            kind = "list" if isinstance(spec, Arr) else "dict"
            loop = f"enumerate({var})" if isinstance(spec, Arr) else f"{var}.items()"
            self.emit(depth, f"if type({var}) is not {kind}: {fail}")
            self.emit(depth, f"for {key}, {item} in {loop}:")
            self.check(spec.items if isinstance(spec, Arr) else spec.values, item, [*path, key], depth + 1)
        elif isinstance(spec, Enum):
            allowed = self.name("E")
            self.constants[allowed] = spec.values
            self.emit(depth, f"if type({var}) is not str or {var} not in {allowed}: {fail}")
        elif isinstance(spec, DateTime):
            self.emit(depth, f"if type({var}) is not str or not _DATE_TIME({var}): {fail}")
        else:
            self.emit(depth, f"if {_LEAF_TESTS[spec].format(v=var)}: {fail}")
        self.emit(depth, "pass")


def compile_spec(spec: Obj) -> Checker:
    """A function checking a whole body against `spec` (paths start at its top-level fields)."""
    compiler = _Compiler()
    compiler.emit(0, "def check(v0):")
    compiler.check(spec, "v0", [], 1)
    compiler.emit(1, "return None")
    namespace = dict(compiler.constants)
    exec("\n".join(compiler.lines), namespace)  # source generated from this module's own specs only
    return cast(Checker, namespace["check"])


_ABSENT = object()
_COMPILED: dict[int, Checker] = {}


def compiled(spec: Obj) -> Checker:
    """The checker of `spec`, compiled on first use: None, or (missing, path parts) of the first bad field."""
    checker = _COMPILED.get(id(spec))
    if checker is None:
        checker = _COMPILED[id(spec)] = compile_spec(spec)
    return checker


def described(failed: tuple[bool, tuple[str | int, ...]]) -> Mismatch:
    """A checker's failure as a field path ("event.xdm.timestamp", "events[1].xdm")."""
    path = ""
    for part in failed[1]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return Mismatch(path, failed[0])


def body_mismatch(document: dict[str, Any], spec: Obj) -> Mismatch | None:
    """The first field of a request body that breaks `spec`, or None."""
    failed = compiled(spec)(document)
    return None if failed is None else described(failed)
