"""`count=N` on a fault: act on the first N requests it fires on, then stop (a 503 retried once)."""

from __future__ import annotations

import pytest

from emulator._errors import ConfigError
from emulator._faults import parse_spec
from tests.emulator.v1_requests import body, event, make_web_app, post

SPEC = "server-error,status=503,retry_after=1,count=2"


def test_v1_fault_count_fails_exactly_the_first_n_requests_then_answers_normally():
    app = make_web_app()
    app.board.replace([parse_spec(SPEC)])
    answers = [post(app, "interact", body(event())) for _ in range(4)]
    assert [a.status for a in answers] == [503, 503, 200, 200]
    assert answers[0].headers["retry-after"] == "1"
    assert answers[0].json()["type"].endswith("EXEG-0000-503")
    assert app.stats.snapshot()["faults"] == {"server-error": 2}


def test_v1_fault_count_starts_again_after_reset_and_after_replace():
    app = make_web_app()
    app.board.replace([parse_spec("server-error,count=1")])
    first = [post(app, "interact", body(event())).status for _ in range(2)]
    app.reset()
    after_reset = post(app, "interact", body(event())).status
    app.board.replace([parse_spec("server-error,count=1")])
    after_replace = post(app, "interact", body(event())).status
    assert (first, after_reset, after_replace) == ([503, 200], 503, 503)


def test_v1_fault_count_only_counts_requests_the_fault_applies_to():
    app = make_web_app()
    app.board.replace([parse_spec("server-error,count=1,operation=POST /ee/v1/interact")])
    collect = post(app, "collect", body(event())).status
    interact = [post(app, "interact", body(event())).status for _ in range(2)]
    assert (collect, interact) == (204, [503, 200])


def test_v1_fault_count_appears_in_the_canonical_spec():
    assert parse_spec(SPEC).spec() == "server-error:1,count=2"
    assert parse_spec("latency,ms=5").count is None


@pytest.mark.parametrize("count", ["0", "-1", "1.5", "many"])
def test_v1_fault_count_must_be_a_whole_number_of_requests(count):
    with pytest.raises(ConfigError, match="count"):
        parse_spec(f"stall,count={count}")
