"""Every request schemathesis sends, counted on the wire: answered, failed by transport category, 207s.

Schemathesis reports a network error only when it ends a test case, and it resends a request whose keep-alive
connection was dropped before any answer (`_request_resending_on_dropped_connection` in
https://github.com/schemathesis/schemathesis/blob/master/src/schemathesis/transport/requests.py, 4.32), so a
reset can pass unseen: its engine events are not a count of what happened on the wire. This
module wraps `requests.adapters.HTTPAdapter.send`, which every attempt goes through, and writes a
`contracts.transport.Tally` when the process exits. `edgeload contract` turns it on by naming the file in
$EDGELOAD_EXCHANGE_LOG; a plain `st run` is left untouched.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from contracts.multistatus import MULTI_STATUS, nonfatal_codes
from contracts.operations import label_for
from contracts.transport import Tally, category_of

TALLY = Tally()
_LOCK = threading.Lock()  # schemathesis may send from several worker threads (`--workers`)
_installed: list[Path] = []


def _operation(request: PreparedRequest) -> str:
    method = request.method or "GET"
    path = urlsplit(request.url or "").path
    return label_for(method, path) or f"{method} {path}"


def install(path: Path) -> None:
    """Count every request from now on; write the tally to `path` at exit. Idempotent."""
    if _installed:
        return
    _installed.append(path)
    original = HTTPAdapter.send

    def send(self: HTTPAdapter, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        operation = _operation(request)
        try:
            response = original(self, request, *args, **kwargs)
            # Read the body here (schemathesis reads it right after, from this cache): a body cut short fails
            # now, where it can be counted, and raises the same requests exception it would have raised there.
            content = response.content
        except Exception as error:
            with _LOCK:
                TALLY.failure(operation, category_of(error), f"{type(error).__name__}: {error}")
            raise
        codes = nonfatal_codes(content) if response.status_code == MULTI_STATUS else []
        with _LOCK:
            TALLY.answer(operation, response.status_code, codes)
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign]
    atexit.register(lambda: TALLY.write(path))
