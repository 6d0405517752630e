"""Strict validation of Edge-named XDM ExperienceEvents against XDM JSON Schemas read from a directory.

How (docs/generators.md#validation): load every schema into a `jsonschema_rs.Registry` whose retriever refuses
(a missing `$ref` is an error, never a download); compose the class with its field groups in `allOf` (every group
of the directory meant to extend the class, less those another chosen group includes: the AEP Web SDK group
includes web and environment details, and both at once double the errors); translate Edge names to standard XDM
names guided by the properties the schemas declare at each place (`_id` -> `@id`, `_dc.language` ->
`dc:language`, `_experience.decisioning.x` -> its full URI; map keys such as identity namespaces stay), reporting
keys no schema declares (the schemas never close their objects, so a typo would pass); validate with formats;
then the project's strictness: non-empty identity ids, exactly one primary identity, an `eventType` from the
time-series `meta:enum`. Every problem is a string `$.path.in.edge.names: what is wrong`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent"
# Adobe's public XDM schemas for web and commerce events, shipped in the package (written by
# scripts/refresh_reference.py; attribution in NOTICE): the default of `edgeload validate-events`.
SHIPPED_SCHEMA_DIR = Path(__file__).resolve().with_name("schemas")
DRAFT_06 = "http://json-schema.org/draft-06/schema#"
_ADOBE_NS = "https://ns.adobe.com/"
_Schemas = list[tuple[str, Mapping[str, Any]]]  # (base $id for local refs, subschema)


class XdmSchemaError(Exception):
    """The schema directory cannot be used (missing, no schemas, the class absent, an unresolvable `$ref`)."""


def edge_path(xdm_name: str) -> tuple[str, ...]:
    """Where a standard XDM property lives in an Edge (compatibility-mode) payload.

    `xdm:web` -> (web,); `@id` -> (_id,); `dc:language` -> (_dc, language); full-URI names nest under their first
    path segment: `https://ns.adobe.com/experience/decisioning/x` -> (_experience, decisioning, x)
    (Experience League, "Namespacing in XDM", compatibility mode).
    """
    if "://" in xdm_name:
        segments = xdm_name.split("://", 1)[1].split("/")[1:]  # drop the host
        if xdm_name.startswith(_ADOBE_NS + "xdm/"):
            segments = segments[1:]
        return (f"_{segments[0]}", *segments[1:])
    if xdm_name.startswith("@"):
        return (f"_{xdm_name[1:]}",)
    prefix, sep, name = xdm_name.partition(":")
    if not sep:
        return (xdm_name,)
    return (name,) if prefix == "xdm" else (f"_{prefix}", name)


def format_path(path: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


@dataclass
class _Group:
    """Edge keys that stand for a namespace (`_dc`, `_experience`) rather than a property of their own."""

    keys: dict[str, _Group | tuple[str, _Node]] = field(default_factory=dict)


class _Node:
    """What the schemas say about one place in an instance, compiled on first use (the schemas form a graph:
    compiling it eagerly would never end)."""

    __slots__ = ("_owner", "_pending", "items", "keys", "schemas", "values")

    def __init__(self, owner: XdmValidator, schemas: _Schemas) -> None:
        self._owner: XdmValidator | None = owner
        self._pending = schemas
        self.schemas: _Schemas = []
        self.keys: _Group | None = None  # declared properties; None when the object is free-form
        self.values: _Node | None = None  # map values (`additionalProperties` schema)
        self.items: _Node | None = None

    def ready(self) -> _Node:
        if self._owner is not None:
            owner, self._owner = self._owner, None
            owner._compile(self, self._pending)
        return self


class XdmValidator:
    def __init__(self, documents: Mapping[str, Mapping[str, Any]], root: Mapping[str, Any]) -> None:
        self._documents = documents
        try:
            resources = [(i, _cheap_context(dict(d))) for i, d in documents.items()]
            registry = jsonschema_rs.Registry(resources, retriever=_refuse)
            self._validator = jsonschema_rs.validator_for(
                dict(root), registry=registry, retriever=_refuse, validate_formats=True
            )
        except (jsonschema_rs.ReferencingError, ValueError) as error:
            raise XdmSchemaError(f"the schemas do not resolve offline: {error}") from None
        self._root = _Node(self, [("", root)]).ready()
        event_type = self._root.keys.keys.get("eventType") if self._root.keys else None
        self.event_types: frozenset[str] = frozenset(
            key for _, schema in (event_type[1].ready().schemas if isinstance(event_type, tuple) else [])
            for key in schema.get("meta:enum", {})
        )

    @classmethod
    def from_directory(cls, path: str | Path, *, schema_id: str | None = None,
                       class_id: str = EXPERIENCE_EVENT) -> XdmValidator:
        """Load the schemas under `path`; validate against `schema_id` if given, else compose `class_id` with
        its field groups found in the directory."""
        documents = load_documents(Path(path))
        if schema_id is not None:
            if schema_id not in documents:
                raise XdmSchemaError(f"no schema with $id {schema_id} under {path}")
            return cls(documents, {"$schema": DRAFT_06, "allOf": [{"$ref": schema_id}]})
        if class_id not in documents:
            raise XdmSchemaError(f"the class {class_id} is not among the schemas under {path}")
        groups = field_groups(documents, class_id)
        return cls(documents, {"$schema": DRAFT_06, "allOf": [{"$ref": ref} for ref in (class_id, *groups)]})

    def _resolve(self, base: str, ref: str) -> tuple[str, Mapping[str, Any]]:
        uri, _, pointer = ref.partition("#")
        target: Any = self._documents.get(doc_id := uri or base)
        if target is None:
            raise XdmSchemaError(f"$ref {ref} points at no schema in the directory")
        for part in filter(None, pointer.split("/")):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return doc_id, target

    def _expand(self, schemas: Iterable[tuple[str, Mapping[str, Any]]]) -> _Schemas:
        out: _Schemas = []
        pending = list(schemas)
        while pending:
            base, schema = pending.pop(0)
            base = schema.get("$id", base)
            out.append((base, schema))
            if "$ref" in schema:
                pending.append(self._resolve(base, schema["$ref"]))
            for keyword in ("allOf", "anyOf", "oneOf"):
                pending.extend((base, sub) for sub in schema.get(keyword, ()))
        return out

    def _compile(self, node: _Node, schemas: _Schemas) -> None:
        expanded = self._expand(schemas)
        node.schemas = expanded
        children: dict[str, _Schemas] = {}
        values: _Schemas = []
        items: _Schemas = []
        for base, schema in expanded:
            for name, sub in schema.get("properties", {}).items():
                if name != "@context":  # JSON-LD context declarations are not data
                    children.setdefault(name, []).append((base, sub))
            if isinstance(schema.get("additionalProperties"), dict):
                values.append((base, schema["additionalProperties"]))
            if isinstance(schema.get("items"), dict):
                items.append((base, schema["items"]))
        if children:
            node.keys = _Group()
            for name, subs in children.items():
                *groups, last = edge_path(name)
                group = node.keys
                for segment in groups:
                    nested = group.keys.setdefault(segment, _Group())
                    if not isinstance(nested, _Group):
                        break  # an Edge name taken by a property and a namespace at once: keep the property
                    group = nested
                else:
                    group.keys[last] = (name, _Node(self, subs))
        if values:
            node.values = _Node(self, values)
        if items:
            node.items = _Node(self, items)

    def errors(self, event: object) -> list[str]:
        """Every problem of an Edge-named XDM event, `$.path: message`; an empty list when it is valid."""
        problems: list[tuple[str, str]] = []
        translated = _translate(event, self._root, (), problems)
        if not self._validator.is_valid(translated):  # is_valid stops at the first error: cheap when valid
            problems.extend(map(_schema_problem, self._validator.iter_errors(translated)))
        problems.extend(self._strict(event))
        # A datatype reached through two field groups reports the same problem twice: keep one.
        unique = dict.fromkeys(sorted(problems, key=lambda p: p[0]))
        return [f"{path}: {message}" for path, message in unique]

    def _strict(self, event: object) -> list[tuple[str, str]]:
        if not isinstance(event, dict):
            return []
        problems: list[tuple[str, str]] = []
        event_type = event.get("eventType")
        if event_type is None:
            problems.append(("$.eventType", "missing: every event needs an eventType from XDM's list"))
        elif self.event_types and event_type not in self.event_types:
            hint = difflib.get_close_matches(str(event_type), self.event_types, n=1)
            problems.append(("$.eventType", f"{_short(event_type)} is not an XDM event type (time-series "
                             f"meta:enum){f'; did you mean {hint[0]!r}?' if hint else ''}"))
        identities = event.get("identityMap")
        if not isinstance(identities, dict):
            problems.append(("$.identityMap", "missing: exactly one identity must be primary"))
            return problems
        primaries: list[str] = []
        for namespace, items in identities.items():
            for index, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and (not isinstance(item.get("id"), str) or not item["id"].strip()):
                    where = format_path(("identityMap", namespace, index, "id"))
                    problems.append((where, "identity id must be a non-empty string"))
                if isinstance(item, dict) and item.get("primary") is True:
                    primaries.append(f"{namespace}[{index}]")
        if len(primaries) != 1:
            found = f"{len(primaries)} ({', '.join(primaries) or 'none'})"
            problems.append(("$.identityMap", f"exactly one identity must be primary, found {found}"))
        return problems


def _translate(value: object, node: _Node, path: tuple[str | int, ...], problems: list[tuple[str, str]]) -> object:
    if isinstance(value, dict):
        if node.keys is not None:
            out: dict[str, object] = {}
            _fill(value, node.keys, out, path, problems)
            return out
        if node.values is not None:
            return {k: _translate(v, node.values.ready(), (*path, k), problems) for k, v in value.items()}
        return value
    if isinstance(value, list) and node.items is not None:
        return [_translate(v, node.items.ready(), (*path, i), problems) for i, v in enumerate(value)]
    return value


def _fill(value: dict[str, object], group: _Group, out: dict[str, object], path: tuple[str | int, ...],
          problems: list[tuple[str, str]]) -> None:
    for key, child in value.items():
        entry = group.keys.get(key)
        if entry is None:
            hint = difflib.get_close_matches(key, list(group.keys), n=1)
            problems.append((format_path((*path, key)), "unknown key: no XDM schema declares it here"
                             + (f"; did you mean {hint[0]!r}?" if hint else "")))
        elif isinstance(entry, _Group):
            if isinstance(child, dict):
                _fill(child, entry, out, (*path, key), problems)
            else:
                problems.append((format_path((*path, key)), f"{_short(child)} is not an object (a namespace of "
                                 f"XDM fields: {', '.join(sorted(entry.keys))})"))
        else:
            out[entry[0]] = _translate(child, entry[1].ready(), (*path, key), problems)


def _short(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _schema_problem(error: jsonschema_rs.ValidationError) -> tuple[str, str]:
    path = format_path([s for p in error.instance_path for s in ((p,) if isinstance(p, int) else edge_path(p))])
    kind = error.kind
    instance = _short(error.instance)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        message = f"missing required key {'.'.join(edge_path(kind.property))!r}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        message = f"{instance} is not of type {' or '.join(kind.types)}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Format):
        message = f"{instance} is not a valid {kind.format}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        message = f"{instance} is not one of {', '.join(map(str, kind.options))}"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Pattern):
        message = f"{instance} does not match the pattern {_short(kind.pattern)}"
    else:
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return path, message


def _cheap_context(document: dict[str, Any]) -> dict[str, Any]:
    """`extensible`'s JSON-LD `@context` rule at one regex per key instead of two `oneOf` branches of 37
    `patternProperties` (measured: 95 % of an event's validation time). The rule: every key is namespaced, or the
    object carries `@context`. Edge events never do (translation reports it as unknown), so the first branch alone
    decides; `propertyNames` with the document's own patterns says exactly that (in the loaded copy only)."""
    context = document.get("definitions", {}).get("@context")
    branches = context.get("oneOf") if isinstance(context, dict) else None
    first = branches[0] if branches else {}
    if not isinstance(first.get("patternProperties"), dict) or first.get("additionalProperties") is not False:
        return document
    pattern = "|".join(f"(?:{p})" for p in first["patternProperties"])
    definitions = {**document["definitions"], "@context": {"type": "object", "propertyNames": {"pattern": pattern}}}
    return {**document, "definitions": definitions}


def _refuse(uri: str) -> Any:
    raise ValueError(f"$ref {uri} is not in the schema directory (nothing is fetched)")


def load_documents(directory: Path) -> dict[str, Mapping[str, Any]]:
    if not directory.is_dir():
        raise XdmSchemaError(f"schema directory {directory} does not exist")
    documents: dict[str, Mapping[str, Any]] = {}
    for file in sorted(directory.rglob("*.json")):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise XdmSchemaError(f"{file} is not a readable JSON schema: {error}") from None
        if isinstance(document, dict) and isinstance(document.get("$id"), str):
            documents[document["$id"]] = document
    if not documents:
        raise XdmSchemaError(f"no JSON schema with an $id under {directory}")
    return documents


def field_groups(documents: Mapping[str, Mapping[str, Any]], class_id: str) -> list[str]:
    """Field groups meant to extend the class, less those another of them already includes (`meta:extends`)."""
    candidates = [i for i, d in documents.items() if class_id in d.get("meta:intendedToExtend", ())]
    included = {ref for i in candidates for ref in documents[i].get("meta:extends", ())}
    return sorted(i for i in candidates if i not in included)
