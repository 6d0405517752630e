"""Credentials as Adobe documents them, for every runner (docs/targets.md).

`credentials_for(profile)` returns a `Credentials` mapping of request headers: `Authorization: Bearer` (a token from an
environment variable, or one fetched with OAuth server-to-server client credentials), `x-api-key` (the client id),
`x-gw-ims-org-id`, `x-sandbox-name` and the profile's extra headers
[https://developer.adobe.com/data-collection-apis/docs/getting-started/authentication/]. Spread it into each request
(`{**credentials}`): the token is read from a cache on every access and fetched from the IMS token endpoint once per
process, again only shortly before it expires, never per request. One lock makes that hold across threads, and across
greenlets in a gevent-patched Locust process (the lock is then gevent's).

The fetch uses the standard library (urllib), so the contracts layer needs no HTTP client of its own. Every secret
read or fetched is registered with `targets._redaction`: whatever prints it afterwards prints [REDACTED].
"""

from __future__ import annotations

import json
import os
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from typing import Final, Protocol
from urllib.parse import urlencode

from targets._profiles import Profile
from targets._redaction import redact, register_secret

# Refresh this long before expiry, at most a tenth of the token's lifetime: IMS tokens live 24 h (refresh 5 min
# early); the emulator's test tokens live a second or two (refresh a tenth early).
REFRESH_MARGIN_S: Final = 300.0
RETRY_AFTER_FAILURE_S: Final = 5.0  # a failed refresh while the old token is still valid: try again this much later
TIMEOUT_S: Final = 10.0
# An IMS token answer is about 2 KB; anything past this is not one, and is never read whole into memory.
MAX_TOKEN_RESPONSE_BYTES: Final = 64 * 1024

Fetch = Callable[[str, Mapping[str, str], float, bool], tuple[str, float]]


class AuthError(RuntimeError):
    """Credentials missing or refused; str() is one line, already redacted, saying what to fix."""


class TokenSource(Protocol):
    def token(self) -> str: ...


def tls_context(verify: bool) -> ssl.SSLContext:
    """Verification on (system CA store, host name checked) unless the profile turned it off (--insecure)."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def fetch_token(url: str, form: Mapping[str, str], timeout: float, verify_tls: bool) -> tuple[str, float]:
    """POST the client-credentials form to an IMS token endpoint; (access token, lifetime in seconds).

    IMS v3 answers `{"access_token", "token_type": "bearer", "expires_in"}` with `expires_in` in seconds
    (v1/v2 answered milliseconds) [Adobe IMS OAuth server-to-server; aepp connector.py reads it as seconds].
    """
    request = urllib.request.Request(
        url, data=urlencode(form).encode(), method="POST",
        headers={"content-type": "application/x-www-form-urlencoded", "accept": "application/json"})
    shown = redact(url)  # EDGELOAD_IMS_URL may carry a user:password@ or a secret query value
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=tls_context(verify_tls)) as response:
            body = response.read(MAX_TOKEN_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise AuthError(f"token endpoint {shown} refused the credentials: HTTP {error.code} {_oauth_error(error)}; "
                        "check the client id, secret and scopes") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AuthError(redact(f"token endpoint {shown} is not reachable ({reason})")) from None
    if len(body) > MAX_TOKEN_RESPONSE_BYTES:
        raise AuthError(f"token endpoint {shown} answered more than {MAX_TOKEN_RESPONSE_BYTES // 1024} KB, which is "
                        "no token; check EDGELOAD_IMS_URL")
    try:
        document = json.loads(body)
        token, lifetime = document["access_token"], float(document["expires_in"])
    except (ValueError, KeyError, TypeError):
        raise AuthError(f"token endpoint {shown} answered without access_token and expires_in") from None
    if not isinstance(token, str) or not token or lifetime <= 0:
        raise AuthError(f"token endpoint {shown} answered an empty token or a lifetime of {lifetime:g} s")
    return token, lifetime


def _oauth_error(error: urllib.error.HTTPError) -> str:
    """`error: error_description` of an OAuth error body (RFC 6749 §5.2), redacted; '' when there is none."""
    try:
        document = json.loads(error.read(MAX_TOKEN_RESPONSE_BYTES) or b"{}")
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    text = ": ".join(str(document[key]) for key in ("error", "error_description") if document.get(key))
    return redact(text)[:200]


class StaticToken:
    """A bearer token given by the user (an environment variable): used as is, never refreshed."""

    def __init__(self, value: str) -> None:
        register_secret(value)
        self._value = value

    def token(self) -> str:
        return self._value


class ClientCredentialsToken:
    """OAuth server-to-server: one token per process, fetched on first use and shortly before it expires."""

    def __init__(
        self, url: str, client_id: str, client_secret: str, scopes: str, *, verify_tls: bool = True,
        timeout: float = TIMEOUT_S, clock: Callable[[], float] = time.monotonic, fetch: Fetch = fetch_token,
    ) -> None:
        register_secret(client_id)
        register_secret(client_secret)
        self.url = url
        self._form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret,
                      "scope": scopes}
        self._verify_tls = verify_tls
        self._timeout = timeout
        self._clock = clock
        self._fetch = fetch
        self._lock = threading.Lock()
        self._value: str | None = None
        self._expires_at = 0.0
        self._refresh_at = 0.0
        self.fetches = 0  # how many times the endpoint was asked (tests: once per process and lifetime)

    def token(self) -> str:
        value = self._value
        if value is not None and self._clock() < self._refresh_at:
            return value  # the hot path: no lock
        with self._lock:  # one fetch at a time; the others wait for it and take its token
            now = self._clock()
            if self._value is not None and now < self._refresh_at:
                return self._value
            try:
                value, lifetime = self._fetch(self.url, self._form, self._timeout, self._verify_tls)
            except AuthError:
                if self._value is None or now >= self._expires_at:
                    raise
                # The old token still works: keep it and try again soon rather than fail live requests.
                self._refresh_at = min(self._expires_at, now + RETRY_AFTER_FAILURE_S)
                return self._value
            self.fetches += 1
            register_secret(value)
            # Lifetime counted from before the request: the token cannot have been issued earlier.
            self._value, self._expires_at = value, now + lifetime
            self._refresh_at = now + lifetime - min(REFRESH_MARGIN_S, lifetime / 10)
            return value


class Credentials(Mapping[str, str]):
    """The request headers of a profile; `authorization` is read from the token source at each access."""

    def __init__(self, static: Mapping[str, str], source: TokenSource | None) -> None:
        self.static = dict(static)
        if source is not None:
            self.static.pop("authorization", None)  # the token source decides this one
        self.source = source
        self._names = [*self.static, *(["authorization"] if source is not None else [])]

    def __getitem__(self, name: str) -> str:
        if name == "authorization" and self.source is not None:
            return f"Bearer {self.source.token()}"
        return self.static[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def prime(self) -> None:
        """Fetch the token now (at start-up), so that bad credentials stop a run before its first request."""
        if self.source is not None:
            self.source.token()


def _required(environ: Mapping[str, str], profile: Profile, *names: str) -> list[str]:
    missing = [name for name in names if not environ.get(name)]
    if missing:
        raise AuthError(f"profile {profile.name} authenticates with {profile.auth}: set {' and '.join(missing)} "
                        "in the environment (never on the command line or in a file)")
    return [environ[name] for name in names]


def credentials_for(
    profile: Profile, environ: Mapping[str, str] | None = None, *, clock: Callable[[], float] = time.monotonic,
    fetch: Fetch = fetch_token,
) -> Credentials:
    """The headers `profile` sends; AuthError (one line) when its secrets are not in the environment."""
    env = os.environ if environ is None else environ
    static: dict[str, str] = {}
    source: TokenSource | None = None
    api_key = env.get(profile.api_key_env) or None
    if profile.auth == "bearer":
        (token,) = _required(env, profile, profile.bearer_token_env)
        source = StaticToken(token.removeprefix("Bearer ").strip())
        api_key = api_key or env.get(profile.client_id_env) or None
    elif profile.auth == "oauth":
        client_id, secret = _required(env, profile, profile.client_id_env, profile.client_secret_env)
        source = ClientCredentialsToken(profile.token_url, client_id, secret, profile.scopes,
                                        verify_tls=profile.verify_tls, clock=clock, fetch=fetch)
        api_key = api_key or client_id  # x-api-key is the client id (docs/targets.md)
    if profile.auth != "none" and not profile.org_id:
        raise AuthError(f"profile {profile.name} authenticates, so it needs the IMS org: set EDGELOAD_ORG_ID or "
                        f"org_id in [profiles.{profile.name}] (sent as x-gw-ims-org-id, e.g. ORGID@AdobeOrg)")
    if api_key:
        register_secret(api_key)
        static["x-api-key"] = api_key
    if profile.org_id:
        static["x-gw-ims-org-id"] = profile.org_id
    if profile.sandbox:
        static["x-sandbox-name"] = profile.sandbox
    for name, value in profile.headers:
        static[name.lower()] = value
    return Credentials(static, source)
