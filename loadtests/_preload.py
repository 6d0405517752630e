"""Work done once when a Locust process starts, so that none of it blocks the event loop during a run.

A gevent process measures latency on one event loop: anything that holds the loop for milliseconds while requests
are in flight is added to the latency of every one of them. We measured two such stalls with gevent's
blocking monitor (`GEVENT_MONITOR_THREAD_ENABLE=1 GEVENT_MAX_BLOCKING_TIME=0.004`), each worth 25-50 ms on the
requests in flight, enough to move a fixed 100 ms latency's p99 to 130 ms:

- the contract's schemas were compiled on the first `judge()`, inside the first request of the run;
- Locust's `Runner.stop()` logs its caller through `inspect.stack()`, whose first call maps the file of every
  loaded module (a `realpath` each) and reads source files: at the end of every run, with requests in flight.
  `inspect` caches both, so one call here makes the one in `stop()` cheap.
"""

from __future__ import annotations

import inspect

from contracts import contract


def preload() -> None:
    """Compile the contract and fill `inspect`'s module and source caches (about 50 ms, once per process)."""
    contract()
    inspect.stack()
