from __future__ import annotations

import os

import pytest

from reporting import _atomic as atomic
from reporting._atomic import write_atomic


class _Crash(BaseException):
    """Stands for the process being killed: not an Exception, so nothing on the way catches it."""


def test_write_atomic_writes_bytes_and_text_and_creates_directories(tmp_path):
    target = tmp_path / "run" / "summary.json"
    assert write_atomic(target, "{\"ok\": true}") == target
    assert target.read_text(encoding="utf-8") == "{\"ok\": true}"
    write_atomic(target, b"\x89PNG")
    assert target.read_bytes() == b"\x89PNG"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_write_atomic_crash_before_replace_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "junit.xml"
    target.write_text("old complete file")

    def crash(fd: int) -> None:
        raise _Crash

    monkeypatch.setattr(os, "fsync", crash)  # the data is written, the process dies before the rename
    with pytest.raises(_Crash):
        write_atomic(target, "new " * 100_000)
    assert target.read_text() == "old complete file"
    assert os.listdir(tmp_path) == ["junit.xml"]  # no temporary file left behind


def test_write_atomic_crash_after_replace_leaves_the_new_file(tmp_path, monkeypatch):
    target = tmp_path / "junit.xml"
    target.write_text("old complete file")

    def crash(directory) -> None:
        raise _Crash

    monkeypatch.setattr(atomic, "_fsync_directory", crash)
    with pytest.raises(_Crash):
        write_atomic(target, "new complete file")
    assert target.read_text() == "new complete file"


def test_write_atomic_never_exposes_a_partial_file_while_writing(tmp_path, monkeypatch):
    target = tmp_path / "index.html"
    target.write_text("old")
    seen: list[str] = []
    real_replace = os.replace

    def observing_replace(src, dst) -> None:
        seen.append(target.read_text())  # what a reader sees just before the switch
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", observing_replace)
    write_atomic(target, "new")
    assert (seen, target.read_text()) == (["old"], "new")
