"""The five verdicts, their exit codes and their precedence (loadtests._verdict)."""

from __future__ import annotations

import pytest

from loadtests._gates import Gate, GateResult, evaluate, parse_gate
from loadtests._measurements import Measurements
from loadtests._verdict import Outcome, decide, headline, verdict

STARTED = 1_700_000_000.0


def _result(metric: str, passed: bool, message: str = "") -> GateResult:
    """A gate result built by hand: the trust gate's metric is registered elsewhere, the verdict reads any."""
    gate = Gate(text=f"{metric}<1", metric=metric, op="<", threshold=1.0)
    return GateResult(gate, gate.text, "< 1", "2" if not passed else "0", 2.0 if not passed else 0.0, passed,
                      message if not passed else "")


TRUST_FAILED = _result("trust", False, "trust<1: the generator woke 40 ms late (p99); use fewer users per core")


def test_outcome_words_and_exit_codes_are_distinct_and_documented():
    assert [(o.word, o.exit_code, o.slug) for o in Outcome] == [
        ("PASS", 0, "pass"), ("FAIL", 1, "fail"), ("NOT TRUSTWORTHY", 3, "not_trustworthy"),
        ("INTERRUPTED", 4, "interrupted"), ("COULD NOT RUN", 2, "could_not_run")]


@pytest.mark.parametrize("outcome", list(Outcome), ids=lambda o: o.slug)
def test_outcome_from_slug_reads_back_every_slug(outcome: Outcome):
    assert Outcome.from_slug(outcome.slug + "\n") is outcome


def test_outcome_from_slug_refuses_anything_else():
    with pytest.raises(ValueError, match="not a verdict"):
        Outcome.from_slug("incomplete")


@pytest.mark.parametrize(
    ("results", "started", "interrupted", "expected"),
    [
        pytest.param([_result("p99", True)], True, None, Outcome.PASS, id="pass"),
        pytest.param([], True, None, Outcome.PASS, id="no-gates"),
        pytest.param([_result("p99", False)], True, None, Outcome.FAIL, id="fail"),
        pytest.param([_result("p99", False), TRUST_FAILED], True, None, Outcome.NOT_TRUSTWORTHY, id="trust-over-fail"),
        pytest.param([_result("send_p99", False), _result("cpu", False), TRUST_FAILED], True, None,
                     Outcome.NOT_TRUSTWORTHY, id="trust-over-timings"),
        pytest.param([_result("error_rate", False), TRUST_FAILED], True, None, Outcome.FAIL,
                     id="errors-over-trust"),
        pytest.param([_result("p99", False), _result("late", False), _result("rps", False), TRUST_FAILED], True,
                     None, Outcome.NOT_TRUSTWORTHY, id="trust-over-schedule"),
        pytest.param([_result("violations", False), TRUST_FAILED], True, None, Outcome.FAIL,
                     id="violations-over-trust"),
        pytest.param([_result("trust", True), _result("p99", False)], True, None, Outcome.FAIL,
                     id="trust-passed"),
        pytest.param([TRUST_FAILED], True, "stopped by SIGINT", Outcome.INTERRUPTED, id="interrupted-over-trust"),
        pytest.param([_result("p99", True)], True, "lost worker-1", Outcome.INTERRUPTED, id="interrupted-passing"),
        pytest.param([TRUST_FAILED], False, "SIGINT", Outcome.COULD_NOT_RUN, id="could-not-run-over-all"),
    ],
)
def test_decide_follows_the_precedence(results, started, interrupted, expected):
    assert decide(results, started=started, interrupted=interrupted) is expected


def test_worst_picks_by_precedence_either_way():
    assert Outcome.PASS.worst(Outcome.INTERRUPTED) is Outcome.INTERRUPTED
    assert Outcome.COULD_NOT_RUN.worst(Outcome.INTERRUPTED) is Outcome.COULD_NOT_RUN
    assert Outcome.FAIL.worst(Outcome.NOT_TRUSTWORTHY) is Outcome.NOT_TRUSTWORTHY


def test_headline_says_why_for_each_verdict():
    failed = _result("p99", False)
    assert headline(Outcome.PASS, [_result("p99", True)]) == "PASS: all 1 gate passed"
    assert headline(Outcome.FAIL, [failed, _result("cpu", True)]) == "FAIL: 1 of 2 gates failed (p99<1)"
    assert headline(Outcome.NOT_TRUSTWORTHY, [failed, TRUST_FAILED]) == (
        "NOT TRUSTWORTHY: trust<1: the generator woke 40 ms late (p99); use fewer users per core")
    assert headline(Outcome.INTERRUPTED, [failed], "stopped by SIGINT") == (
        "INTERRUPTED: stopped by SIGINT; 1 of 1 gate failed on what was measured")
    assert headline(Outcome.COULD_NOT_RUN, [], "target refused") == "COULD NOT RUN: target refused"


def test_verdict_of_an_interrupted_summary_is_interrupted_even_when_every_gate_passed():
    m = Measurements(STARTED)
    m.record("POST /ee/v2/interact", 1000, None, STARTED + 1)
    summary = m.summary(STARTED + 2)
    results = evaluate([parse_gate("violations==0")], summary, None)
    assert verdict(summary, results).outcome is Outcome.PASS
    summary.interrupted = "stopped by SIGINT"
    outcome = verdict(summary, results)
    assert (outcome.outcome, outcome.passed, outcome.word) == (Outcome.INTERRUPTED, False, "INTERRUPTED")
