"""The verdict of a run, in one place: one of five words, each with its exit code (contracts._exit_codes), and the one
function deciding it.

| verdict | exit | when |
| PASS | 0 | the run started, ran its course and every gate passed |
| FAIL | 1 | a gate failed (the defaults included: errors, achieved rate, late sends, violations, cpu) |
| COULD NOT RUN | 2 | the run never started: bad settings, a target that does not start or answer TCP, no verdict |
| NOT TRUSTWORTHY | 3 | the `trust` gate failed (the generator's own clock distorted the timings and the schedule),
|                 |   | and no gate the clock cannot distort (errors, contract violations) failed: those make a FAIL |
| INTERRUPTED | 4 | Ctrl-C, SIGTERM, a dead child (embedded emulator, Locust worker): figures cover part of the run |

When several apply, the first in COULD NOT RUN > INTERRUPTED > NOT TRUSTWORTHY > FAIL > PASS wins: a run that
did not run its course says so before anything its partial figures say, and figures the clock distorted are not
worth judging against thresholds. Every output (console, summary.json, summary.md, JUnit, index.html, the web UI
tab) takes its word from here (docs/gates.md#verdicts).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from contracts import ExitCode
from loadtests._gates import GateResult
from loadtests._run_summary import RunSummary


class Outcome(enum.Enum):
    """The five verdicts; `value` is (rank, word, exit code), a higher rank wins when several apply."""

    PASS = (0, "PASS", ExitCode.OK)
    FAIL = (1, "FAIL", ExitCode.FAILED)
    NOT_TRUSTWORTHY = (2, "NOT TRUSTWORTHY", ExitCode.NOT_TRUSTWORTHY)
    INTERRUPTED = (3, "INTERRUPTED", ExitCode.INTERRUPTED)
    COULD_NOT_RUN = (4, "COULD NOT RUN", ExitCode.COULD_NOT_RUN)

    @property
    def rank(self) -> int:
        return int(self.value[0])

    @property
    def word(self) -> str:
        """What every output says: PASS, FAIL, NOT TRUSTWORTHY, INTERRUPTED or COULD NOT RUN."""
        return str(self.value[1])

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode(self.value[2])

    @property
    def slug(self) -> str:
        """The machine spelling (summary.json's `verdict`): pass, fail, not_trustworthy, interrupted, could_not_run."""
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug: str) -> Outcome:
        """The outcome of a slug; raises ValueError for anything else."""
        try:
            return cls[slug.strip().upper()]
        except KeyError:
            raise ValueError(f"not a verdict: {slug!r}") from None

    def worst(self, other: Outcome) -> Outcome:
        """The one of the two that wins by precedence."""
        return self if self.rank >= other.rank else other


def decide(gate_results: Sequence[GateResult], *, started: bool = True, interrupted: str | None = None) -> Outcome:
    """The run's verdict from: could it start, was it interrupted (why, or None), and its gate results."""
    if not started:
        return Outcome.COULD_NOT_RUN
    if interrupted:
        return Outcome.INTERRUPTED
    failed = [result for result in gate_results if not result.passed]
    # A clock that ran late distorts timings and the schedule, not answers: a failed gate on errors or contract
    # violations is a FAIL whatever the clock did, while failed latency, late-send or rate gates beside a failed
    # trust gate may be the generator's own doing (it could not keep its schedule). Which is which is a property
    # of each metric (loadtests._gate_metrics: `trust`, `clock`).
    if any(result.gate.definition.trust for result in failed) and all(
            result.gate.definition.clock for result in failed):
        return Outcome.NOT_TRUSTWORTHY
    return Outcome.FAIL if failed else Outcome.PASS


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    headline: str  # one line: the word, then why when it is not PASS
    reasons: tuple[str, ...]  # one line per failed gate, then how the run ended if early

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASS

    @property
    def word(self) -> str:
        return self.outcome.word


def verdict(summary: RunSummary, gate_results: Sequence[GateResult]) -> Verdict:
    """The verdict of a run that started (summary.interrupted says whether it was cut short), with its headline."""
    outcome = decide(gate_results, interrupted=summary.interrupted)
    failed = [result for result in gate_results if not result.passed]
    reasons = [result.message or f"{result.name}: measured {result.measured}" for result in failed]
    if summary.stop_reason:
        reasons.append(f"the run ended early: {summary.stop_reason}")
    return Verdict(outcome=outcome, headline=headline(outcome, gate_results, summary.interrupted),
                   reasons=tuple(reasons))


def headline(outcome: Outcome, gate_results: Sequence[GateResult], why: str | None = None) -> str:
    """'PASS: all 5 gates passed', 'FAIL: 2 of 5 gates failed (error_rate<1%, late<=1%)', ...; `why` says what
    interrupted the run or kept it from starting."""
    total = len(gate_results)
    gates = f"{total} gate{'s' if total != 1 else ''}"
    failed = [result for result in gate_results if not result.passed]
    names = ", ".join(result.name for result in failed)
    if outcome is Outcome.PASS:
        return f"PASS: all {gates} passed" if total else "PASS: no gates set"
    if outcome is Outcome.FAIL:
        return f"FAIL: {len(failed)} of {gates} failed ({names})"
    if outcome is Outcome.NOT_TRUSTWORTHY:
        trust = next(result for result in failed if result.gate.definition.trust)
        return f"NOT TRUSTWORTHY: {trust.message or trust.name + ': measured ' + trust.measured}"
    if outcome is Outcome.INTERRUPTED:
        judged = f"{len(failed)} of {gates} failed on what was measured" if failed else (
            f"all {gates} passed on what was measured, which is not the whole run")
        return f"INTERRUPTED: {why or 'the run did not run its course'}; {judged}"
    return f"COULD NOT RUN: {why or 'the load test did not start'}"
