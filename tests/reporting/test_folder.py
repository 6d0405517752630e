"""The report folder writer: each format written atomically and on its own, later formats see the earlier ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import reporting
from reporting import Folder, ReportFormat, write_folder

SECRET = "FAKE-folder-s3cr3t"


def _text(name: str) -> ReportFormat[str]:
    return ReportFormat(name, f"{name}.txt", f"the {name} file", lambda subject, _: f"{name}: {subject}\n")


def _listing(subject: str, folder: Folder) -> str:
    return ",".join(sorted(folder.written)) + f";{folder.exists('runner.xml')};{len(folder.formats)}"


def test_write_folder_writes_each_format_in_order_and_returns_the_paths(tmp_path: Path) -> None:
    written = write_folder(tmp_path / "run", [_text("a"), _text("b")], "s", on_error=pytest.fail)
    assert written == [tmp_path / "run" / "a.txt", tmp_path / "run" / "b.txt"]
    assert [path.read_text() for path in written] == ["a: s\n", "b: s\n"]


def test_write_folder_shows_a_later_format_what_was_written_and_what_else_exists(tmp_path: Path) -> None:
    (tmp_path / "runner.xml").write_text("<x/>")
    formats = [_text("a"), ReportFormat("page", "page.html", "page", _listing)]
    write_folder(tmp_path, formats, "s", on_error=pytest.fail)
    assert (tmp_path / "page.html").read_text() == "a.txt;True;2"


def test_write_folder_a_failing_format_costs_only_itself(tmp_path: Path) -> None:
    def broken(subject: str, folder: Folder) -> str:
        raise ValueError(f"exploded near {SECRET}")

    errors: list[str] = []
    formats = [_text("a"), ReportFormat("broken", "broken.txt", "broken", broken), _text("c"),
               ReportFormat("page", "page.html", "page", _listing)]
    written = write_folder(tmp_path, formats, "s", on_error=errors.append,
                           redact=lambda text: text.replace(SECRET, "[REDACTED]"), program="edgeload contract")
    assert [path.name for path in written] == ["a.txt", "c.txt", "page.html"]
    assert errors == [f"edgeload contract: could not write {tmp_path / 'broken.txt'}: ValueError: exploded near "
                      "[REDACTED]"]
    assert (tmp_path / "page.html").read_text() == "a.txt,c.txt;False;4"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "c.txt", "page.html"]  # no temporary file left behind


def test_write_folder_keeps_the_old_file_when_a_format_fails(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")

    def broken(subject: str, folder: Folder) -> str:
        raise RuntimeError("no")

    write_folder(tmp_path, [ReportFormat("a", "a.txt", "a", broken)], "s", on_error=lambda line: None)
    assert (tmp_path / "a.txt").read_text() == "old"


def test_write_folder_lets_a_kill_through(tmp_path: Path) -> None:
    class Killed(BaseException):
        pass

    def killed(subject: str, folder: Folder) -> str:
        raise Killed

    with pytest.raises(Killed):
        write_folder(tmp_path, [ReportFormat("a", "a.txt", "a", killed), _text("b")], "s", on_error=pytest.fail)
    assert not (tmp_path / "b.txt").exists()


def test_reporting_public_api_is_pinned() -> None:
    # The names other packages code against; a change here is a change of the package's API.
    assert reporting.__all__ == sorted(reporting.__all__)
    assert reporting.__all__ == ["Folder", "ReportFormat", "junit", "markdown", "page", "write_atomic",
                                 "write_folder"]
    assert all(hasattr(reporting, name) for name in reporting.__all__)
