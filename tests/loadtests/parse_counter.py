"""Locust's own `main`, with `loadtests._run_settings.parse` counted: `python -m tests.loadtests.parse_counter
[locust options]` runs our locustfile as `locust` would and prints `parses: N` on stderr as it exits.

A subprocess, as `edgeload run` starts Locust: Locust's main changes its namespace after the init event (its
headless defaults), which an in-process run of the runner alone never sees.
"""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

from gevent import monkey

monkey.patch_all()  # what `locust` does first, before anything imports the standard library's sockets

from locust.main import main  # noqa: E402  (after the patch)

from loadtests import _run_settings as run_settings  # noqa: E402

LOCUSTFILE = str(Path(__file__).resolve().parents[2] / "loadtests" / "locustfile.py")


def _count() -> None:
    calls: list[object] = []
    parse = run_settings.parse

    def counted(*args: object, **kwargs: object) -> run_settings.RunSettings:
        calls.append(args)
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    run_settings.parse = counted  # type: ignore[assignment]
    atexit.register(lambda: os.write(2, f"parses: {len(calls)}\n".encode()))


if __name__ == "__main__":
    _count()
    sys.argv = ["locust", "-f", LOCUSTFILE, *sys.argv[1:]]
    main()
