"""What a failed check raises: one `ContractViolation` subclass per check.

The message names the check and states the rule, never a value from the exchange: Locust groups failures by
message, so a value in it (a request id, a length) would split one broken rule into thousands of rows. Whatever
helps to debug one exchange goes to `detail`, which reports may show and `str()` never does.
"""

from __future__ import annotations

from typing import ClassVar


class ContractViolation(AssertionError):
    """A response breaks the contract. Subclasses of AssertionError, as schemathesis checks expect (STYLE.md)."""

    check: ClassVar[str] = "contract"

    def __init__(self, rule: str, detail: str | None = None) -> None:
        super().__init__(f"{self.check}: {rule}")
        self.rule = rule
        self.detail = detail

    def __reduce__(self) -> tuple[type[ContractViolation], tuple[str, str | None]]:
        # Keep violations picklable (Locust workers and pytest-xdist ship exceptions between processes).
        return (type(self), (self.rule, self.detail))


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
