"""Every request schemathesis sends, counted on the wire: answered, failed by transport category, 207s.

Schemathesis reports a network error only when it ends a test case, and it resends a request whose keep-alive
connection was dropped before any answer (`_request_resending_on_dropped_connection` in
https://github.com/schemathesis/schemathesis/blob/master/src/schemathesis/transport/requests.py, 4.32), so a
reset can pass unseen: its engine events are not a count of what happened on the wire. This
module wraps `requests.adapters.HTTPAdapter.send`, which every attempt goes through, and writes a
`targets.Tally` when the process exits. `edgeload contract` turns it on by naming the file in
$EDGELOAD_EXCHANGE_LOG; a plain `st run` is left untouched.

The same wrapper reads at most `max_response_bytes` of each body ($EDGELOAD_MAX_RESPONSE_BYTES, the contract's
`--max-response-bytes`): requests would read a body whole, so a target answering 50 MB to every case would take
schemathesis' memory with it. A longer body is not read further, the connection is closed, and the attempt fails
as `response_too_large` (targets._transport), as in the suite and under load.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.exceptions import ConnectionError as RequestsConnectionError

from contracts import MULTI_STATUS, label_for, nonfatal_codes
from targets import ResponseTooLarge, Tally, category_of

TALLY = Tally()
_LOCK = threading.Lock()  # schemathesis may send from several worker threads (`--workers`)
_installed: list[Path] = []


def _operation(request: PreparedRequest) -> str:
    method = request.method or "GET"
    path = urlsplit(request.url or "").path
    return label_for(method, path) or f"{method} {path}"


READ_CHUNK = 64 * 1024  # a body is read in pieces this size, up to the limit


def read_bounded(response: Response, limit: int) -> bytes:
    """The body of a streamed response, at most `limit` bytes, cached where `response.content` finds it; a
    longer one closes the response and raises `requests.ConnectionError(ResponseTooLarge)`, which schemathesis
    reports as a network error of that case and `category_of` counts as `response_too_large`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise RequestsConnectionError(ResponseTooLarge(limit, int(declared)))
    pieces, size = [], 0
    for piece in response.iter_content(READ_CHUNK):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            response.close()
            raise RequestsConnectionError(ResponseTooLarge(limit))
    content = b"".join(pieces)
    response._content = content  # what `response.content` returns from now on (requests.models.Response)
    response._content_consumed = True
    return content


def install(path: Path, max_response_bytes: int) -> None:
    """Count every request from now on, read at most `max_response_bytes` of each body; write the tally to
    `path` at exit. Idempotent."""
    if _installed:
        return
    _installed.append(path)
    original = HTTPAdapter.send

    def send(self: HTTPAdapter, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        operation = _operation(request)
        # The body is read below, bounded, whoever asked: a caller that streams it (schemathesis does for some
        # cases) reads the same bytes from requests' cache (Response.iter_content serves `_content` when set).
        kwargs["stream"] = True
        try:
            response = original(self, request, *args, **kwargs)
            # Read the body here (schemathesis reads it right after, from this cache): a body cut short fails
            # now, where it can be counted, and raises the same requests exception it would have raised there.
            content = read_bounded(response, max_response_bytes)
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
