"""A minimal HTTP client that records each request and its response as an `Exchange`.

The standard library's http.client, one connection per request: the contract suite sends a few dozen requests,
needs every byte of the response as received (a malformed body must reach the verdict as it is), and must not pull
a load-testing client into the contracts layer.
"""

from __future__ import annotations

import http.client
import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode, urlsplit

import orjson

from contracts import MULTI_STATUS, Exchange, hint_of, label_for, lower_headers, nonfatal_codes
from targets import RULES, ResponseTooLarge, Tally, category_of, tls_context

JSON: Final = "application/json"
# The most of a response body any runner reads (the load test's --max-response-bytes, the suite's): an Edge
# answer is a few KB; a target answering 50 MB to every request must not take the runner's memory with it.
DEFAULT_MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024
_NO_BODY: Final = object()


@dataclass(frozen=True, slots=True)
class SentRequest:
    """A request as it went on the wire (headers as sent, body bytes): what a reproduction replays."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes


class TransportFailure(Exception):
    """A request got no complete answer; `str()` is its stable message, `category` and `detail` say what and why."""

    def __init__(self, category: str, operation: str, detail: str, request: SentRequest | None = None) -> None:
        super().__init__(f"{category}: {RULES[category]}")
        self.category = category
        self.operation = operation
        self.detail = detail
        self.request = request


class SentLog:
    """The requests behind the last exchanges a client returned, found by the exchange itself (identity)."""

    def __init__(self, keep: int = 16) -> None:
        self._pairs: deque[tuple[Exchange, SentRequest]] = deque(maxlen=keep)

    def remember(self, exchange: Exchange, request: SentRequest) -> None:
        self._pairs.append((exchange, request))

    def request_of(self, exchange: Exchange) -> SentRequest | None:
        return next((request for seen, request in reversed(self._pairs) if seen is exchange), None)


def declared_length(value: str | None) -> int | None:
    """A Content-Length header's value as a number; None when absent or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Throttle:
    """At most `per_second` requests per second: each request waits until 1/per_second after the one before.

    The contract suite's ceiling (`--max-rps`, targets._guard): it sends one request at a time, so spacing them
    is the whole of it.
    """

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass(frozen=True, slots=True)
class Edge:
    """A target Edge Network (base URL without trailing slash) and the datastream requests go to by default."""

    url: str
    datastream_id: str
    timeout: float = 10.0
    # The target profile's: credentials and extra headers sent with every request unless a test asks
    # for none, TLS verification, and the location hint put in paths that have none.
    credentials: Mapping[str, str] = field(default_factory=dict)
    verify_tls: bool = True
    location_hint: str | None = None
    # Every request sent and what came back, for the contract verdict's accounting (targets._transport).
    tally: Tally = field(default_factory=Tally, compare=False)
    throttle: Throttle | None = None  # the ceiling on the request rate against a non-local target
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    sent: SentLog = field(default_factory=SentLog, compare=False)  # for the report's curl reproductions

    def post(
        self,
        path: str,
        body: object = _NO_BODY,
        *,
        raw: bytes | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = JSON,
        datastream: bool = True,
        authenticated: bool = True,
    ) -> Exchange:
        """POST to `path` (e.g. `/ee/v2/interact`); the datastream goes in `datastreamId` (v2) or `configId` (v1).

        `body` is JSON-encoded; `raw` is sent as is (for broken bodies). `datastream=False` sends no datastream;
        `authenticated=False` leaves out the profile's credentials.
        """
        operation = label_for("POST", path)
        if operation is None:
            raise ValueError(f"{path} is not a path of the contract")
        if self.location_hint and hint_of(path) is None:
            path = f"/ee/{self.location_hint}/{path[4:]}"
        params = dict(query or {})
        if datastream:
            params.setdefault("configId" if "/v1/" in path else "datastreamId", self.datastream_id)
        sent_headers = lower_headers({**(self.credentials if authenticated else {}), **(headers or {})})
        if content_type is not None:
            sent_headers.setdefault("content-type", content_type)
        if raw is None:
            raw = b"" if body is _NO_BODY else orjson.dumps(body)
            request_body = None if body is _NO_BODY else body
        else:
            request_body = _parsed(raw)
        target = f"{path}?{urlencode(params)}"
        status, response_headers, response_body = self.send("POST", target, raw, sent_headers)
        exchange = Exchange(operation, params, sent_headers, request_body, status, response_headers, response_body)
        self.sent.remember(exchange, self.request("POST", target, raw, sent_headers))
        return exchange

    def request(self, method: str, target: str, body: bytes, headers: Mapping[str, str]) -> SentRequest:
        """What `send` puts on the wire for these arguments."""
        return SentRequest(method, f"{self.url}{target}", dict(headers), body)

    def send(
        self, method: str, target: str, body: bytes, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(self.url)
        operation = label_for(method, target) or f"{method} {target.partition('?')[0]}"
        if self.throttle is not None:
            self.throttle.wait()
        connection = _connection(self.url, self.timeout, self.verify_tls)
        try:
            connection.request(method, f"{parts.path}{target}", body=body, headers=dict(headers))
            response = connection.getresponse()
            limit = self.max_response_bytes
            declared = declared_length(response.getheader("content-length"))
            if declared is not None and declared > limit:
                raise ResponseTooLarge(limit, declared)
            content = response.read(limit + 1)  # never more: a chunked or unbounded body stops here
            if len(content) > limit:
                raise ResponseTooLarge(limit)
            answer = response.status, lower_headers(response.getheaders()), content
        except (OSError, http.client.HTTPException) as error:
            # Refused, reset, a short body, a timeout, a body past the limit: counted by category, never lost
            # (targets._transport).
            category = category_of(error)
            cause = f"{type(error).__name__}: {error}"
            self.tally.failure(operation, category, cause)
            raise TransportFailure(category, operation, cause, self.request(method, target, body, headers)) from error
        finally:
            connection.close()
        status, _, content = answer
        self.tally.answer(operation, status, nonfatal_codes(content) if status == MULTI_STATUS else [])
        return answer


def _parsed(raw: bytes) -> object:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def _connection(url: str, timeout: float, verify_tls: bool = True) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme == "https":  # verified unless the profile says --insecure
        return http.client.HTTPSConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout,
                                           context=tls_context(verify_tls))
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)


def reachable(url: str, timeout: float = 5.0, verify_tls: bool = True) -> str | None:
    """None when an HTTP server answers at `url`, else one line saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"target {url!r} is not an http(s):// URL with a host; pass e.g. --target http://127.0.0.1:8080"
    connection = _connection(url, timeout, verify_tls)
    try:
        connection.request("HEAD", parts.path or "/")
        connection.getresponse().read()
    except OSError as error:
        return f"target {url} is not reachable ({error.__class__.__name__}: {error}); start it or pass another --target"
    finally:
        connection.close()
    return None
