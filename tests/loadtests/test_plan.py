"""`edgeload plan`: request units against the org's guardrail and the generator's processes, in plain numbers."""

from __future__ import annotations

import pytest

from loadtests._plan import main, plan_from


def test_plan_of_20000_rps_page_views_is_capped_by_the_org_limit_and_needs_three_workers():
    plan = plan_from(["--target-rps", "20000"])
    assert (plan.units_per_request, plan.units_per_second, plan.org_ceiling_rps) == (4, 80_000, 1_000)
    assert plan.per_process_rps == pytest.approx(7_880)
    assert (plan.processes, plan.emulator_processes) == (3, 2)


@pytest.mark.parametrize(("argv", "units", "processes"), [
    pytest.param(["--target-rps", "500", "--services", "1"], 1, 1, id="small"),
    pytest.param(["--target-rps", "7880", "--event-bytes", "8193", "--services", "2"], 4, 1, id="two-fragments"),
    pytest.param(["--target-rps", "7881", "--per-core-rps", "9850"], 4, 2, id="just-over-one-process"),
    pytest.param(["--target-rps", "1000", "--per-core-rps", "100"], 4, 13, id="slow-machine"),
])
def test_plan_counts_units_and_processes(argv, units, processes):
    plan = plan_from(argv)
    assert (plan.units_per_request, plan.processes) == (units, processes)


def test_plan_uses_the_collect_limit_and_a_raised_org_limit():
    assert plan_from(["--target-rps", "10", "--endpoint", "collect"]).org_limit == 6_000
    assert plan_from(["--target-rps", "10", "--org-limit", "50000"]).org_ceiling_rps == 12_500


def test_plan_prints_the_verdict_on_the_ceiling(capsys):
    assert main(["--target-rps", "20000"]) == 0
    out = capsys.readouterr().out
    assert "80,000 units/s" in out
    assert "at most 1,000 requests/s at this size; the target needs 20.0 x the limit: the org's limit is the " \
           "ceiling" in out
    assert "-> 3 worker process(es) on 3 core(s)" in out


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--target-rps", "0"], "--target-rps must be above 0", id="zero"),
    pytest.param([], "the following arguments are required: --target-rps", id="missing"),
    pytest.param(["--target-rps", "10", "--event-bytes", "70000"], "--event-bytes must be from 1 to 65536",
                 id="too-big"),
])
def test_plan_refuses_bad_input_with_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("edgeload plan: ")
    assert message in err
