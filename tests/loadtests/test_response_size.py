"""Responses are read up to `--max-response-bytes` (default 4 MiB): a larger one is `response_too_large`, a failure
category of its own, and the load generator's memory stays bounded whatever the target answers (the contract
suite's client: tests/contracts/test_response_size.py)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES
from loadtests._exchange_adapter import READ_CHUNK, read_body, transport_category
from loadtests._options import LoadOptions
from targets._transport import ResponseTooLarge
from tests.edgeload_runs import expected_exit
from tests.large_body_server import serving

ROOT = Path(__file__).resolve().parents[2]
BIG = 50 * 1024 * 1024


class FakeResponse:
    """geventhttpclient's response as `read_body` uses it: a declared length and `read(n)`."""

    def __init__(self, body: bytes, declared: int | None) -> None:
        self.body = body
        self.content_length = declared
        self.read_bytes = 0

    def read(self, length: int | None = None) -> bytes:
        end = len(self.body) if length is None else self.read_bytes + length
        piece = self.body[self.read_bytes:end]
        self.read_bytes += len(piece)
        return piece


def test_read_body_refuses_a_declared_length_past_the_limit_before_reading_the_body():
    response = FakeResponse(b"x" * 2000, declared=2000)
    with pytest.raises(ResponseTooLarge, match="declared 2000 bytes past the 1000-byte limit"):
        read_body(response, 1000)
    assert response.read_bytes == 0


def test_read_body_stops_a_body_of_unknown_length_one_piece_past_the_limit():
    response = FakeResponse(b"x" * (10 * READ_CHUNK), declared=None)
    with pytest.raises(ResponseTooLarge, match="went on past the 100000-byte limit"):
        read_body(response, 100_000)
    assert response.read_bytes == 2 * READ_CHUNK  # never the whole body


@pytest.mark.parametrize("declared", [pytest.param(12, id="declared"), pytest.param(None, id="unknown-length")])
def test_read_body_returns_a_body_within_the_limit_whole(declared):
    assert read_body(FakeResponse(b'{"handle":[]}'[:12], declared), 12) == b'{"handle":[]'


def test_response_too_large_is_a_category_of_its_own():
    assert transport_category(ResponseTooLarge(10)) == "response_too_large"


def test_max_response_bytes_defaults_to_four_mib_and_refuses_zero():
    assert LoadOptions().max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 4 * 1024 * 1024
    with pytest.raises(ValueError, match="--max-response-bytes must be 1 or more"):
        LoadOptions.from_namespace(argparse.Namespace(max_response_bytes=0))


@pytest.fixture(params=["length", "chunked", "close"])
def big_target(request: pytest.FixtureRequest) -> Iterator[str]:
    """A target answering 200 with a 50 MB body, its length declared, chunked, or ended by closing."""
    with serving(request.param, BIG) as url:
        yield url


# The load generator's peak RSS, measured by a parent that waits for `edgeload run` and its Locust process alone.
MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""
RSS_BOUND_MB = 250  # measured about 130 MB (the same run against the emulator: 128 MB); unbounded, 1,285 MB


@pytest.mark.slow
def test_load_test_against_50_mb_answers_counts_them_too_large_and_stays_small(big_target, tmp_path):
    command = [sys.executable, "-m", "loadtests._cli", "run", "--target", big_target, "--users", "10", "--run-time",
               "2s", "--target-rps", "0", "--gate", "cpu<1000%", "--report-dir", str(tmp_path), "--run-id", "big"]
    measured = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, check=True)
    code, peak_mb = map(int, measured.stdout.split())
    summary = json.loads((tmp_path / "big" / "summary.json").read_text())
    assert code == expected_exit(summary, 1)  # every request failed: the default error_rate gate fails the run
    assert summary["total_requests"] > 10
    assert summary["total_failures_by_category"] == {"response_too_large": summary["total_requests"]}
    assert summary["violations"] == 0  # not a contract violation: the body was never judged
    assert peak_mb < RSS_BOUND_MB, f"peak RSS {peak_mb} MB"

