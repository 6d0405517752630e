"""Locust's web UI with our options and our tab, in Chromium.

`edgeload run --web` starts the embedded emulator (breaking the request-id rule on a fifth of the answers) and
Locust's web UI on a free port; the test fills our fields, starts a run, waits for statistics, reads the failures
by check name and our tab's gates and violations, stops the run and finds its report made with the values typed.
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from emulator._config import DEFAULT_DATASTREAM_ID
from tests.ui.conftest import Watched, drain, edgeload, read_ui_url, screenshot, urls

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 20_000  # a condition's deadline, not a pause: each wait returns as soon as it holds


def _field(page: Any, name: str, role: str = "textbox") -> Any:
    """A field of the start form by its title: Locust labels it 'Title (help text)'."""
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(name)}( \(.*)?$"))


def _summary(report_dir: Path) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:  # the run's reports are written once its users have stopped
        found = sorted(report_dir.glob("*/summary.json"))
        if found and (found[0].parent / "index.html").exists():
            document: dict[str, Any] = json.loads(found[0].read_text())
            return document
        time.sleep(0.05)
    raise AssertionError(f"no report in {report_dir}")


def test_web_ui_runs_with_our_fields_and_shows_gates_and_violations_in_our_tab(watched: Watched,
                                                                                tmp_path: Path) -> None:
    log = tmp_path / "edgeload.log"
    with log.open("wb") as stderr:
        process = edgeload("run", "--web", "--report-dir", str(tmp_path / "reports"), "--users", "4",
                           "--emulator-arg=--fault=request-id-not-echoed:0.2", stderr=stderr)
    try:
        url = read_ui_url(process, log)
        page = watched.page
        page.goto(url)
        expect(_field(page, "Host")).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+$"))  # the emulator
        page.get_by_text("Custom parameters").click()
        # Filled while MUI still animates the section open, fields scroll inside it and the screenshot shows them cut.
        expect(page.locator(".MuiCollapse-entered")).to_have_count(1)
        _field(page, "Datastream Id").fill(DEFAULT_DATASTREAM_ID)
        _field(page, "Target Rps").fill("40")
        _field(page, "Mix").fill("page-view=80,link-click=20")
        _field(page, "Seed").fill("7")
        _field(page, "Gates").fill("p99<500ms; error_rate<0.5")
        _field(page, "Shape", "combobox").select_option("ramp")
        _field(page, "Ramp Up").fill("1s")
        screenshot(page, "ui-start.png", clip={"x": 0, "y": 0, "width": 1280, "height": 1500}, full_page=True)
        page.get_by_role("button", name="Start").click()

        expect(page.get_by_role("cell", name="POST /ee/v2/interact", exact=True)).to_be_visible(timeout=WAIT_MS)
        # Locust's current rate covers the seconds before the last two: wait for it rather than show a 0.
        aggregated = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Aggregated", exact=True))
        expect(aggregated.get_by_role("cell").nth(11)).not_to_have_text("0", timeout=WAIT_MS)  # Current RPS
        screenshot(page, "ui-statistics.png")
        page.get_by_role("tab", name=re.compile("^failures$", re.I)).click()
        expect(page.get_by_role("cell", name="request_id_echo").first).to_be_visible(timeout=WAIT_MS)

        page.get_by_role("tab", name=re.compile("^edgeload")).click()
        expect(page.get_by_role("cell", name="request_id_echo", exact=True)).to_be_visible(timeout=WAIT_MS)
        for gate in ("p99<500ms", "error_rate<0.5", "violations==0", "cpu<90%"):
            expect(page.get_by_role("cell", name=gate, exact=True)).to_be_visible()
        expect(page.get_by_role("cell", name="generator CPU (local)")).to_be_visible()
        expect(page.get_by_role("cell", name=re.compile(r"→ HTTP 200"))).to_be_visible()  # the example exchange
        violation = page.get_by_role("row").filter(has=page.get_by_role("cell", name="violations==0", exact=True))
        expect(violation.get_by_role("cell", name="FAIL", exact=True)).to_be_visible()
        screenshot(page, "ui-edgeload-tab.png", full_page=True)

        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_role("button", name="New")).to_be_visible(timeout=WAIT_MS)  # Locust says: stopped
        summary = _summary(tmp_path / "reports")
    finally:
        process.send_signal(signal.SIGINT)  # edgeload run forwards it; Locust quits, the emulator stops
        returncode, _ = drain(process)
    settings = summary["settings"]
    assert (settings["datastream_id"], settings["target_rps"], settings["seed"], settings["shape"]) == (
        DEFAULT_DATASTREAM_ID, 40.0, 7, "ramp")
    assert settings["mix"] == {"page-view": 80.0, "link-click": 20.0}
    assert settings["gates"] == ["p99<500ms", "error_rate<0.5"]
    assert summary["violations_by_check"]["request_id_echo"] > 0
    assert summary["verdict"] == "fail"
    assert returncode == 1  # the last run's verdict
    assert urls(watched.blocked) == []
    assert watched.console_errors == []
