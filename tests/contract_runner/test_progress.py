"""Where `edgeload contract`'s runners are, read from what they have written so far (contract_runner._progress)."""

from __future__ import annotations

from pathlib import Path

import orjson

from contract_runner._progress import SchemathesisWatcher, SuiteWatcher, remaining


def test_remaining_scales_the_time_so_far_by_the_share_left() -> None:
    assert remaining(10.0, 0.25) == "; about 30 s left"
    assert remaining(60.0, 0.25) == "; about 3 min left"
    assert remaining(10.0, 0.0) == ""
    assert remaining(10.0, 1.0) == ""


def test_suite_watcher_reads_pytests_last_counter(tmp_path: Path) -> None:
    output = tmp_path / "output"
    watcher = SuiteWatcher(output)
    assert watcher.poll(1.0) is None  # nothing written yet
    output.write_bytes(b"........ [ 8/40]\n........ [16/40]\n....")
    assert watcher.poll(4.0) == "suite: 16 of 40 tests, 4 s; about 6 s left"


def _event(name: str, **fields: object) -> bytes:
    return orjson.dumps({name: fields}) + b"\n"


def test_schemathesis_watcher_follows_phases_and_counts_cases_once(tmp_path: Path) -> None:
    ndjson = tmp_path / "events.ndjson"
    watcher = SchemathesisWatcher(ndjson, operations=2, phases=("examples", "coverage"))
    assert watcher.poll(0.5) is None  # no file yet
    ndjson.write_bytes(_event("PhaseStarted", phase={"name": "probing"}) + _event("PhaseStarted",
                       phase={"name": "examples"}))
    assert watcher.poll(1.0) == "schemathesis: phase examples (1 of 2), 0 cases, 1 s"
    finished = _event("ScenarioFinished", phase="examples", recorder={"label": "POST /a", "cases": {"1": {}, "2": {}}})
    with ndjson.open("ab") as handle:
        handle.write(finished + finished[:10])  # the writer is mid-line
    assert watcher.poll(2.0) == "schemathesis: phase examples (1 of 2), 2 cases, 2 s; about 6 s left"
    with ndjson.open("ab") as handle:
        handle.write(finished[10:] + _event("PhaseStarted", phase={"name": "coverage"}))
    # The second scenario is the same operation: the share done counts operations, the cases add up.
    assert watcher.poll(3.0) == "schemathesis: phase coverage (2 of 2), 4 cases, 3 s; about 3 s left"
