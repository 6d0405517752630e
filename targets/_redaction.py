"""Secrets never reach an output (docs/security.md#secrets-never-leak).

One redaction for every runner: the load-test reports (loadtests._reports re-exports this module), the contract
run's reports and captured runner output, error lines and logs. Two layers, because either alone misses cases:

- by shape: `Authorization` / `x-api-key` header lines, bearer and basic credentials in free text, JWTs (Adobe
  IMS access tokens are JWTs), `client_secret` / `access_token` / `api_key` / `password` members in JSON, reprs,
  form bodies and query strings;
- by value: every secret this process knows (the bearer token, client secret and API key read from the
  environment, every access token fetched) is registered with `register_secret` and masked wherever it appears,
  whatever surrounds it: an opaque API key in a curl line looks like nothing in particular.

`redact_settings(mapping)` also masks every value whose key names a secret, whatever the value looks like.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from reporting import write_atomic

MASK = "[REDACTED]"
Redactor = Callable[[str], str]
# Shorter values are not registered: masking every "abc" in a report would destroy it, and no credential Adobe
# issues is that short (client ids are 32 hex characters, secrets and tokens longer).
MIN_SECRET_LENGTH = 8

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
    # Query parameters whose name only contains a secret word (?my_api_key=x, &X-Amz-Signature=x, &sig=x): after
    # ? & or ; only, so that command-line flags such as --token-ttl=2 keep their values.
    (re.compile(r"(?i)([?&;](?:[\w.-]*(?:secret|token|passw|pwd|api[-_]?key|access[-_]?key|private[-_]?key|"
                r"signature|credential|session)[\w.-]*|key|sig|code|auth)=)([^&#\s\"'<>]+)"), rf"\g<1>{MASK}"),
    # URL userinfo (RFC 3986 §3.2.1: "user:password@host" is deprecated precisely because it leaks): the whole
    # userinfo, as a user name alone may be a token. Up to the last @ before the path, as URL parsers read it. The
    # scheme starts where no scheme character precedes it and is at most 32 characters: unanchored, a long run of
    # letters (a 70 KB body of padding) was rescanned from each of its characters, in quadratic time.
    (re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}://)[^/\s?#\"'<>]+@"), rf"\g<1>{MASK}@"),
    # curl's -H 'Authorization: Bearer x' (schemathesis' reproduction lines) and "-H x-api-key: x" in one line.
    (re.compile(rf"(?i)(-H\s+[\"']?{_SECRET_KEY}\s*:\s*)([^\"'\n]+)"), rf"\g<1>{MASK}"),
    # Bearer / Basic credentials anywhere in free text.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\g<1> {MASK}"),
    # JWTs anywhere: three base64url segments, the first two starting with eyJ ('{"').
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), MASK),
)
_SECRET_NAME = re.compile(rf"(?i)^{_SECRET_KEY}$|secret|token|password|api[-_]?key")

_known: set[str] = set()
_known_lock = threading.Lock()  # registration may come from several threads or greenlets at once
_known_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Mask `value` (and its URL-encoded forms) in everything `redact` sees from now on, in this process."""
    global _known_pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    forms = {value, quote(value, safe=""), quote_plus(value)}
    with _known_lock:
        if forms <= _known:
            return
        _known.update(forms)
        # Longest first: a secret containing another is masked whole.
        _known_pattern = re.compile("|".join(re.escape(form) for form in sorted(_known, key=len, reverse=True)))


def register_secrets(values: Iterable[str | None]) -> None:
    for value in values:
        register_secret(value)


def forget_secrets() -> None:
    """Drop every registered value (tests)."""
    global _known_pattern
    with _known_lock:
        _known.clear()
        _known_pattern = None


def redact(text: str) -> str:
    """`text` with every known secret and every credential-shaped value masked as [REDACTED]."""
    known = _known_pattern
    if known is not None:
        text = known.sub(MASK, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_bytes(data: bytes) -> bytes:
    """`redact` for file contents; bytes that are not UTF-8 pass through the text redaction as surrogates."""
    text = data.decode("utf-8", errors="surrogateescape")
    redacted = redact(text)
    return data if redacted == text else redacted.encode("utf-8", errors="surrogateescape")


def redact_tree(directory: Path) -> list[Path]:
    """Rewrite, atomically, every file under `directory` that holds a secret; the files rewritten.

    For what other programs wrote (schemathesis' reports, the suite's JUnit file): their own masking is a first
    layer, this is the second, with the exact values this process knows.
    """
    rewritten = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        clean = redact_bytes(data)
        if clean is not data:
            write_atomic(path, clean)
            rewritten.append(path)
    return rewritten


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
