"""Our contract is compatible with Adobe's official OpenAPI document.

For every operation the official document defines: the operation exists in ours (its servers URL ends in `/ee/`,
ours spells the `/ee` prefix in the paths), with every parameter, security scheme, request media type, response
status and required field; and every `example` in the official document validates against our schema at the same
place. Both documents are walked from the operations through `$ref`, `allOf`/`anyOf`/`oneOf`, `properties`,
`items` ("[]") and `additionalProperties` ("*").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from contracts._schemas import compile_schema, contract, pointer, resolve
from tests.contracts.reference import official_spec

OFFICIAL = official_spec()
OURS = contract().document
Path = tuple[str, ...]

# Places where ours knowingly differs, each with the reason. The test fails if an entry stops being needed.
KNOWN_DEVIATIONS: dict[tuple[str, Path, str], str] = {
    ("/v1/privacy/set-consent", ("request", "application/json", "consent", "[]"), "type"): (
        "official ConsentStandard lists `type` as required but never defines it; consent items carry "
        "`standard`, `version`, `value` (Web SDK), which ours requires"
    ),
}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in OFFICIAL["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


OPERATION_IDS = [f"{method.upper()} {path}" for path, method, _ in operations()]


def ours_operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = OURS["paths"][f"/ee{path}"][method]
    return operation


def walk(document: dict[str, Any], node: Any, path: Path, visit: Callable[[dict[str, Any], Path], None],
         refs: tuple[str, ...] = ()) -> None:
    """Visit every schema node reachable from `node`, with its place as a path of property names."""
    while isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in refs:
            return
        refs = (*refs, node["$ref"])
        node = pointer(document, node["$ref"])
    if not isinstance(node, dict):
        return
    visit(node, path)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for part in node.get(keyword, ()):
            walk(document, part, path, visit, refs)
    for name, sub in node.get("properties", {}).items():
        walk(document, sub, (*path, name), visit, refs)
    if isinstance(node.get("items"), dict):
        walk(document, node["items"], (*path, "[]"), visit, refs)
    if isinstance(node.get("additionalProperties"), dict):
        walk(document, node["additionalProperties"], (*path, "*"), visit, refs)


def schema_roots(document: dict[str, Any], operation: dict[str, Any]) -> Iterator[tuple[Path, Any]]:
    """(place, schema) of the request body and every response body of an operation."""
    body = operation.get("requestBody")
    if body is not None:
        for media, entry in follow(document, body).get("content", {}).items():
            yield ("request", media), entry.get("schema", {})
    for status, response in operation.get("responses", {}).items():
        for media, entry in follow(document, response).get("content", {}).items():
            yield (str(status), media), entry.get("schema", {})


def follow(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A request body or response object behind its `$ref`, its schemas left as they are (node identity kept)."""
    while "$ref" in node:
        node = pointer(document, node["$ref"])
    return node


def parts(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for keyword in ("allOf", "anyOf", "oneOf"):
        for part in node.get(keyword, ()):
            yield from parts(part)


def ours_at(operation: dict[str, Any], place: Path) -> dict[str, Any] | None:
    """Our resolved schema at a place; `{}` where ours is open there (accepts anything), None where it is absent."""
    roots = dict(schema_roots(OURS, operation))
    node: dict[str, Any] | None = resolve(OURS, roots.get(place[:2])) if place[:2] in roots else None
    for step in place[2:]:
        if node is None:
            return None
        found: Any = None
        for part in parts(node):
            if step == "[]":
                found = part.get("items", found)
            elif step == "*":
                found = part.get("additionalProperties", found)
            else:
                found = part.get("properties", {}).get(step, found)
        node = found if isinstance(found, dict) else ({} if found is None and _open(node, step) else None)
    return node


def _open(node: dict[str, Any], step: str) -> bool:
    # An object without declared properties, or an array without items, accepts anything below it.
    if step == "[]":
        return all("items" not in part for part in parts(node))
    return all(not part.get("properties") and part.get("additionalProperties") is not False for part in parts(node))


def required_at(node: dict[str, Any]) -> set[str]:
    return {name for part in parts(node) for name in part.get("required", ())}


@pytest.mark.parametrize(("path", "method", "official"), list(operations()), ids=OPERATION_IDS)
def test_contract_has_every_official_operation_parameter_and_security_scheme(path, method, official):
    ours = ours_operation(path, method)
    our_parameters = {(p["in"], p["name"]): p for p in resolve(OURS, ours.get("parameters", []))}
    for parameter in resolve(OFFICIAL, official.get("parameters", [])):
        key = (parameter["in"], parameter["name"])
        assert key in our_parameters, f"{method} {path}: parameter {key} missing"
        if parameter.get("required"):
            assert our_parameters[key].get("required"), f"{method} {path}: parameter {key} must be required"
    our_schemes = {name for requirement in ours.get("security", ()) for name in requirement}
    for requirement in official.get("security", ()):
        for name in requirement:
            assert name in our_schemes
            assert OURS["components"]["securitySchemes"][name] == {
                **OFFICIAL["components"]["securitySchemes"][name],
                "description": OURS["components"]["securitySchemes"][name]["description"],
            }


@pytest.mark.parametrize(("path", "method", "official"), list(operations()), ids=OPERATION_IDS)
def test_contract_has_every_official_media_type_and_status(path, method, official):
    ours = ours_operation(path, method)
    assert set(dict(schema_roots(OFFICIAL, official))) <= set(dict(schema_roots(OURS, ours)))
    assert {str(status) for status in official["responses"]} <= set(ours["responses"])


@pytest.mark.parametrize(("path", "method", "official"), list(operations()), ids=OPERATION_IDS)
def test_contract_declares_and_requires_every_official_required_field(path, method, official):
    ours = ours_operation(path, method)
    missing: list[tuple[Path, str]] = []

    def visit(node: dict[str, Any], place: Path) -> None:
        for name in node.get("required", ()):
            our_node = ours_at(ours, place)
            if our_node is None or name not in required_at(our_node):
                missing.append((place, name))

    for place, schema in schema_roots(OFFICIAL, official):
        walk(OFFICIAL, schema, place, visit)
    expected = sorted({(place, name) for (p, place, name) in KNOWN_DEVIATIONS if p == path})
    assert sorted(set(missing)) == expected


def official_examples() -> Iterator[tuple[str, str, Path, Any, int]]:
    for path, method, official in operations():
        found: list[tuple[str, str, Path, Any, int]] = []

        def visit(node: dict[str, Any], place: Path, _f: list[Any] = found, _p: str = path, _m: str = method) -> None:
            if "example" in node:
                _f.append((_p, _m, place, node["example"], id(node)))

        for place, schema in schema_roots(OFFICIAL, official):
            walk(OFFICIAL, schema, place, visit)
        yield from found


EXAMPLES = list(official_examples())


def test_official_examples_are_all_reached_by_the_walk():
    every = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if "example" in node:
                every.append(id(node))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(OFFICIAL["components"]["schemas"])
    reached = {example_id for *_, example_id in EXAMPLES}
    assert len(every) == 17  # the pinned official document (SOURCES.md); guards against a walk that finds nothing
    assert set(every) <= reached


@pytest.mark.parametrize(
    ("path", "method", "place", "example"),
    [(p, m, place, example) for p, m, place, example, _ in EXAMPLES],
    ids=[f"{m.upper()} {p} {'.'.join(place)}" for p, m, place, _, _ in EXAMPLES],
)
def test_official_example_validates_against_our_schema_at_the_same_place(path, method, place, example):
    our_node = ours_at(ours_operation(path, method), place)
    assert our_node is not None, f"ours has nothing at {'.'.join(place)}"
    assert compile_schema(our_node).is_valid(example)
