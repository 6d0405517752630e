"""Our checks inside schemathesis: each registry check becomes one `@schemathesis.check` of the same name.

Loaded by `hooks = "contract_runner.st_hooks"` in schemathesis.toml (CLI) or by importing this module (pytest). The
adapter turns schemathesis' `Response` and `Case` into an `Exchange` from what was actually sent on the wire (the
prepared request), so schemathesis judges with the very verdict Locust and the pytest suite use.

When `edgeload contract` hands down a target profile ($EDGELOAD_PROFILE_JSON), an auth provider adds the
profile's credentials to every case; its token comes from `targets._auth` (one fetch per process, refreshed
before expiry), so schemathesis' own caching is off. Schemathesis' output sanitization (on by default) masks the
`Authorization` and `x-api-key` values in its reports and curl lines; `edgeload contract` redacts them again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
import schemathesis
from schemathesis import Case, CheckContext, Response

from contract_runner import _st_exchanges as st_exchanges
from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES
from contracts import CAUSE_PREFIX, REGISTRY, Context, ContractCheck, ContractViolation, Exchange, ExitCode, label_for
from targets import EXCHANGE_LOG_ENV, MAX_RESPONSE_ENV, RESOLVED_ENV, Profile, credentials_for, is_local_url, redact

# Every request on the wire counted, when `edgeload contract` asks for it (contract_runner/_st_exchanges.py).
if os.environ.get(EXCHANGE_LOG_ENV):
    st_exchanges.install(Path(os.environ[EXCHANGE_LOG_ENV]),
                         int(os.environ.get(MAX_RESPONSE_ENV) or DEFAULT_MAX_RESPONSE_BYTES))


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


def _register(name: str, rule: ContractCheck) -> None:
    def run(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        exchange = exchange_from(response, case)
        if exchange is None:
            return None
        try:
            rule(Context(exchange))
        except ContractViolation as violation:
            if violation.detail is None:
                raise  # an AssertionError: schemathesis reports it under its message
            # Its cause on a line of its own: the first line stays the stable message, the report shows both.
            raise AssertionError(f"{violation}\n{CAUSE_PREFIX}{violation.detail}") from None
        return None

    run.__name__ = run.__qualname__ = name
    run.__doc__ = f"edgeload contract check `{name}`: {rule.description}"
    schemathesis.check(run)


for _name, _rule in REGISTRY.items():
    _register(_name, _rule)


def profile_credentials() -> Mapping[str, str] | None:
    """The headers of the profile handed down by `edgeload contract`; None when there is none or it sends none."""
    text = os.environ.get(RESOLVED_ENV)
    if not text:
        return None
    credentials = credentials_for(Profile.from_json(text))
    return credentials if len(credentials) else None


_CREDENTIALS = profile_credentials()
if _CREDENTIALS is not None:

    @schemathesis.auth(refresh_interval=None)
    class ProfileAuth:
        def get(self, case: Case[Any], ctx: Any) -> dict[str, str]:
            assert _CREDENTIALS is not None
            return dict(_CREDENTIALS)  # the token is read from targets._auth's cache, not fetched

        def set(self, case: Case[Any], data: dict[str, str], ctx: Any) -> None:
            case.headers.update(data)  # case-insensitive: replaces a generated x-gw-ims-org-id too


@schemathesis.hook
def after_load_schema(context: Any, schema: Any) -> None:
    """`st run` alone sends only to this machine: schemathesis.toml pins the emulator's datastream, and schemathesis
    alone knows no ceiling on the rate nor the profile's credentials. `edgeload contract` has asked targets._guard
    before starting it (and says so with $EDGELOAD_PROFILE_JSON), so only a run without it is checked here."""
    base_url = getattr(schema.config, "base_url", None) or ""
    if os.environ.get(RESOLVED_ENV) or not base_url or is_local_url(base_url):
        return
    print(f"edgeload: st run sends only to this machine; judge {redact(base_url)} with `edgeload contract --target "
          "URL --datastream-id ID --max-rps N`, which checks the datastream, credentials and rate first",
          file=sys.stderr, flush=True)
    # Before any request; raising would print a hook traceback for what is a usage error.
    os._exit(ExitCode.COULD_NOT_RUN)
