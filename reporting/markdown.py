"""Markdown tables for CI job summaries (GitHub's $GITHUB_STEP_SUMMARY, GitLab's Markdown artefacts).

GitHub Flavored Markdown tables: https://github.github.com/gfm/#tables-extension-
"""

from __future__ import annotations

from collections.abc import Sequence


def cell(text: object) -> str:
    """One table cell: a pipe or a newline would end the cell early (GFM escapes a pipe as `\\|`)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> list[str]:
    """The table's lines; `align` has one letter per column, `r` right-aligns it (numbers), anything else left."""
    marks = [("---:" if align[i:i + 1] == "r" else "---") for i in range(len(header))]
    return [f"| {' | '.join(header)} |", f"| {' | '.join(marks)} |",
            *(f"| {' | '.join(cell(c) for c in row)} |" for row in rows)]
