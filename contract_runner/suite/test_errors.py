"""Each documented error, provoked on purpose: the documented status and EXEG code, in a body that keeps the contract.

Codes from https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/ (copy:
tests/reference/exeg-error-codes.json).
"""

from __future__ import annotations

import orjson

from contract_runner._client import Edge
from contract_runner.suite import bodies
from contract_runner.suite.conftest import Verdict
from targets import UNKNOWN_DATASTREAM_ID

INTERACT = "/ee/v2/interact"


def test_missing_datastream_answers_exeg_0002_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post(INTERACT, bodies.interact(), datastream=False), status=400, code="EXEG-0002-400")


def test_unknown_datastream_answers_exeg_0003_400(edge: Edge, verdict: Verdict) -> None:
    exchange = edge.post(INTERACT, bodies.interact(), query={"datastreamId": UNKNOWN_DATASTREAM_ID})
    verdict(exchange, status=400, code="EXEG-0003-400")


def test_disabled_datastream_answers_exeg_0004_422(edge: Edge, verdict: Verdict, disabled_datastream: str) -> None:
    exchange = edge.post(INTERACT, bodies.interact(), query={"datastreamId": disabled_datastream})
    verdict(exchange, status=422, code="EXEG-0004-422")


def test_authenticated_datastream_without_credentials_answers_exeg_0500_401(
    edge: Edge, verdict: Verdict, authenticated_datastream: str
) -> None:
    exchange = edge.post(INTERACT, bodies.interact(), query={"datastreamId": authenticated_datastream},
                         authenticated=False)  # whatever the profile's credentials
    verdict(exchange, status=401, code="EXEG-0500-401")


def test_invalid_json_answers_exeg_0101_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post(INTERACT, raw=b'{"event": {"xdm": '), status=400, code="EXEG-0101-400")


def test_missing_event_answers_exeg_0103_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post(INTERACT, {"query": bodies.personalization()}), status=400, code="EXEG-0103-400")


def test_missing_events_in_collect_answers_exeg_0103_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/collect", {"events": []}), status=400, code="EXEG-0103-400")


def test_empty_body_answers_exeg_0109_408(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post(INTERACT, raw=b""), status=408, code="EXEG-0109-408")


def test_unsupported_content_type_answers_exeg_0111_415(edge: Edge, verdict: Verdict) -> None:
    exchange = edge.post(INTERACT, bodies.interact(), content_type="application/xml")
    verdict(exchange, status=415, code="EXEG-0111-415")


def test_body_over_64_kb_answers_exeg_0112_413(edge: Edge, verdict: Verdict) -> None:
    body = bodies.interact()
    body["event"]["data"] = {"padding": "x" * 70_000}  # guardrails.md: 64 KB per request
    verdict(edge.post(INTERACT, raw=orjson.dumps(body)), status=413, code="EXEG-0112-413")


def test_event_without_primary_identity_answers_exeg_0306_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post(INTERACT, bodies.interact(primary=False)), status=400, code="EXEG-0306-400")


def test_collect_event_without_primary_identity_answers_exeg_0306_400(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/collect", bodies.events(2, primary=False)), status=400, code="EXEG-0306-400")
