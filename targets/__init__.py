"""What every command needs to reach a target: profiles, auth, the guard, redaction, transport counts.

The load test (`loadtests`), the contract runner (`contract_runner`) and the XDM command share these; the verdict
(`contracts`) does not need them, so it stays free of I/O (docs/architecture.md).
"""

# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from targets._auth import AuthError, Credentials, credentials_for, tls_context
from targets._defaults import (
    AUTHENTICATED_DATASTREAM_ID,
    DEFAULT_DATASTREAM_ID,
    DISABLED_DATASTREAM_ID,
    UNKNOWN_DATASTREAM_ID,
)
from targets._guard import refusal
from targets._profiles import (
    AUTH_METHODS,
    DEFAULT_CONFIG,
    RESOLVED_ENV,
    Overrides,
    Profile,
    ProfileError,
    is_local_url,
    read_config,
    require_datastream,
    resolve,
)
from targets._redaction import MASK, Redactor, is_secret_name, redact, redact_bytes, redact_settings, redact_tree
from targets._transport import (
    CATEGORIES,
    EXCHANGE_LOG_ENV,
    MAX_RESPONSE_ENV,
    OTHER,
    REFUSED,
    RESET,
    RULES,
    TIMEOUT,
    TOO_LARGE,
    TRUNCATED,
    ResponseTooLarge,
    Tally,
    category_of,
)

__all__ = [
    "AUTHENTICATED_DATASTREAM_ID",
    "AUTH_METHODS",
    "CATEGORIES",
    "DEFAULT_CONFIG",
    "DEFAULT_DATASTREAM_ID",
    "DISABLED_DATASTREAM_ID",
    "EXCHANGE_LOG_ENV",
    "MASK",
    "MAX_RESPONSE_ENV",
    "OTHER",
    "REFUSED",
    "RESET",
    "RESOLVED_ENV",
    "RULES",
    "TIMEOUT",
    "TOO_LARGE",
    "TRUNCATED",
    "UNKNOWN_DATASTREAM_ID",
    "AuthError",
    "Credentials",
    "Overrides",
    "Profile",
    "ProfileError",
    "Redactor",
    "ResponseTooLarge",
    "Tally",
    "category_of",
    "credentials_for",
    "is_local_url",
    "is_secret_name",
    "read_config",
    "redact",
    "redact_bytes",
    "redact_settings",
    "redact_tree",
    "refusal",
    "require_datastream",
    "resolve",
    "tls_context",
]
