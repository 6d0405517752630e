"""The Edge Network's fatal errors: RFC 7807 `application/problem+json` bodies with EXEG codes.

Codes, titles and details follow Adobe's documented table
(https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/, "Detailed error codes list";
copied in tests/reference/exeg-error-codes.json) and the documented bodies in samples/*problem.json: `{type, status,
title, detail, report: {requestId, orgId?, configId?}}`. The HTTP status is the code's suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

PROBLEM_CONTENT_TYPE = b"application/problem+json"
TYPE_PREFIX = "https://ns.adobe.com/aep/errors/"
MAX_BODY_BYTES = 65536  # 64 KB: guardrails.md "Max HTTP request size"


class ProblemReport(TypedDict, total=False):
    requestId: str
    orgId: str
    configId: str


class ProblemBody(TypedDict):
    type: str
    status: int
    title: str
    detail: str
    report: ProblemReport


@dataclass(frozen=True, slots=True)
class ProblemKind:
    code: str  # "EXEG-NNNN-SSS"
    title: str
    detail: str  # str.format template

    @property
    def status(self) -> int:
        return int(self.code[-3:])


# Wording from the documented table; where a documentation body example exists (0003 in Adobe's alloy mocks,
# 0306 in visitor-identification-fpid.md) its runtime title is used instead of the table's title.
INTERNAL = ProblemKind(
    "EXEG-0001-500",
    "Unexpected error",
    "An unexpected error has occurred while processing the request. Please try again. If this error persists, "
    "contact your Adobe representative.",
)
UNAVAILABLE = ProblemKind(
    "EXEG-0000-503",
    "Service unavailable",
    "The service is temporarily unable to process your request. Try again later.",
)
MISSING_DATASTREAM = ProblemKind(
    "EXEG-0002-400",
    "Missing datastream parameter",
    "The required datastream parameter `{param}` is missing from your request. Provide a valid `{param}` value "
    "and try again.",
)
UNKNOWN_DATASTREAM = ProblemKind(
    "EXEG-0003-400",
    "Invalid datastream ID",
    "The datastream ID '{datastream}' referenced in your request does not exist. Update the request with a valid "
    "datastream ID and try again.",
)
DISABLED_DATASTREAM = ProblemKind(
    "EXEG-0004-422",
    "Datastream disabled",
    "The datastream with the ID '{datastream}' is disabled. Enable your datastream or update the request with a "
    "valid datastream ID and try again.",
)
INVALID_JSON = ProblemKind(
    "EXEG-0101-400", "Invalid JSON request", "The JSON request is invalid. Fix the request and try again."
)
INVALID_FIELD = ProblemKind(
    "EXEG-0102-400",
    "Invalid request field",
    "The value supplied for the `{field}` field does not match your input schema. Update the `{field}` value and "
    "try again.",
)
MISSING_VALUE = ProblemKind(
    "EXEG-0103-400",
    "Missing required value",
    "The `{field}` field is mandatory. Provide a valid `{field}` value and try again.",
)
EMPTY_BODY = ProblemKind(
    "EXEG-0109-408", "Empty request", "The request body is empty. Update your request and try again."
)
UNSUPPORTED_TYPE = ProblemKind(
    "EXEG-0111-415",
    "Invalid request",
    "The request content type is not supported. Supported types are 'application/json' and 'text/plain'. "
    "Update your request and try again.",
)
TOO_LARGE = ProblemKind(
    "EXEG-0112-413",
    "Invalid request",
    "The request payload is too large. The maximum accepted size for request payloads is 64 KB. Update your "
    "request and try again.",
)
NO_PRIMARY_IDENTITY = ProblemKind(
    "EXEG-0306-400",
    "No primary identity set in request (event)",
    "There was no primary identity provided for event #{index}. Update the request according to your schema and "
    "try again.",
)
UNAUTHORIZED = ProblemKind(
    "EXEG-0500-401",
    "Invalid authorization token",
    "The required authorization token is missing or has an invalid format. Add a valid token to the request and "
    "try again.",
)
# No EXEG code for 429 is documented
# (https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/): this one is the emulator's,
# numbered like 0000-503.
TOO_MANY_REQUESTS = ProblemKind(
    "EXEG-0000-429",
    "Too many requests",
    "The request rate for this organization exceeds the request units per second allowed on this endpoint. Wait "
    "for the number of seconds in the Retry-After header and try again.",
)


def problem_body(
    kind: ProblemKind,
    request_id: str,
    *,
    org_id: str | None = None,
    config_id: str | None = None,
    **detail: Any,
) -> ProblemBody:
    report: ProblemReport = {"requestId": request_id}
    if org_id is not None:
        report["orgId"] = org_id
    if config_id is not None:
        report["configId"] = config_id
    return {
        "type": TYPE_PREFIX + kind.code,
        "status": kind.status,
        "title": kind.title,
        "detail": kind.detail.format(**detail) if detail else kind.detail,
        "report": report,
    }
