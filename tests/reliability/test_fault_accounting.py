"""The suite reports faults exactly: every request the emulator received is counted, every fault it
injected lands in its named category, as often as it was injected.

One load run carries every fault at its own rate and runs to a request count (`--requests`), not for a time, so
a busy machine makes it slower, never smaller: the emulator's own counts (`GET /_emulator/stats`: `total`,
`faults`) say exactly what it received and injected, so the suite's counts must equal them, not just come near;
each rate is also held to 4 binomial standard deviations of the probability the spec gives it. A clean run at
the same rate must report nothing at all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from locust.env import Environment

from contracts._checks import REGISTRY as CHECKS
from emulator._fault_kinds import REGISTRY
from emulator._faults import parse_spec
from loadtests._options import LoadOptions
from loadtests._process_state import process_state
from loadtests._users import ServerForwarder
from tests.edgeload_runs import admin, stats
from tests.reliability.harness import emulator, missing_reports, run_against


@dataclass(frozen=True)
class Injected:
    spec: str  # as given to the emulator

    @property
    def name(self) -> str:
        return self.spec.split(":")[0].split(",")[0]

    @property
    def categories(self) -> tuple[str, ...]:
        """What the suite must report for each request the fault hits: what its registry entry proves."""
        proof = REGISTRY[self.name].proves
        return proof.checks or ((proof.category,) if proof.category is not None else ())


# In the emulator's spec order: of the faults that fire on a request, the first acts (emulator/_faults.py), so
# fault k acts with probability r_k times the product of (1 - r_j) over the earlier faults that apply.
# `upstream-error` and `handle-not-array` act on interact only: the contract documents 207 and `handle` for
# interact, not for collect, so the emulator never fires them there (their entries' `requests`); the explicit
# scope below keeps the expected counts readable.
MIX = (
    Injected("server-error:0.02"),
    Injected("rate-limit:0.02"),
    Injected("connection-reset:0.01"),
    Injected("truncated-body:0.01"),
    Injected("stall:0.002"),  # each costs a user the 0.5 s timeout: kept rare
    Injected("upstream-error:0.02,operation=interact"),  # keeps the contract: not a violation
    Injected("request-id-not-echoed:0.02"),
    Injected("handle-not-array:0.01,operation=interact"),
    Injected("malformed-json:0.01"),
)
TIMEOUT_S = "0.5"
# The rarest fault (stall, 0.2 %) is then expected 24 times (sigma 4.9): enough for its 4-sigma band to mean
# something. The run time is only a ceiling for a machine so busy the count never comes.
REQUESTS = 12_000
CEILING = "120s"


def expected_counts(by_operation: Mapping[str, int]) -> dict[str, tuple[float, float]]:
    """Fault name -> (expected count, binomial standard deviation) over the requests each operation received."""
    faults = [parse_spec(injected.spec) for injected in MIX]
    expected: dict[str, tuple[float, float]] = {}
    for k, (injected, fault) in enumerate(zip(MIX, faults, strict=True)):
        mean = variance = 0.0
        for label, n in by_operation.items():
            earlier = [other for other in faults[:k] if other.applies_to(label)]
            p = fault.rate * math.prod(1.0 - other.rate for other in earlier) if fault.applies_to(label) else 0.0
            mean += n * p
            variance += n * p * (1.0 - p)
        expected[injected.name] = (mean, math.sqrt(variance))
    return expected


@pytest.mark.slow
def test_mixed_faults_land_in_their_categories_exactly_as_often_as_injected(tmp_path: Path) -> None:
    with emulator(*(injected.spec for injected in MIX)) as target:
        code, summary, err = run_against(target.url, tmp_path, "mix", "--target-rps", "0", "--users", "100",
                                         "--requests", str(REQUESTS), "--run-time", CEILING,
                                         "--request-timeout", TIMEOUT_S)
        received = stats(target.url)
    injected: dict[str, int] = received["faults"]
    found: dict[str, int] = summary["total_failures_by_category"]
    assert code == 1, err[-2000:]  # the violations gate failed; the run itself never broke
    assert summary["verdict"] == "fail"  # not interrupted: the count is the run's course
    assert summary["total_requests"] == received["total"] >= REQUESTS
    # Every category the suite reports, exactly: each fault's count in each category it proves, added up where
    # two faults break the same rule.
    expected: Counter[str] = Counter()
    for fault in MIX:
        for category in fault.categories:
            expected[category] += injected[fault.name]
    assert found == dict(expected)
    assert summary["total_failures"] == sum(injected.values())  # one failed request per injected fault
    assert summary["violations_by_check"] == {name: n for name, n in found.items() if name in CHECKS}
    # Each fault as often as its rate says: the emulator drew it, the suite counted it, within 4 sigma.
    for name, (mean, sigma) in expected_counts(received["by_operation"]).items():
        assert abs(injected[name] - mean) <= 4 * sigma, (name, injected[name], mean, sigma)
    assert missing_reports(tmp_path / "mix") == []


@pytest.mark.slow
def test_clean_run_at_full_speed_reports_nothing_and_counts_every_request(tmp_path: Path) -> None:
    with emulator() as target:
        _, summary, _ = run_against(target.url, tmp_path, "clean", "--target-rps", "0", "--users", "100",
                                    "--requests", "5000", "--run-time", CEILING)
        received = stats(target.url)
    assert summary["total_requests"] == received["total"] >= 5_000
    assert (summary["total_failures"], summary["violations"], summary["total_failures_by_category"]) == (0, 0, {})
    assert received["faults"] == {}
    assert set(received["by_status"]) <= {"200", "202", "204"}


# --- the same mapping, one fault at a time, one user, no runner: which category each fault lands in ---------------

def _forwarder(url: str) -> tuple[ServerForwarder, list[dict[str, Any]]]:
    environment = Environment(host=url)  # its own events: our global listeners stay out of this test
    process_state(environment).options = LoadOptions(request_timeout=float(TIMEOUT_S))
    seen: list[dict[str, Any]] = []
    environment.events.request.add_listener(lambda **request: seen.append(request))
    user_class = type("Forwarder", (ServerForwarder,), {"host": url})  # Locust's runner would set `host`
    return user_class(environment), seen


@pytest.mark.slow
def test_each_fault_alone_lands_in_its_category_on_every_request() -> None:
    with emulator() as target:
        user, seen = _forwarder(target.url)  # one user throughout: its traffic pools take half a second to build
        for injected in MIX:
            spec = injected.spec.split(":")[0]  # rate 1: every request
            admin(target.url, "PUT", "/_emulator/faults", {"faults": [spec]})
            seen.clear()
            sends = 2 if injected.name == "stall" else 5  # a stall costs the whole timeout
            for _ in range(sends):
                user.send()  # after a reset, truncation or stall, the next request opens a new connection
            assert [request["exception"].categories for request in seen] == [injected.categories] * sends, spec
