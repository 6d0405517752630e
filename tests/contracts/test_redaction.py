"""contracts.redaction: secrets masked by shape and by value, in text and in file contents (issue 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts import redaction
from contracts.redaction import MASK, forget_secrets, redact, redact_bytes, register_secret

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
    from loadtests.reports import redaction as reports_redaction

    assert reports_redaction.redact is redaction.redact
    assert reports_redaction.register_secret is redaction.register_secret
