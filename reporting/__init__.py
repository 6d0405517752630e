"""One report stack for every command: the load test's reports and the contract runner's.

Standard library only (docs/architecture.md): `write_folder` writes a command's registry of `ReportFormat`s
atomically, each on its own; `page` is the HTML skeleton with the one stylesheet; `junit` writes JUnit XML;
`markdown` builds Markdown tables; `write_atomic` replaces one file atomically. Adding a report format is one
`ReportFormat` entry in the command's registry (docs/contributing.md).
"""

from __future__ import annotations

from reporting import junit, markdown, page
from reporting._atomic import write_atomic
from reporting._folder import Folder, ReportFormat, write_folder

__all__ = [
    "Folder",
    "ReportFormat",
    "junit",
    "markdown",
    "page",
    "write_atomic",
    "write_folder",
]
