"""The neutral record of one HTTP exchange that every check judges.

Each runner (the pytest suite, schemathesis hooks, Locust users) turns its own request/response objects into an
`Exchange`; the checks never see a transport type, so the verdict is the same wherever it runs (docs/contract.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response.

    Header names are lower-case. `request_body` is the parsed JSON that was sent (None when there was none or it
    was not JSON); `response_body` the raw bytes received. Field order is part of the public API.
    """

    operation: str
    request_query: Mapping[str, str]
    request_headers: Mapping[str, str]
    request_body: object
    status: int
    response_headers: Mapping[str, str]
    response_body: bytes


def lower_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names lower-cased (a repeated header keeps its last value), from a mapping or (name, value) pairs."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {name.lower(): value for name, value in pairs}
