"""The XDM validator: every generated event validates strictly, and broken events are rejected with a path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema_rs
import pytest

from generators._composer import EVENT_KINDS
from generators._factory import seeded_faker
from generators._traffic import Traffic
from tests.contracts.reference import XDM_SCHEMAS
from xdm._validation import (
    EXPERIENCE_EVENT,
    XdmSchemaError,
    XdmValidator,
    _cheap_context,
    edge_path,
    field_groups,
    load_documents,
)

KINDS = EVENT_KINDS  # every registered kind: a new one is validated without an edit here
SEEDS = (1, 2, 3, 4)
PER_KIND = 10_000


@pytest.fixture(scope="module")
def validator() -> XdmValidator:
    return XdmValidator.from_directory(XDM_SCHEMAS)


@pytest.fixture(scope="module")
def streams() -> dict[int, Traffic]:
    return {seed: Traffic(seed, visitors=1_000) for seed in SEEDS}


@pytest.mark.parametrize("kind", KINDS)
def test_xdm_validator_accepts_ten_thousand_generated_events_of_each_kind(validator, streams, kind):
    problems: list[str] = []
    for seed, traffic in streams.items():
        for event in traffic.events(PER_KIND // len(SEEDS), kind):
            problems.extend(f"seed {seed}: {p}" for p in validator.errors(event))
    assert problems[:5] == []


def test_xdm_validator_accepts_journeys(validator, streams):
    events = [e for traffic in streams.values() for _ in range(250) for e in traffic.journey()]
    assert len(events) > 1_000
    assert [p for e in events for p in validator.errors(e)][:5] == []


def test_xdm_validator_accepts_faker_provider_events(validator):
    fake = seeded_faker(12)
    events = [fake.xdm_event(kind) for kind in KINDS for _ in range(20)] + fake.xdm_journey()
    assert [p for e in events for p in validator.errors(e)][:5] == []


def _break(event: dict, path: str, value: object) -> dict:
    """A deep copy with the value at dotted `path` replaced (`...` deletes it)."""
    broken = copy.deepcopy(event)
    *parents, last = path.split(".")
    target = broken
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return broken


@pytest.mark.parametrize(("path", "value", "expected"), [
    pytest.param("timestamp", "2025-06-02T08:00:00", '$.timestamp: "2025-06-02T08:00:00" is not a valid date-time',
                 id="naive-timestamp"),
    pytest.param("timestamp", 1748851200, "$.timestamp: 1748851200 is not of type string", id="unix-timestamp"),
    pytest.param("device.screenWidth", "1920", '$.device.screenWidth: "1920" is not of type integer',
                 id="wrong-type"),
    pytest.param("web.webPageDetails.URl", "https://x.test/", "$.web.webPageDetails.URl: unknown key",
                 id="unknown-nested-key"),
    pytest.param("pageViews", 1, "$.pageViews: unknown key", id="unknown-top-level-key"),
    pytest.param("device.screenOrientation", "sideways", '$.device.screenOrientation: "sideways" is not one of',
                 id="bad-enum"),
    pytest.param("eventType", "web.webpagedetails.pageView", "$.eventType: \"web.webpagedetails.pageView\" is not "
                 "an XDM event type", id="bad-event-type"),
    pytest.param("eventType", ..., "$.eventType: missing", id="missing-event-type"),
    pytest.param("_id", ..., "$: missing required key '_id'", id="missing-id"),
    pytest.param("environment.ipV4", "300.1.2.3", '$.environment.ipV4: "300.1.2.3" is not a valid ipv4',
                 id="bad-ipv4"),
    pytest.param("environment._dc.language", "english!", "$.environment._dc.language: \"english!\" does not match",
                 id="bad-language-tag"),
    pytest.param("environment._dc", "en-US", '$.environment._dc: "en-US" is not an object', id="namespace-scalar"),
    pytest.param("web.webPageDetails.pageViews", {}, "$.web.webPageDetails.pageViews: missing required key 'value'",
                 id="measure-without-value"),
    pytest.param("placeContext.geo._schema.latitude", 123.0, "$.placeContext.geo._schema.latitude: 123.0 is "
                 "greater than the maximum", id="latitude-out-of-range"),
])
def test_xdm_validator_rejects_a_broken_page_view(validator, streams, path, value, expected):
    event = json.loads(json.dumps(streams[1].page_view()))
    assert validator.errors(event) == []
    problems = validator.errors(_break(event, path, value))
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(("identity_map", "expected"), [
    pytest.param({"ECID": [{"id": "1" * 38, "primary": True}], "FPID": [{"id": "x", "primary": True}]},
                 "$.identityMap: exactly one identity must be primary, found 2 (ECID[0], FPID[0])", id="two-primaries"),
    pytest.param({"ECID": [{"id": "1" * 38, "primary": False}]},
                 "$.identityMap: exactly one identity must be primary, found 0 (none)", id="no-primary"),
    pytest.param({"ECID": [{"primary": True}]}, "$.identityMap.ECID[0].id: identity id must be a non-empty string",
                 id="missing-identity-id"),
    pytest.param({"ECID": [{"id": " ", "primary": True}]},
                 "$.identityMap.ECID[0].id: identity id must be a non-empty string", id="blank-identity-id"),
    pytest.param({"ECID": [{"id": "1", "primary": True, "authenticatedState": "yes"}]},
                 '$.identityMap.ECID[0].authenticatedState: "yes" is not one of', id="bad-authenticated-state"),
    pytest.param({"ECID": [{"id": "1", "primary": "true"}]}, "$.identityMap.ECID[0].primary: \"true\" is not of "
                 "type boolean", id="primary-not-boolean"),
])
def test_xdm_validator_enforces_identity_rules(validator, streams, identity_map, expected):
    event = json.loads(json.dumps(streams[1].page_view()))
    event["identityMap"] = identity_map
    problems = validator.errors(event)
    assert any(p.startswith(expected) for p in problems), problems


def test_xdm_validator_requires_sku_on_product_list_items(validator, streams):
    event = json.loads(json.dumps(streams[1].purchase()))
    del event["productListItems"][0]["SKU"]
    assert "$.productListItems[0]: missing required key 'SKU'" in validator.errors(event)


def test_xdm_validator_reports_every_problem_of_an_event(validator, streams):
    event = _break(_break(json.loads(json.dumps(streams[1].page_view())), "timestamp", "now"), "device.typo", 1)
    event["identityMap"] = {}
    problems = validator.errors(event)
    assert [p.split(":")[0] for p in problems] == ["$.device.typo", "$.identityMap", "$.timestamp"]


def test_xdm_validator_suggests_the_name_meant(validator, streams):
    event = _break(json.loads(json.dumps(streams[1].page_view())), "web.webPageDetails.URl", "x")
    assert "did you mean 'URL'?" in " ".join(validator.errors(event))


def test_xdm_validator_translates_experience_namespace_fields(validator, streams):
    event = json.loads(json.dumps(streams[1].page_view()))
    event["_experience"] = {"decisioning": {"propositionEventType": {"display": 1}, "propositions": [
        {"id": "AT:eyJhY3Rpdml0eUlkIjoiMTIzNDUifQ==", "scope": "__view__"}]}}
    event["eventType"] = "decisioning.propositionDisplay"
    assert validator.errors(event) == []
    event["_experience"]["decisioning"]["propositoins"] = []
    assert validator.errors(event)[0].startswith("$._experience.decisioning.propositoins: unknown key")


@pytest.mark.parametrize(("xdm_name", "edge"), [
    pytest.param("xdm:web", ("web",), id="xdm-prefix"),
    pytest.param("@id", ("_id",), id="json-ld-id"),
    pytest.param("dc:language", ("_dc", "language"), id="other-prefix"),
    pytest.param("schema:latitude", ("_schema", "latitude"), id="schema-org"),
    pytest.param("https://ns.adobe.com/experience/decisioning/propositions", ("_experience", "decisioning",
                 "propositions"), id="adobe-uri"),
    pytest.param("https://ns.adobe.com/xdm/channels/application", ("_channels", "application"), id="xdm-uri"),
    pytest.param("ECID", ("ECID",), id="map-key"),
])
def test_xdm_edge_path_follows_compatibility_mode(xdm_name, edge):
    assert edge_path(xdm_name) == edge


def test_xdm_field_groups_do_not_double_the_web_sdk_parts():
    groups = field_groups(load_documents(XDM_SCHEMAS), EXPERIENCE_EVENT)
    assert "https://ns.adobe.com/experience/aep-web-sdk-experienceevent" in groups
    assert "https://ns.adobe.com/xdm/context/experienceevent-commerce" in groups
    assert "https://ns.adobe.com/xdm/context/experienceevent-web" not in groups


@pytest.mark.parametrize("probe", [
    pytest.param({"xdm:a": 1, "@id": "x", "https://ns.adobe.com/t/b": 2, "schema:c": 3}, id="namespaced"),
    pytest.param({"xdm:a": 1, "plain": 2}, id="one-plain-key"),
    pytest.param({}, id="empty"),
    pytest.param("text", id="not-an-object"),
    pytest.param({"repo:x": 1, "@type": "y"}, id="repo-and-type"),
])
def test_xdm_cheap_context_gives_the_verdict_of_the_original(probe):
    original = json.loads((XDM_SCHEMAS / "components/datatypes/extensible.schema.json").read_text(encoding="utf-8"))
    ref = {"$schema": "http://json-schema.org/draft-06/schema#",
           "$ref": "https://ns.adobe.com/xdm/common/extensible#/definitions/@context"}
    verdicts = [
        jsonschema_rs.validator_for(ref, registry=jsonschema_rs.Registry([(document["$id"], document)])).is_valid(probe)
        for document in (original, _cheap_context(original))
    ]
    assert verdicts[0] == verdicts[1]


def _write(directory: Path, schemas: list[dict]) -> Path:
    for index, schema in enumerate(schemas):
        (directory / f"s{index}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    return directory


def _tiny_class(extra_ref: str | None = None) -> dict:
    refs = [{"$ref": "#/definitions/event"}] + ([{"$ref": extra_ref}] if extra_ref else [])
    return {"$id": EXPERIENCE_EVENT, "$schema": "http://json-schema.org/draft-06/schema#", "type": "object",
            "definitions": {"event": {"properties": {
                "@id": {"type": "string"}, "xdm:eventType": {"type": "string", "meta:enum": {"a.b": "A B"}},
                "xdm:identityMap": {"type": "object", "additionalProperties": {"type": "array", "items": {
                    "type": "object", "properties": {"xdm:id": {"type": "string"}, "xdm:primary": {
                        "type": "boolean"}}}}}}}},
            "required": ["@id"], "allOf": refs}


def test_xdm_validator_uses_the_schemas_of_the_directory_it_is_given(tmp_path):
    group = {"$id": "https://example.test/shop", "$schema": "http://json-schema.org/draft-06/schema#",
             "meta:intendedToExtend": [EXPERIENCE_EVENT],
             "properties": {"https://ns.adobe.com/acme/loyalty/tier": {"type": "string", "enum": ["gold"]}}}
    validator = XdmValidator.from_directory(_write(tmp_path, [_tiny_class(), group]))
    event = {"_id": "1", "eventType": "a.b", "identityMap": {"ECID": [{"id": "1", "primary": True}]},
             "_acme": {"loyalty": {"tier": "gold"}}}
    assert validator.errors(event) == []
    event["_acme"]["loyalty"]["tier"] = "tin"
    event["eventType"] = "web.webpagedetails.pageViews"
    assert validator.errors(event) == [
        '$._acme.loyalty.tier: "tin" is not one of gold',
        '$.eventType: "web.webpagedetails.pageViews" is not an XDM event type (time-series meta:enum)',
    ]


def test_xdm_validator_fetches_nothing_for_a_reference_outside_the_directory(tmp_path):
    directory = _write(tmp_path, [_tiny_class(extra_ref="https://schemas.example.invalid/missing")])
    with pytest.raises(XdmSchemaError, match="missing"):
        XdmValidator.from_directory(directory)


@pytest.mark.parametrize(("setup", "needle"), [
    pytest.param(lambda d: d / "absent", "does not exist", id="no-directory"),
    pytest.param(lambda d: d, "no JSON schema with an $id", id="empty-directory"),
    pytest.param(lambda d: _write(d, [{"$id": "https://example.test/other", "type": "object"}]), "the class",
                 id="class-missing"),
])
def test_xdm_validator_refuses_an_unusable_directory(tmp_path, setup, needle):
    with pytest.raises(XdmSchemaError, match=needle.replace("$", r"\$")):
        XdmValidator.from_directory(setup(tmp_path))
