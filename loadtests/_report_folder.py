"""Each run's report folder is its own: created exclusively, never reused, so no run's reports overwrite another's.

`os.mkdir` fails when the folder exists, atomically, even between two processes starting in the same second
(https://man7.org/linux/man-pages/man2/mkdir.2.html, EEXIST). A run id given by the user that is taken is refused
before the run starts (its reports would otherwise land where a script does not look); a timestamp that is taken
(two runs in one second) gets the first free suffix -2, -3 ...
"""

from __future__ import annotations

from pathlib import Path

MAX_SUFFIX = 1000


class ReportFolderTaken(ValueError):
    """The run id names a folder that exists; str() is one line naming it and the fix."""


def claim(report_dir: Path, run_id: str, *, explicit: bool) -> Path:
    """Create `report_dir/run_id` (parents as needed) and return it; another name when taken and not `explicit`.

    Raises ReportFolderTaken for an explicit run id whose folder exists, OSError when the folder cannot be made.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, MAX_SUFFIX + 1):
        folder = report_dir / (run_id if n == 1 else f"{run_id}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            if explicit:
                raise ReportFolderTaken(
                    f"{folder} already holds a run's reports; choose another --run-id, or move or remove that "
                    f"folder") from None
    raise ReportFolderTaken(f"{report_dir}: {run_id}-2 to {run_id}-{MAX_SUFFIX} are all taken; clean up "
                            f"{report_dir}")
