"""`edgeload run` and the commands around it: Locust users, shapes, settings, gates, verdicts, reports and
the web UI (docs/load-tests.md). The only package that imports Locust, so its one public name, `main` (the
`edgeload` command), is loaded on first use.
"""
# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loadtests._cli import main as main

_HOMES = {
    "main": "loadtests._cli",
}


def __getattr__(name: str) -> Any:
    # Loaded on first use: importing the package must not import Locust before gevent patches.
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)

__all__ = [
    "main",
]
