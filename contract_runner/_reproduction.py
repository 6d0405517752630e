"""A failing case as a `curl` command to paste: the request as it was sent, its secrets replaced by variables.

Both runners of `edgeload contract` attach one to every failing case (the suite from the request its client sent,
schemathesis from the request it recorded), and the report shows it. The command is POSIX shell: every literal is
single-quoted (`shlex.quote`), so a body with quotes, `$` or backslashes reaches curl byte for byte
(https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_02_02_02), and each secret is a
double-quoted variable the shell expands: the token, the API key, URL userinfo, secret-named query values and any
header whose value `targets._redaction` would mask. The command itself never holds a secret, and `redact` leaves
it as it is (tests/contracts/test_reproduction.py), so the report's second redaction pass does not break it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from targets import MASK, is_secret_name, redact

# The variables the project already reads its credentials from (docs/targets.md).
TOKEN_VARIABLE = "EDGELOAD_BEARER_TOKEN"
API_KEY_VARIABLE = "EDGELOAD_API_KEY"
USERINFO_VARIABLE = "EDGELOAD_URL_USERINFO"
BASIC_VARIABLE = "EDGELOAD_BASIC_CREDENTIALS"  # base64 of user:password (RFC 7617), e.g. from URL userinfo
# curl computes these from the URL and the body; copying them could only contradict it.
_COMPUTED = frozenset({"host", "content-length", "connection", "transfer-encoding"})
BODY_LIMIT = 256 * 1024  # bytes shown; a larger body (no Edge request is one: 64 KB is its limit) is left out
_CONTINUATION = " \\\n  "  # one option per line: readable in a report, and a shell joins the lines back
_VARIABLE = re.compile(r"\$(EDGELOAD_[A-Z0-9_]+)")


def _variable(name: str) -> str:
    """The shell variable holding the secret of a header or query parameter named `name`."""
    lowered = name.lower()
    if lowered in ("authorization", "proxy-authorization"):
        return TOKEN_VARIABLE
    if lowered in ("x-api-key", "api_key", "apikey", "api-key"):
        return API_KEY_VARIABLE
    return "EDGELOAD_" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def _expanded(variable: str) -> str:
    return f'"${variable}"'


def _is_secret(name: str, value: str) -> bool:
    # By name (an opaque API key looks like nothing) and by value (a token under a harmless name).
    return is_secret_name(name) or redact(value) != value or redact(f"?{name}={value}") != f"?{name}={value}"


def _url(url: str) -> str:
    """The URL as one shell word: literal parts quoted, userinfo and secret query values as variables."""
    parts = urlsplit(url)
    netloc = parts.netloc
    pieces: list[tuple[str, bool]] = [(f"{parts.scheme}://", False)]  # (text, is a variable)
    if "@" in netloc:
        pieces += [(USERINFO_VARIABLE, True), ("@", False)]
        netloc = netloc.rpartition("@")[2]
    pieces.append((netloc + parts.path, False))
    for index, parameter in enumerate(parts.query.split("&") if parts.query else []):
        name, equals, value = parameter.partition("=")
        secret = bool(equals) and _is_secret(name, value)
        pieces.append((("&" if index else "?") + (f"{name}=" if secret else parameter), False))
        if secret:
            pieces.append((_variable(name), True))
    if parts.fragment:
        pieces.append((f"#{parts.fragment}", False))
    word, literal = "", ""
    for text, variable in pieces:
        if not variable:
            literal += text
            continue
        word += (shlex.quote(literal) if literal else "") + _expanded(text)
        literal = ""
    return word + (shlex.quote(literal) if literal else "")


def _header(name: str, value: str) -> str:
    """`-H 'name: value'`, the value a variable when it is a secret (the Bearer scheme kept literal)."""
    if not _is_secret(name, value):
        return f"-H {shlex.quote(f'{name}: {value}')}"
    scheme = value.split(" ", 1)[0] if value.lower().startswith(("bearer ", "basic ")) else ""
    variable = BASIC_VARIABLE if scheme.lower() == "basic" else _variable(name)
    # No space between the colon and the quote: `redact` masks "-H 'authorization: <anything>'", and HTTP needs
    # none there (RFC 9112 §5.1: field-name ":" OWS field-value, the whitespace optional).
    expanded = f'"{scheme} ${variable}"' if scheme else _expanded(variable)
    # Single-quoted even where shlex would not: redaction's "-H authorization:" pattern stops at a quote, and in the
    # JSON summary the double quote that follows reads \".
    return f"-H '{name}:'{expanded}" if shlex.quote(name) == name else f"-H {shlex.quote(f'{name}:')}{expanded}"


def _body(body: bytes) -> tuple[list[str], str]:
    """curl's arguments for the body, and a note when it is not shown as it was sent."""
    if len(body) > BODY_LIMIT:
        return ["--data-binary @body.json"], f"the body ({len(body)} bytes) is too long to show: save it as body.json"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ["--data-binary @body.bin"], f"the body ({len(body)} bytes) is not UTF-8 text: save it as body.bin"
    clean = redact(text)
    note = f"secrets in the body are masked as {MASK}" if clean != text else ""
    return [f"--data-binary {shlex.quote(clean)}"], note


def curl_command(method: str, url: str, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes | None,
                 *, insecure: bool = False) -> str:
    """The curl command sending `method url` with `headers` and `body`; secrets as $EDGELOAD_* variables."""
    pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
    # -i shows the status and headers the check judged; -sS drops the progress meter but keeps errors; -k when
    # the run did not verify TLS certificates either (--insecure).
    arguments = [f"curl -sS -i{'k' if insecure else ''} -X {shlex.quote(method.upper())} {_url(url)}"]
    arguments += [_header(name, value) for name, value in pairs if name.lower() not in _COMPUTED]
    notes = []
    if body is not None and (body or method.upper() not in ("GET", "HEAD")):
        if not any(name.lower() == "content-type" for name, _ in pairs):
            arguments.append("-H 'Content-Type:'")  # sent without one: keep curl from adding its form type
        body_arguments, note = _body(body)
        arguments += body_arguments
        notes += [note] if note else []
    command = _CONTINUATION.join(arguments)
    return "\n".join([*(f"# {note}" for note in notes), command])


def variables(command: str) -> list[str]:
    """The $EDGELOAD_* variables a command reads, in order of first use."""
    return list(dict.fromkeys(_VARIABLE.findall(command)))


def setup_note(command: str) -> str:
    """One line saying which variables to set before pasting `command`; "" when it needs none."""
    names = variables(command)
    if not names:
        return ""
    listed = ", ".join(f"${name}" for name in names)
    token = f"; ${TOKEN_VARIABLE} is the access token alone, without 'Bearer'" if TOKEN_VARIABLE in names else ""
    return f"# set {listed} first, e.g. read -rs {names[0]} && export {names[0]}{token}"
