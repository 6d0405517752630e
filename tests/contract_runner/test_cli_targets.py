"""`edgeload contract` and target profiles: one-line refusals and the --insecure warning. In-process;
nothing is contacted but a closed local port."""

from __future__ import annotations

import pytest

from contract_runner._cli import main


@pytest.fixture(autouse=True)
def no_profile_from_the_environment(monkeypatch, tmp_path):
    for name in ("EDGELOAD_PROFILE", "EDGELOAD_PROFILE_JSON", "EDGELOAD_TARGET", "EDGELOAD_CONFIG", "EDGELOAD_AUTH",
                 "EDGELOAD_INSECURE", "EDGELOAD_CLIENT_ID", "EDGELOAD_CLIENT_SECRET", "EDGELOAD_BEARER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./edgeload.toml


def test_contract_insecure_prints_a_warning_line_first(capsys, tmp_path):
    assert main(["--target", "https://127.0.0.1:9", "--insecure", "--report-dir", str(tmp_path / "r")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == ("edgeload contract: warning: --insecure: TLS certificates of https://127.0.0.1:9 are not "
                        "verified; credentials may reach whoever answers")
    assert lines[1].startswith("edgeload contract: target https://127.0.0.1:9 is not reachable")


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--profile", "staging"], "unknown profile 'staging'; choose one of adobe-edge, adobe-server, custom, "
                 "emulator", id="unknown-profile"),
    pytest.param(["--profile", "adobe-server"], "profile adobe-server names no datastream", id="no-datastream"),
    pytest.param(["--auth", "bearer"], "set EDGELOAD_BEARER_TOKEN in the environment", id="missing-secret"),
    pytest.param(["--location-hint", "mars1"], "location hint 'mars1' is not one of", id="bad-hint"),
])
def test_contract_refuses_an_unusable_profile_in_one_line(capsys, tmp_path, argv, message):
    assert main([*argv, "--report-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
