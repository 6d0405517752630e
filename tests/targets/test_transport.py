"""Transport failures get their category whatever wraps them; a tally adds up and survives its file."""

from __future__ import annotations

import http.client

import pytest
import requests
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from contracts._multistatus import accepts, nonfatal_codes
from targets._transport import Tally, category_of


@pytest.mark.parametrize(("error", "category"), [
    pytest.param(ConnectionResetError(104, "Connection reset by peer"), "connection_reset", id="socket-reset"),
    pytest.param(http.client.RemoteDisconnected("closed"), "connection_reset", id="remote-disconnected"),
    pytest.param(requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "x"))),
                 "connection_reset", id="requests-wrapped-reset"),
    pytest.param(http.client.IncompleteRead(b"abc", 3), "truncated_body", id="incomplete-read"),
    pytest.param(requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken", "x")),
                 "truncated_body", id="requests-short-body"),
    pytest.param(TimeoutError("timed out"), "timeout", id="socket-timeout"),
    pytest.param(requests.ReadTimeout(ReadTimeoutError(None, "/", "Read timed out.")), "timeout",  # type: ignore[arg-type]
                 id="requests-read-timeout"),
    pytest.param(ConnectionRefusedError(111, "refused"), "connection_refused", id="refused"),
    pytest.param(OSError("something else"), "transport_error", id="other"),
])
def test_category_of_names_the_transport_failure_under_its_wrappers(error: BaseException, category: str) -> None:
    assert category_of(error) == category


def test_tally_counts_answers_failures_and_207_codes_and_reads_back_what_it_wrote(tmp_path) -> None:
    tally = Tally()
    tally.answer("POST /ee/v2/interact", 200, [])
    tally.answer("POST /ee/v2/interact", 207, ["EXEG-0201-503"])
    tally.failure("POST /ee/v2/collect", "connection_reset", "ConnectionResetError: first")
    tally.failure("POST /ee/v2/collect", "connection_reset", "ConnectionResetError: second")
    tally.write(tmp_path / "tally.json")
    read = Tally.read(tmp_path / "tally.json")
    assert read is not None
    assert (read.sent, read.answered) == (4, 2)
    assert read.by_category() == {"connection_reset": 2}
    assert read.causes == {("POST /ee/v2/collect", "connection_reset"): "ConnectionResetError: first"}
    assert (dict(read.multi_status), dict(read.exeg_codes)) == ({"POST /ee/v2/interact": 1}, {"EXEG-0201-503": 1})


def test_tally_merge_adds_every_count() -> None:
    one, two = Tally(), Tally()
    one.answer("POST /ee/v2/interact", 207, ["EXEG-0201-503"])
    two.answer("POST /ee/v2/interact", 207, ["EXEG-0201-503", "EXEG-0204-200"])
    two.failure("POST /ee/v2/interact", "timeout", "ReadTimeout")
    one.merge(two)
    assert (one.sent, one.answered, one.by_category()) == (3, 2, {"timeout": 1})
    assert dict(one.exeg_codes) == {"EXEG-0201-503": 2, "EXEG-0204-200": 1}


def test_tally_read_of_a_missing_file_is_none(tmp_path) -> None:
    assert Tally.read(tmp_path / "absent.json") is None


def test_nonfatal_codes_reads_errors_and_warnings_types() -> None:
    body = {"requestId": "r", "handle": [],
            "errors": [{"type": "https://ns.adobe.com/aep/errors/EXEG-0201-503", "status": 503}],
            "warnings": [{"type": "https://ns.adobe.com/aep/errors/EXEG-0204-200", "status": 200}, "junk"]}
    assert nonfatal_codes(body) == ["EXEG-0201-503", "EXEG-0204-200"]
    assert nonfatal_codes(b"not json") == []
    assert nonfatal_codes(b'{"errors": {"type": "x"}}') == []


@pytest.mark.parametrize(("expected", "status", "accepted"), [
    (200, 200, True), (200, 207, True), (202, 207, False), (400, 207, False), (200, 500, False)])
def test_accepts_a_207_only_where_a_200_is_expected(expected: int, status: int, accepted: bool) -> None:
    assert accepts(expected, status) is accepted
