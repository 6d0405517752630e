"""Running the Node harnesses (alloy_jsdom.mjs, alloy_browser.mjs) and reading back what they recorded.

One Node process runs every scenario of a test module (one alloy start-up is most of a run's cost), and the tests
assert on its report. A recorded exchange becomes a `contracts.Exchange`, so the verdict judges exactly
what the real client received.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NotRequired, TypedDict
from urllib.parse import parse_qsl, urlsplit

from contracts._exchange import Exchange, lower_headers
from contracts._operations import label_for

CLIENTS_DIR = Path(__file__).resolve().parent
ALLOY_BUNDLE = CLIENTS_DIR / "node_modules" / "@adobe" / "alloy" / "dist" / "alloy.js"
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "run `make setup-browser` or `npm ci --prefix tests/clients --ignore-scripts` (Makefile)"


class Recorded(TypedDict):
    """One exchange as the harness saw it; `error` instead of a response when the request failed."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    started_ms: int  # epoch milliseconds when the request started
    finished_ms: NotRequired[int]  # epoch milliseconds when the response had arrived
    status: NotRequired[int]
    response_headers: NotRequired[dict[str, str]]
    response_body: NotRequired[str]
    error: NotRequired[str]


class StepResult(TypedDict):
    ok: bool
    command: NotRequired[str]
    result: NotRequired[Any]
    error: NotRequired[str]
    stats: NotRequired[dict[str, Any]]
    faults: NotRequired[list[str]]


class ScenarioReport(TypedDict):
    name: str
    steps: list[StepResult]
    exchanges: list[Recorded]
    cookies: str
    console: list[str]


def missing_node_setup() -> str | None:
    """Why the Node harness cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH; install Node.js 20 (docs/clients.md)"
    if not ALLOY_BUNDLE.is_file():
        return f"{ALLOY_BUNDLE.relative_to(CLIENTS_DIR.parents[1])} is missing; {INSTALL_HINT}"
    return None


def run_scenarios(
    script: str,
    emulator_url: str,
    scenarios: Sequence[Mapping[str, Any]],
    *,
    extra: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
) -> dict[str, ScenarioReport]:
    """Run `script` (alloy_jsdom.mjs or alloy_browser.mjs) over `scenarios`; reports keyed by scenario name."""
    payload = {"emulator": emulator_url, "scenarios": list(scenarios), **(extra or {})}
    completed = subprocess.run(
        ["node", str(CLIENTS_DIR / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=CLIENTS_DIR,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if completed.returncode != 0:
        raise AssertionError(f"{script} exited {completed.returncode}: {completed.stderr[-3000:]}")
    reports: list[ScenarioReport] = json.loads(completed.stdout)["scenarios"]
    return {report["name"]: report for report in reports}


def query_of(record: Recorded) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(record["url"]).query))


def path_of(record: Recorded) -> str:
    return urlsplit(record["url"]).path


def body_of(record: Recorded) -> Any:
    """The parsed JSON request body (alloy sends JSON as text/plain), or None."""
    text = record["request_body"]
    return json.loads(text) if text else None


def response_json(record: Recorded) -> Any:
    return json.loads(record["response_body"]) if record.get("response_body") else None


def handles_of(record: Recorded, handle_type: str) -> list[dict[str, Any]]:
    """Every payload item of the response's handles of `handle_type`."""
    body = response_json(record)
    handles = body.get("handle", []) if isinstance(body, dict) else []
    return [item for handle in handles if handle.get("type") == handle_type for item in handle.get("payload", [])]


def state_entries(record: Recorded) -> dict[str, str]:
    """The response's `state:store` entries, key -> value."""
    return {item["key"]: item["value"] for item in handles_of(record, "state:store")}


def edge_exchanges(report: ScenarioReport) -> list[Recorded]:
    """The exchanges that reached the emulator (those with a response)."""
    return [record for record in report["exchanges"] if "status" in record]


def to_exchange(record: Recorded) -> Exchange:
    """The contract's neutral record of a recorded exchange (request body parsed, header names lower-case)."""
    split = urlsplit(record["url"])
    operation = label_for(record["method"], split.path)
    assert operation is not None, f"{record['method']} {split.path} is not an Edge operation"
    return Exchange(
        operation=operation,
        status=record["status"],
        response_body=record.get("response_body", "").encode(),
        response_headers=lower_headers(record.get("response_headers", {})),
        request_query=dict(parse_qsl(split.query)),
        request_headers=lower_headers(record["request_headers"]),
        request_body=body_of(record),
    )
