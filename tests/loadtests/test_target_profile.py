"""loadtests._target_profile and `edgeload run`'s use of it: ceiling, plan, TLS, profile in Locust.

None of these tests sends a request: reachability is replaced where a non-local target would be contacted.
"""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import pytest

from loadtests import _run as run
from loadtests import _target_profile as target_profile
from loadtests._options import LoadOptions
from loadtests._shape_math import Stage
from loadtests._target_profile import TargetError, ceiling_problem, held_rate, peak_rate
from targets._profiles import Profile

SERVER = Profile("adobe-server", "https://server.adobedc.net", "ds-1", auth="oauth", org_id="O@AdobeOrg")
EDGE = Profile("adobe-edge", "https://edge.adobedc.net", "ds-2")
LOCAL = Profile("emulator", "http://127.0.0.1:9", "ds-3")


@pytest.mark.parametrize(("options", "peak"), [
    pytest.param(LoadOptions(target_rps=50), 50.0, id="constant"),
    pytest.param(LoadOptions(target_rps=50, shape="spike", spike_factor=3), 150.0, id="spike"),
    pytest.param(LoadOptions(target_rps=50, stages=(Stage(10, 20), Stage(30, 80), Stage(10, 0))), 80.0, id="stages"),
    pytest.param(LoadOptions(target_rps=50, shape="step"), 50.0, id="step"),
    pytest.param(LoadOptions(), 0.0, id="closed-model"),
])
def test_peak_rate_is_the_highest_rate_the_schedule_asks_for(options, peak):
    assert peak_rate(options) == peak


def test_ceiling_problem_refuses_a_non_local_target_without_an_explicit_rate():
    problem = ceiling_problem(EDGE, LoadOptions(target_rps=100), explicit_rate=False)
    assert problem is not None
    assert problem.startswith("a load test against https://edge.adobedc.net needs an explicit ceiling")
    assert "--target-rps N or --max-rps N" in problem


@pytest.mark.parametrize(("profile", "options", "explicit"), [
    pytest.param(EDGE, LoadOptions(target_rps=100), True, id="explicit-target-rps"),
    pytest.param(EDGE, LoadOptions(target_rps=100, max_rps=100), False, id="max-rps"),
    pytest.param(LOCAL, LoadOptions(), False, id="local-closed-model"),
])
def test_ceiling_problem_lets_a_bounded_or_local_run_start(profile, options, explicit):
    assert ceiling_problem(profile, options, explicit) is None


def test_ceiling_problem_refuses_a_closed_model_even_when_the_rate_flag_was_given():
    assert ceiling_problem(EDGE, LoadOptions(target_rps=0), explicit_rate=True) is not None


def test_ceiling_problem_refuses_a_peak_over_max_rps_on_any_target():
    options = LoadOptions(target_rps=50, shape="spike", spike_factor=3, max_rps=100)
    assert ceiling_problem(LOCAL, options, True) == (
        "the run's peak rate 150 requests/s exceeds --max-rps 100; lower --target-rps (or the shape's peak) or "
        "raise --max-rps")


def test_held_rate_is_max_rps_when_no_target_rate_was_asked():
    assert held_rate(LoadOptions(target_rps=100, max_rps=40), explicit_rate=False) == 40
    assert held_rate(LoadOptions(target_rps=30, max_rps=40), explicit_rate=True) is None
    assert held_rate(LoadOptions(target_rps=100), explicit_rate=False) is None


def test_plan_says_target_datastream_rate_duration_users_and_auth_without_secrets():
    line = target_profile.plan(SERVER, LoadOptions(target_rps=20, persona_weights={"forwarder": 1.0}), 5, 60, 0)
    for part in ("https://server.adobedc.net", "datastream ds-1", "at most 20 requests/s", "for 60 s",
                 "with 5 users", "auth oauth", "$EDGELOAD_CLIENT_SECRET"):
        assert part in line, part


class FakeUser:
    insecure = True  # Locust's FastHttpUser default: no verification


def locust_environment(host: str | None, **options: object) -> tuple[SimpleNamespace, SimpleNamespace]:
    defaults = {"profile": None, "datastream_id": "", "auth": "", "location_hint": "", "header": [],
                "insecure": False, "target_rps": 0.0}
    parsed = argparse.Namespace(**{**defaults, **options})
    user = type("User", (FakeUser,), {})
    environment = SimpleNamespace(parsed_options=parsed, host=host, user_classes=[user])
    state = SimpleNamespace(options=LoadOptions.from_namespace(parsed), target_headers={}, location_hint=None)
    return environment, state


@pytest.fixture(autouse=True)
def no_profile_from_the_environment(monkeypatch):
    for name in ("EDGELOAD_PROFILE", "EDGELOAD_PROFILE_JSON", "EDGELOAD_TARGET", "EDGELOAD_CONFIG",
                 "EDGELOAD_AUTH", "EDGELOAD_INSECURE", "EDGELOAD_DATASTREAM_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no ./edgeload.toml


def test_apply_verifies_tls_of_a_non_local_target():
    environment, state = locust_environment(None, profile="adobe-edge", datastream_id="ds-9", target_rps=10.0)
    target_profile.apply(environment, state, prime=False)
    assert environment.host == "https://edge.adobedc.net"  # the profile names the host
    assert environment.user_classes[0].insecure is False
    assert (state.options.datastream_id, state.location_hint) == ("ds-9", None)


def test_apply_insecure_turns_verification_off_and_warns_once(capsys):
    environment, state = locust_environment("https://127.0.0.1:9", insecure=True, location_hint="irl1")
    target_profile.apply(environment, state, prime=False)
    target_profile.apply(environment, state, prime=False)
    assert environment.user_classes[0].insecure is True
    assert state.location_hint == "irl1"
    assert capsys.readouterr().err.count("warning: --insecure: TLS certificates of https://127.0.0.1:9") == 1


def test_apply_refuses_a_non_local_target_without_a_ceiling():
    environment, state = locust_environment("https://edge.adobedc.net", datastream_id="ds-9")
    with pytest.raises(TargetError, match="needs an explicit ceiling"):
        target_profile.apply(environment, state, prime=False)


def test_apply_max_rps_becomes_the_held_rate_of_the_settings_not_of_the_namespace():
    environment, state = locust_environment("https://edge.adobedc.net", datastream_id="ds-9", max_rps=25.0)
    target_profile.apply(environment, state, prime=False)
    # The settings travel typed: nothing reads the namespace again, so it keeps what was given.
    assert (state.options.target_rps, environment.parsed_options.target_rps) == (25.0, 0.0)


def test_apply_sends_the_profiles_headers_and_the_emulators_default_datastream():
    environment, state = locust_environment("http://127.0.0.1:9", header=["x-team: load"])
    target_profile.apply(environment, state, prime=False)
    assert dict(state.target_headers) == {"x-team": "load"}
    assert state.options.datastream_id == "3f0c6a8e-6a4e-4d5b-9a52-2f1e7c9b1d01"


def test_apply_names_a_missing_secret(monkeypatch):
    monkeypatch.delenv("EDGELOAD_BEARER_TOKEN", raising=False)
    environment, state = locust_environment("http://127.0.0.1:9", auth="bearer")
    with pytest.raises(TargetError, match="set EDGELOAD_BEARER_TOKEN in the environment"):
        target_profile.apply(environment, state, prime=False)


# --- edgeload run, in-process: stops before any request -----------------------------------------------------------

def test_run_refuses_a_non_local_target_without_a_ceiling_in_one_line(capsys, tmp_path):
    code = run.main(["--profile", "adobe-edge", "--datastream-id", "ds", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("edgeload run: a load test against https://edge.adobedc.net needs an explicit ceiling")


def test_run_prints_what_it_will_send_before_starting(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "check_reachable", lambda url, timeout=3.0: "not contacted by this test")
    code = run.main(["--profile", "adobe-edge", "--datastream-id", "ds-7", "--max-rps", "40", "--users", "4",
                     "--run-time", "20s", "--report-dir", str(tmp_path)])
    lines = capsys.readouterr().err.splitlines()
    assert code == 2
    assert lines[0].startswith("edgeload run: about to load profile adobe-edge: https://edge.adobedc.net, "
                               "datastream ds-7")
    assert "at most 40 requests/s" in lines[0]
    assert "for 20 s with 4 users" in lines[0]
    assert "auth none" in lines[0]
    assert lines[1].startswith("edgeload run: target https://edge.adobedc.net is not reachable")


def test_run_insecure_prints_a_warning_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "check_reachable", lambda url, timeout=3.0: "not contacted by this test")
    code = run.main(["--target", "https://127.0.0.1:9", "--insecure", "--report-dir", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "edgeload run: warning: --insecure: TLS certificates of https://127.0.0.1:9 are not verified; credentials "
        "may reach whoever answers")


def test_run_names_a_missing_client_secret_before_starting_anything(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("EDGELOAD_CLIENT_ID", "someone")
    monkeypatch.delenv("EDGELOAD_CLIENT_SECRET", raising=False)
    code = run.main(["--auth", "oauth", "--report-dir", str(tmp_path)])
    assert code == 2
    assert "set EDGELOAD_CLIENT_SECRET in the environment" in capsys.readouterr().err


def test_run_help_lists_the_profile_flags(capsys):
    with pytest.raises(SystemExit) as exited:
        run.main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert all(flag in out for flag in ("--profile", "--auth", "--location-hint", "--header", "--insecure",
                                        "--max-rps", "error_rate<1%"))
