"""Field types of v2 request bodies: EXEG-0102-400 naming the field, 0103-400 for a missing id (troubleshooting.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.emulator.asgi_client import DEFAULT, call, collect_body, interact_body, make_app

PAGE_VIEW = json.loads((Path(__file__).resolve().parents[2] / "benchmarks" / "emulator_page_view.json").read_text())


def with_fields(**changes):
    body = interact_body()
    xdm = body["event"]["xdm"]
    for dotted, value in changes.items():
        target, *path = dotted.split("__")
        node = {"xdm": xdm, "body": body, "event": body["event"]}[target]
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(with_fields(xdm__eventType=7), "event.xdm.eventType", id="eventType-number"),
        pytest.param(with_fields(xdm__timestamp="yesterday"), "event.xdm.timestamp", id="timestamp-not-date-time"),
        pytest.param(with_fields(xdm__web=[]), "event.xdm.web", id="web-array"),
        pytest.param(with_fields(event__xdm="x"), "event.xdm", id="xdm-string"),
        pytest.param(with_fields(event__data=None), "event.data", id="data-null"),
        pytest.param(
            with_fields(xdm__identityMap={"FPID": {"id": "x"}}), "event.xdm.identityMap.FPID", id="identity-list"
        ),
        pytest.param(
            with_fields(xdm__identityMap={"FPID": [{"id": "x", "primary": "yes"}]}),
            "event.xdm.identityMap.FPID[0].primary",
            id="primary-string",
        ),
        pytest.param(
            with_fields(xdm__identityMap={"FPID": [{"id": "x", "primary": True, "authenticatedState": "maybe"}]}),
            "event.xdm.identityMap.FPID[0].authenticatedState",
            id="authenticated-state-enum",
        ),
        pytest.param(
            with_fields(body__query={"identity": {"fetch": "ECID"}}), "query.identity.fetch", id="fetch-string"
        ),
        pytest.param(
            with_fields(body__query={"personalization": {"decisionScopes": [1]}}),
            "query.personalization.decisionScopes[0]",
            id="scope-number",
        ),
        pytest.param(
            with_fields(body__meta={"configOverrides": {"com_adobe_target": {"propertyToken": True}}}),
            "meta.configOverrides.com_adobe_target.propertyToken",
            id="config-override-bool",
        ),
        pytest.param(
            with_fields(body__meta={"state": {"entries": [{"key": "k", "value": 1}]}}),
            "meta.state.entries[0].value",
            id="state-value-number",
        ),
        pytest.param(
            with_fields(body__meta={"state": {"cookiesEnabled": "true"}}), "meta.state.cookiesEnabled", id="cookies"
        ),
    ],
)
def test_request_schema_wrong_type_is_0102_naming_the_field(body, field):
    answer = call(make_app(), body=body, query=DEFAULT)
    assert answer.status == 400
    assert answer.json()["type"].endswith("EXEG-0102-400")
    assert f"`{field}`" in answer.json()["detail"]


def test_request_schema_identity_without_id_is_0103():
    body = with_fields(xdm__identityMap={"FPID": [{"primary": True}]})
    document = call(make_app(), body=body, query=DEFAULT).json()
    assert document["type"].endswith("EXEG-0103-400")
    assert "`event.xdm.identityMap.FPID[0].id`" in document["detail"]


def test_request_schema_collect_event_fields_are_checked_with_their_index():
    body = collect_body("a", "b")
    body["events"][1]["xdm"]["eventType"] = ["x"]
    document = call(make_app(), "/ee/v2/collect", body, query=DEFAULT).json()
    assert document["type"].endswith("EXEG-0102-400")
    assert "`events[1].xdm.eventType`" in document["detail"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(PAGE_VIEW, id="benchmark-page-view"),
        pytest.param(with_fields(xdm__timestamp="2026-06-01T10:00:00.123+02:00"), id="offset-timestamp"),
        pytest.param(with_fields(xdm__customField={"any": ["thing"]}), id="unknown-xdm-field"),
        pytest.param(with_fields(event__data={"__adobe.target": {"profile.eyeColor": "brown"}}), id="nested-data"),
        pytest.param(
            with_fields(body__meta={"state": {"entries": [{"key": "k", "value": "v", "scope": "DEVICE"}]}}), id="state"
        ),
    ],
)
def test_request_schema_documented_bodies_pass(body):
    assert call(make_app(), body=body, query=DEFAULT).status == 200
