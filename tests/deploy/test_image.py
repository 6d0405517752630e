"""The image of deploy/Containerfile, built once per session by deploy/build_image.py (buildah, vfs storage, chroot
isolation; on the debootstrapped stand-in base when the official one cannot be pulled) and smoke-tested with
`buildah run --isolation chroot`, whose processes share this machine's network: the emulator it serves is reached on
127.0.0.1 (docs/distributed.md#deploying). Every command runs as the image's own user (USER
10001): chroot isolation keeps the image's user, so the tests check that too."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator._config import DEFAULT_DATASTREAM_ID
from emulator._server import RunningEmulator
from tests.emulator.asgi_client import interact_body
from tests.script_modules import load_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "build_image.py"
TAG = "localhost/edgeload:smoke-test"
IMAGE_USER = 10001  # the Containerfile's USER
# A cold build here (debootstrap of the stand-in, then the image) took about 6.5 minutes; pytest's default is 300 s.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


BUILD = load_script(SCRIPT)
BUILDAH = BUILD.Buildah()


def _unavailable() -> str | None:
    """Why buildah cannot build here, in one line; None when it can."""
    for tool in ("buildah", "debootstrap"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed and `make test` could not install it (.venv/buildah-install.log says why)"
    if os.geteuid() != 0:
        return "buildah's vfs store and debootstrap need root; this test run is not root"
    BUILD.WORK.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(BUILDAH.command("from", "scratch"), capture_output=True, text=True, timeout=120, check=False)
    if probe.returncode != 0:
        return f"buildah cannot make a container here: {BUILD.last_line(probe.stderr)}"
    subprocess.run(BUILDAH.command("rm", probe.stdout.strip()), capture_output=True, timeout=120, check=False)
    return None


@pytest.fixture(scope="session")
def image() -> str:
    if (why := _unavailable()) is not None:
        pytest.skip(why)
    built = subprocess.run([sys.executable, str(SCRIPT), "--tag", TAG], capture_output=True, text=True, timeout=2300,
                           check=False)
    assert built.returncode == 0, built.stderr
    assert f"built {TAG} on " in built.stdout
    return TAG


@pytest.fixture(scope="session")
def container(image: str) -> Iterator[str]:
    """One working container of the image for the session (vfs copies the whole image for each)."""
    name = BUILDAH.run("from", "--pull=never", "--name", f"edgeload-smoke-{os.getpid()}", image)
    yield name
    subprocess.run(BUILDAH.command("rm", name), capture_output=True, timeout=300, check=False)


def _inside(container: str, *command: str) -> list[str]:
    return list(BUILDAH.command("run", "--isolation", "chroot", container, "--", *command))


def _first_line(process: subprocess.Popen[bytes], deadline: float) -> str:
    """The process's first stdout line, read without blocking past the deadline ('' if none came)."""
    assert process.stdout is not None
    buffer = b""
    while b"\n" not in buffer and (remaining := deadline - time.monotonic()) > 0:
        if not select.select([process.stdout], [], [], remaining)[0]:
            break
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        buffer += chunk
    return buffer.split(b"\n", 1)[0].decode()


def test_image_prints_the_version_as_its_own_non_root_user(container):
    version = subprocess.run(_inside(container, "edgeload", "--version"), capture_output=True, text=True, timeout=120,
                             check=False)
    user = subprocess.run(_inside(container, "id", "-u"), capture_output=True, text=True, timeout=120, check=False)
    assert (version.returncode, version.stdout.strip()) == (0, f"edgeload {BUILD.version()}")
    assert user.stdout.strip() == str(IMAGE_USER)


def test_image_emulator_answers_an_interact_request_from_the_host(container):
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 (RunningEmulator.stop closes it)
    process = subprocess.Popen(_inside(container, "edgeload", "emulator", "--port", "0"), stdout=subprocess.PIPE,
                               stderr=stderr, stdin=subprocess.DEVNULL, start_new_session=True)
    line = _first_line(process, time.monotonic() + 60)
    with RunningEmulator(line.rsplit(" ", 1)[-1], process, stderr) as emulator:
        assert line.startswith("edgeload emulator listening on http://127.0.0.1:"), emulator.stderr_tail()
        request = urllib.request.Request(f"{emulator.url}/ee/v2/interact?datastreamId={DEFAULT_DATASTREAM_ID}",
                                         data=json.dumps(interact_body()).encode(), method="POST",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            status, answer = response.status, json.loads(response.read())
    assert status == 200
    assert answer["requestId"]
    assert any(handle["type"] == "state:store" for handle in answer["handle"])


def test_image_run_against_its_embedded_emulator_writes_reports_with_a_verdict_line(container):
    # The contract's gates only: the machine's load must not decide a smoke test (the trust gate would).
    done = subprocess.run(_inside(container, "edgeload", "run", "--run-time", "5s", "--report-dir", "/reports",
                                  "--no-default-gates", "--gate", "violations==0", "--gate", "error_rate<1%"),
                          capture_output=True, text=True, timeout=300, check=False)
    verdicts = [line for line in done.stdout.splitlines() if line.startswith("verdict: ")]
    output = done.stdout[-2000:] + done.stderr[-2000:]
    assert (done.returncode, verdicts) == (0, ["verdict: PASS: all 2 gates passed"]), output
    reports = Path(BUILDAH.run("mount", container)) / "reports"
    summaries = sorted(reports.glob("*/summary.json"))
    assert summaries, f"no report folder in {reports}"
    summary = json.loads(summaries[-1].read_text(encoding="utf-8"))
    assert (summary["verdict"], summary["violations"]) == ("pass", 0)
    assert summary["total_requests"] > 0
    assert (summaries[-1].parent / "index.html").stat().st_uid == IMAGE_USER
