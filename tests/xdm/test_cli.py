"""`edgeload validate-events` end to end through main(argv), on files written by `edgeload generate`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from generators._cli import main as generate
from tests.contracts.reference import XDM_SCHEMAS
from xdm._cli import main as validate


def _generated(tmp_path: Path, capsys, *argv: str) -> Path:
    assert generate(list(argv)) == 0
    target = tmp_path / "generated.jsonl"
    target.write_text(capsys.readouterr().out, encoding="utf-8")
    return target


@pytest.mark.parametrize("kind", ["event", "journey", "interact-request", "collect-request", "v1-interact-request"])
def test_validate_events_accepts_what_generate_prints(tmp_path, capsys, kind):
    path = _generated(tmp_path, capsys, "-n", "30", "--seed", "3", "--kind", kind)
    assert validate([str(path), "--schema-dir", str(XDM_SCHEMAS)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert " events valid in " in captured.err
    assert captured.err.split(" of ")[0] == captured.err.split(" of ")[1].split(" ")[0]


def test_validate_events_defaults_to_the_schemas_shipped_in_the_package(tmp_path, capsys):
    path = _generated(tmp_path, capsys, "-n", "5")
    assert validate([str(path)]) == 0


def test_validate_events_reads_standard_input_when_the_file_is_a_dash(tmp_path, capsys, monkeypatch):
    path = _generated(tmp_path, capsys, "-n", "4", "--seed", "5", "--kind", "interact-request")
    monkeypatch.setattr("sys.stdin", io.StringIO(path.read_text(encoding="utf-8") + "{\"event\": {}}\n"))
    assert validate(["-"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "-:5: $.event.xdm: missing: the body carries no xdm event\n"
    assert captured.err == "4 of 5 events valid in -\n"


def test_validate_events_reports_every_problem_with_line_and_path(tmp_path, capsys):
    path = _generated(tmp_path, capsys, "-n", "3", "--kind", "page-view")
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    events[1]["timestamp"] = "2025-06-02 08:00"
    events[2]["web"]["webPageDetails"]["URl"] = "x"
    events[2]["identityMap"]["ECID" if "ECID" in events[2]["identityMap"] else "FPID"] = [{"id": "", "primary": True}]
    path.write_text("".join(json.dumps(e) + "\n" for e in events) + "not json\n", encoding="utf-8")
    assert validate([str(path), "--schema-dir", str(XDM_SCHEMAS)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f'{path}:2: $.timestamp: "2025-06-02 08:00" is not a valid date-time' in lines
    assert any(line.startswith(f"{path}:3: $.web.webPageDetails.URl: unknown key") for line in lines)
    assert any(line.startswith(f"{path}:3: $.identityMap") for line in lines)
    assert any(line.startswith(f"{path}:4: not JSON") for line in lines)
    assert not any(line.startswith(f"{path}:1:") for line in lines)


def test_validate_events_paths_point_into_request_bodies(tmp_path, capsys):
    path = _generated(tmp_path, capsys, "-n", "1", "--kind", "collect-request", "--batch-size", "3")
    body = json.loads(path.read_text(encoding="utf-8"))
    body["events"][2]["xdm"]["device"]["screenOrientation"] = "upside-down"
    interact = {"event": {"xdm": dict(body["events"][0]["xdm"], eventType="page.view")}}
    path.write_text(json.dumps(body) + "\n" + json.dumps(interact) + "\n", encoding="utf-8")
    assert validate([str(path)]) == 1
    out = capsys.readouterr().out
    assert f'{path}:1: $.events[2].xdm.device.screenOrientation: "upside-down" is not one of' in out
    assert f'{path}:2: $.event.xdm.eventType: "page.view" is not an XDM event type' in out


@pytest.mark.parametrize(("argv", "needle"), [
    pytest.param(["{missing}"], "is not a file", id="missing-file"),
    pytest.param(["{empty}"], "holds no events", id="empty-file"),
    pytest.param(["{empty}", "--schema-dir", "{tmp}/nowhere"], "does not exist", id="missing-schema-dir"),
    pytest.param(["{empty}", "--schema-dir", "{tmp}"], "no JSON schema", id="schema-dir-without-schemas"),
    pytest.param(["{empty}", "--schema", "https://example.test/none"], "no schema with $id", id="unknown-schema"),
    pytest.param([], "the following arguments are required: file", id="no-file"),
])
def test_validate_events_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, needle):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    names = {"missing": str(tmp_path / "missing.jsonl"), "empty": str(empty), "tmp": str(tmp_path)}
    assert validate([arg.format(**names) for arg in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert needle in captured.err
