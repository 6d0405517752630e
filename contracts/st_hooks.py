"""Our checks inside schemathesis: each registry check becomes one `@schemathesis.check` of the same name.

Loaded by `hooks = "contracts.st_hooks"` in schemathesis.toml (CLI) or by importing this module (pytest). The
adapter turns schemathesis' `Response` and `Case` into an `Exchange` from what was actually sent on the wire (the
prepared request), so schemathesis judges with the very verdict Locust and the pytest suite use.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
import schemathesis
from schemathesis import Case, CheckContext, Response

from contracts.checks import REGISTRY, Check
from contracts.context import Context
from contracts.exchange import Exchange
from contracts.operations import label_for


def exchange_from(response: Response, case: Case[Any]) -> Exchange | None:
    """The exchange schemathesis made, or None when its operation is not one of the contract's."""
    operation = label_for(case.method, case.operation.path)
    if operation is None:
        return None
    request = response.request
    query = dict(parse_qsl(urlsplit(request.url or "").query, keep_blank_values=True))
    request_headers = {
        name.lower(): value.decode("latin-1") if isinstance(value, bytes) else value
        for name, value in request.headers.items()
    }
    # Several values of one header (rare) are judged by their first, as HTTP clients read Content-Type.
    response_headers = {name: values[0] for name, values in response.headers.items() if values}
    return Exchange(
        operation=operation,
        request_query=query,
        request_headers=request_headers,
        request_body=_parsed(request.body),
        status=response.status_code,
        response_headers=response_headers,
        response_body=response.content or b"",
    )


def _parsed(body: object) -> object:
    if isinstance(body, str):
        body = body.encode()
    if not isinstance(body, bytes):
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _register(name: str, rule: Check) -> None:
    def run(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        exchange = exchange_from(response, case)
        if exchange is not None:
            rule(Context(exchange))  # raises a ContractViolation (an AssertionError): schemathesis reports it
        return None

    run.__name__ = run.__qualname__ = name
    run.__doc__ = f"edgeload contract check `{name}` (contracts.checks)"
    schemathesis.check(run)


for _name, _rule in REGISTRY.items():
    _register(_name, _rule)
