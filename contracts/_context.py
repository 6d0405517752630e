"""What every check sees: one exchange, its documented response, and its body parsed at most once.

Sharing one parse across the checks is most of what keeps the verdict under 30 µs (docs/performance.md): orjson parses
a typical interact body in about 1 µs, json.loads in about 10.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from contracts._exchange import Exchange
from contracts._operations import INTERACT_V2
from contracts._schemas import Contract, ResponseSpec, contract

NOT_JSON: Final = object()  # the parsed body when it is empty or not JSON
_UNPARSED: Final = object()

# `application/json;charset=utf-8` -> `application/json`; a handful of distinct values per run, so memoised.
_MEDIA_TYPES: dict[str, str] = {}


def media_type(content_type: str) -> str:
    found = _MEDIA_TYPES.get(content_type)
    if found is None:
        found = _MEDIA_TYPES[content_type] = content_type.partition(";")[0].strip().lower()
    return found


class Context:
    """One exchange, its documented response (None: undocumented status) and its lazily parsed body."""

    __slots__ = ("_body", "contract", "exchange", "response")

    def __init__(self, exchange: Exchange, compiled: Contract | None = None) -> None:
        self.exchange = exchange
        self.contract = compiled or contract()
        self.response: ResponseSpec | None = self.contract.response(exchange.operation, exchange.status)
        self._body: Any = _UNPARSED

    @property
    def body(self) -> Any:
        """The parsed JSON body, or NOT_JSON."""
        if self._body is _UNPARSED:
            try:
                self._body = orjson.loads(self.exchange.response_body)
            except orjson.JSONDecodeError:
                self._body = NOT_JSON
        return self._body

    @property
    def events_sent(self) -> int | None:
        """How many events the request carried, when that can be known: v2 interact sends exactly one."""
        if self.exchange.operation == INTERACT_V2:
            return 1
        body = self.exchange.request_body
        events = body.get("events") if isinstance(body, dict) else None
        return len(events) if isinstance(events, list) else None
