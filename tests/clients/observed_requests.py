"""The v1 request shapes the Web SDK was seen sending, summarised for the browser-like Locust persona.

`observed_v1_requests.json` beside this file is the record: per operation label, the path forms, query
parameters, headers, every JSON path of the body, the `meta.state.entries` keys and one example body, as sent by
alloy 2.33.1 in headless Chromium. `test_observed_requests.py` re-derives the shapes from every test run (jsdom
and Chromium) and fails when alloy's requests drift from the record. Regenerate it with:

    .venv/bin/python -m gevent.monkey --module tests.clients.observed_requests
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.clients.alloy_scenarios import ORG_ID, web_sdk_scenarios
from tests.clients.node_runs import (
    CHROMIUM,
    CLIENTS_DIR,
    Recorded,
    ScenarioReport,
    body_of,
    edge_exchanges,
    path_of,
    query_of,
    to_exchange,
)

FIXTURE = CLIENTS_DIR / "observed_v1_requests.json"
ORG_PLACEHOLDER = "{org}"


def body_paths(value: object, prefix: str = "") -> set[str]:
    """Every key path of a JSON value: `events[].xdm.web`, `meta.state.entries[].key`, ..."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found |= {path} | body_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            found |= body_paths(item, prefix + "[]")
    return found


def path_template(path: str) -> str:
    """`/ee/or2/v1/interact` -> `/ee/{hint}/v1/interact`; a plain path stays as it is."""
    head, _, rest = path.removeprefix("/ee/").partition("/")
    return path if head in ("v1", "v2") else f"/ee/{{hint}}/{rest}"


def content_type_key(value: str) -> str:
    """Media type compared loosely: Chromium's sendBeacon lower-cases `charset=UTF-8` and drops the space."""
    return value.replace(" ", "").lower()


def _state_keys(record: Recorded) -> set[str]:
    state = (body_of(record).get("meta") or {}).get("state") or {}
    prefix = "kndctr_" + ORG_ID.replace("@", "_")
    return {entry["key"].replace(prefix, "kndctr_" + ORG_PLACEHOLDER) for entry in state.get("entries", [])}


def _by_operation(reports: Mapping[str, ScenarioReport]) -> dict[str, list[Recorded]]:
    grouped: dict[str, list[Recorded]] = {}
    for report in reports.values():
        for record in edge_exchanges(report):
            grouped.setdefault(to_exchange(record).operation, []).append(record)
    return dict(sorted(grouped.items()))


def shapes(reports: Mapping[str, ScenarioReport]) -> dict[str, dict[str, Any]]:
    """The comparable part of the record, derived from one environment's reports."""
    result: dict[str, dict[str, Any]] = {}
    for label, records in _by_operation(reports).items():
        result[label] = {
            "path_templates": sorted({path_template(path_of(r)) for r in records}),
            "query": sorted({name for r in records for name in query_of(r)}),
            "content_types": sorted({content_type_key(r["request_headers"]["content-type"]) for r in records}),
            "body_paths": sorted(set().union(*(body_paths(body_of(r)) for r in records))),
            "state_entry_keys": sorted(set().union(*(_state_keys(r) for r in records))),
            "statuses": sorted({r["status"] for r in records}),
        }
    return result


def record(browser: Mapping[str, ScenarioReport], jsdom: Mapping[str, ScenarioReport], version: str) -> dict[str, Any]:
    """The fixture document: Chromium's shapes, plus what only a real browser adds, plus one example each."""
    seen_in_jsdom = shapes(jsdom)
    operations: dict[str, Any] = {}
    for label, shape in shapes(browser).items():
        first = _by_operation(browser)[label][0]
        only = set(shape["body_paths"]) - set(seen_in_jsdom.get(label, {}).get("body_paths", []))
        operations[label] = {
            **shape,
            "browser_only_body_paths": sorted(only),
            "headers": dict(sorted(first["request_headers"].items())),
            "example_body": body_of(first),
        }
    return {
        "about": "Requests Adobe's Web SDK sent to the emulator in tests/clients; regenerate with "
        "`.venv/bin/python -m gevent.monkey --module tests.clients.observed_requests`.",
        "client": f"@adobe/alloy 2.33.1 in headless Chromium {version} (Debian), page https://site.test/, "
        "edgeDomain edge.test; fetch with credentials: include, collect via navigator.sendBeacon",
        "visit": [
            "POST /ee/v1/interact: first event, meta.state without entries, query.identity.fetch [ECID]",
            "POST /ee/{hint}/v1/interact: later events, hint = the kndctr_{org}_cluster value from state:store, "
            "meta.state.entries echo the kndctr_{org}_* entries stored so far",
            "POST /ee/{hint}/v1/collect: sendEvent with documentUnloading (sendBeacon), answered 204",
            "POST /ee/v1/privacy/set-consent: setConsent before any event when defaultConsent is pending",
            "POST /ee/v1/identity/acquire: getIdentity before any event",
        ],
        "operations": operations,
    }


def _run_both(temp: Path) -> tuple[dict[str, ScenarioReport], dict[str, ScenarioReport], str]:
    from emulator._server import spawn
    from tests.clients.node_runs import run_scenarios

    cert, key = temp / "cert.pem", temp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=edge.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    with spawn(["--seed", "7"]) as plain:
        jsdom = run_scenarios("alloy_jsdom.mjs", plain.url, web_sdk_scenarios())
    with spawn(["--seed", "7", "--certfile", str(cert), "--keyfile", str(key)]) as tls:
        browser = run_scenarios(
            "alloy_browser.mjs", tls.url, web_sdk_scenarios(), extra={"chromium": str(CHROMIUM)},
            env={"NODE_TLS_REJECT_UNAUTHORIZED": "0", "NODE_NO_WARNINGS": "1"},
        )  # fmt: skip
    version = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False).stdout
    return browser, jsdom, next((w for w in version.split() if w[:1].isdigit()), "unknown")


def write() -> None:
    with tempfile.TemporaryDirectory() as temp:
        browser, jsdom, version = _run_both(Path(temp))
    FIXTURE.write_text(json.dumps(record(browser, jsdom, version), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    write()
