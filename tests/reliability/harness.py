"""What the reliability tests share: a fresh emulator subprocess and a whole run against it (the admin
endpoints, `edgeload run` and `summary.json` come from tests/edgeload_runs.py).

A fresh emulator per test, not the session's: its fault draws come from a generator seeded at start, so a test
that resets it before the run sees the same sequence of draws every time (the latency tests rely on it).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import RunningEmulator, spawn
from loadtests._reports import REPORTS
from tests.edgeload_runs import ROOT, admin, edgeload_run, finish, summary_of

INTERACT_PATH = f"/ee/v2/interact?datastreamId={DEFAULT_DATASTREAM_ID}"
PAGE_VIEW = (ROOT / "benchmarks" / "emulator_page_view.json").read_bytes()  # a valid 1.2 KB v2 interact body


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


def post_page_view(url: str, timeout: float = 2.0) -> int:
    """One valid v2 interact over a new connection; its status (raises if none arrives within `timeout`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=timeout)
    try:
        connection.request("POST", INTERACT_PATH, PAGE_VIEW, {"content-type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def emulator(*faults: str, args: Sequence[str] = ()) -> Iterator[RunningEmulator]:
    """A new emulator without rate limits (these tests measure the suite, not the guardrail), `faults` active,
    warmed by one request and then reset: its first request compiles the request schemas, and the reset restarts
    the fault draws from the seed."""
    with spawn(["--seed", "5", "--rate-limit", "0", "--collect-rate-limit", "0", *args]) as running:
        assert post_page_view(running.url) == 200
        admin(running.url, "PUT", "/_emulator/faults", {"faults": list(faults)})
        admin(running.url, "POST", "/_emulator/reset")
        yield running


def run_against(url: str, report_dir: Path, run_id: str, *args: str) -> tuple[int, dict[str, Any], str]:
    """`edgeload run --target URL ...` to its end: exit code, summary.json, stderr."""
    code, _, err = finish(edgeload_run("--target", url, "--report-dir", str(report_dir), "--run-id", run_id, *args))
    summary_file = report_dir / run_id / "summary.json"
    assert summary_file.is_file(), f"exit {code}, no summary.json; stderr tail:\n{err[-3000:]}"
    return code, summary_of(report_dir / run_id), err


# Every format of the load test's registry, and Locust's own page: a format added there is checked here too.
REPORT_FILES = (*(report.file_name for report in REPORTS), "locust.html")


def missing_reports(directory: Path) -> list[str]:
    """Every report a run writes (ours and Locust's own) that is absent or empty."""
    return [name for name in REPORT_FILES if not (directory / name).is_file() or not (directory / name).stat().st_size]


# Gates whose failure says the generator could not keep its own clock: the figures measure the generator.
TRUST_METRICS = ("trust", "late", "cpu")


def untrustworthy(summary: dict[str, Any]) -> str | None:
    """Why a run's own figures say its latencies cannot be trusted (its verdict, or a failed gate on the
    generator's own clock: trust, late sends, cpu), or None. A test then skips with this reason rather than
    assert figures the machine distorted."""
    failed = [gate["message"] for gate in summary["gates"] if not gate["passed"] and gate["metric"] in TRUST_METRICS]
    if summary["verdict"] == "not_trustworthy" or failed:
        detail = f": {'; '.join(failed)}" if failed else ""
        return f"the run found its own figures untrustworthy ({summary['headline']}){detail}"
    return None
