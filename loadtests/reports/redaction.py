"""Secrets never appear in a report (issue 5, "Reports"; brief: "Secrets never printed").

`redact(text)` masks the credentials of Adobe's Server API wherever they can show up in an exchange, a setting or
an error message: `Authorization` and `x-api-key` headers, bearer tokens, JWTs (IMS access tokens are JWTs),
`client_secret` / `access_token` / `api_key` / `password` fields in JSON, form and query strings.
`redact_settings(mapping)` also masks every value whose key names a secret, whatever the value looks like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

MASK = "[REDACTED]"
Redactor = Callable[[str], str]

# Key names that hold credentials; matched case-insensitively with - and _ interchangeable.
_SECRET_KEY = r"(?:authorization|proxy-authorization|x-api-key|api[-_]?key|client[-_]?secret|access[-_]?token|" \
              r"refresh[-_]?token|id[-_]?token|password|passwd|secret|token|cookie|set-cookie)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Header lines "Authorization: Bearer x" (the whole value, scheme included).
    (re.compile(rf"(?im)^(\s*{_SECRET_KEY}\s*:\s*)(.+)$"), rf"\g<1>{MASK}"),
    # JSON members "client_secret": "x" (also within repr()s of dicts: single quotes).
    (re.compile(rf"(?i)([\"']{_SECRET_KEY}[\"']\s*:\s*)([\"'])(?:\\.|(?!\2).)*\2"), rf"\g<1>\g<2>{MASK}\g<2>"),
    # Form or query parameters client_secret=x&...
    (re.compile(rf"(?i)(\b{_SECRET_KEY}=)([^&\s\"']+)"), rf"\g<1>{MASK}"),
    # Bearer / Basic credentials anywhere in free text.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\g<1> {MASK}"),
    # JWTs anywhere: three base64url segments, the first two starting with eyJ ('{"').
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
)
_SECRET_NAME = re.compile(rf"(?i)^{_SECRET_KEY}$|secret|token|password|api[-_]?key")


def redact(text: str) -> str:
    """`text` with every credential masked as [REDACTED]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_secret_name(name: str) -> bool:
    """Whether a header, setting or field name holds a credential."""
    return bool(_SECRET_NAME.search(name))


def redact_settings(value: Any, redactor: Redactor = redact) -> Any:
    """A copy of a JSON-like value with secret-named keys masked and every string passed through `redactor`."""
    if isinstance(value, Mapping):
        return {str(key): MASK if is_secret_name(str(key)) and value[key] not in (None, "")
                else redact_settings(value[key], redactor) for key in value}
    if isinstance(value, list | tuple):
        return [redact_settings(item, redactor) for item in value]
    if isinstance(value, str):
        return redactor(value)
    return value
