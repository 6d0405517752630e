"""The one Markdown table helper (GitHub Flavored Markdown tables)."""

from __future__ import annotations

from reporting import markdown


def test_markdown_table_aligns_numeric_columns_right() -> None:
    assert markdown.table(("gate", "count"), [("`p95`", 3)], "lr") == [
        "| gate | count |", "| --- | ---: |", "| `p95` | 3 |"]


def test_markdown_cell_keeps_a_pipe_or_newline_inside_the_cell() -> None:
    assert markdown.cell("a|b\nc") == "a\\|b c"
    assert markdown.table(("x",), [("a|b",)]) == ["| x |", "| --- |", "| a\\|b |"]
