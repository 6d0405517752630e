"""The checks: one registry of named rules on one exchange, each entry carrying its behaviour.

Modelled on schemathesis' check registry (https://schemathesis.readthedocs.io/en/stable/): a check is a function
registered under its name; it returns None when the rule holds and raises when it does not. Each entry also carries
the rule in one line (what reports, `--help` and the docs tables show), where it applies, and the `ContractViolation`
subclass it raises, so adding a check is one decorated function here (or in a module imported here) and its test.
Checks are orthogonal where the rules allow it: a check whose rule presupposes another one (a schema for the status,
a JSON body) stays silent when that other rule is broken, so that one broken rule yields one violation. Every check
sees the same `Context`, which parses the body at most once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Final

from contracts._context import NOT_JSON, Context, media_type
from contracts._handles import handle_shape, request_id_echo
from contracts._violations import (
    ContentTypeMismatch,
    ContractViolation,
    ErrorBodyViolation,
    HandleShapeViolation,
    RequestIdNotEchoed,
    RetryAfterViolation,
    SchemaMismatch,
    UndocumentedStatus,
    json_type,
    schema_cause,
)

CheckFunction = Callable[[Context], None]


@dataclass(frozen=True, slots=True)
class ContractCheck:
    """One rule of the contract: its stable name, what it says, where it applies, what it raises, and its code."""

    name: str  # the stable name reports, Locust's failure table and schemathesis show
    description: str  # the rule in one line: reports, `edgeload contract --help` and the docs tables show it
    applies_to: str  # which operations and statuses it judges, in words, for the same tables
    violation: type[ContractViolation]  # what it raises; its `check` is `name`
    function: CheckFunction
    statuses: frozenset[int] | None = None  # the only statuses it judges; None: every status

    def applies(self, status: int) -> bool:
        return self.statuses is None or status in self.statuses

    def __call__(self, ctx: Context) -> None:
        if self.applies(ctx.exchange.status):
            self.function(ctx)


Check = ContractCheck | CheckFunction
REGISTRY: dict[str, ContractCheck] = {}


def check(
    description: str, *, applies_to: str, violation: type[ContractViolation], statuses: Iterable[int] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as a check under its function name, with what the reports say of it."""

    def register(function: CheckFunction) -> CheckFunction:
        name = function.__name__
        # The violation's `check` is the name its message starts with: a mismatch would split one rule in two.
        if violation.check != name:
            raise ValueError(f"check {name!r} raises {violation.__name__}, whose check is {violation.check!r}")
        if name in REGISTRY:
            raise ValueError(f"check {name!r} is registered twice")
        REGISTRY[name] = ContractCheck(name, description, applies_to, violation, function,
                                       None if statuses is None else frozenset(statuses))
        return function

    return register


def describe(name: str) -> str | None:
    """The rule a check states, or None when `name` is no check of ours (a transport category, a built-in)."""
    entry = REGISTRY.get(name)
    return None if entry is None else entry.description


def markdown_table() -> str:
    """The checks as the docs show them: one row per check, in registry order (the order verdicts list them)."""
    rows = ["| check | rule | applies to |", "| --- | --- | --- |"]
    rows += [f"| `{c.name}` | {c.description} | {c.applies_to} |" for c in REGISTRY.values()]
    return "\n".join(rows)


@check("the status is documented for the operation", applies_to="every response",
       violation=UndocumentedStatus)
def status_code_documented(ctx: Context) -> None:
    if ctx.response is None:
        raise UndocumentedStatus("the response status is not documented for this operation",
                                 detail=f"HTTP {ctx.exchange.status} on {ctx.exchange.operation}")


@check("the Content-Type is the documented one (problem+json for errors; none needed for an empty 204 or 404)",
       applies_to="responses whose status the contract documents with a body", violation=ContentTypeMismatch)
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


@check("the body is JSON and matches the response schema of its status", applies_to="documented statuses",
       violation=SchemaMismatch)
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


# The handle and request-id rules live in their own module; registered here to keep the documented order.
check("`requestId` is the sent id (query or x-request-id), or it plus `-` and 16 hex characters; else a non-empty "
      "string; the x-request-id header agrees with the body",
      applies_to="documented statuses; a problem body's id is only held to agree with the header",
      violation=RequestIdNotEchoed)(request_id_echo)
check("`handle` is an array of items with a non-empty `type` and a `payload` array of objects, `eventIndex` points "
      "at a sent event, and known handle types have their documented payload shape",
      applies_to="responses the contract documents with a `handle` (interact, v1 and v2)",
      violation=HandleShapeViolation)(handle_shape)

# EXEG error URL; the last three digits are the HTTP status
# [https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/].
EXEG_TYPE: Final = re.compile(r"https://ns\.adobe\.com/aep/errors/EXEG-[0-9]{4}-([0-9]{3})")


@check("an error body is problem+json with an EXEG `type` whose status suffix and `status` equal the HTTP status",
       applies_to="documented error statuses (4xx and 5xx problem responses)", violation=ErrorBodyViolation)
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


_DELTA_SECONDS: Final = re.compile(r"[0-9]+")


# RFC 9110 §10.2.3 defines Retry-After; the Edge documents it on these two statuses
# (https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/).
@check("a 429 or 503 response carries Retry-After as delay-seconds or an HTTP-date", applies_to="429 and 503",
       violation=RetryAfterViolation, statuses=(429, 503))
def retry_after(ctx: Context) -> None:
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

