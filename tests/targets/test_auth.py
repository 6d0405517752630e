"""targets._auth: headers per profile, one token per process shared by every caller, refresh before expiry."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from targets._auth import AuthError, ClientCredentialsToken, credentials_for, fetch_token
from targets._profiles import Profile
from targets._redaction import MASK, forget_secrets, redact

ORG = "8B1F4A6E5CC1D3760A495C11@AdobeOrg"
OAUTH = Profile("p", "https://server.example", "d", auth="oauth", org_id=ORG, sandbox="prod", scopes="openid")
SECRETS = {"EDGELOAD_CLIENT_ID": "client-id-0123456789", "EDGELOAD_CLIENT_SECRET": "p8e-secret-9876543210"}


class FakeIms:
    """An IMS token endpoint in memory: counts fetches, hands out numbered tokens with a fixed lifetime."""

    def __init__(self, lifetime: float = 100.0) -> None:
        self.lifetime = lifetime
        self.forms: list[dict[str, str]] = []
        self.fail = False

    def __call__(self, url, form, timeout, verify_tls):
        if self.fail:
            raise AuthError("token endpoint down")
        self.forms.append(dict(form))
        return f"access-token-number-{len(self.forms)}", self.lifetime


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def test_credentials_for_oauth_sends_adobes_headers():
    ims = FakeIms()
    headers = dict(credentials_for(OAUTH, SECRETS, fetch=ims))
    assert headers == {"x-api-key": "client-id-0123456789", "x-gw-ims-org-id": ORG, "x-sandbox-name": "prod",
                       "authorization": "Bearer access-token-number-1"}
    assert ims.forms == [{"grant_type": "client_credentials", "client_id": "client-id-0123456789",
                          "client_secret": "p8e-secret-9876543210", "scope": "openid"}]


def test_credentials_for_bearer_reads_the_token_and_api_key_from_the_environment():
    profile = Profile("p", "https://x", "d", auth="bearer", org_id=ORG)
    headers = dict(credentials_for(profile, {"EDGELOAD_BEARER_TOKEN": "tok-abcdefgh", "EDGELOAD_API_KEY": "key-1234"}))
    assert headers == {"x-api-key": "key-1234", "x-gw-ims-org-id": ORG, "authorization": "Bearer tok-abcdefgh"}


def test_credentials_for_none_sends_only_the_profiles_own_headers():
    profile = Profile("p", "https://x", "d", headers=(("X-Route", "eu"),))
    assert dict(credentials_for(profile, {})) == {"x-route": "eu"}


@pytest.mark.parametrize(("profile", "environ", "message"), [
    pytest.param(OAUTH, {"EDGELOAD_CLIENT_ID": "x"}, "set EDGELOAD_CLIENT_SECRET in the environment", id="secret"),
    pytest.param(Profile("p", auth="bearer", org_id=ORG), {}, "set EDGELOAD_BEARER_TOKEN", id="bearer"),
    pytest.param(Profile("p", auth="oauth"), SECRETS, "needs the IMS org: set EDGELOAD_ORG_ID", id="org"),
])
def test_credentials_for_names_what_is_missing(profile, environ, message):
    with pytest.raises(AuthError, match=message):
        credentials_for(profile, environ, fetch=FakeIms())


def test_credentials_register_every_secret_for_redaction():
    credentials = credentials_for(OAUTH, SECRETS, fetch=FakeIms())
    text = f"{dict(credentials)} {SECRETS}"
    assert redact(text).count(MASK) >= 4
    assert not any(secret in redact(text) for secret in [*SECRETS.values(), "access-token-number-1"])


def test_token_is_fetched_once_and_shared_while_valid():
    ims, clock = FakeIms(lifetime=100.0), Clock()
    source = ClientCredentialsToken("u", "c", "s", "openid", clock=clock, fetch=ims)
    tokens = set()
    for step in range(90):
        clock.now = float(step)
        tokens.add(source.token())
    assert (tokens, source.fetches) == ({"access-token-number-1"}, 1)


def test_token_is_refreshed_a_tenth_of_its_lifetime_before_expiry():
    ims, clock = FakeIms(lifetime=2.0), Clock()
    source = ClientCredentialsToken("u", "c", "s", "openid", clock=clock, fetch=ims)
    assert source.token() == "access-token-number-1"
    clock.now = 1.79
    assert source.token() == "access-token-number-1"
    clock.now = 1.8
    assert source.token() == "access-token-number-2"
    assert source.fetches == 2


def test_token_refresh_margin_is_five_minutes_for_a_day_long_token():
    ims, clock = FakeIms(lifetime=86399.0), Clock()
    source = ClientCredentialsToken("u", "c", "s", "openid", clock=clock, fetch=ims)
    source.token()
    clock.now = 86399.0 - 300.0 - 0.001
    assert source.token() == "access-token-number-1"
    clock.now = 86399.0 - 300.0
    assert source.token() == "access-token-number-2"


def test_token_failed_refresh_keeps_the_valid_token_and_fails_once_it_expired():
    ims, clock = FakeIms(lifetime=10.0), Clock()
    source = ClientCredentialsToken("u", "c", "s", "openid", clock=clock, fetch=ims)
    source.token()
    ims.fail = True
    clock.now = 9.5
    assert source.token() == "access-token-number-1"
    clock.now = 10.0
    with pytest.raises(AuthError, match="token endpoint down"):
        source.token()


def test_token_concurrent_callers_share_one_fetch():
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow_fetch(url, form, timeout, verify_tls):
        calls.append(1)
        started.set()
        release.wait(5)
        return "shared-token-value", 100.0

    source = ClientCredentialsToken("u", "c", "s", "openid", fetch=slow_fetch)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(source.token())) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert started.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)
    assert (results, len(calls)) == (["shared-token-value"] * 8, 1)


def test_fetch_token_error_names_the_endpoint_without_its_userinfo_or_secret_query():
    # Port 1 of loopback: nothing listens, the connection is refused at once.
    url = "http://ims-user:ims-pass-W8kd2@127.0.0.1:1/ims/token/v3?client_secret=query-secret-Z7"
    with pytest.raises(AuthError, match="is not reachable") as raised:
        fetch_token(url, {"grant_type": "client_credentials"}, 2.0, True)
    message = str(raised.value)
    assert f"http://{MASK}@127.0.0.1:1/ims/token/v3?client_secret={MASK}" in message
    assert "ims-pass" not in message
    assert "query-secret" not in message
