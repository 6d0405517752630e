from __future__ import annotations

from pathlib import Path

import pytest

import reporting
from loadtests import _compare as compare
from loadtests import _history as history
from loadtests._latency import LatencyHistogram
from loadtests._run_summary import OVERALL
from loadtests._significance import latency
from tests.loadtests.synthetic_runs import INTERACT, record, summary


def _rows(**b: object) -> dict[tuple[str, str], compare.Row]:
    rows = compare.compare(record(seed=3), record(**b))  # type: ignore[arg-type]
    return {(row.scope, row.metric): row for row in rows}


def test_compare_marks_a_real_slowdown_significant_with_its_size() -> None:
    row = _rows(seed=4, scale=1.3)[("overall", "p95")]
    assert row.significant
    assert row.a is not None
    assert row.b is not None
    assert 1.25 < row.b / row.a < 1.35
    assert row.cells()[4].startswith("+3")


def test_significance_flags_about_10_percent_of_identical_pairs_two_sided() -> None:
    # What compare's "significant" means: a 90 % interval excludes 0 for about one pair of identical runs in ten.
    def p95(seed: int) -> LatencyHistogram:
        return LatencyHistogram.decode(summary(seed=seed, requests=1000).histograms[OVERALL])

    diffs = [latency(p95(seed), p95(seed + 100), 95.0, 1.0, 0.0) for seed in range(40)]
    flagged = sum(diff.low > 0 or diff.high < 0 for diff in diffs)
    assert 1 <= flagged <= 8


def test_compare_reports_rate_and_error_rate_per_operation() -> None:
    rows = _rows(seed=3, error_every=10, requests=2000)
    assert rows[(INTERACT, "error_rate")].significant
    assert rows[("overall", "error_rate")].b == pytest.approx(0.1)
    assert rows[("overall", "rps")].significant  # 2000 vs 3000 requests in 30 s
    assert rows[("overall", "rps")].cells()[4] == "-33.3%"


def test_compare_cli_prints_the_table_and_writes_markdown_and_html(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    history.append(tmp_path, record(run_id="main", seed=3))
    history.append(tmp_path, record(run_id="branch", seed=4, scale=1.5))
    assert compare.main(["main", "branch", "--report-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["scope", "metric", "A", "B", "B", "vs", "A", "difference"]
    assert "significant" in out
    markdown = (tmp_path / "compare" / "compare.md").read_text()
    assert markdown.startswith("# edgeload compare: main (A) vs branch (B)")
    assert f"| {INTERACT} | p95 |" in markdown
    assert "\n| scope | metric | A | B | B vs A | difference |\n| --- | --- | --- | --- | --- | --- |\n" in markdown
    page = (tmp_path / "compare" / "compare.html").read_text()
    assert page.count("<svg") == 3  # overall and two operations
    assert page.count("<polyline") == 6  # A and B in each
    assert f"<style>{reporting.page.CSS}</style>" in page  # the one stylesheet of every report


def test_compare_cli_exits_2_with_one_line_on_an_unknown_run(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    history.append(tmp_path, record(run_id="main"))
    assert compare.main(["main", "nope", "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no run 'nope'" in err
