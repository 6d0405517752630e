"""`POST /ims/token/v3`: the emulator's stand-in for Adobe IMS, issuing short-lived tokens for tests.

Request as Adobe documents OAuth server-to-server (and as aepp sends it): a form body with `grant_type=
client_credentials`, `client_id`, `client_secret` and `scope`. Answer as IMS v3: `{"access_token", "token_type":
"bearer", "expires_in"}` with `expires_in` in seconds; errors are RFC 6749 §5.2 `{"error", "error_description"}`.
The lifetime is `--token-ttl` (default 86399 s, as IMS answers), so tests can watch a token expire in a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from emulator._asgi import Receive, Scope, Send
from emulator._edge import ClientGone, read_body
from emulator._responses import send_empty, send_json

if TYPE_CHECKING:
    from emulator._auth import Authenticator

TOKEN_PATH: Final = "/ims/token/v3"
_MAX_FORM_BYTES: Final = 16384
_FORM: Final = "application/x-www-form-urlencoded"


def _content_type(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.split(b";", 1)[0].strip().lower().decode("latin-1"))
    return ""


async def handle_token(auth: Authenticator, scope: Scope, receive: Receive, send: Send) -> None:
    if scope["method"] != "POST":
        await send_empty(send, 405, [(b"allow", b"POST")])
        return
    try:
        body = await read_body(receive, _MAX_FORM_BYTES)
    except ClientGone:
        return
    if _content_type(scope) != _FORM or body is None:
        await send_json(send, 400, {"error": "invalid_request",
                                    "error_description": f"send the parameters as a {_FORM} body"})
        return
    form: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(key, value)
    status, document = auth.issue(form)
    await send_json(send, status, document)
