"""The checks: a tiny registry of named rules on one exchange, each raising its own `ContractViolation`.

Modelled on schemathesis' check registry (https://schemathesis.readthedocs.io/en/stable/): a check is a function
registered under its name; it returns None when the rule holds and raises when it does not. Checks are orthogonal where
the rules allow it: a check whose rule presupposes another one (a schema for the status, a JSON body) stays silent when
that other rule is broken, so that one broken rule yields one violation. Every check sees the same `Context`, which
parses the body at most once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Final

from contracts.context import NOT_JSON, Context, media_type
from contracts.handles import handle_shape, request_id_echo
from contracts.violations import (
    ContentTypeMismatch,
    ErrorBodyViolation,
    RetryAfterViolation,
    SchemaMismatch,
    UndocumentedStatus,
    json_type,
    schema_cause,
)

Check = Callable[[Context], None]
REGISTRY: dict[str, Check] = {}


def check(function: Check) -> Check:
    """Register a check under its function name (the stable name reports and Locust show)."""
    REGISTRY[function.__name__] = function
    return function


@check
def status_code_documented(ctx: Context) -> None:
    if ctx.response is None:
        raise UndocumentedStatus("the response status is not documented for this operation",
                                 detail=f"HTTP {ctx.exchange.status} on {ctx.exchange.operation}")


@check
def content_type(ctx: Context) -> None:
    spec = ctx.response
    if spec is None or not spec.has_body:
        return  # undocumented status: status_code_documented; no body documented: response_schema
    header = ctx.exchange.response_headers.get("content-type")
    if header is None:
        raise ContentTypeMismatch("the response has no Content-Type although the contract documents a body")
    if media_type(header) not in spec.validators:
        rule = "an error response must be application/problem+json" if spec.is_problem else (
            "the Content-Type is not the media type documented for this status"
        )
        raise ContentTypeMismatch(rule, detail=f"Content-Type {header!r} on HTTP {ctx.exchange.status}")


@check
def response_schema(ctx: Context) -> None:
    spec = ctx.response
    if spec is None:
        return
    if not spec.has_body:
        size = len(ctx.exchange.response_body.strip())
        if size:
            raise SchemaMismatch("the contract documents no body for this status but the response has one",
                                 detail=f"{size} bytes of body on HTTP {ctx.exchange.status}")
        return
    body = ctx.body
    if body is NOT_JSON:
        raw = ctx.exchange.response_body
        cause = "the body is empty" if not raw.strip() else f"{len(raw)} bytes starting {raw[:40]!r}"
        raise SchemaMismatch("the body is not valid JSON", detail=cause)
    header = ctx.exchange.response_headers.get("content-type")
    validator = spec.validators.get(media_type(header)) if header else None
    validator = validator or spec.default_validator
    if validator is not None and not validator.is_valid(body):
        # The first error and where it is help whoever reads the report; they stay out of the message.
        error = next(iter(validator.iter_errors(body)))
        raise SchemaMismatch("the body does not match the response schema",
                             detail=schema_cause(error.message, error.instance, error.instance_path))


# The handle and request-id rules live in their own module; registered here to keep the order of
# docs/contract.md#the-checks.
check(request_id_echo)
check(handle_shape)

# EXEG error URL; the last three digits are the HTTP status
# [https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/].
EXEG_TYPE: Final = re.compile(r"https://ns\.adobe\.com/aep/errors/EXEG-[0-9]{4}-([0-9]{3})")


@check
def error_body(ctx: Context) -> None:
    spec = ctx.response
    if spec is None or not spec.is_problem:
        return  # only documented problem responses (a hint 404 is documented with an empty body)
    body = ctx.body
    if not isinstance(body, dict):
        raise ErrorBodyViolation("an error response must carry a problem+json object",
                                 detail=f"the body is {json_type(body, NOT_JSON)}")
    problem_type = body.get("type")
    match = EXEG_TYPE.fullmatch(problem_type) if isinstance(problem_type, str) else None
    if match is None:
        raise ErrorBodyViolation("the problem `type` is not an EXEG error URL", detail=f"$.type is {problem_type!r}")
    if int(match.group(1)) != ctx.exchange.status:
        raise ErrorBodyViolation("the EXEG code's status suffix differs from the HTTP status",
                                 detail=f"$.type {problem_type!r} on HTTP {ctx.exchange.status}")
    status = body.get("status")
    if type(status) is not int or status != ctx.exchange.status:
        raise ErrorBodyViolation("the problem `status` differs from the HTTP status",
                                 detail=f"$.status is {status!r} on HTTP {ctx.exchange.status}")


RETRY_STATUSES: Final = frozenset({429, 503})
_DELTA_SECONDS: Final = re.compile(r"[0-9]+")


@check
def retry_after(ctx: Context) -> None:
    if ctx.exchange.status not in RETRY_STATUSES:
        return
    value = ctx.exchange.response_headers.get("retry-after")
    if value is None:
        raise RetryAfterViolation("a 429 or 503 response must carry Retry-After",
                                  detail=f"no Retry-After header on HTTP {ctx.exchange.status}")
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return
    try:
        # RFC 9110 §10.2.3: delay-seconds or an HTTP-date (IMF-fixdate, or the obsolete forms recipients accept).
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise RetryAfterViolation("Retry-After is neither delay-seconds nor an HTTP-date",
                                  detail=f"Retry-After: {value[:60]!r}") from None

