"""Placeholder: filled in next commit."""

from __future__ import annotations

from collections.abc import Sequence

from loadtests.gates import GateResult
from loadtests.measurements import RunSummary


def render(summary: RunSummary, gate_results: Sequence[GateResult], **kwargs: object) -> str:
    raise NotImplementedError
