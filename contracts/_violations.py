"""What a failed check raises: one `ContractViolation` subclass per check.

The message names the check and states the rule, never a value from the exchange: Locust groups failures by
message, so a value in it (a request id, a length) would split one broken rule into thousands of rows. Whatever
helps to debug one exchange goes to `detail`: the concrete cause at its place ("'errors' is a required property at
$.body", "`handle` is missing"), which reports show beside the message and `str()` never includes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final

import orjson

# How a violation's cause follows its message inside schemathesis, which keeps one text per failure
# (contract_runner.st_hooks writes it, contract_runner._runs reads it back).
CAUSE_PREFIX: Final = "cause: "
DETAIL_LIMIT: Final = 300  # characters: a schema error quotes the offending value, which may be a whole body


class ContractViolation(AssertionError):
    """A response breaks the contract. Subclasses of AssertionError, as schemathesis checks expect."""

    check: ClassVar[str] = "contract"

    def __init__(self, rule: str, detail: str | None = None) -> None:
        super().__init__(f"{self.check}: {rule}")
        self.rule = rule
        self.detail = detail if detail is None or len(detail) <= DETAIL_LIMIT else detail[:DETAIL_LIMIT - 3] + "..."

    def __reduce__(self) -> tuple[type[ContractViolation], tuple[str, str | None]]:
        # Keep violations picklable (Locust workers and pytest-xdist ship exceptions between processes).
        return (type(self), (self.rule, self.detail))


def json_path(parts: Sequence[str | int]) -> str:
    """A JSON path (RFC 9535 normalized form, names in dot notation) from a location's parts: `$.handle[0].type`."""
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def shorten(text: str, limit: int = 160) -> str:
    """`text` within `limit` characters, its middle cut: a schema error quotes the value first, the rule last."""
    if len(text) <= limit:
        return text
    head = limit // 3
    return f"{text[:head]} ... {text[len(text) - (limit - head - 5):]}"


def schema_cause(message: str, instance: object, location: Sequence[str | int]) -> str:
    """A schema error as a cause: `an object is not of type "array" at $.handle`.

    jsonschema-rs opens its message with the offending value, serialised compactly with sorted keys; a whole
    object or array there says less than its kind, so it is named by its kind instead.
    """
    if isinstance(instance, dict | list):
        try:
            quoted = orjson.dumps(instance, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            quoted = ""
        if quoted and message.startswith(quoted):
            message = json_type(instance) + message[len(quoted):]
    return f"{shorten(message)} at {json_path(location)}"


def json_type(value: object, not_json: object = None) -> str:
    """How a value reads in a cause: "an object", "an array", "null" ...; `not_json` is the unparsable marker."""
    if value is not_json and not_json is not None:
        return "not JSON"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class UndocumentedStatus(ContractViolation):
    check = "status_code_documented"


class ContentTypeMismatch(ContractViolation):
    check = "content_type"


class SchemaMismatch(ContractViolation):
    check = "response_schema"


class RequestIdNotEchoed(ContractViolation):
    check = "request_id_echo"


class HandleShapeViolation(ContractViolation):
    check = "handle_shape"


class ErrorBodyViolation(ContractViolation):
    check = "error_body"


class RetryAfterViolation(ContractViolation):
    check = "retry_after"


class UnknownOperation(ValueError):
    """The exchange names an operation the contract does not describe: a caller's mistake, not a violation."""
