"""The OpenAPI contract, loaded once and compiled for the verdict.

Everything the checks need per exchange is computed here ahead of time: per (operation label, status) the
documented media types with a compiled jsonschema-rs validator each, the required headers, and whether the body
carries `requestId` / `handle`. A check then costs dictionary look-ups and one compiled validation (the
verdict on a 200 takes at most 30 µs, docs/performance.md).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from contracts._violations import UnknownOperation

CONTRACT_PATH = Path(__file__).with_name("edge-network.openapi.yaml")
PROBLEM_JSON = "application/problem+json"

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """What the contract documents for one status of one operation."""

    status: int
    # media type -> compiled validator of the body; empty when the status is documented without a body
    validators: Mapping[str, jsonschema_rs.Validator]
    # the validator used when the Content-Type header is wrong: the body is judged on its own (orthogonal checks)
    default_validator: jsonschema_rs.Validator | None
    required_headers: frozenset[str]
    carries_request_id: bool
    carries_handle: bool
    is_problem: bool

    @property
    def has_body(self) -> bool:
        return bool(self.validators)


@dataclass(frozen=True, slots=True)
class OperationSpec:
    label: str
    paths: tuple[str, ...]
    responses: Mapping[int, ResponseSpec]


def resolve(document: JsonObject, node: Any, _seen: tuple[str, ...] = ()) -> Any:
    """`node` with every local `$ref` inlined (siblings of a `$ref` override the target, as OpenAPI 3.1 allows)."""
    if isinstance(node, list):
        return [resolve(document, item, _seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in _seen:
            raise ValueError(f"recursive $ref {ref} in the contract: the resolver inlines references")
        target = resolve(document, pointer(document, ref), (*_seen, ref))
        siblings = {key: resolve(document, value, _seen) for key, value in node.items() if key != "$ref"}
        return {**target, **siblings} if isinstance(target, dict) else target
    return {key: resolve(document, value, _seen) for key, value in node.items()}


def pointer(document: JsonObject, ref: str) -> Any:
    """The node a local JSON pointer (`#/components/schemas/X`) names."""
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported in the contract, got {ref}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def compile_schema(schema: JsonObject) -> jsonschema_rs.Validator:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; `x-*` annotations are unknown keywords, ignored by design.
    return jsonschema_rs.Draft202012Validator(schema)


def _declares(schema: JsonObject, name: str) -> bool:
    """Whether a resolved schema (possibly an `allOf`) declares property `name`."""
    if name in schema.get("properties", {}):
        return True
    return any(_declares(part, name) for part in schema.get("allOf", ()))


def _response_spec(status: int, response: JsonObject) -> ResponseSpec:
    content: JsonObject = response.get("content") or {}
    validators = {media: compile_schema(entry.get("schema", {})) for media, entry in content.items()}
    schemas = [entry.get("schema", {}) for entry in content.values()]
    headers = response.get("headers") or {}
    return ResponseSpec(
        status=status,
        validators=validators,
        default_validator=next(iter(validators.values()), None),
        required_headers=frozenset(name.lower() for name, header in headers.items() if header.get("required")),
        carries_request_id=any(_declares(schema, "requestId") for schema in schemas),
        carries_handle=any(_declares(schema, "handle") for schema in schemas),
        is_problem=PROBLEM_JSON in content,
    )


class Contract:
    """The loaded contract: raw document, per-operation response specs, handle payload validators."""

    def __init__(self, document: JsonObject) -> None:
        self.document = document
        self.operations: dict[str, OperationSpec] = {}
        self._responses: dict[tuple[str, int], ResponseSpec] = {}
        paths: dict[str, list[str]] = {}
        for path, item in document["paths"].items():
            for method, operation in item.items():
                label = operation.get("x-operation-label") or f"{method.upper()} {path}"
                paths.setdefault(label, []).append(path)
                for code, response in resolve(document, operation.get("responses", {})).items():
                    # The same label spans the plain and the hint path: their responses are unioned.
                    self._responses.setdefault((label, int(code)), _response_spec(int(code), response))
        for label, label_paths in paths.items():
            responses = {status: spec for (name, status), spec in self._responses.items() if name == label}
            self.operations[label] = OperationSpec(label, tuple(label_paths), dict(sorted(responses.items())))
        handle = self.schema("EventHandle")
        self.handle_payloads: dict[str, jsonschema_rs.Validator] = {
            handle_type: compile_schema({"type": "array", "items": item})
            for handle_type, item in handle.get("x-handle-payloads", {}).items()
        }

    def response(self, label: str, status: int) -> ResponseSpec | None:
        """The documented response, None when the status is undocumented; raises for an unknown operation."""
        spec = self._responses.get((label, status))
        if spec is None and label not in self.operations:
            known = ", ".join(sorted(self.operations))
            raise UnknownOperation(f"{label!r} is not an operation of the contract; use one of: {known}")
        return spec

    def schema(self, name: str) -> JsonObject:
        """A component schema with its references inlined."""
        resolved: JsonObject = resolve(self.document, self.document["components"]["schemas"][name])
        return resolved

    def validator(self, name: str) -> jsonschema_rs.Validator:
        return compile_schema(self.schema(name))


def load_document(path: Path = CONTRACT_PATH) -> JsonObject:
    with path.open("rb") as handle:
        loaded: JsonObject = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return loaded


@functools.cache
def contract() -> Contract:
    """The contract of this package, loaded and compiled once per process."""
    return Contract(load_document())
