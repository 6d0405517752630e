"""Options and fixtures of the contract suite.

`--target URL` names the Edge Network to judge; without it the suite starts the embedded emulator for the run
(the one place besides the CLI where contracts may import `emulator._server`: starting a target is not verdict
code). The target profile (`--profile`, or the one `edgeload contract` resolved and handed down in
$EDGELOAD_PROFILE_JSON) adds its credentials, headers, location hint and TLS setting to every request. Every
exchange goes through the `verdict` fixture, which judges it, records it for the report (`--verdict-log`) and
fails the test with every broken rule at once, each with its cause. A 207 that keeps the contract meets an expected
200 (contracts._multistatus). A request without a complete answer fails its test under its transport category, and
every request sent is counted (`--exchange-log`, targets._transport).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from contract_runner import _records as records
from contract_runner._client import DEFAULT_MAX_RESPONSE_BYTES, Edge, SentRequest, Throttle, TransportFailure, reachable
from contract_runner._reproduction import curl_command
from contracts import MULTI_STATUS, REGISTRY, Exchange, accepts, judge, nonfatal_codes
from targets import (
    AUTHENTICATED_DATASTREAM_ID,
    DEFAULT_DATASTREAM_ID,
    DISABLED_DATASTREAM_ID,
    AuthError,
    Overrides,
    Profile,
    ProfileError,
    Tally,
    credentials_for,
    redact,
    refusal,
    resolve,
)

EXPECTED_RESPONSE = "expected_response"  # the functional expectation of a case, reported beside the checks
_RECORDS: list[records.CaseRecord] = []
_TALLY = Tally()  # every request of the session, answered or not

Verdict = Callable[..., Exchange]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("edgeload contract")
    group.addoption("--target", default=None, help="base URL of the Edge to judge (default: start the emulator)")
    group.addoption("--datastream-id", default=None, help="an enabled datastream of the target")
    group.addoption("--disabled-datastream-id", default=None, help="a disabled datastream (EXEG-0004-422 case)")
    group.addoption("--authenticated-datastream-id", default=None, help="an authenticated datastream (401 case)")
    group.addoption("--verdict-log", default=None, help="write one JSON line per judged exchange to this file")
    group.addoption("--exchange-log", default=None, help="write the count of requests sent and answered to this file")
    group.addoption("--profile", default=None, help="target profile (targets._profiles): URL, auth, headers")
    group.addoption("--insecure", action="store_true", default=False, help="do not verify TLS certificates")
    group.addoption("--max-rps", type=int, default=0, help="at most N requests per second (needed off this machine)")
    group.addoption("--max-response-bytes", type=int, default=DEFAULT_MAX_RESPONSE_BYTES,
                    help="read at most this much of a response body (a larger one fails: response_too_large)")


@pytest.fixture(scope="session")
def profile(pytestconfig: pytest.Config) -> Profile:
    try:
        resolved = resolve(Overrides(profile=pytestconfig.getoption("--profile"),
                                     target=pytestconfig.getoption("--target"),
                                     datastream_id=pytestconfig.getoption("--datastream-id"),
                                     insecure=pytestconfig.getoption("--insecure")))
    except ProfileError as error:
        pytest.exit(str(error), returncode=2)
    problem = refusal(resolved, sender="the contract suite", ceiling=pytestconfig.getoption("--max-rps"),
                      ceiling_flags="--max-rps N")
    if problem is not None:  # before any connection (targets._guard)
        pytest.exit(problem, returncode=2)
    return resolved


@pytest.fixture(scope="session")
def target_url(profile: Profile) -> Iterator[str]:
    url = profile.base_url
    if url:
        problem = reachable(url, verify_tls=profile.verify_tls)
        if problem is not None:
            pytest.exit(problem, returncode=2)
        yield url.rstrip("/")
        return
    from emulator import spawn  # only when no target is given: see module docstring

    with spawn() as emulator:
        yield emulator.url


@pytest.fixture(scope="session")
def spawned(profile: Profile) -> bool:
    return profile.base_url is None


@pytest.fixture(scope="session")
def edge(target_url: str, profile: Profile, pytestconfig: pytest.Config) -> Edge:
    try:
        credentials = credentials_for(replace(profile, base_url=target_url))
        credentials.prime()  # one token for the whole session, fetched before the first case
    except AuthError as error:
        pytest.exit(str(error), returncode=2)
    max_rps: int = pytestconfig.getoption("--max-rps")
    return Edge(target_url, profile.datastream_id or DEFAULT_DATASTREAM_ID, credentials=credentials,
                verify_tls=profile.verify_tls, location_hint=profile.location_hint, tally=_TALLY,
                throttle=Throttle(max_rps) if max_rps > 0 else None,
                max_response_bytes=pytestconfig.getoption("--max-response-bytes"))


def _datastream(pytestconfig: pytest.Config, option: str, emulator_default: str, spawned: bool) -> str:
    value: str | None = pytestconfig.getoption(option)
    if value:
        return value
    if not spawned:
        pytest.skip(f"pass {option} to run this case against --target")
    return emulator_default


@pytest.fixture(scope="session")
def disabled_datastream(pytestconfig: pytest.Config, spawned: bool) -> str:
    return _datastream(pytestconfig, "--disabled-datastream-id", DISABLED_DATASTREAM_ID, spawned)


@pytest.fixture(scope="session")
def authenticated_datastream(pytestconfig: pytest.Config, spawned: bool) -> str:
    return _datastream(pytestconfig, "--authenticated-datastream-id", AUTHENTICATED_DATASTREAM_ID, spawned)


@pytest.fixture
def verdict(request: pytest.FixtureRequest, edge: Edge) -> Verdict:
    """Judge an exchange, record it, and fail with every violation (and a wrong status or EXEG code); a failing
    case's record carries the curl command that sends its request again."""

    def judge_and_record(exchange: Exchange, *, status: int | None = None, code: str | None = None) -> Exchange:
        violations = [_violation(v.check, str(v), v.detail) for v in judge(exchange)]
        if status is not None and not accepts(status, exchange.status):
            expected = f"expected HTTP {status}" + (" (or a 207 that keeps the contract)" if status == 200 else "")
            violations.append(_violation(EXPECTED_RESPONSE, expected, f"got HTTP {exchange.status}"))
        elif code is not None and _problem_code(exchange) != code:
            got = _problem_code(exchange) or f"HTTP {exchange.status} without an EXEG type"
            violations.append(_violation(EXPECTED_RESPONSE, f"expected {code}", f"got {got}"))
        checks = [*REGISTRY, EXPECTED_RESPONSE] if status is not None else list(REGISTRY)
        record = records.CaseRecord(runner="pytest", operation=exchange.operation, case=request.node.nodeid,
                                    checks=checks, violations=violations, status=exchange.status)
        if exchange.status == MULTI_STATUS:
            record["codes"] = nonfatal_codes(exchange.response_body)
        sent = edge.sent.request_of(exchange)
        if violations and sent is not None:
            record["curl"] = _curl(sent, edge)
        _RECORDS.append(record)
        if violations:
            lines = "\n".join(f"  {v['message']}" + (f" ({v['detail']})" if "detail" in v else "") for v in violations)
            detail = redact(f"status {exchange.status}, body {exchange.response_body[:300]!r}")
            pytest.fail(f"{exchange.operation} broke the contract:\n{lines}\n{detail}", pytrace=False)
        return exchange

    return judge_and_record


def _violation(check: str, message: str, detail: str | None) -> records.Violation:
    violation = records.Violation(check=check, message=message)
    if detail:
        violation["detail"] = redact(detail)  # a cause may quote the body, which may echo a credential
    return violation


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, None]:
    """A request that got no complete answer: recorded under its transport category, not as a bare error."""
    yield
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, TransportFailure):
        record = records.CaseRecord(
            runner="pytest", operation=error.operation, case=item.nodeid, checks=[error.category],
            violations=[_violation(error.category, str(error), error.detail)])
        edge = getattr(item, "funcargs", {}).get("edge")
        if error.request is not None:
            record["curl"] = _curl(error.request, edge if isinstance(edge, Edge) else None)
        _RECORDS.append(record)


def _curl(sent: SentRequest, edge: Edge | None) -> str:
    insecure = edge is not None and not edge.verify_tls
    return curl_command(sent.method, sent.url, sent.headers, sent.body, insecure=insecure)


def _problem_code(exchange: Exchange) -> str | None:
    try:
        body = orjson.loads(exchange.response_body)
    except orjson.JSONDecodeError:
        return None
    problem_type = body.get("type") if isinstance(body, dict) else None
    return problem_type.rsplit("/", 1)[-1] if isinstance(problem_type, str) else None


def pytest_sessionfinish(session: pytest.Session) -> None:
    path: str | None = session.config.getoption("--verdict-log")
    if path:
        records.write(Path(path), _RECORDS)
    tally: str | None = session.config.getoption("--exchange-log")
    if tally:
        _TALLY.write(Path(tally))
