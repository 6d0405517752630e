"""`edgeload emulator` / `python -m emulator`: serve the local Edge Network.

Settings come from `--config FILE` (TOML) and flags; a flag overrides the file, and any `--fault` replaces the
file's faults. Once bound, exactly one line goes to stdout: `edgeload emulator listening on http://HOST:PORT`.
Bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from emulator._admin_access import TOKEN_ENV, TOKEN_HEADER, check_token, is_loopback, new_token
from emulator._config import (
    LOCATION_HINTS,
    LOG_LEVELS,
    Settings,
    check_port,
    check_rate_limit,
    check_token_ttl,
    load_settings,
)
from emulator._errors import ConfigError
from emulator._fault_kinds import REGISTRY
from emulator._faults import parse_spec
from emulator._limits import Limits, capacity_for, check_connections, check_header_bytes, check_seconds
from emulator._tls import tls_files


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ConfigError(message)


EXAMPLES = """examples:
  edgeload emulator --port 8080                         serve http://127.0.0.1:8080 until Ctrl-C
  edgeload emulator --port 8080 --fault stall:0.01 --seed 7
  edgeload emulator --config emulator.toml --log-level info"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="edgeload emulator",
        description="Serve the local Adobe Edge Network emulator (POST /ee/v2/interact, /ee/v2/collect).",
        epilog=textwrap.fill(f"fault names: {', '.join(REGISTRY)}", 100) + f"\n\n{EXAMPLES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="TOML file: [emulator], faults, [[datastreams]] (default: none)")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind; 0 picks a free one (default 0)")
    parser.add_argument("--seed", type=int, help="seed for ids, ECIDs and fault draws (default: random)")
    parser.add_argument(
        "--fault", action="append", metavar="SPEC",
        help="NAME[:RATE][,key=value...], repeatable; e.g. stall:0.01 (default: none)",
    )
    parser.add_argument("--rate-limit", type=int, help="interact request units/s per org; 0 disables (default 4000)")
    parser.add_argument("--collect-rate-limit", type=int, help="collect request units/s per org (default 6000)")
    parser.add_argument("--location-hint", choices=LOCATION_HINTS,
                        help="cluster answered on hint-less paths (default or2)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, help="server log level on stderr (default warning)")
    parser.add_argument("--certfile", type=Path, help="PEM certificate: serve HTTPS (with --keyfile; default: none, "
                        "plain HTTP)")
    parser.add_argument("--keyfile", type=Path, help="PEM private key of --certfile (default: none)")
    parser.add_argument("--token-ttl", type=float, help="seconds a token of POST /ims/token/v3 lives (default 86399)")
    parser.add_argument("--server-host", action="store_true", default=None,
                        help="answer as server.adobedc.net: mixed datastreams require credentials too")
    parser.add_argument("--admin-token", metavar="TOKEN",
                        help=f"required in the {TOKEN_HEADER} header of the admin routes (default: ${TOKEN_ENV}; "
                             "generated and printed when --host is not a loopback address)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="processes serving the one port, rate limit and admin state shared (default 1)")
    defaults = Limits()
    parser.add_argument("--max-header-bytes", type=int, metavar="N",
                        help=f"request line and headers at most this size, else 431 "
                             f"(default {defaults.max_header_bytes})")
    parser.add_argument("--head-timeout", type=float, metavar="S",
                        help=f"seconds to send a whole request head, else closed (default {defaults.head_timeout_s:g})")
    parser.add_argument("--body-timeout", type=float, metavar="S",
                        help=f"seconds from a head to its whole body, else 408 (default {defaults.body_timeout_s:g})")
    parser.add_argument("--max-connections", type=int, metavar="N",
                        help=f"connections at once; past it the one waiting longest for its client is closed "
                             f"(default {defaults.max_connections}, lowered to fit the file-descriptor limit)")
    return parser


def settings_from(argv: Sequence[str]) -> Settings:
    """Parse flags over the config file; raises ConfigError with a one-line message."""
    args = build_parser().parse_args(list(argv))
    settings = load_settings(args.config)
    changes: dict[str, object] = {}
    if args.host is not None:
        changes["host"] = args.host
    if args.port is not None:
        changes["port"] = check_port(args.port, "--port")
    if args.seed is not None:
        changes["seed"] = args.seed
    if args.rate_limit is not None:
        changes["rate_limit"] = check_rate_limit(args.rate_limit, "--rate-limit")
    if args.collect_rate_limit is not None:
        changes["collect_rate_limit"] = check_rate_limit(args.collect_rate_limit, "--collect-rate-limit")
    if args.location_hint is not None:
        changes["location_hint"] = args.location_hint
    if args.log_level is not None:
        changes["log_level"] = args.log_level
    if args.fault:
        changes["faults"] = tuple(parse_spec(spec, "--fault") for spec in args.fault)
    if args.token_ttl is not None:
        changes["token_ttl"] = check_token_ttl(args.token_ttl, "--token-ttl")
    if args.server_host:
        changes["server_host"] = True
    if args.certfile is not None or args.keyfile is not None:
        changes["tls"] = tls_files(args.certfile, args.keyfile)
    if args.admin_token is not None:
        changes["admin_token"] = check_token(args.admin_token, "--admin-token")
    limits: dict[str, object] = {}
    if args.max_header_bytes is not None:
        limits["max_header_bytes"] = check_header_bytes(args.max_header_bytes, "--max-header-bytes")
    if args.head_timeout is not None:
        limits["head_timeout_s"] = check_seconds(args.head_timeout, "--head-timeout")
    if args.body_timeout is not None:
        limits["body_timeout_s"] = check_seconds(args.body_timeout, "--body-timeout")
    if args.max_connections is not None:
        limits["max_connections"] = check_connections(args.max_connections, "--max-connections")
    if limits:
        changes["limits"] = replace(settings.limits, **limits)  # type: ignore[arg-type]
    return replace(settings, **changes)  # type: ignore[arg-type]


def workers_from(argv: Sequence[str]) -> int:
    """`--workers N` (1 when absent); raises ConfigError with a one-line message."""
    workers = build_parser().parse_args(list(argv)).workers
    if workers is None:
        return 1
    if isinstance(workers, bool) or not 1 <= workers <= 256:
        raise ConfigError(f"--workers must be a whole number of processes from 1 to 256, got {workers!r}")
    return int(workers)


def guard_exposure(settings: Settings, bound: str, environ: Mapping[str, str]) -> tuple[Settings, str | None]:
    """The settings with the admin token to require, and the warning to print when other machines can connect.

    On loopback a token is required only when one is given (flag, then environment); on any other address always,
    a new one printed once when none is given (docs/security.md#who-may-call-the-admin-endpoints).
    """
    token = settings.admin_token
    if token is None and environ.get(TOKEN_ENV):
        token = check_token(environ[TOKEN_ENV], TOKEN_ENV)
    if is_loopback(bound):
        return replace(settings, admin_token=token), None
    how = "the token you gave" if token is not None else None
    token = token or new_token()
    shown = how or f"{token} (generated now and shown once; choose your own with --admin-token or {TOKEN_ENV})"
    return replace(settings, admin_token=token), (
        f"edgeload emulator: warning: listening on {bound}, which other machines can reach: the Edge routes answer "
        f"anyone there, and the admin routes (/_emulator/...) need the header {TOKEN_HEADER}: {shown}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        settings = settings_from(argv)
        workers = workers_from(argv)
        # Imported late: `--help` and bad flags answer without loading uvicorn.
        from emulator._app import EmulatorApp
        from emulator._serving import bind, serve, url_of

        limits = settings.limits
        capacity = capacity_for(limits.max_connections, explicit=limits.max_connections != Limits().max_connections)
        if workers > 1:
            from emulator._workers import bind_all

            if settings.seed is None:  # one seed for all workers, each deriving its own (workers.py)
                settings = replace(settings, seed=random.SystemRandom().getrandbits(32))
            sockets = bind_all(settings.host, settings.port, workers)
            sock = sockets[0]
        else:
            sockets = []
            sock = bind(settings.host, settings.port)
        settings, warning = guard_exposure(settings, str(sock.getsockname()[0]), os.environ)
    except ConfigError as exc:
        # argparse's convention for a bad command line: one line on stderr, exit status 2.
        build_parser().exit(2, f"edgeload emulator: {exc}\n")
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    logging.basicConfig(level=settings.log_level.upper() if settings.log_level != "trace" else 5, stream=sys.stderr)
    app = EmulatorApp(settings)
    logging.getLogger("emulator").info(
        "seed %d, %d datastreams, faults %s", app.seed, len(settings.datastreams), [f.spec() for f in settings.faults]
    )
    url = url_of(sock, https=settings.tls is not None)

    def announce() -> None:
        print(f"edgeload emulator listening on {url}", flush=True)

    if sockets:
        from emulator._workers import run

        del app  # each worker builds its own after the fork
        return run(settings, sockets, capacity, announce)
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, sock, settings.log_level, announce, settings.tls, limits, capacity)
    return 0
