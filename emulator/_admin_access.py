"""Who may call the admin endpoints (`/_emulator/...`): the user's own tools, never a web page they visit.

A page on another site can reach a local server in two ways, both refused here:
- DNS rebinding: the page's own name is made to resolve to 127.0.0.1, so its requests carry `Host: evil.example`.
  Only a loopback Host (`localhost`, 127.0.0.0/8, `[::1]`), the name or address given to `--host`, or, bound to
  every interface, an address literal (no rebinding name is one) is accepted, with any port.
- Cross-origin requests: browsers send `Origin` on every request but a plain GET (Fetch standard, "Origin
  header"), and `Sec-Fetch-Site` when the page is another site's; either one naming another origin is refused. A
  `PUT` must be `application/json` and a `POST` JSON or bodiless: a cross-origin HTML form can send neither
  without a CORS preflight, which admin paths never grant.
Bound to an address other machines reach, a token is required too (`x-edgeload-admin-token`; cli.py prints it).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass

from emulator._asgi import Scope
from emulator._errors import ConfigError

TOKEN_HEADER = "x-edgeload-admin-token"
TOKEN_ENV = "EDGELOAD_EMULATOR_ADMIN_TOKEN"
_TOKEN_HEADER = TOKEN_HEADER.encode()
_TOKEN = re.compile(r"[!-~]{16,256}")  # sent in a header: visible ASCII; long enough not to be guessed
_SAME_SITE = {b"same-origin", b"none"}  # Sec-Fetch-Site of the emulator's own pages, and of typed URLs and tools
_JSON = b"application/json"


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    error: str  # one line naming the problem and the fix


def check_token(value: str, where: str) -> str:
    if not _TOKEN.fullmatch(value):
        raise ConfigError(f"{where} must be 16 to 256 visible ASCII characters (no spaces); "
                          "e.g. python -c 'import secrets; print(secrets.token_urlsafe(24))'")
    return value


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return address.lower().rstrip(".") == "localhost"


def _host_name(value: bytes) -> str | None:
    """The name or address of a Host header without its port, lower case; None when it is malformed."""
    text = value.decode("latin-1").strip().lower()
    if text.startswith("["):
        name, bracket, port = text[1:].partition("]")
        if not bracket or (port and not (port[0] == ":" and port[1:].isdigit())):
            return None
        return name
    name, colon, port = text.partition(":")
    if colon and not port.isdigit():
        return None
    return name.rstrip(".")


class AdminAccess:
    """The checks every admin request passes before its route is looked at."""

    def __init__(self, bind_host: str, token: str | None) -> None:
        self.token = token
        self._names = {"localhost", bind_host.lower().strip("[]").rstrip(".")}
        try:
            bound = ipaddress.ip_address(bind_host.strip("[]"))
        except ValueError:
            bound = None
        # Bound to every interface, clients use the machine's addresses: a literal address cannot be rebound.
        self._any_address = bound is not None and bound.is_unspecified

    def refusal(self, scope: Scope) -> Refusal | None:
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"")
        name = _host_name(host)
        if name is None or not self._allowed_host(name):
            return Refusal(403, "the admin routes answer only a loopback Host (localhost, 127.0.0.1, [::1]) or the "
                                "--host the emulator listens on; call them by that name")
        origin = headers.get(b"origin")
        own = f"{scope.get('scheme', 'http')}://{host.decode('latin-1').strip().lower()}".encode()
        site = headers.get(b"sec-fetch-site")
        if (origin is not None and origin.strip().lower() != own) or (site is not None and site not in _SAME_SITE):
            return Refusal(403, "the admin routes refuse cross-origin requests (a web page's); call them from a "
                                "tool such as curl or the test harness, without an Origin header")
        if self.token is not None:
            sent = headers.get(_TOKEN_HEADER)
            if sent is None or not hmac.compare_digest(sent, self.token.encode()):
                return Refusal(401, f"the admin routes need the header {TOKEN_HEADER} with the token the emulator "
                                    f"printed at start (or the one given by --admin-token or {TOKEN_ENV})")
        return None

    def body_refusal(self, scope: Scope) -> Refusal | None:
        """For PUT and POST: a JSON body, or (POST) none; anything else is what a cross-origin form sends."""
        content_type = dict(scope["headers"]).get(b"content-type")
        media = None if content_type is None else content_type.split(b";", 1)[0].strip().lower()
        if media == _JSON or (media is None and scope["method"] == "POST"):
            return None
        return Refusal(415, f"the admin route {scope['method']} {scope['path']} needs content-type: "
                            "application/json (e.g. curl -H 'content-type: application/json')")

    def _allowed_host(self, name: str) -> bool:
        if name in self._names:
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False
        return address.is_loopback or self._any_address
