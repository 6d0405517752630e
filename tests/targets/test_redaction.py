"""targets._redaction: secrets masked by shape and by value, in text and in file contents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from targets import _redaction as redaction
from targets._redaction import MASK, forget_secrets, redact, redact_bytes, register_secret

OPAQUE = "k9Qx7Lm2Zr8Tv4Wp"  # an API key that looks like nothing in particular


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def test_redact_masks_a_registered_value_wherever_it_appears():
    register_secret(OPAQUE)
    assert redact(f"curl -d 'x={OPAQUE}' https://h/{OPAQUE}") == f"curl -d 'x={MASK}' https://h/{MASK}"


def test_redact_masks_the_url_encoded_form_of_a_registered_value():
    register_secret("s3cr/t+v@lue=1")
    assert redact("client_id=x&other=s3cr%2Ft%2Bv%40lue%3D1") == f"client_id=x&other={MASK}"


def test_register_secret_ignores_values_too_short_to_mask_safely():
    register_secret("abc")
    assert redact("abc abc") == "abc abc"


def test_redact_masks_a_longer_secret_whole_when_it_contains_a_shorter_one():
    register_secret("AAAA1111")
    register_secret("AAAA1111BBBB2222")
    assert redact("AAAA1111BBBB2222") == MASK


def test_redact_masks_curl_header_options_of_schemathesis_reproduction_lines():
    line = "curl -X POST -H 'x-api-key: opaque-key' -H 'Authorization: Bearer abc.def' http://127.0.0.1:1/ee/v2/interact"
    masked = redact(line)
    assert "opaque-key" not in masked
    assert "abc.def" not in masked
    assert masked.count(MASK) == 2


def test_redact_bytes_keeps_bytes_that_are_not_utf8_and_masks_the_rest():
    register_secret(OPAQUE)
    data = b"\xff\xfe header " + OPAQUE.encode()
    assert redact_bytes(data) == b"\xff\xfe header " + MASK.encode()


def test_redact_bytes_returns_the_same_bytes_when_nothing_is_secret():
    data = b"<testcase name='POST /ee/v2/interact :: content_type'/>"
    assert redact_bytes(data) is data


def test_loadtests_reports_redaction_reexports_the_contracts_one():
    from targets import _redaction as reports_redaction

    assert reports_redaction.redact is redaction.redact
    assert reports_redaction.register_secret is redaction.register_secret


@pytest.mark.parametrize("url", [
    pytest.param("http://alice:pa55w0rd@127.0.0.1:8080/base", id="user-and-password"),
    pytest.param("https://ghp_tokenAsUser@proxy.example.com/", id="token-as-user"),
    pytest.param("http://a:p@ss:w@rd@h:1/x", id="at-signs-in-password"),
    pytest.param("locust_http://alice:pa55w0rd@h:1.html", id="inside-a-file-name"),
])
def test_redact_masks_the_whole_userinfo_of_a_url(url):
    masked = redact(f"target {url} down")
    assert f"{MASK}@" in masked
    assert not any(part in masked for part in ("alice", "pa55w0rd", "ghp_tokenAsUser", "ss:w"))


def test_redact_keeps_urls_without_userinfo_and_email_addresses():
    text = "http://127.0.0.1:8080/ee/v2/interact?datastreamId=3f0c6a8e&requestId=r-1 mail bob@example.com"
    assert redact(text) == text


@pytest.mark.parametrize("name", ["api_key", "token", "client_secret", "my_api_key", "X-Amz-Signature", "sig",
                                  "access_token", "apiKey", "session_id", "code"])
def test_redact_masks_query_values_of_secret_looking_names(name):
    masked = redact(f"GET https://h/p?datastreamId=ds-1&{name}=Zq8Wv3Xk&x=1")
    assert masked == f"GET https://h/p?datastreamId=ds-1&{name}={MASK}&x=1"


def test_redact_masks_a_secret_query_value_escaped_in_html():
    assert redact("href='/p?a=1&amp;token=Zq8Wv3Xk'") == f"href='/p?a=1&amp;token={MASK}'"


def test_redact_keeps_the_values_of_command_line_flags_that_name_a_secret_word():
    assert redact("--emulator-arg=--token-ttl=2") == "--emulator-arg=--token-ttl=2"


def test_redact_masks_userinfo_after_a_long_run_of_letters():
    # A long run of letters before a URL (a padded body) once took quadratic time in the userinfo pattern.
    text = f'{{"padding": "{"x" * 100_000}"}} https://user:pass@host/ edgeload+https://token@host/'
    assert redact(text).endswith(" https://[REDACTED]@host/ edgeload+https://[REDACTED]@host/")
