"""Gates are parsed once per process: by `edgeload run` with its settings, and in the Locust process with its
options; from there typed `Gate` values reach the abort watch, the web UI tab, the verdict and the reports."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from loadtests import _gates as gates
from loadtests import _run_end as run_end
from loadtests._gates import Gate, run_gates
from loadtests._live_view import live_document
from loadtests._measurements import Measurements
from loadtests._options import LoadOptions
from loadtests._process_state import ProcessState
from loadtests._run_settings import RunSettings
from loadtests._settings import load
from loadtests._windows import AbortWatch

STARTED = 1_700_000_000.0
INTERACT = "POST /ee/v2/interact"
GATES = ["p99<50ms", f"{INTERACT}: p95<40ms !abort", "error_rate<5%"]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every expression parsed from here on (the defaults were parsed at import)."""
    texts: list[str] = []
    real: Callable[[str], Gate] = gates._parse

    def counting(text: str) -> Gate:
        texts.append(text)
        return real(text)

    monkeypatch.setattr(gates, "_parse", counting)
    return texts


class _Environment:
    runner = None  # a local run
    host = "http://127.0.0.1:9"
    process_exit_code: int | None = None

    def __init__(self) -> None:
        self.parsed_options = SimpleNamespace(run_time=5.0)
        self.shape_class = None


def test_edgeload_run_parses_each_gate_once(parsed: list[str]) -> None:
    settings = load(["--gate", GATES[0], "--gate", GATES[1], "--gate", GATES[2], "--run-time", "5s"])
    assert parsed == GATES
    assert all(isinstance(gate, Gate) for gate in settings.load.gates)


def test_locust_process_parses_each_gate_once_from_its_options_to_the_reports(
        parsed: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What the init listener reads from Locust's parsed options (loadtests._listeners.on_init).
    namespace = argparse.Namespace(gate=GATES[:2], gates=GATES[2], target_rps=20.0, report_dir=str(tmp_path),
                                   run_id="once")
    options = LoadOptions.from_namespace(namespace)
    assert parsed == GATES
    environment = _Environment()
    state = ProcessState(environment, RunSettings(load=options))
    assert [gate["gate"] for gate in live_document(state, STARTED)["gates"]][:3] == GATES  # the tab before a run
    measurements = Measurements(STARTED)
    for index in range(100):
        measurements.record(INTERACT, 1000 + 100 * index, None, STARTED + index * 0.05)
    measurements.record_cpu(STARTED + 4.0, 30.0)
    for index in range(100):  # the lag probe: 0.2 ms late, within the trust bound
        measurements.trust.observe_wake(index, index + 0.0002)
    state.measurements, state.running, state.run_id = measurements, True, "once"
    watch = AbortWatch(run_gates(state.options))  # the live abort check (loadtests._listeners)
    assert watch.check(measurements.summary(STARTED + 5.0, timeline=False), 20.0, 20.0) is None
    assert live_document(state, STARTED + 5.0)["verdict"] == "PASS so far"  # the tab while running
    state.running = False
    measurements.finish(STARTED + 5.0)
    run_end.finish(environment, state)  # the verdict, the console table and every report
    assert parsed == GATES  # nothing was parsed again on the way
    assert environment.process_exit_code == 0
    document = json.loads((tmp_path / "once" / "summary.json").read_text(encoding="utf-8"))
    assert [row["gate"] for row in document["gates"]][:3] == GATES
    assert document["settings"]["gates"] == GATES
    assert "p95<40ms !abort" in capsys.readouterr().out
