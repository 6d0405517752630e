"""The report folder: a registry of report formats, each written atomically and on its own.

A report format is one `ReportFormat` entry (name, file name, label, render function); a command's report list is
a tuple of them, written in order by `write_folder`. A report that fails to write costs only itself: its error
becomes one line for the caller and the next format is written. Formats written later (the HTML page comes last)
see which files exist through the `Folder` they are given, so a page links only what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from reporting._atomic import write_atomic

Subject = TypeVar("Subject")


def _unchanged(text: str) -> str:
    return text


@dataclass(frozen=True)
class Folder:
    """The report folder as a format sees it while it is being written."""

    path: Path
    formats: Sequence[ReportFormat[Any]]  # every format of this folder, in writing order
    written: frozenset[str]  # file names of the formats written so far in this run

    def exists(self, name: str) -> bool:
        """A file in the folder, written by this writer or by someone else (a runner's own JUnit, Locust's page)."""
        return name in self.written or (self.path / name).is_file()


@dataclass(frozen=True)
class ReportFormat(Generic[Subject]):
    """One report file: `render` turns the command's subject (and the folder so far) into its bytes or text."""

    name: str  # short and stable: what the docs and a format list call it
    file_name: str
    label: str  # what a page's link or figure says
    render: Callable[[Subject, Folder], bytes | str]


def write_folder(directory: str | Path, formats: Sequence[ReportFormat[Subject]], subject: Subject, *,
                 on_error: Callable[[str], None], redact: Callable[[str], str] = _unchanged,
                 program: str = "edgeload") -> list[Path]:
    """Write each format into `directory` (created if needed); return the files written, in order.

    A format that raises is reported to `on_error` as one line (the error passes through `redact`: an exception's
    text may quote a secret) and the others are still written. BaseException (a signal, a kill) is not caught: the
    atomic write leaves the old file or the new one.
    """
    folder = Path(directory)
    written: list[Path] = []
    for report in formats:
        target = folder / report.file_name
        try:
            view = Folder(folder, formats, frozenset(path.name for path in written))
            written.append(write_atomic(target, report.render(subject, view)))
        except Exception as error:  # one broken report must not cost the others
            on_error(f"{program}: could not write {target}: {type(error).__name__}: {redact(str(error))}")
    return written
