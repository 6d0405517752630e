"""From a response our users received to the contract's neutral `Exchange`, and its failure categories.

Every response is judged by the one verdict (`contracts.judge`, docs/contract.md). A request that got no
complete response cannot be judged: it gets a transport category instead, named as the measurements name them
(`loadtests._run_summary.TRANSPORT_FAILURES`). Status classes that keep the contract but are not a success are
categories too (`http_429` counted apart; `http_5xx`; `http_4xx`; `http_207`, the Edge's success-with-upstream-errors,
https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/). A body past
`--max-response-bytes` is `response_too_large`, read no further. Violations come first, so the category Locust's failure
table shows is the check that failed.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import gevent
from geventhttpclient._parser import HTTPParseError
from geventhttpclient.response import HTTPConnectionClosed
from geventhttpclient.useragent import RetriesExceeded
from locust.exception import CatchResponseError

from contracts import ContractViolation, Exchange, judge
from targets import OTHER as TRANSPORT
from targets import REFUSED, RESET, TIMEOUT, TOO_LARGE, TRUNCATED, ResponseTooLarge

READ_CHUNK = 64 * 1024  # a body of unknown length is read in pieces this size, up to the limit


class CheckFailed(CatchResponseError):
    """What a user hands to `response.failure()`: the failure categories of one request, first one shown.

    A `CatchResponseError` so that Locust's failure table unwraps it to the bare category when running alone, and
    a `repr` of the bare category so that it reads the same in distributed mode, where workers send errors to the
    master as `repr` strings (locust/stats.py `StatsError.to_name`).
    """

    def __init__(self, categories: tuple[str, ...], exchange: Exchange | None = None,
                 causes: tuple[str, ...] = (), violations: tuple[ContractViolation, ...] = ()) -> None:
        super().__init__(categories[0])
        self.categories = categories
        self.exchange = exchange
        self.causes = causes  # "<check>: <concrete cause>" per violation with one, for the example exchange
        self.violations = violations  # what each failed check raised: the rule an example names

    def __repr__(self) -> str:
        return self.categories[0]

    def __reduce__(self) -> tuple[type[CheckFailed], tuple[tuple[str, ...]]]:
        return (type(self), (self.categories,))


def transport_category(error: BaseException) -> str:
    """The transport category of an exception raised while sending or receiving (never a status error)."""
    seen: BaseException | None = error
    for _ in range(4):  # RetriesExceeded wraps the original error; follow a short chain of causes
        if seen is None:
            break
        if isinstance(seen, ResponseTooLarge):
            return TOO_LARGE
        if isinstance(seen, socket.timeout | gevent.Timeout | TimeoutError):
            return TIMEOUT
        if isinstance(seen, ConnectionRefusedError):
            return REFUSED
        if isinstance(seen, ConnectionResetError | HTTPConnectionClosed | BrokenPipeError | ConnectionAbortedError):
            return RESET
        if isinstance(seen, HTTPParseError):
            # geventhttpclient's parser sees a short body as an incomplete message (measured here)
            return TRUNCATED if "incomplete" in str(seen).lower() else TRANSPORT
        original = getattr(seen, "original", None) if isinstance(seen, RetriesExceeded) else None
        seen = original if isinstance(original, BaseException) else seen.__cause__ or seen.__context__
    return TRANSPORT


def read_body(response: Any, limit: int) -> bytes:
    """The body of a geventhttpclient response, at most `limit` bytes, else `ResponseTooLarge`.

    A declared length past the limit is refused before a byte of the body is read; a body of unknown length
    (chunked, or until the connection closes) is read in pieces and dropped once past the limit. The rest is never
    read: the response's `release()` then closes the connection (geventhttpclient closes a socket whose message is
    incomplete), so memory stays within about the limit per user whatever the target sends.
    """
    try:
        declared = response.content_length  # None when absent or repeated
    except ValueError:  # not a number: read as if unknown, within the limit
        declared = None
    if declared is not None:
        if declared > limit:
            raise ResponseTooLarge(limit, declared)
        body: bytes = response.read()
        return body
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise ResponseTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def status_category(status: int) -> str | None:
    """The category of a status that is not plain success (None for 2xx other than 207, and 3xx)."""
    if status == 429:
        return "http_429"
    if status >= 500:
        return "http_5xx"
    if status >= 400:
        return "http_4xx"
    if status == 207:
        return "http_207"
    return None


def transport_failure(
    operation: str, query: Mapping[str, str], request_headers: Mapping[str, str], request_body: object,
    error: BaseException,
) -> CheckFailed:
    """A request without a complete response: its transport category; status 0 and no body mark the exchange."""
    sent = Exchange(operation, query, {name.lower(): value for name, value in request_headers.items()},
                    request_body, 0, {}, b"")
    return CheckFailed((transport_category(error),), sent)


def judge_exchange(exchange: Exchange) -> CheckFailed | None:
    """None when the exchange keeps the contract and succeeded; else every category it failed, checks first."""
    violations = judge(exchange)
    categories = [violation.check for violation in violations]
    status = status_category(exchange.status)
    if status is not None:
        categories.append(status)
    if not categories:
        return None
    causes = tuple(f"{violation.check}: {violation.detail}" for violation in violations if violation.detail)
    return CheckFailed(tuple(categories), exchange, causes, tuple(violations))


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a `Retry-After` value asks to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
