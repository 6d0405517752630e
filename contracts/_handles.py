"""The two checks that compare a response with its request: the requestId echo and the handle array.

No schemathesis built-in compares a request value with a response value
(https://schemathesis.readthedocs.io/en/stable/reference/checks/), hence these checks.
"""

from __future__ import annotations

import re
from typing import Any, Final

from contracts._context import NOT_JSON, Context
from contracts._violations import HandleShapeViolation, RequestIdNotEchoed, json_type, schema_cause

# Edge "always appends a 16-character hex entropy suffix": `<requestId>-<entropy>` [official requestId, 72cdeed].
_ENTROPY: Final = re.compile(r"[0-9a-fA-F]{16}")
_SUFFIX_LENGTH: Final = 17  # "-" and 16 hex characters


def echoes(returned: str, sent: str) -> bool:
    """Whether a returned id is the sent one, or the sent one plus `-` and 16 hex characters.

    The bare value is accepted too: responses documented before the 2026 change carry it unchanged
    [https://github.com/adobe/alloy-samples, target/personalization-hybrid/README.md].
    """
    if returned == sent:
        return True
    n = len(sent)
    return (
        len(returned) == n + _SUFFIX_LENGTH
        and returned.startswith(sent)
        and returned[n] == "-"
        and _ENTROPY.fullmatch(returned, n + 1) is not None
    )


def _body_request_id(ctx: Context) -> Any:
    body = ctx.body
    if not isinstance(body, dict):
        return None
    if ctx.response is not None and ctx.response.carries_request_id:
        return body.get("requestId")
    report = body.get("report")  # problem+json keeps it under `report` (tests/reference/samples)
    return report.get("requestId") if isinstance(report, dict) else None


def request_id_echo(ctx: Context) -> None:
    spec = ctx.response
    if spec is None:
        return
    exchange = ctx.exchange
    sent_values = (exchange.request_query.get("requestId"), exchange.request_headers.get("x-request-id"))
    sent = [value for value in sent_values if value]
    # An error may be about the sent id itself (EXEG-0102-400 on an unusable requestId), so a problem body's id
    # is only held to agree with the header; a success must echo what was sent.
    must_echo = sent and not spec.is_problem
    returned = _body_request_id(ctx)
    if spec.carries_request_id and ctx.body is not NOT_JSON and (not isinstance(returned, str) or not returned):
        cause = "`requestId` is missing" if returned is None else f"`requestId` is {json_type(returned)}"
        raise RequestIdNotEchoed("the response `requestId` must be a non-empty string",
                                 detail=cause if returned != "" else "`requestId` is empty")
    if must_echo and isinstance(returned, str) and not any(echoes(returned, value) for value in sent):
        raise RequestIdNotEchoed("the response `requestId` must be the sent id, optionally followed by -<16 hex>",
                                 detail=f"sent {sent[0]!r}, the body's `requestId` is {returned!r}")
    header = exchange.response_headers.get("x-request-id")
    if header is None:
        return
    if isinstance(returned, str) and returned:
        # The header is the body's id or its prefix before the entropy suffix.
        if not echoes(returned, header):
            raise RequestIdNotEchoed("the x-request-id header disagrees with the body `requestId`",
                                     detail=f"header {header!r}, body {returned!r}")
    elif must_echo and not any(echoes(header, value) for value in sent):
        raise RequestIdNotEchoed("the x-request-id header must be the sent id, optionally followed by -<16 hex>",
                                 detail=f"sent {sent[0]!r}, the header is {header!r}")
    elif not header:
        raise RequestIdNotEchoed("the x-request-id header is empty", detail="x-request-id: ''")


def handle_shape(ctx: Context) -> None:
    spec = ctx.response
    body = ctx.body
    if spec is None or not spec.carries_handle or not isinstance(body, dict):
        return  # undocumented status, no handle documented, or a body response_schema already rejects
    handles = body.get("handle")
    if not isinstance(handles, list):
        cause = "`handle` is missing" if "handle" not in body else f"`handle` is {json_type(handles)}, not an array"
        raise HandleShapeViolation("`handle` must be an array", detail=cause)
    bound = ctx.events_sent
    payload_validators = ctx.contract.handle_payloads
    for position, item in enumerate(handles):
        if not isinstance(item, dict):
            raise HandleShapeViolation("every handle item must be an object",
                                       detail=f"$.handle[{position}] is {json_type(item)}")
        handle_type = item.get("type")
        if not isinstance(handle_type, str) or not handle_type:
            cause = "is missing" if "type" not in item else f"is {json_type(handle_type)}" if handle_type != "" else (
                "is empty")
            raise HandleShapeViolation("every handle item needs a non-empty string `type`",
                                       detail=f"$.handle[{position}].type {cause}")
        payload = item.get("payload")
        if not isinstance(payload, list) or not all(isinstance(entry, dict) for entry in payload):
            cause = "is missing" if "payload" not in item else (
                f"is {json_type(payload)}" if not isinstance(payload, list) else "holds an item that is not an object")
            raise HandleShapeViolation("a handle `payload` must be an array of objects",
                                       detail=f"$.handle[{position}].payload ({handle_type}) {cause}")
        if "eventIndex" in item:
            index = item["eventIndex"]
            if type(index) is not int or index < 0 or (bound is not None and index >= bound):
                sent = "" if bound is None else f", the request sent {bound} event{'s' if bound != 1 else ''}"
                raise HandleShapeViolation("a handle `eventIndex` must point at an event the request sent",
                                           detail=f"$.handle[{position}].eventIndex is {index!r}{sent}")
        validator = payload_validators.get(handle_type)
        if validator is not None and not validator.is_valid(payload):
            error = next(iter(validator.iter_errors(payload)))
            where = ["handle", position, "payload", *error.instance_path]
            raise HandleShapeViolation("a known handle type's payload lacks its documented shape",
                                       detail=f"{handle_type}: {schema_cause(error.message, error.instance, where)}")
