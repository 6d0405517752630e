"""The reports a person opens, in Chromium from file://: a short
`edgeload run` (its index.html) and an `edgeload contract` run (its report.html). Each opens with the verdict its
JSON file holds, has its tables, loads every chart image, logs no console error, and asks for nothing but its own
files: no server, no network, nothing from a CDN."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from contracts._checks import REGISTRY as CHECKS
from tests.ui.conftest import Watched, drain, edgeload, screenshot, urls

pytestmark = [pytest.mark.slow, pytest.mark.browser]
RUN_ID = "browser"


@pytest.fixture(scope="module")
def report_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Both runs at once (each is mostly start-up): a load test that breaks a gate, a bounded contract run."""
    base = tmp_path_factory.mktemp("reports")
    load, contract = base / "load", base / "contract"
    runs = [
        edgeload("run", "--run-time", "2s", "--target-rps", "50", "--report-dir", str(load), "--run-id", RUN_ID,
                 "--gate", "p99<500ms", "--emulator-arg=--fault=request-id-not-echoed:0.2",
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        edgeload("contract", "--report-dir", str(contract), "--phases", "examples", "--max-examples", "1",
                 stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL),
    ]
    codes = [drain(run, timeout=120)[0] for run in runs]
    assert codes == [1, 0]  # violations==0 fails the load test; the emulator keeps the contract
    return load / RUN_ID, contract


def _open(watched: Watched, page_path: Path) -> Any:
    page = watched.page
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")  # images included
    return page


def _only_own_files(watched: Watched, folder: Path) -> list[str]:
    """Requests for anything but a file of the report's folder."""
    prefix = folder.as_uri() + "/"
    return [url for url in watched.requests if not url.startswith(prefix)]


def test_load_test_report_opens_with_the_verdict_then_gates_charts_failures_settings_links(
        watched: Watched, report_dirs: tuple[Path, Path]) -> None:
    folder = report_dirs[0]
    summary = json.loads((folder / "summary.json").read_text())
    page = _open(watched, folder / "index.html")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_class("verdict fail")
    expect(verdict.locator("h1")).to_have_text(summary["headline"])  # "FAIL: 1 of 6 gates failed (violations==0)"
    expect(verdict.locator("li").first).to_contain_text("violations==0: measured")
    headings = page.locator("h2").all_inner_texts()
    assert headings == ["Gates", "Charts", "Operations", "Failures by check", "Settings", "Files"]
    gate_rows = page.locator("h2#gates + table tbody tr")
    assert gate_rows.all_inner_texts() == [
        f"{gate['gate']}{' default' if gate['default'] else ''}\t{gate['threshold']}\t{gate['measured']}\t"
        f"{'pass' if gate['passed'] else 'fail'}"
        for gate in summary["gates"]]
    images = page.locator("img")
    widths = images.evaluate_all("images => images.map(image => [image.getAttribute('src'), image.naturalWidth])")
    assert [src for src, _ in widths] == ["rps.png", "latency.png", "errors.png"]
    assert all(width > 0 for _, width in widths), widths
    expect(page.locator("#example-request_id_echo")).to_be_visible()  # an example request and response
    rule = summary["examples"]["request_id_echo"]["rule"]  # "request_id_echo: sent ..., the body's ... is ..."
    expect(page.locator("#example-request_id_echo + p.rule")).to_have_text(rule)
    expect(page.get_by_role("cell", name="target_rps", exact=True)).to_be_visible()
    links = page.locator("h2#files + ul a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert {"locust.html", "junit.xml", "summary.json"} <= set(links)
    assert all((folder / link).is_file() for link in links)
    screenshot(page, "report-index.png", clip={"x": 0, "y": 0, "width": 1280, "height": 1400}, full_page=True)
    assert _only_own_files(watched, folder) == []
    assert urls(watched.blocked) == []
    assert watched.console_errors == []


def test_contract_report_opens_with_the_verdict_then_operations_and_checks(
        watched: Watched, report_dirs: tuple[Path, Path]) -> None:
    folder = report_dirs[1]
    summary = json.loads((folder / "summary.json").read_text())
    page = _open(watched, folder / "report.html")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_class("verdict pass")
    expect(verdict.locator("h1")).to_have_text("Verdict: pass (every check passed on every case)")
    headings = page.locator("h2").all_inner_texts()
    assert headings[:3] == ["Per operation", "Per check", "Failing checks"]
    operations = page.locator("h2#operations + table tbody tr td:first-child").all_inner_texts()
    assert operations == list(summary["operations"])
    checks = page.locator("h2#checks + table tbody tr td:first-child").all_inner_texts()
    assert checks[:len(CHECKS)] == list(CHECKS)  # ours first, in the registry's order
    assert page.locator("img").count() == 0
    screenshot(page, "report-contract.png", clip={"x": 0, "y": 0, "width": 1280, "height": 1300}, full_page=True)
    assert _only_own_files(watched, folder) == []
    assert urls(watched.blocked) == []
    assert watched.console_errors == []
