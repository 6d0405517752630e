from __future__ import annotations

import pytest

from loadtests._reports.exchange import BODY_LIMIT, format_exchange
from targets._redaction import MASK, is_secret_name, redact, redact_settings

SECRET = "FAKE-s3cr3t-0a1b2c3d4e5f"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"Authorization: Bearer {SECRET}", id="authorization-header"),
        pytest.param(f"x-api-key: {SECRET}", id="api-key-header"),
        pytest.param(f"X-Api-Key:{SECRET}", id="api-key-header-no-space"),
        pytest.param(f'{{"client_secret": "{SECRET}", "ok": 1}}', id="json-client-secret"),
        pytest.param(f"{{'access_token': '{SECRET}'}}", id="repr-access-token"),
        pytest.param(f"grant_type=client_credentials&client_secret={SECRET}&x=1", id="form"),
        pytest.param(f"/ee/v2/interact?apiKey={SECRET}", id="query"),
        pytest.param(f"failed with bearer {SECRET} at the gateway", id="free-text-bearer"),
        pytest.param(f"token was {JWT}", id="jwt"),
        pytest.param(f'"Authorization": "Bearer {SECRET}"', id="json-authorization"),
    ],
)
def test_redact_masks_credentials(text):
    masked = redact(text)
    assert SECRET not in masked
    assert JWT not in masked
    assert MASK in masked


def test_redact_leaves_ordinary_text_alone():
    text = 'POST /ee/v2/interact?dataStreamId=3f0c\ncontent-type: application/json\n{"requestId": "abc"}'
    assert redact(text) == text


def test_redact_settings_masks_secret_named_keys_and_secret_looking_values():
    settings = {"users": 10, "api_key": "opaque", "target": "http://127.0.0.1:1",
                "profile": {"client_secret": "opaque", "headers": [f"Authorization: Bearer {SECRET}"]},
                "empty_token": ""}
    assert redact_settings(settings) == {
        "users": 10, "api_key": MASK, "target": "http://127.0.0.1:1",
        "profile": {"client_secret": MASK, "headers": [f"Authorization: {MASK}"]}, "empty_token": ""}


def test_is_secret_name_knows_the_credential_names():
    assert all(map(is_secret_name, ["Authorization", "x-api-key", "client_secret", "IMS_TOKEN", "password"]))
    assert not any(map(is_secret_name, ["content-type", "x-request-id", "users", "datastream_id"]))


def test_format_exchange_renders_and_redacts_both_sides():
    example = format_exchange(
        "POST /ee/v2/interact", method="POST", url="http://127.0.0.1:5/ee/v2/interact",
        request_headers={"x-api-key": "opaque-value", "content-type": "application/json"},
        request_body={"event": {"xdm": {}}}, status=503, response_headers={"retry-after": "5"},
        response_body=b'{"type": "https://ns.adobe.com/aep/errors/EXEG-0000-503"}')
    assert example["request"].splitlines()[:3] == [
        "POST http://127.0.0.1:5/ee/v2/interact", "content-type: application/json", f"x-api-key: {MASK}"]
    assert example["response"].startswith("HTTP 503\nretry-after: 5\n\n{")
    assert "opaque-value" not in example["request"]


def test_format_exchange_describes_a_transport_failure_and_truncates_bodies():
    example = format_exchange("POST /ee/v2/collect", method="POST", url="/ee/v2/collect", request_headers={},
                              request_body="x" * (BODY_LIMIT + 10), status=None, response_headers={},
                              response_body=None, note="connection reset by peer")
    assert example["response"] == "connection reset by peer"
    assert example["request"].endswith("... (10 more characters)")
