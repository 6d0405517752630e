"""Placeholder: filled in next commit."""

from __future__ import annotations

from collections.abc import Callable

from loadtests.measurements import RunSummary

RENDERERS: dict[str, Callable[[RunSummary], bytes]] = {}
