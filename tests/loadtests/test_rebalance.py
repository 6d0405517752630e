"""The master's watch over its workers (loadtests._rebalance), on a fake runner: a lost worker's share is handed to
the others from a slot ahead, and the verdict's incident names both."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from locust.runners import STATE_MISSING, STATE_RUNNING, STATE_STOPPED

from loadtests import _rebalance as rebalance
from loadtests import _shape_math as shape_math


class _Clients(SimpleNamespace):
    def __getitem__(self, cid: str) -> Any:
        return self.get(cid)


class FakeRunner:
    def __init__(self, ids: list[str]) -> None:
        self.state = STATE_RUNNING
        self.workers = {cid: SimpleNamespace(id=cid, state=STATE_RUNNING) for cid in ids}
        self.sent: list[tuple[str, dict[str, Any], str]] = []

    @property
    def clients(self) -> Any:
        running = [c for c in self.workers.values() if c.state == STATE_RUNNING]
        return _Clients(ready=[], running=running, spawning=[], get=self.workers.get)

    def get_worker_index(self, cid: str) -> int:
        return list(self.workers).index(cid)

    def send_message(self, kind: str, data: dict[str, Any], client_id: str) -> None:
        self.sent.append((kind, data, client_id))
        self.state = STATE_STOPPED  # one round is enough for the test: the watch ends with the run


@pytest.fixture
def setup(monkeypatch):
    monkeypatch.setattr(rebalance, "WATCH_S", 0.0)
    monkeypatch.setattr(rebalance, "rate_profile", lambda options, shape, run_time: shape_math.constant(100, 60))
    monkeypatch.setattr(rebalance.time, "time", lambda: 1010.0)
    runner = FakeRunner(["a", "b", "c"])
    state = SimpleNamespace(run_number=1, worker_starts={"a": 1000.0, "b": 1000.2, "c": 1000.1}, start_at=1000.2,
                            options=None, settings=SimpleNamespace(shape="constant", run_time=60.0), incidents=[],
                            stopping_at=None)
    return runner, state


def test_rebalance_hands_a_lost_workers_share_to_the_others_from_a_slot_ahead(setup):
    runner, state = setup
    workers = rebalance.live_workers(runner)
    runner.workers["b"].state = STATE_MISSING
    rebalance.watch(SimpleNamespace(runner=runner), state, 1, workers)
    # 10 s after the first worker started, plus half a second: slot 1050 of 100/s is the first due after it.
    assert runner.sent == [(rebalance.RESCHEDULE, {"stride": 2, "offset": 0, "from_slot": 1050}, "a"),
                           (rebalance.RESCHEDULE, {"stride": 2, "offset": 1, "from_slot": 1050}, "c")]
    assert state.incidents == ["lost worker-1 at +10.0 s; worker-0, worker-2 took over its share of the target rate "
                               "from +10.5 s"]


def test_rebalance_reschedule_slot_is_the_first_slot_due_after_the_point():
    assert [rebalance.reschedule_slot(total) for total in (0.0, 0.5, 0.6, 10.0, 10.49)] == [0, 0, 1, 10, 10]


def test_rebalance_names_no_worker_lost_when_the_run_is_stopping(setup):
    # At the end of a run the workers stop and quit as asked: that is no loss, and no INTERRUPTED verdict.
    runner, state = setup
    workers = rebalance.live_workers(runner)
    state.stopping_at = 1010.0
    del runner.workers["b"]
    rebalance.watch(SimpleNamespace(runner=runner), state, 1, workers)
    assert (runner.sent, state.incidents) == ([], [])
