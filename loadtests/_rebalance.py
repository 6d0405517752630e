"""A lost worker's share of the target rate, handed to the workers left (docs/distributed.md).

Locust's master marks a worker missing after three missed heartbeats (one a second) or drops it when it quits;
either way the users it ran are gone, and with them its share of the global schedule (loadtests._pacing): the run
would go on at (N-1)/N of its target. The master watches its workers while a run is on, and when one is lost it
gives the survivors a new interleave from a global slot a little in the future, on the clock of the worker that
started first (every other worker started later, so that slot is in its future too). Slots the lost worker
missed before the switch are not sent late: that would be a burst the profile never asked for (pacing's
`max_lag`). The verdict names the worker and when the others took over (`ProcessState.incidents`).
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import gevent
from locust.runners import STATE_MISSING, STATE_RUNNING, STATE_SPAWNING

from loadtests._process_state import ProcessState, process_state
from loadtests._run_settings import rate_profile

RESCHEDULE = "edgeload_reschedule"
WATCH_S = 0.25
SWITCH_AHEAD_S = 0.5  # time for the message to reach every worker before the switch
logger = logging.getLogger("edgeload")


def live_workers(runner: Any) -> list[str]:
    """The client ids of the workers that can run users, by worker index (the order of the schedule)."""
    clients = runner.clients.ready + runner.clients.running + runner.clients.spawning
    return [client.id for client in sorted(clients, key=lambda client: runner.get_worker_index(client.id))]


def watch(environment: Any, state: ProcessState, run_number: int, workers: list[str]) -> None:
    """Master greenlet for one run: re-split the rate whenever one of `workers` (as scheduled) is lost."""
    runner = environment.runner
    live = list(workers)
    while state.run_number == run_number and runner.state in (STATE_SPAWNING, STATE_RUNNING):
        gevent.sleep(WATCH_S)
        if state.run_number != run_number or runner.state not in (STATE_SPAWNING, STATE_RUNNING) \
                or state.stopping_at is not None:
            return  # the run is ending: its workers stop and quit as asked, none is lost
        lost = [cid for cid in live if runner.clients.get(cid) is None or runner.clients[cid].state == STATE_MISSING]
        if not lost:
            continue
        live = [cid for cid in live if cid not in lost]
        names = ", ".join(f"worker-{runner.get_worker_index(cid)}" for cid in lost)
        started = min(state.worker_starts.values(), default=state.start_at or time.time())
        now = time.time()
        if not live:
            state.incidents.append(f"lost {names} at +{now - started:.1f} s, the last workers")
            return
        profile = rate_profile(state.options, state.settings.shape, state.settings.run_time)
        survivors = ", ".join(f"worker-{runner.get_worker_index(cid)}" for cid in live)
        if profile is None:  # the closed model has no shared schedule: Locust's own rebalancing moves users
            state.incidents.append(f"lost {names} at +{now - started:.1f} s; {survivors} ran on")
            logger.warning("edgeload: %s", state.incidents[-1])
            continue
        at = now + SWITCH_AHEAD_S
        from_slot = reschedule_slot(profile.total(at - started))
        for offset, cid in enumerate(live):
            runner.send_message(RESCHEDULE, {"stride": len(live), "offset": offset, "from_slot": from_slot},
                                client_id=cid)
        state.incidents.append(f"lost {names} at +{now - started:.1f} s; {survivors} took over its share of the "
                               f"target rate from +{at - started:.1f} s")
        logger.warning("edgeload: %s", state.incidents[-1])


def reschedule_slot(total: float) -> int:
    """The first global slot due after a point where the profile's integral is `total` (slot n: at n + 1/2)."""
    return max(0, math.ceil(total - 0.5))


def on_reschedule(environment: Any, msg: Any, **kwargs: Any) -> None:
    """Worker: take the new interleave from the master (registered in loadtests._listeners)."""
    state = process_state(environment)
    data = msg.data
    if state.rate is not None:
        state.rate.restride(int(data["stride"]), int(data["offset"]), int(data["from_slot"]))
