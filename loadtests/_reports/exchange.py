"""One failing exchange rendered as text for the reports: "failures by check with an example request and
response", redacted before it is stored (secrets never reach a report, not even in memory of the master).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from loadtests._run_summary import ExampleExchange
from targets import MASK, Redactor, is_secret_name
from targets import redact as redact_secrets

BODY_LIMIT = 4000  # characters per body: enough to read a problem+json or a handle, small enough for any report


def format_exchange(
    operation: str,
    *,
    method: str,
    url: str,
    request_headers: Mapping[str, str],
    request_body: object,
    status: int | None,
    response_headers: Mapping[str, str],
    response_body: bytes | str | None,
    note: str = "",
    cause: str = "",
    rule: str = "",
    redact: Redactor = redact_secrets,
) -> ExampleExchange:
    """Render and redact one exchange; `status=None` for a transport failure (`note` says what happened), `cause`
    the violations' concrete causes (contracts._violations: `detail`), `rule` the one line naming the check this
    example is kept for and why it failed."""
    request = "\n".join([f"{method} {url}", *_headers(request_headers), "", _body(request_body)])
    if status is None:
        response = note or "(no response)"
    else:
        response = "\n".join([f"HTTP {status}", *_headers(response_headers), "", _body(response_body)])
        if note:
            response = f"{note}\n{response}"
    example = ExampleExchange(operation=operation, request=redact(request).rstrip(),
                              response=redact(response).rstrip())
    if cause:
        example["cause"] = redact(cause)
    if rule:
        example["rule"] = redact(rule)
    return example


def redact_example(example: ExampleExchange, redact: Redactor) -> ExampleExchange:
    """The example with every text redacted again (a secret may have been registered since it was recorded)."""
    redacted = ExampleExchange(operation=example["operation"], request=redact(example["request"]),
                               response=redact(example["response"]))
    if "cause" in example:
        redacted["cause"] = redact(example["cause"])
    if "rule" in example:
        redacted["rule"] = redact(example["rule"])
    return redacted


def _headers(headers: Mapping[str, str]) -> list[str]:
    # Masked by name first: a header value may not look like a credential (an opaque API key).
    return [f"{name}: {MASK if is_secret_name(name) else value}" for name, value in sorted(headers.items())]


def _body(body: object) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        text = body.decode("utf-8", errors="replace")
    elif isinstance(body, str):
        text = body
    else:
        text = json.dumps(body, indent=2, ensure_ascii=False, default=str)
    if len(text) > BODY_LIMIT:
        text = f"{text[:BODY_LIMIT]}\n... ({len(text) - BODY_LIMIT} more characters)"
    return text
