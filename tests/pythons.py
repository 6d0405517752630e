"""`python -m tests.pythons [X.Y ...]`: the supported Pythons other than the suite's, each proven as a user gets it
(docs/pythons.md); `make test` runs it through `make pythons`.

Per version, in parallel (one process each, the two cores this suite is measured on): the wheel built from this
checkout installed, with the test tools of its dev extra, in a fresh virtual environment of that Python; the fast
tests (`not slow`, `not browser`; the golden files among them, so seeded output is proven byte-identical there)
run from a copy of the tracked files in a temporary folder, with nothing beside it; and `edgeload run`,
`edgeload contract` (bounded), `edgeload generate | edgeload validate-events -` from a folder outside the checkout.

A version that cannot be found is a failure, printed loudly: CI has all three, and a missing one must never pass
as if tested. A developer without one narrows the set on purpose: `EDGELOAD_PYTHONS="3.12" make test`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.wheel_install import ROOT, Step, build_wheel, clean_environment, find_python, install, run, smoke

# The dev tools the fast tests import, at the versions of pyproject.toml's dev extra; the rest of it (linters,
# type checkers, Playwright) serves lint, typecheck and the browser tests, which run once, on the suite's Python.
TEST_TOOLS = ("hypothesis", "pytest-timeout", "requests")

SUPPORTED = ("3.11", "3.12", "3.13")  # pyproject.toml requires-python and classifiers (a test keeps them equal)
FAST_TESTS = ("tests/generators", "tests/contracts", "tests/emulator", "tests/loadtests", "tests/scripts",
              "tests/test_architecture.py", "tests/test_standalone_paths.py")


def tracked_copy(dest: Path) -> Path:
    """The tracked files of the checkout (as a clone has them) under `dest`, nothing beside them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def tool_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dev = project["optional-dependencies"]["dev"]
    chosen = [spec for spec in dev if re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0] in TEST_TOOLS]
    if len(chosen) != len(TEST_TOOLS):
        raise SystemExit(f"pythons: pyproject.toml's dev extra lacks one of {', '.join(TEST_TOOLS)}")
    return chosen


def check(version: str, wheel: Path, folder: Path) -> tuple[bool, list[str]]:
    """(passed, lines to print) for one version."""
    started = time.monotonic()
    python = find_python(version)
    if python is None:
        return False, [f"pythons {version}: MISSING: neither python{version} on PATH nor a pyenv {version} runs; "
                       f"NOT TESTED (install it, or leave it out with EDGELOAD_PYTHONS)"]
    venv, work, copy = folder / "venv", folder / "work", folder / "edgeload"
    work.mkdir()
    steps: list[tuple[Step, str | None]] = []
    installed = install(python, venv, str(wheel), *tool_requirements())
    steps.append((installed, None if installed.returncode == 0 else "the install failed"))
    if installed.returncode == 0:
        tracked_copy(copy)
        tests = run("fast tests", [venv / "bin" / "python", "-m", "gevent.monkey", "--module", "pytest", "-q", "-x",
                                   "-m", "not slow and not browser", *FAST_TESTS],
                    copy, clean_environment(venv))
        steps.append((tests, None if tests.returncode == 0 else "the fast tests failed"))
        steps.extend(smoke(venv, work))
    lines = [f"pythons {version}: {python}"]
    for step, problem in steps:
        summary = step.output.strip().splitlines()[-1] if step.output.strip() else ""
        lines.append(f"pythons {version}:   {'ok  ' if problem is None else 'FAIL'} {step.name} "
                     f"({step.seconds:.0f} s{f'; {summary}' if step.name == 'fast tests' else ''})")
        if problem is not None:
            lines.extend(f"pythons {version}:     {line}" for line in [problem, *step.tail.splitlines()])
    passed = all(problem is None for _, problem in steps)
    lines.append(f"pythons {version}: {'PASS' if passed else 'FAIL'} in {time.monotonic() - started:.0f} s")
    return passed, lines


def requested(argv: list[str]) -> tuple[list[str], list[str]]:
    """(versions to check, supported versions left out on purpose)."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    chosen = argv or os.environ.get("EDGELOAD_PYTHONS", "").split() or [v for v in SUPPORTED if v != running]
    unknown = [v for v in chosen if v not in SUPPORTED]
    if unknown:
        raise SystemExit(f"pythons: {', '.join(unknown)} not supported; choose among {', '.join(SUPPORTED)}")
    left_out = [v for v in SUPPORTED if v not in chosen and v != running]
    return chosen, left_out


def main(argv: list[str] | None = None) -> int:
    versions, left_out = requested(sys.argv[1:] if argv is None else argv)
    for version in left_out:
        print(f"pythons {version}: NOT TESTED: left out on purpose (EDGELOAD_PYTHONS or arguments)", flush=True)
    with tempfile.TemporaryDirectory(prefix="edgeload-pythons-") as temp:
        root = Path(temp)
        wheel = build_wheel(root)
        folders = {v: root / f"py{v}" for v in versions}
        for folder in folders.values():
            folder.mkdir()
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda v: check(v, wheel, folders[v]), versions))
    for _, lines in results:
        print("\n".join(lines), flush=True)
    passed = [v for v, (ok, _) in zip(versions, results, strict=True) if ok]
    failed = [v for v in versions if v not in passed]
    print(f"pythons: checked {', '.join(versions)}; the whole suite runs on {sys.version_info[0]}."
          f"{sys.version_info[1]}", flush=True)
    print(f"pythons: {len(passed)} passed, {len(failed)} failed", flush=True)  # the line CI reads
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
