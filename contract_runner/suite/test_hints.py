"""Location-hint paths: every documented region answers like the plain path; an unknown hint answers an empty 404."""

from __future__ import annotations

import pytest

from contract_runner._client import Edge
from contract_runner.suite import bodies
from contract_runner.suite.conftest import Verdict
from contracts import location_hints


@pytest.mark.parametrize("hint", location_hints())
def test_interact_v2_on_a_hint_path_answers_200(edge: Edge, verdict: Verdict, hint: str) -> None:
    verdict(edge.post(f"/ee/{hint}/v2/interact", bodies.interact()), status=200)


@pytest.mark.parametrize("hint", location_hints())
def test_collect_v2_on_a_hint_path_answers_202(edge: Edge, verdict: Verdict, hint: str) -> None:
    verdict(edge.post(f"/ee/{hint}/v2/collect", bodies.events(1)), status=202)


@pytest.mark.parametrize("path", ["/ee/zz9/v2/interact", "/ee/zz9/v2/collect", "/ee/zz9/v1/interact"])
def test_unknown_hint_answers_404_with_an_empty_body(edge: Edge, verdict: Verdict, path: str) -> None:
    exchange = verdict(edge.post(path, bodies.interact()), status=404)
    assert exchange.response_body == b""
