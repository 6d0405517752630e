"""Fault registry, spec syntax, seeded draws, and each non-transport fault's effect in-process."""

from __future__ import annotations

import re
import statistics

import orjson
import pytest

from emulator import _fault_kinds as fault_kinds
from emulator._errors import ConfigError
from emulator._fault_kinds import REGISTRY, FaultKind, Proof, checks, fault, markdown_table
from emulator._faults import FaultBoard, parse_entry, parse_spec
from tests.emulator.asgi_client import DEFAULT, call, collect_body, interact_body, make_app


@pytest.mark.parametrize("name", list(REGISTRY))
def test_fault_kind_holds_the_effect_its_stage_needs(name):
    kind = REGISTRY[name]
    assert (kind.delay is not None, kind.effect is not None) == (kind.stage == "delay", kind.stage != "delay")
    assert kind.requests
    assert kind.requests <= {"interact", "collect"}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_fault_kind_spec_of_its_defaults_parses_back_to_them(name):
    fault = parse_spec(name)
    assert (fault.name, fault.rate, dict(fault.params)) == (name, 1.0, dict(REGISTRY[name].defaults))
    assert fault.spec() == f"{name}:1"


def test_fault_kind_refuses_an_entry_without_the_effect_of_its_stage():
    with pytest.raises(ValueError, match="a delay fault holds a delay"):
        FaultKind("x", "shape", "nothing", Proof(latency=True))


def test_fault_decorator_registers_the_effect_under_its_dashed_name_and_returns_it(monkeypatch):
    monkeypatch.setattr(fault_kinds, "REGISTRY", {})

    async def body_lies(params, hit):
        return True

    assert fault("shape", "a lie", checks("content_type"), defaults={"x": 1.0})(body_lies) is body_lies
    kind = fault_kinds.REGISTRY["body-lies"]
    assert (kind.stage, kind.summary, kind.proves, kind.effect, dict(kind.defaults), kind.requests) == (
        "shape", "a lie", Proof(checks=("content_type",)), body_lies, {"x": 1.0}, {"interact", "collect"})


def test_fault_decorator_refuses_a_name_registered_twice():
    async def stall(params, hit):
        return True

    with pytest.raises(ValueError, match="fault 'stall' is registered twice"):
        fault("transport", "again", checks("content_type"))(stall)
    assert REGISTRY["stall"].effect is not stall


def test_fault_proof_is_exactly_one_of_checks_category_or_latency():
    with pytest.raises(ValueError, match="exactly one"):
        Proof()
    with pytest.raises(ValueError, match="exactly one"):
        Proof(checks=("content_type",), category="timeout")


def test_fault_markdown_table_has_one_row_per_fault_with_its_proof():
    rows = markdown_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == list(REGISTRY)
    assert "| interact | `response_schema`, `handle_shape` |" in rows[list(REGISTRY).index("handle-not-array")]


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("server-error:0.05,status=503", "server-error:0.05"),
        ("server-error:1,status=502", "server-error:1,status=502"),
        ("latency:1,dist=lognormal,median_ms=5,sigma=0.6", "latency:1,dist=lognormal,median_ms=5,sigma=0.6"),
        ("latency,dist=fixed,ms=20", "latency:1,ms=20"),
        ("stall:0.01", "stall:0.01"),
        (" rate-limit:0 , retry_after=3 ", "rate-limit:0,retry_after=3"),
        ("malformed-json,operation=collect", "malformed-json:1,operation=collect"),
    ],
)
def test_faults_spec_parses_and_prints_canonically(spec, canonical):
    assert parse_spec(spec).spec() == canonical


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope", "unknown fault 'nope'"),
        ("stall:1.5", "rate must be a probability"),
        ("stall:x", "'x' is not a number"),
        ("stall:-0.1", "must be a finite number >= 0"),
        ("latency,dist=gamma", "dist=gamma is not one of fixed, normal, lognormal"),
        ("latency,ms=nan", "must be a finite number"),
        ("server-error,status=418", "status=418 is not one of 500, 502, 503, 504"),
        ("stall,ms=3", "fault 'stall' has no parameter 'ms'"),
        ("latency,ms", "expected key=value"),
        ("stal", "unknown fault 'stal' (did you mean 'stall'?)"),
        ("latency,msec=5", "no parameter 'msec' (did you mean 'ms'?)"),
        # Statuses the normal body cannot go out with: not a status line at all, interim, or without content.
        ("undocumented-status,status=0", "status=0 must be a whole number from 200 to 599 other than 204, 205, 304"),
        ("undocumented-status,status=99", "status=99 must be a whole number from 200 to 599"),
        ("undocumented-status,status=1000", "status=1000 must be a whole number from 200 to 599"),
        ("undocumented-status,status=1e11", "status=1e+11 must be a whole number from 200 to 599"),
        ("undocumented-status,status=204", "status=204 must be a whole number from 200 to 599 other than 204"),
        ("undocumented-status,status=304", "other than 204, 205, 304"),
        ("undocumented-status,status=299.5", "status=299.5 must be a whole number"),
        ("latency,ms=1e300", "ms=1e+300 must be a number from 0 to 600000 (milliseconds; at most 10 minutes)"),
        ("latency,dist=normal,mean_ms=5,sd_ms=700000", "sd_ms=700000 must be a number from 0 to 600000"),
        ("latency,dist=lognormal,sigma=50", "sigma=50 must be a number from 0 to 10"),
        ("rate-limit,retry_after=1e300", "retry_after=1e+300 must be a whole number from 0 to 86400"),
        ("server-error,retry_after=1.5", "retry_after=1.5 must be a whole number"),
        ("stall,operation=interac", "operation='interac' names no operation (did you mean 'interact'?)"),
        ("stall,operation=POST /ee/v3/interact", "operation='POST /ee/v3/interact' names no operation"),
        ("handle-not-array,operation=collect", "fault 'handle-not-array' never acts on collect"),
        ("stall,count=\u00b2", "count: '\u00b2' must be a whole number of requests"),
        ("stall,count=12345678901", "must be a whole number of requests from 1 to 999999999"),
    ],
)
def test_faults_bad_spec_is_one_line_naming_the_problem(spec, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        parse_spec(spec)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "spec",
    ["undocumented-status,status=200", "undocumented-status,status=599", "latency,ms=600000",
     "latency,dist=lognormal,median_ms=600000,sigma=10", "stall,operation=v1/interact",
     "stall,operation=POST /ee/v1/privacy/set-consent", "handle-not-array,operation=v2/interact",
     "rate-limit,retry_after=86400", "stall,count=999999999"],
)
def test_faults_spec_at_the_edge_of_its_ranges_is_accepted(spec):
    assert parse_spec(spec).name == spec.split(",")[0]


def test_faults_latency_draws_never_exceed_the_ceiling():
    board = FaultBoard([parse_spec("latency,dist=lognormal,median_ms=600000,sigma=10")], seed=3)
    delays = [board.draw("POST /ee/v2/interact").delay_s for _ in range(200)]
    assert max(delays) == 600.0  # the tail is cut at 10 minutes, and some draws reach it
    assert min(delays) < 600.0


def test_faults_config_table_entry_equals_the_spec_string():
    table = parse_entry({"name": "latency", "rate": 0.5, "dist": "normal", "mean_ms": 5, "sd_ms": 1}, "faults[0]")
    assert table == parse_spec("latency:0.5,dist=normal,mean_ms=5,sd_ms=1")


def test_faults_draws_are_deterministic_under_a_seed():
    def fired(seed):
        board = FaultBoard([parse_spec("server-error:0.3")], seed=seed)
        return [board.draw("POST /ee/v2/interact") is not None for _ in range(200)]

    assert fired(5) == fired(5)
    assert fired(5) != fired(6)
    assert 40 <= sum(fired(5)) <= 80  # rate 0.3 of 200


def test_faults_scoped_to_an_operation_spare_the_others():
    board = FaultBoard([parse_spec("stall,operation=collect")])
    assert board.draw("POST /ee/v2/interact") is None
    assert board.draw("POST /ee/v2/collect") is not None


def test_faults_rate_zero_never_fires():
    board = FaultBoard([parse_spec("stall:0")])
    assert all(board.draw("POST /ee/v2/interact") is None for _ in range(100))


def test_faults_delays_add_up_and_the_first_other_fault_acts():
    board = FaultBoard(
        [parse_spec("latency,ms=5"), parse_spec("latency,ms=7"), parse_spec("stall"), parse_spec("rate-limit")]
    )
    plan = board.draw("POST /ee/v2/interact")
    assert plan is not None
    assert plan.delay_s == pytest.approx(0.012)
    assert plan.fault is not None
    assert plan.fault.name == "stall"


@pytest.mark.parametrize(
    ("spec", "median_ms"),
    [("latency,dist=normal,mean_ms=50,sd_ms=5", 50), ("latency,dist=lognormal,median_ms=20,sigma=0.5", 20)],
)
def test_faults_latency_distributions_have_the_configured_centre(spec, median_ms):
    board = FaultBoard([parse_spec(spec)], seed=1)
    delays = [board.draw("POST /ee/v2/interact").delay_s * 1000 for _ in range(2000)]
    assert statistics.median(delays) == pytest.approx(median_ms, rel=0.1)
    assert min(delays) >= 0


def test_faults_count_limits_how_many_requests_a_fault_acts_on():
    board = FaultBoard([parse_spec("server-error,count=2")])
    assert [board.draw("POST /ee/v2/interact") is not None for _ in range(4)] == [True, True, False, False]


def with_fault(spec, path="/ee/v2/interact", body=None, query=None):
    app = make_app(faults=(parse_spec(spec),))
    body = interact_body() if body is None else body
    answer = call(app, path, body, query=query or {**DEFAULT, "requestId": "sent-id"})
    return answer, app.stats.snapshot()


def test_fault_server_error_503_is_exeg_0000_503_with_retry_after():
    answer, stats = with_fault("server-error")
    assert (answer.status, answer.headers["retry-after"]) == (503, "1")
    assert answer.json()["type"].endswith("EXEG-0000-503")
    assert stats["faults"] == {"server-error": 1}


@pytest.mark.parametrize(("status", "code"), [(500, "EXEG-0001-500"), (502, "EXEG-0000-502"), (504, "EXEG-0000-504")])
def test_fault_server_error_other_statuses_carry_no_retry_after(status, code):
    answer, _ = with_fault(f"server-error,status={status}")
    assert answer.status == status
    assert answer.json()["type"].endswith(code)
    assert "retry-after" not in answer.headers


def test_fault_rate_limit_is_429_with_retry_after_seconds():
    answer, _ = with_fault("rate-limit,retry_after=7")
    assert (answer.status, answer.headers["retry-after"]) == (429, "7")
    assert answer.headers["content-type"] == "application/problem+json"


def test_fault_retry_after_missing_is_429_without_the_header():
    answer, _ = with_fault("retry-after-missing")
    assert answer.status == 429
    assert "retry-after" not in answer.headers


def test_fault_problem_type_mismatch_is_400_with_a_non_400_type():
    answer, _ = with_fault("problem-type-mismatch")
    assert answer.status == 400
    assert not answer.json()["type"].endswith("-400")


def test_fault_upstream_error_is_207_with_the_normal_body_and_errors():
    answer, _ = with_fault("upstream-error")
    document = answer.json()
    assert answer.status == 207
    assert {h["type"] for h in document["handle"]} == {"locationHint:result", "state:store"}
    (error,) = document["errors"]
    assert error["type"].endswith("EXEG-0201-503")
    assert "com.adobe.experience.platform.ode" in error["title"]


def test_fault_request_id_not_echoed_answers_an_unrelated_id_in_body_and_header():
    answer, _ = with_fault("request-id-not-echoed")
    request_id = answer.json()["requestId"]
    assert not request_id.startswith("sent-id")
    assert answer.headers["x-request-id"] == request_id


def test_fault_request_id_wrong_has_a_bad_suffix_and_header_disagrees():
    answer, _ = with_fault("request-id-wrong")
    request_id = answer.json()["requestId"]
    assert request_id.startswith("sent-id-")
    assert not re.fullmatch(r"sent-id-[0-9a-f]{16}", request_id)
    assert re.fullmatch(r"sent-id-[0-9a-f]{16}", answer.headers["x-request-id"])


def test_fault_undocumented_status_sends_the_normal_body_with_299():
    answer, _ = with_fault("undocumented-status")
    assert answer.status == 299
    assert answer.json()["requestId"].startswith("sent-id-")


def test_fault_wrong_content_type_is_text_html():
    answer, _ = with_fault("wrong-content-type")
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.json()["handle"]


def test_fault_handle_not_array_makes_handle_an_object():
    answer, _ = with_fault("handle-not-array")
    assert isinstance(answer.json()["handle"], dict)


def test_fault_handle_item_no_type_drops_type_from_one_item():
    handles = with_fault("handle-item-no-type")[0].json()["handle"]
    assert sum("type" not in h for h in handles) == 1


def test_fault_handle_payload_invalid_drops_key_from_a_state_store_item():
    handles = with_fault("handle-payload-invalid")[0].json()["handle"]
    store = next(h for h in handles if h.get("type") == "state:store")
    assert any("key" not in item for item in store["payload"])


def test_fault_bad_event_index_points_past_the_events_sent():
    handles = with_fault("bad-event-index")[0].json()["handle"]
    assert max(h.get("eventIndex", -1) for h in handles) >= 1  # one event sent: index 0 only is valid


def test_fault_malformed_json_keeps_json_content_type_with_a_non_json_body():
    answer, _ = with_fault("malformed-json")
    assert answer.headers["content-type"] == "application/json;charset=utf-8"
    assert int(answer.headers["content-length"]) == len(answer.body)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(answer.body)


INTERACT_ONLY = [name for name, kind in REGISTRY.items() if "collect" not in kind.requests]


@pytest.mark.parametrize("spec", INTERACT_ONLY)
def test_fault_handle_faults_never_fire_on_collect_whose_answers_carry_no_handle(spec):
    # A fault the emulator counted but no check could see would break the suite's exact fault accounting.
    answer, stats = with_fault(spec, "/ee/v2/collect", collect_body("a", "b"))
    assert answer.status == 202
    assert "handle" not in answer.json()
    assert stats["faults"] == {}



def test_fault_shape_fault_turns_a_silent_collect_into_a_body():
    answer, _ = with_fault("undocumented-status", "/ee/v2/collect", collect_body("a"), {**DEFAULT, "silent": "true"})
    assert answer.status == 299
    assert answer.json()["requestId"]


def test_fault_shape_fault_leaves_an_error_reply_alone_and_is_not_counted():
    answer, stats = with_fault("handle-not-array", body=interact_body(None))
    assert answer.status == 400
    assert stats["faults"] == {}


def test_fault_latency_is_counted_and_keeps_the_normal_answer():
    answer, stats = with_fault("latency,ms=1")
    assert answer.status == 200
    assert stats["faults"] == {"latency": 1}
