"""Authentication as the Edge Network does it: access tokens, the clients that get them, and the 401 answers.

Tokens are issued by the emulator's own IMS token endpoint (emulator/_token_endpoint.py) to the clients of the
config (`[[clients]]`: id, secret, org). They are JWT-shaped (`header.payload.signature`, HS256 over the first
two): like Adobe IMS access tokens they start with `eyJ`, and a signature lets the emulator tell a malformed token
from a forged or an expired one. The signing key is not a secret (the emulator is a test double); tokens survive
a restart of the emulator with the same key.

Which datastreams authenticate
(https://experienceleague.adobe.com/en/docs/experience-platform/edge-network-server-api/authentication: "mixed →
edge.adobedc.net does not authenticate, server.adobedc.net authenticates; authenticated → both authenticate"): the
emulator has one host, so

- `authenticated` datastreams always require `Authorization: Bearer`, `x-api-key` and `x-gw-ims-org-id`;
- `mixed` ones answer as edge.adobedc.net by default (no credentials needed), but credentials that are sent are
  checked as server.adobedc.net would check them: a client must not learn that a broken token "works";
- `--server-host` makes the emulator answer as server.adobedc.net: mixed datastreams require credentials too.

Refusals (the EXEG table, tests/reference/exeg-error-codes.json): missing or malformed token, missing x-api-key or
x-gw-ims-org-id: EXEG-0500-401; bad signature: EXEG-0502-401; expired: EXEG-0503-401.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from emulator._errors import ConfigError
from emulator._problems import UNAUTHORIZED, ProblemKind

DEFAULT_TOKEN_TTL_S: Final = 86399.0  # what IMS answers in expires_in (seconds, v3)
DEFAULT_SIGNING_KEY: Final = b"edgeload-emulator-signing-key"  # not a secret: see module docstring
_HEADER: Final = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
_CACHE_LIMIT: Final = 4096  # verified tokens remembered; a fuzzer must not grow it without end

BAD_SIGNATURE = ProblemKind(
    "EXEG-0502-401",
    "Invalid authorization token signature",
    "The authorization token signature is invalid. Check the authorization token and try again.",
)
EXPIRED = ProblemKind(
    "EXEG-0503-401",
    "Authorization token expired",
    "The authorization token has expired. Generate a new authorization token and try again.",
)


@dataclass(frozen=True, slots=True)
class Client:
    """An OAuth server-to-server credential of an Adobe Developer Console project."""

    id: str
    secret: str
    org_id: str


_CLIENT_KEYS = frozenset({"id", "secret", "org_id"})


def parse_clients(value: object, where: str) -> tuple[Client, ...]:
    """The `[[clients]]` array of a config file."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: `clients` must be an array of tables ([[clients]] with id, secret, org_id)")
    clients: dict[str, Client] = {}
    for index, table in enumerate(value):
        at = f"{where}: clients[{index}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{at} must be a table with id, secret and org_id")
        unknown = sorted(set(table) - _CLIENT_KEYS)
        if unknown:
            raise ConfigError(f"{at} has unknown key {unknown[0]!r}; allowed keys: id, org_id, secret")
        for key in sorted(_CLIENT_KEYS):
            if not isinstance(table.get(key), str) or not table[key]:
                raise ConfigError(f"{at}.{key} must be a non-empty string")
        if table["id"] in clients:
            raise ConfigError(f"{at}.id {table['id']!r} is used twice; client ids must be unique")
        clients[table["id"]] = Client(table["id"], table["secret"], table["org_id"])
    return tuple(clients.values())


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _sign(key: bytes, signed: bytes) -> bytes:
    return _b64(hmac.new(key, signed, hashlib.sha256).digest())


def mint(client_id: str, org_id: str, scope: str, issued_at: float, expires_at: float, serial: int = 0,
         key: bytes = DEFAULT_SIGNING_KEY) -> str:
    """A signed access token; `serial` makes two tokens issued in the same millisecond differ."""
    claims = {"type": "access_token", "client_id": client_id, "org": org_id, "scope": scope,
              "iat": round(issued_at, 3), "exp": round(expires_at, 3), "jti": serial}
    signed = _HEADER + b"." + _b64(orjson.dumps(claims))
    return (signed + b"." + _sign(key, signed)).decode()


def _claims(part: bytes) -> dict[str, Any] | None:
    try:
        document = orjson.loads(base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)))
    except (binascii.Error, ValueError):
        return None
    return document if isinstance(document, dict) else None


class Authenticator:
    """Issues tokens to known clients and judges the credentials of Edge requests."""

    def __init__(self, clients: tuple[Client, ...], ttl_s: float = DEFAULT_TOKEN_TTL_S, *, server_host: bool = False,
                 clock: Callable[[], float] = time.time, key: bytes = DEFAULT_SIGNING_KEY) -> None:
        self.clients = {client.id: client for client in clients}
        self.ttl_s = ttl_s
        self.server_host = server_host
        self.clock = clock
        self.key = key
        self.issued = 0
        self._verified: dict[bytes, float] = {}  # token -> expiry, for tokens whose signature was checked

    def reset(self) -> None:
        self.issued = 0
        self._verified.clear()

    # --- the token endpoint ----------------------------------------------------------------------------------
    def issue(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for a client-credentials request, in IMS's and RFC 6749 §5's shapes."""
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type",
                         "error_description": "grant_type must be client_credentials"}
        client = self.clients.get(form.get("client_id", ""))
        if client is None:
            return 400, {"error": "invalid_client", "error_description": "invalid client_id parameter"}
        if not hmac.compare_digest(form.get("client_secret", "").encode(), client.secret.encode()):
            return 401, {"error": "invalid_client", "error_description": "invalid client_secret parameter"}
        now = self.clock()
        self.issued += 1
        token = mint(client.id, client.org_id, form.get("scope", ""), now, now + self.ttl_s, self.issued, self.key)
        # expires_in is in seconds in IMS v3; whole seconds unless the configured lifetime is shorter than one.
        expires_in = int(self.ttl_s) if self.ttl_s >= 1 and self.ttl_s == int(self.ttl_s) else self.ttl_s
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": expires_in}

    # --- Edge requests ---------------------------------------------------------------------------------------
    def refusal(self, access_type: str, authorization: bytes | None, api_key: bytes | None,
                org: bytes | None) -> ProblemKind | None:
        """The problem to answer, or None when the request may go on (see the module docstring)."""
        if authorization is None and access_type == "mixed" and not self.server_host:
            return None  # the edge host: mixed datastreams take unauthenticated requests
        if authorization is None or not api_key or not org or authorization[:7].lower() != b"bearer ":
            return UNAUTHORIZED
        token = authorization[7:].strip()
        expires_at = self._verified.get(token)
        if expires_at is None:
            parts = token.split(b".")
            claims = _claims(parts[1]) if len(parts) == 3 and parts[0] == _HEADER else None
            expiry = claims.get("exp") if claims is not None else None
            if not isinstance(expiry, int | float):
                return UNAUTHORIZED
            if not hmac.compare_digest(_sign(self.key, parts[0] + b"." + parts[1]), parts[2]):
                return BAD_SIGNATURE
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()
            expires_at = self._verified[token] = float(expiry)
        return EXPIRED if self.clock() >= expires_at else None
