"""The recorded v1 request shapes (observed_v1_requests.json) still match what alloy sends.

The browser-like Locust persona is built from that record, so a drift in alloy's requests must fail here first.
"""

from __future__ import annotations

import json

import pytest

from tests.clients.node_runs import ScenarioReport
from tests.clients.observed_requests import FIXTURE, shapes

COMPARED = ("path_templates", "query", "content_types", "state_entry_keys", "statuses")


def _record() -> dict[str, dict[str, object]]:
    operations: dict[str, dict[str, object]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["operations"]
    return operations


def test_observed_requests_record_covers_the_four_v1_operations() -> None:
    assert sorted(_record()) == [
        "POST /ee/v1/collect",
        "POST /ee/v1/identity/acquire",
        "POST /ee/v1/interact",
        "POST /ee/v1/privacy/set-consent",
    ]


def test_observed_requests_match_what_alloy_sent_in_this_run(
    alloy_reports: dict[str, ScenarioReport], request: pytest.FixtureRequest
) -> None:
    environment = request.node.callspec.params["alloy_reports"]
    seen = shapes(alloy_reports)
    record = _record()
    assert sorted(seen) == sorted(record)
    for label, shape in seen.items():
        recorded = record[label]
        assert {key: shape[key] for key in COMPARED} == {key: recorded[key] for key in COMPARED}, label
        expected_paths = set(recorded["body_paths"])  # type: ignore[call-overload]
        if environment == "jsdom":  # a page without a screen: no screenOrientation and the like
            expected_paths -= set(recorded["browser_only_body_paths"])  # type: ignore[call-overload]
        assert set(shape["body_paths"]) == expected_paths, label
