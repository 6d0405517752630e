"""POST /ee/v2/collect: 202 with {requestId}, 204 when silent, identity required per event."""

from __future__ import annotations

import re

import pytest

from tests.emulator.asgi_client import DEFAULT, call, collect_body

COLLECT = "/ee/v2/collect"


def test_collect_answers_202_with_only_the_request_id(app):
    answer = call(app, COLLECT, collect_body("a", "b"), query={**DEFAULT, "requestId": "batch-1"})
    assert answer.status == 202
    document = answer.json()
    assert list(document) == ["requestId"]
    assert re.fullmatch(r"batch-1-[0-9a-f]{16}", document["requestId"])
    assert answer.headers["x-request-id"] == document["requestId"]
    assert answer.headers["content-type"] == "application/json;charset=utf-8"


@pytest.mark.parametrize("silent", ["true", "TRUE"])
def test_collect_answers_204_without_body_when_silent(app, silent):
    answer = call(app, COLLECT, collect_body("a"), query={**DEFAULT, "silent": silent})
    assert answer.status == 204
    assert answer.body == b""
    assert "content-type" not in answer.headers
    assert "content-length" not in answer.headers  # RFC 9110 §8.6


def test_collect_silent_false_answers_202(app):
    assert call(app, COLLECT, collect_body("a"), query={**DEFAULT, "silent": "false"}).status == 202


def test_collect_under_a_hint_path(app):
    answer = call(app, "/ee/jpn3/v2/collect", collect_body("a"), query=DEFAULT)
    assert answer.status == 202
    assert answer.headers["x-adobe-edge"] == "JPN3;10"


def test_collect_accepts_events_from_different_visitors(app):
    assert call(app, COLLECT, collect_body(*[f"visitor-{i}" for i in range(50)]), query=DEFAULT).status == 202
