"""Atomic file writes for every report and every file a run leaves behind (records, tallies, histories).

A run interrupted by Ctrl-C, SIGTERM or a dying target still writes its reports; a report read by CI
while it is being rewritten, or left behind by a crash mid-write, must be the old file or the new one, never half
of either. It lives in `reporting`, the lowest layer that writes files (standard library only), so that every
command can use it. POSIX `rename(2)` replaces a file atomically within one file system
(https://pubs.opengroup.org/onlinepubs/9699919799/functions/rename.html), so the data goes to a temporary file in
the same directory, is flushed to disk, then replaces the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write `data` (str is UTF-8 encoded) to `path` atomically; creates parent directories; returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            # Without fsync a power loss after the rename can leave an empty file under the new name.
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)  # mkstemp creates 0600; reports are meant to be shared
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)
    return target


def _fsync_directory(directory: Path) -> None:
    # The rename itself lives in the directory entry; best effort, not every file system allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
