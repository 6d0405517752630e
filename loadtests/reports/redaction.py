"""Secrets never appear in a report: the redaction lives in `contracts.redaction`, the lowest layer
both runners import, so the contract run's reports and the load test's share one definition. Re-exported here so
that `loadtests.reports.redaction` keeps working for the report writers and their tests.
"""

from __future__ import annotations

from contracts.redaction import (
    MASK,
    Redactor,
    forget_secrets,
    is_secret_name,
    redact,
    redact_bytes,
    redact_settings,
    register_secret,
    register_secrets,
)

__all__ = [
    "MASK",
    "Redactor",
    "forget_secrets",
    "is_secret_name",
    "redact",
    "redact_bytes",
    "redact_settings",
    "register_secret",
    "register_secrets",
]
