"""The personas against the emulator, one request at a time (no runner): what they send and how they judge it."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
from locust.env import Environment

from emulator._server import RunningEmulator
from generators._cli import main as generate
from loadtests import _shape_math as shape_math
from loadtests._options import LoadOptions
from loadtests._pacing import GlobalRate
from loadtests._process_state import process_state
from loadtests._users import BatchCollector, BrowserVisitor, EdgeUser, ServerForwarder
from tests.loadtests.conftest import received, set_faults


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.requests.append(kwargs)


def _user(kind: type[EdgeUser], url: str, options: LoadOptions | None = None) -> tuple[EdgeUser, Recorder]:
    environment = Environment(host=url)  # its own events: our global listeners stay out of these tests
    if options is not None:
        process_state(environment).options = options
    recorder = Recorder()
    environment.events.request.add_listener(recorder)
    # Locust's runner sets `host` on the class before it spawns users; without a runner, a subclass does it.
    return type(kind.__name__, (kind,), {"host": url})(environment), recorder


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "operation"),
    [(ServerForwarder, "POST /ee/v2/interact"), (BrowserVisitor, "POST /ee/v1/interact"),
     (BatchCollector, "POST /ee/v2/collect")],
)
def test_persona_keeps_the_contract_against_the_emulator(
    emulator: RunningEmulator, kind: type[EdgeUser], operation: str
) -> None:
    user, recorder = _user(kind, emulator.url)
    for _ in range(5):
        user.send()
    assert [(r["name"], r["exception"]) for r in recorder.requests] == [(operation, None)] * 5
    assert received(emulator.url) == 5
    assert all(0 < r["response_time"] < 5000 for r in recorder.requests)


@pytest.mark.slow
def test_browser_visitor_carries_state_and_follows_the_cluster_hint(emulator: RunningEmulator) -> None:
    user, recorder = _user(BrowserVisitor, emulator.url)
    assert isinstance(user, BrowserVisitor)
    user.send()
    assert user.hint == "or2"  # the emulator's default edge region (kndctr_{org}_cluster)
    assert sorted(key.rsplit("_", 1)[1] for key in user.entries) == ["cluster", "identity"]
    prepared = user.prepare()
    assert prepared.path == "/ee/or2/v1/interact"  # the Web SDK's API (loadtests._web_sdk)
    assert prepared.body["meta"]["state"]["entries"] == [{"key": k, "value": v} for k, v in user.entries.items()]
    user.send()
    assert recorder.requests[1]["url"].startswith(f"{emulator.url}/ee/or2/v1/interact?")
    assert recorder.requests[1]["exception"] is None


@pytest.mark.parametrize(("kind", "persona", "events_per_body"), [
    pytest.param(BrowserVisitor, "v1-interact-request", 1, id="visitor"),
    pytest.param(ServerForwarder, "interact-request", 1, id="forwarder"),
    pytest.param(BatchCollector, "collect-request", 10, id="collector"),
])
def test_persona_sends_the_bodies_generate_prints(
    capsys: pytest.CaptureFixture[str], kind: type[EdgeUser], persona: str, events_per_body: int
) -> None:
    # The same seed, the same events: a persona's bodies are `edgeload generate`'s, value for value.
    assert generate(["-n", "12", "--seed", "41", "--kind", persona]) == 0
    printed = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    user, _ = _user(kind, "http://127.0.0.1:9", LoadOptions(seed=41))
    # generate draws its events from the mix, a persona from journeys: hand the persona the mix's events.
    user.journey = iter([user.state.traffic.event() for _ in range(12 * events_per_body)])
    sent = [orjson.loads(orjson.dumps(user.prepare().body)) for _ in range(12)]
    assert len(printed) == 12
    assert sent == printed
    assert len({body_item["xdm"]["_id"] for body in sent for body_item in body.get("events", [body.get("event")])}) == (
        12 * events_per_body)


def test_browser_visitor_draws_its_queue_times() -> None:
    user, _ = _user(BrowserVisitor, "http://127.0.0.1:9", LoadOptions(seed=41))
    queue_ms = [user.prepare().body["meta"]["queueTimeMillis"] for _ in range(20)]
    assert len(set(queue_ms)) > 5
    assert all(0 <= ms < 20 for ms in queue_ms)


def test_browser_visitor_forgets_an_expired_cluster_entry() -> None:
    user, _ = _user(BrowserVisitor, "http://127.0.0.1:9")
    assert isinstance(user, BrowserVisitor)
    user.store({"key": "kndctr_ORG_AdobeOrg_cluster", "value": "va6", "maxAge": 1800})
    user.store({"key": "other", "value": "x"})
    assert (user.hint, user.entries) == ("va6", {"kndctr_ORG_AdobeOrg_cluster": "va6"})
    user.store({"key": "kndctr_ORG_AdobeOrg_cluster", "value": "", "maxAge": 0})
    assert (user.hint, user.entries) == (None, {})


@pytest.mark.slow
def test_forwarder_records_a_failure_under_the_failing_checks_name(emulator: RunningEmulator) -> None:
    set_faults(emulator.url, "request-id-wrong")
    user, recorder = _user(ServerForwarder, emulator.url)
    user.send()
    assert repr(recorder.requests[0]["exception"]) == "request_id_echo"


@pytest.mark.slow
def test_forwarder_honours_retry_after_when_asked(emulator: RunningEmulator) -> None:
    set_faults(emulator.url, "rate-limit")
    user, recorder = _user(ServerForwarder, emulator.url)
    user.state.options = type(user.state.options)(respect_retry_after=True)
    user.send()
    assert recorder.requests[0]["exception"].categories == ("http_429",)
    waited = user.wait_time()
    assert waited > 0.5  # held off until the Retry-After the emulator sent
    assert user.due is False  # and no request is sent when the hold ends without a fresh turn


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "category"),
    [
        pytest.param("truncated-body", "truncated_body", id="truncated"),
        pytest.param("connection-reset", "connection_reset", id="reset"),
        pytest.param("stall", "timeout", id="stall"),
        pytest.param("server-error", "http_5xx", id="503"),
    ],
)
def test_persona_reports_a_transport_failure_under_its_category(
    emulator: RunningEmulator, fault: str, category: str
) -> None:
    set_faults(emulator.url, fault)
    user, recorder = _user(ServerForwarder, emulator.url, LoadOptions(request_timeout=0.3))
    user.send()
    user.send()  # the connection after a failure works too (a broken one is not reused)
    assert [r["exception"].categories[-1] for r in recorder.requests] == [category, category]
    assert received(emulator.url) == 2
    if category == "timeout":
        assert 300 <= recorder.requests[0]["response_time"] < 1500


@pytest.mark.slow
def test_open_model_user_fires_its_latency_from_the_schedule_and_counts_its_slot(emulator: RunningEmulator) -> None:
    user, recorder = _user(ServerForwarder, emulator.url)
    user.state.prepare_traffic()  # a run builds its pools at start-up, not in its first request
    rate = GlobalRate(shape_math.constant(10, None))  # one slot every 100 ms, the first due 50 ms in
    rate.start(time.monotonic() - 0.3)  # the user comes 300 ms after its schedule started: 250 ms behind
    user.state.rate = rate
    assert user.wait_time() == 0.0  # already due: send at once
    user.send()
    assert user.wait_time() == 0.0  # the second slot is 150 ms behind too
    user.send()
    first, second = recorder.requests
    assert first["schedule_response_time"] - first["response_time"] == pytest.approx(250.0, abs=25.0)
    assert second["schedule_response_time"] - second["response_time"] >= 150.0 - 25.0
    assert (rate.on_time, rate.late) == (0, 2)
    assert rate.slots().scheduled >= 3  # the third fell due meanwhile, unsent


def test_closed_model_user_fires_no_schedule() -> None:
    user, _ = _user(ServerForwarder, "http://127.0.0.1:9")
    assert user.state.rate is None
    assert user.wait_time() == 0.0
    assert user.due_at is None
