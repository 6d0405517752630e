"""Valid requests to every operation keep the contract and succeed."""

from __future__ import annotations

import pytest

from contract_runner._client import Edge
from contract_runner.suite import bodies
from contract_runner.suite.conftest import Verdict


def test_interact_v2_with_a_valid_event_answers_200(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/interact", bodies.interact()), status=200)


def test_interact_v2_with_identity_and_personalization_queries_answers_200(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/interact", bodies.interact(query=bodies.personalization())), status=200)


def test_interact_v2_accepts_the_data_stream_id_spelling(edge: Edge, verdict: Verdict) -> None:
    exchange = edge.post("/ee/v2/interact", bodies.interact(), query={"dataStreamId": edge.datastream_id},
                         datastream=False)
    verdict(exchange, status=200)


def test_collect_v2_with_a_batch_answers_202(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/collect", bodies.events(3)), status=202)


def test_collect_v2_with_silent_answers_204_without_body(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v2/collect", bodies.events(2), query={"silent": "true"}), status=204)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain; charset=UTF-8"])
def test_interact_v1_answers_200_for_json_and_the_web_sdks_text_plain(
    edge: Edge, verdict: Verdict, content_type: str
) -> None:
    verdict(edge.post("/ee/v1/interact", bodies.events(2), content_type=content_type), status=200)


def test_collect_v1_answers_204(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v1/collect", bodies.events(2)), status=204)


def test_identity_acquire_v1_answers_200(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v1/identity/acquire", bodies.identity_acquire()), status=200)


def test_set_consent_v1_answers_200(edge: Edge, verdict: Verdict) -> None:
    verdict(edge.post("/ee/v1/privacy/set-consent", bodies.consent()), status=200)
