"""edgeload as a user installs it: the wheel built from this checkout, in a fresh virtual environment of a given
Python, driven from a folder outside the checkout (docs/pythons.md).

Shared by tests/test_wheel.py (the Python running the suite) and `python -m tests.pythons` (the other supported
versions), so both prove the same things the same way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP_TIMEOUT_S = 300  # an install from a cold pip cache on a busy machine; a run or contract takes seconds


@dataclass(frozen=True)
class Step:
    """One command of the check and what it printed."""

    name: str
    returncode: int
    output: str
    seconds: float = 0.0

    @property
    def tail(self) -> str:
        return "\n".join(self.output.strip().splitlines()[-12:])


def version_of(python: str | Path) -> str | None:
    """`3.12` for an interpreter that runs; None for one that does not (a pyenv shim of a version not selected)."""
    try:
        answer = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return answer.stdout.strip() if answer.returncode == 0 else None


def find_python(version: str) -> Path | None:
    """`pythonX.Y` on PATH if it runs, else pyenv's newest installed X.Y (pyenv's shim refuses versions it has
    not selected, so the plain name can exist and fail)."""
    plain = shutil.which(f"python{version}")
    if plain is not None and version_of(plain) == version:
        return Path(plain)
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return None
    latest = subprocess.run([pyenv, "latest", version], capture_output=True, text=True, timeout=30, check=False)
    root = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=30, check=False)
    if latest.returncode or root.returncode:
        return None
    candidate = Path(root.stdout.strip()) / "versions" / latest.stdout.strip() / "bin" / f"python{version}"
    return candidate if version_of(candidate) == version else None


def clean_environment(venv: Path) -> dict[str, str]:
    """The caller's environment without its virtual environment or import path, the venv's bin first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    return env


def run(name: str, argv: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None,
        stdin: str | None = None, timeout: float = STEP_TIMEOUT_S) -> Step:
    started = time.monotonic()
    try:
        done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as expired:
        return Step(name, -1, f"timed out after {timeout:.0f} s\n{expired.stdout or ''}{expired.stderr or ''}",
                    timeout)
    return Step(name, done.returncode, done.stdout + done.stderr, time.monotonic() - started)


def build_wheel(dest: Path) -> Path:
    """The wheel of this checkout, built as pip builds it for a user (isolated, hatchling from the registry)."""
    step = run("build", [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dest, ROOT],
               cwd=dest)
    wheels = sorted(dest.glob("edgeload-*.whl"))
    if step.returncode or len(wheels) != 1:
        raise RuntimeError(f"building the wheel failed:\n{step.tail}")
    return wheels[0]


def install(python: Path, venv: Path, *requirements: str) -> Step:
    """A fresh virtual environment at `venv` with `requirements` (the wheel first) installed."""
    created = run("venv", [python, "-m", "venv", venv], cwd=venv.parent)
    if created.returncode:
        return created
    return run("install", [venv / "bin" / "python", "-m", "pip", "install", "--quiet", *requirements],
               cwd=venv.parent, env=clean_environment(venv))


def smoke(venv: Path, work: Path) -> list[tuple[Step, str | None]]:
    """The user's first commands, from `work` (outside the checkout): each step with its problem, or None."""
    env = clean_environment(venv)
    edgeload = venv / "bin" / "edgeload"
    results: list[tuple[Step, str | None]] = []

    def expect(step: Step, needle: str, returncode: int = 0) -> None:
        ok = step.returncode == returncode and needle in step.output
        results.append((step, None if ok else f"expected exit {returncode} and {needle!r}"))

    where = run("import", [venv / "bin" / "python", "-c", "import contracts, emulator, generators, loadtests; "
                           "print(*(m.__file__ for m in (contracts, emulator, generators, loadtests)))"], work, env)
    inside = where.returncode == 0 and all(Path(p).is_relative_to(venv) for p in where.output.split())
    results.append((where, None if inside else "edgeload's packages must come from the fresh environment"))
    ran = run("edgeload run", [edgeload, "run", "--run-time", "3s"], work, env)
    # On a busy machine (the other tests beside it, a shared runner) the run may find its own clock untrustworthy:
    # the wheel still ran and judged itself (docs/gates.md#verdicts); any other verdict is a failure.
    untrustworthy = ran.returncode == 3 and "verdict: NOT TRUSTWORTHY" in ran.output
    expect(ran, *(("verdict: NOT TRUSTWORTHY", 3) if untrustworthy else ("verdict: PASS", 0)))
    expect(run("edgeload contract", [edgeload, "contract", "--phases", "examples,fuzzing", "--max-examples", "2"],
               work, env), "edgeload contract: pass")
    generated = run("edgeload generate", [edgeload, "generate", "-n", "50", "--seed", "3", "--kind",
                                          "interact-request"], work, env)
    expect(generated, '"event"')
    expect(run("edgeload validate-events", [edgeload, "validate-events", "-"], work, env, stdin=generated.output),
           "50 of 50 events valid in -")
    # A user's own export: here a copy of the shipped schemas in a folder of their own.
    export = work / "my-schema-export"
    shutil.copytree(venv_schemas(venv), export, dirs_exist_ok=True)
    events = work / "events.jsonl"
    events.write_text(generated.output, encoding="utf-8")
    expect(run("edgeload validate-events --schema-dir", [edgeload, "validate-events", events, "--schema-dir", export],
               work, env), f"50 of 50 events valid in {events}")
    return results


def venv_schemas(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3.*/site-packages/xdm/schemas"))
    if len(found) != 1:
        raise RuntimeError(f"the installed wheel has no xdm/schemas under {venv}")
    return found[0]
