"""The live progress line of a headless run (loadtests._progress) and the line that opens the run."""

from __future__ import annotations

import io

import pytest

from loadtests._progress import ConsoleLine, RecentRate, progress_text, start_line


def test_progress_text_shows_clock_rate_target_errors_and_p95() -> None:
    assert progress_text(12.3, 30.0, 99.84, 100.0, 2400, 12, 2.104) == (
        "12/30 s  99.8 req/s (target 100)  2,400 requests  12 errors (0.5%)  p95 2.10 ms")


def test_progress_text_before_any_figure_uses_dashes_and_no_target() -> None:
    assert progress_text(1.0, None, None, 0.0, 0, 0, None) == (
        "1 s  - req/s (no target rate)  0 requests  0 errors  p95 -")


def test_recent_rate_counts_over_the_last_seconds_only() -> None:
    rate = RecentRate()
    assert rate.add(0.0, 0) is None
    assert rate.add(1.0, 100) == pytest.approx(100.0)
    for second in range(2, 10):
        last = rate.add(float(second), 100 * second if second <= 4 else 400 + 10 * (second - 4))
    assert last == pytest.approx(10.0)  # the last 5 s at 10 req/s, not the run's average


def test_recent_rate_waits_for_reports_when_totals_arrive_in_steps() -> None:
    # A master hears from its workers every 3 s: a total standing still between reports is no dip in the rate.
    rate = RecentRate(quiet_s=4.0)
    assert rate.add(0.0, 0) is None
    assert rate.add(1.0, 0) is None
    assert rate.add(3.0, 300) == pytest.approx(100.0)
    assert rate.add(4.0, 300) == pytest.approx(100.0)
    assert rate.add(5.0, 300) == pytest.approx(100.0)
    assert rate.add(6.0, 600) == pytest.approx(100.0)
    # No report for 4 s: the total really stands still and the rate falls (600 - 300 over the 7 s since 3 s).
    assert rate.add(10.0, 600) == pytest.approx(300 / 7)


def test_console_line_rewrites_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    line = ConsoleLine(stream, tty=True)
    line.show("longer text")
    line.show("short")
    line.close()
    line.close()  # a second close adds nothing
    assert stream.getvalue() == "\rlonger text\rshort      \n"


def test_console_line_appends_plain_lines_into_a_file() -> None:
    stream = io.StringIO()
    line = ConsoleLine(stream, tty=False)
    line.show("one")
    line.show("two")
    line.close()
    assert stream.getvalue() == "one\ntwo\n"


@pytest.mark.parametrize(("target_rps", "user_rps", "shape", "expected"), [
    pytest.param(100.0, 0.0, "constant", "target 100 req/s held by 10 users (open model; -u adds capacity, not "
                 "load), for 30 s against http://127.0.0.1:1", id="open"),
    pytest.param(0.0, 2.0, "constant", "10 users pacing 2 req/s each (20 req/s in all), for 30 s against "
                 "http://127.0.0.1:1", id="paced"),
    pytest.param(0.0, 0.0, "ramp", "10 users sending as fast as they can (closed model: no target rate), shape "
                 "ramp, for 30 s against http://127.0.0.1:1", id="closed"),
])
def test_start_line_names_the_rate_and_the_users(target_rps: float, user_rps: float, shape: str,
                                                 expected: str) -> None:
    assert start_line(10, target_rps, user_rps, shape, 30.0, "http://127.0.0.1:1") == expected
