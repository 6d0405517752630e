"""Secrets known to the process never reach a load-test report, whatever their shape: one test per format.

The values here look like nothing a pattern knows (an opaque API key, a client secret without a field name), so
only the registered-value redaction of targets._redaction can catch them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loadtests._measurements import Measurements
from loadtests._reports import format_exchange, write_reports
from targets._redaction import forget_secrets, redact_tree, register_secrets

STARTED = 1_700_000_000.0
API_KEY = "k9Qx7Lm2Zr8Tv4Wp0001"
CLIENT_SECRET = "p8e-Zq1Xw2Ce3Vr4Bt5N"
TOKEN = "opaque-access-token-7f3a9c"
SECRETS = (API_KEY, CLIENT_SECRET, TOKEN)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Iterator[dict[str, bytes]]:
    forget_secrets()
    register_secrets(SECRETS)
    measurements = Measurements(STARTED)
    for index in range(50):
        measurements.record("POST /ee/v2/interact", 1000, "http_4xx" if index % 10 == 0 else None,
                            STARTED + index / 10)
    measurements.record_example("http_4xx", format_exchange(
        "POST /ee/v2/interact", method="POST", url=f"http://127.0.0.1:9/ee/v2/interact?note={API_KEY}",
        request_headers={"x-note": TOKEN}, request_body={"note": f"{CLIENT_SECRET} {API_KEY}"}, status=401,
        response_headers={"x-echo": TOKEN}, response_body=f'{{"detail": "{CLIENT_SECRET}"}}'.encode()))
    summary = measurements.summary(STARTED + 5.0, settings={"target": f"http://127.0.0.1:9/?k={API_KEY}",
                                                            "note": TOKEN})
    summary.stop_reason = f"stopped while {CLIENT_SECRET} was in flight"
    directory = tmp_path_factory.mktemp("secrets")
    paths = write_reports(directory, summary, [], {"profile_note": API_KEY}, locust_html=None)
    yield {path.name: path.read_bytes() for path in paths}
    forget_secrets()


@pytest.mark.parametrize("name", ["summary.json", "junit.xml", "summary.md", "index.html"])
def test_report_format_holds_no_registered_secret(written, name):
    data = written[name]
    assert [secret for secret in SECRETS if secret.encode() in data] == []
    assert b"[REDACTED]" in data or name == "junit.xml"  # junit: no example exchange, nothing to mask


def test_report_junit_names_the_failing_category_without_its_example(written):
    assert b"http_4xx" in written["junit.xml"]


def test_locust_csv_is_redacted_by_the_run_afterwards(tmp_path):
    forget_secrets()
    register_secrets(SECRETS)
    try:
        csv = tmp_path / "locust_failures.csv"
        csv.write_text(f'Method,Name,Error,Occurrences\nPOST,POST /ee/v2/interact,"boom {API_KEY}",3\n')
        assert redact_tree(tmp_path) == [csv]
        assert csv.read_text() == 'Method,Name,Error,Occurrences\nPOST,POST /ee/v2/interact,"boom [REDACTED]",3\n'
    finally:
        forget_secrets()
