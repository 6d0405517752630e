"""Fixtures for the browser tests: Debian's Chromium driven by Python Playwright, nothing downloaded.

Every page runs in a context that lets through only requests to 127.0.0.1 and file: URLs; any other request is
aborted and recorded, and every test asserts that none was attempted (nothing from a CDN, nothing leaving the
machine). Console errors and uncaught page errors are recorded too. Screenshots go to reports/screenshots/ as
small palette PNGs; docs/reports.md shows copies of them from docs/screenshots/.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "reports" / "screenshots"
# Without the background-networking flags Chromium calls Google's hosts at start.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
URL_LINE = re.compile(rb"edgeload: web UI at (http://\S+)")


@dataclass
class Watched:
    """A page and what it tried that it should not have."""

    page: Any  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    blocked: list[str] = field(default_factory=list)  # requests aborted: not to 127.0.0.1 nor file:
    console_errors: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        # `make test` installs it (Makefile setup-browser); this skip means apt-get could not (no root, no mirror).
        pytest.skip(f"{CHROMIUM} is missing and `make setup-browser` could not install Debian chromium "
                    "(see .venv/chromium-install.log)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # executable_path: Debian's Chromium, never a browser of Playwright's own (none is downloaded).
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    seen = Watched(page)

    def route(route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            seen.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    yield seen
    context.close()


def screenshot(page: Any, name: str, *, full_page: bool = False, clip: dict[str, float] | None = None) -> Path:
    """Save a screenshot as a palette PNG (a tenth of the size of Chromium's, for the copies in docs/screenshots/)."""
    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # animations="disabled": MUI's tab underline and ripples are caught mid-way otherwise.
    image = Image.open(io.BytesIO(page.screenshot(full_page=full_page, clip=clip, animations="disabled")))
    path = SCREENSHOTS / name
    image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def edgeload(*args: str, stdout: int | IO[bytes] | None = subprocess.PIPE, stderr: int | IO[bytes] | None = None,
             cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """`edgeload ARGS` as a subprocess of this checkout (the test run is gevent-patched: never in-process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "loadtests._cli", *args], cwd=cwd or ROOT, env=env,
                            stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)


def read_ui_url(process: subprocess.Popen[bytes], log: Path) -> str:
    """The web UI's address from the line Locust's process prints once it listens (loadtests._web_ui)."""
    assert process.stdout is not None
    for line in process.stdout:
        match = URL_LINE.search(line)
        if match:
            return match.group(1).decode()
    raise AssertionError(f"no web UI line; exit code {process.wait()}; log tail:\n{_tail(log)}")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def drain(process: subprocess.Popen[bytes], timeout: float = 30.0) -> tuple[int, bytes]:
    out, _ = process.communicate(timeout=timeout)
    return process.returncode, out or b""


def urls(values: Sequence[str]) -> list[str]:
    return [value[:120] for value in values]
