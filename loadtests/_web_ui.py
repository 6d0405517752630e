"""Our part of Locust's web UI: a tab of our own, a JSON route behind it, and the embedded emulator when
a web UI process has no target.

How Locust 2.47's React UI takes a tab (locust/webui, examples/extend_web_ui.py in Locust's repository): the page
reads `extended_tabs` ({title, key}) and `extended_tables` ({key, structure: [{key, title}]}) from the template
arguments, and the rows of the table from `extended_stats` ([{key, data: [row, ...]}]) in each `/stats/requests`
answer it polls every 2 s. So the rows ride on that answer (an `after_request` hook), and `/edgeload/live` serves
the whole document, full example exchanges included, for scripts and for the "Download Data" tab.

The example cell holds several lines; Locust's table cells collapse them, so the index page gets one CSS rule,
scoped by `:has()` to the table with our example column: Locust's own tables are untouched.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import time
from typing import Any

import gevent
from flask import Blueprint, Flask, Response, jsonify, request

from emulator import EmulatorStartError, spawn
from loadtests._live_view import live_document, live_rows
from loadtests._process_state import process_state
from targets import Overrides, ProfileError, redact, redact_bytes, resolve

logger = logging.getLogger("edgeload")
TAB_KEY = "edgeload"
TAB_TITLE = "edgeload: gates, violations, CPU"
COLUMNS = (("kind", "what"), ("item", "name"), ("threshold", "threshold"), ("current", "current value"),
           ("result", "result"), ("example", "example exchange (redacted)"))
LIVE_PATH = "/edgeload/live"
URL_LINE = "edgeload: web UI at"  # printed once the UI listens: `edgeload run --web` and the tests read it
_STYLE = ("<style>table:has(th[data-sortkey=example]) td{vertical-align:top}"
          "table:has(th[data-sortkey=example]) td:last-child{white-space:pre-wrap;word-break:break-all;"
          "font:12px/1.35 ui-monospace,monospace;min-width:28rem}</style>")


class _OneAddress(logging.Filter):
    """Drops Locust's "Starting web interface at http://127.0.0.1:0" (locust/main.py logs the port asked for, 0
    with `--web-port 0`, before anything listens): `_announce` prints the one address to open, the bound one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Starting web interface at ")


# On the logger itself, at import (the locustfile's): Locust's dictConfig keeps existing loggers and their filters
# ("disable_existing_loggers": False in locust/log.py), and it logs the line before the `init` event.
logging.getLogger("locust.main").addFilter(_OneAddress())


def install(environment: Any) -> gevent.Greenlet:
    """Add our tab, its route and its rows to the web UI of `environment` (before the UI starts serving).

    Returns the greenlet that prints the UI's address once it listens.
    """
    web_ui = environment.web_ui
    base = getattr(environment.parsed_options, "web_base_path", "") or ""
    blueprint = Blueprint("edgeload", __name__, url_prefix=base or None)

    @blueprint.route(LIVE_PATH)
    def live() -> Response:
        return jsonify(live_document(process_state(environment), time.time()))

    app: Flask = web_ui.app
    app.register_blueprint(blueprint)
    web_ui.template_args["extended_tabs"] = [{"title": TAB_TITLE, "key": TAB_KEY}]
    web_ui.template_args["extended_tables"] = [
        {"key": TAB_KEY, "structure": [{"key": key, "title": title} for key, title in COLUMNS]}]
    web_ui.template_args["extended_csv_files"] = [
        {"href": f".{LIVE_PATH}", "title": "edgeload live gates, violations and CPU (JSON)"}]

    @app.after_request
    def redacted(response: Response) -> Response:
        # Registered first, so Flask runs it last (after_request hooks run in reverse): every page and JSON answer
        # of the UI, Locust's own included, passes the one redaction. The host field, /swarm's answer and the
        # report carry whatever URL was typed in, a user:password@ included, before a run resolves it.
        return redact_response(response)

    @app.after_request
    def extend(response: Response) -> Response:
        path = request.path[len(base):] if base and request.path.startswith(base) else request.path
        if path == "/stats/requests" and response.is_json:
            # Locust memoizes this answer for 2 s and hands the same object out again: overwrite, never append.
            document = live_document(process_state(environment), time.time())
            data = {**response.get_json(), "extended_stats": [{"key": TAB_KEY, "data": live_rows(document)}]}
            response.set_data(json.dumps(data))
        elif path in ("/", "") and response.mimetype == "text/html":
            response.set_data(response.get_data(as_text=True).replace("</head>", f"{_STYLE}</head>", 1))
        return response

    return gevent.spawn(_announce, web_ui, base)


def redact_response(response: Response) -> Response:
    """`response` with its text body (HTML, JSON, CSV) and its header values passed through the redaction."""
    for name, value in list(response.headers.items()):
        clean = redact(value)
        if clean != value:
            response.headers[name] = clean
    if response.is_streamed or response.direct_passthrough:
        return response
    mimetype = response.mimetype or ""
    if mimetype.startswith("text/") or mimetype.endswith("json"):
        data = response.get_data()
        clean_data = redact_bytes(data)
        if clean_data is not data:
            response.set_data(clean_data)
    return response


def _announce(web_ui: Any, base: str) -> None:
    """Print the UI's address once it listens: with --web-port 0 only the bound socket knows the port."""
    while web_ui.server is None or not web_ui.server.server_port:
        gevent.sleep(0.05)
    host = web_ui.server.server_host or "0.0.0.0"
    print(f"{URL_LINE} http://{host}:{web_ui.server.server_port}{base}/", flush=True)


def embedded_emulator(environment: Any, target_flags: Overrides) -> str | None:
    """Start the embedded emulator for a web UI process given no target (no --host, the emulator profile).

    Starting a run from the web UI against the embedded emulator works with plain `locust`, as with
    `edgeload run --web`. `target_flags`: the profile flags of the process's settings. Returns its URL, or None
    when a target is given (or the profile cannot be resolved: loadtests._target_profile reports that in one line).
    """
    if environment.host or environment.web_ui is None:  # a target given, or no web UI (headless, a worker)
        return None
    try:
        profile = resolve(target_flags)
    except ProfileError:
        return None
    if profile.base_url is not None:
        return None
    try:
        emulator = spawn(tied=True)  # dies with this process, kill -9 included (emulator._lifeline)
    except (EmulatorStartError, OSError) as error:
        print(f"edgeload: the embedded emulator did not start ({str(error).splitlines()[0]}); pass --host URL",
              file=sys.stderr)
        return None
    # Stopped at exit, not on `quitting`: Locust fires that before it stops the users, whose last requests (and
    # the web UI run's reports, written when they stop) would then meet a closed port.
    atexit.register(emulator.stop)
    logger.info("edgeload: embedded emulator at %s (no --host given)", emulator.url)
    return emulator.url
