"""`edgeload emulator` flags and config file: merging, and one-line errors with exit code 2."""

from __future__ import annotations

import pytest

from emulator._cli import main, settings_from
from emulator._config import DEFAULT_DATASTREAM_ID, load_settings
from emulator._errors import ConfigError
from emulator._limits import Limits


def write(tmp_path, text):
    path = tmp_path / "emulator.toml"
    path.write_text(text)
    return path


def test_cli_defaults_follow_the_brief():
    settings = settings_from([])
    assert (settings.host, settings.port, settings.rate_limit, settings.collect_rate_limit) == (
        "127.0.0.1",
        0,
        4000,
        6000,
    )
    assert next(iter(settings.datastreams)) == DEFAULT_DATASTREAM_ID
    assert settings.faults == ()


def test_cli_flags_override_the_config_file(tmp_path):
    path = write(tmp_path, '[emulator]\nport = 8123\nseed = 1\nrate_limit = 10\nfaults = ["stall"]\n')
    with pytest.raises(ConfigError, match="unknown key 'faults'"):
        load_settings(path)  # faults live at top level, not in [emulator]
    path = write(
        tmp_path, 'faults = ["stall", {name = "latency", ms = 3}]\n[emulator]\nport = 8123\nseed = 1\nrate_limit = 10\n'
    )
    from_file = settings_from(["--config", str(path)])
    assert (from_file.port, from_file.seed, from_file.rate_limit) == (8123, 1, 10)
    assert [f.spec() for f in from_file.faults] == ["stall:1", "latency:1,ms=3"]
    flagged = settings_from(
        ["--config", str(path), "--port", "0", "--seed", "2", "--rate-limit", "0", "--fault", "rate-limit"]
    )
    assert (flagged.port, flagged.seed, flagged.rate_limit) == (0, 2, 0)
    assert [f.spec() for f in flagged.faults] == ["rate-limit:1"]


def test_cli_limits_have_their_documented_defaults_and_flags_override_the_file(tmp_path):
    assert settings_from([]).limits == Limits(max_header_bytes=65536, head_timeout_s=5.0, body_timeout_s=10.0,
                                              max_connections=10_000)
    path = write(tmp_path, "[emulator]\nbody_timeout = 2.5\nmax_connections = 300\nmax_header_bytes = 8192\n")
    assert settings_from(["--config", str(path)]).limits == Limits(8192, 5.0, 2.5, 300)
    flagged = settings_from(["--config", str(path), "--body-timeout", "1", "--head-timeout", "3",
                             "--max-connections", "40", "--max-header-bytes", "4096"])
    assert flagged.limits == Limits(4096, 3.0, 1.0, 40)


def test_cli_config_array_of_fault_tables(tmp_path):
    path = write(tmp_path, '[[faults]]\nname = "server-error"\nrate = 0.25\nstatus = 502\n')
    assert [f.spec() for f in load_settings(path).faults] == ["server-error:0.25,status=502"]


def test_cli_config_datastreams_replace_the_shipped_ones(tmp_path):
    path = write(
        tmp_path,
        '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\n'
        'org_id = "ABC@AdobeOrg"\nservices = ["target"]\n',
    )
    (stream,) = load_settings(path).datastreams.values()
    assert (stream.id, stream.enabled, stream.access_type, stream.requires_primary_identity) == (
        "11111111-2222-4333-8444-555555555555",
        True,
        "mixed",
        False,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "70000"], "--port must be an integer from 0"),
        (["--port", "x"], "argument --port: invalid int value: 'x'"),
        (["--rate-limit", "-1"], "--rate-limit must be a whole number"),
        (["--fault", "nope"], "unknown fault 'nope'"),
        (["--fault", "latency,ms=1e300"], "ms=1e+300 must be a number from 0 to 600000"),
        (["--fault", "stall,operation=interac"], "did you mean 'interact'?"),
        (["--log-level", "loud"], "argument --log-level: invalid choice"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--config", "/nonexistent/e.toml"], "config file /nonexistent/e.toml does not exist"),
        (["--host", "256.1.1.1"], "cannot listen on 256.1.1.1:0"),
        (["--body-timeout", "0"], "--body-timeout must be a number of seconds above 0 and at most 3600"),
        (["--head-timeout", "1e9"], "--head-timeout must be a number of seconds above 0"),
        (["--max-header-bytes", "10"], "--max-header-bytes must be a whole number of bytes from 1024"),
        (["--max-connections", "0"], "--max-connections must be a whole number of connections >= 1"),
        (["--workers", "0"], "--workers must be a whole number of processes from 1 to 256, got 0"),
        (["--workers", "257"], "--workers must be a whole number of processes from 1 to 256, got 257"),
        # More than any descriptor limit allows (the kernel's ceiling, fs.nr_open, is about 2^30).
        (["--max-connections", "2000000000"], "--max-connections 2000000000 needs 2000002112 file descriptors"),
    ],
)
def test_cli_bad_flags_print_one_line_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("edgeload emulator: ")
    assert message in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[emulator\n", "is not valid TOML"),
        ("colour = 1\n", "unknown top-level key 'colour'"),
        ("[emulator]\nport = true\n", "emulator.port must be an integer"),
        ("[emulator]\nbody_timeout = -1\n", "emulator.body_timeout must be a number of seconds above 0"),
        ("[emulator]\nmax_connections = 1.5\n", "emulator.max_connections must be a whole number of connections"),
        ('[emulator]\nlocation_hint = "mars1"\n', "emulator.location_hint must be one of or2"),
        ('faults = "stall"\n', "`faults` must be an array"),
        ("faults = [1]\n", "a fault is a spec string or a table"),
        ("[[faults]]\nrate = 1\n", "needs name ="),
        ('faults = ["undocumented-status,status=0"]\n', "status=0 must be a whole number from 200 to 599"),
        ('[[faults]]\nname = "latency"\nms = 1e300\n', "ms=1e+300 must be a number from 0 to 600000"),
        ("datastreams = []\n", "`datastreams` must be a non-empty array"),
        ('[[datastreams]]\nid = "not-a-uuid"\norg_id = "A@AdobeOrg"\n', "must be a UUID"),
        ('[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "nope"\n', "org_id must look like"),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\n'
            'access_type = "open"\n',
            "access_type must be 'mixed' or 'authenticated'",
        ),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\nservices = ["ftp"]\n',
            "unknown service 'ftp'",
        ),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\nenabled = "yes"\n',
            "enabled must be a bool",
        ),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\ncolour = 1\n',
            "unknown key 'colour'",
        ),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\n'
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\n',
            "is used twice",
        ),
        (
            '[[datastreams]]\nid = "11111111-2222-4333-8444-555555555555"\norg_id = "A@AdobeOrg"\n'
            '[[datastreams.propositions]]\nscope = "s"\nprovider = "XYZ"\nactivity_id = "1"\nitems = []\n',
            "provider must be 'TGT'",
        ),
    ],
)
def test_cli_bad_config_file_prints_one_line_and_exits_2(tmp_path, capsys, text, message):
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(write(tmp_path, text))])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
