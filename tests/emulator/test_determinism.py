"""Deterministic under a seed: ids, minted ECIDs and fault draws."""

from __future__ import annotations

from emulator._faults import parse_spec
from tests.emulator.asgi_client import AUTH, AUTHENTICATED_ID, DEFAULT, call, collect_body, interact_body, make_app


def session(app):
    """A fixed mix: generated requestIds, minted ECIDs, fault draws at rate 0.5; returns what a client saw."""
    seen = []
    for i in range(20):
        if i % 3 == 0:
            answer = call(app, body=interact_body(None), query={"datastreamId": AUTHENTICATED_ID}, headers=AUTH)
        elif i % 3 == 1:
            answer = call(app, "/ee/v2/collect", collect_body("a"), query=DEFAULT)
        else:
            answer = call(app, body=interact_body(f"v{i}"), query=DEFAULT)
        seen.append((answer.status, answer.header_list, answer.body))
    return seen


def faulty(seed):
    return make_app(seed=seed, faults=(parse_spec("server-error:0.5"), parse_spec("latency:0.5,ms=0")))


def test_determinism_same_seed_same_answers():
    assert session(faulty(1)) == session(faulty(1))


def test_determinism_other_seed_other_answers():
    assert session(faulty(1)) != session(faulty(2))


def test_determinism_faults_fire_at_about_their_rate():
    statuses = [status for status, _, _ in session(faulty(1))]
    assert 4 <= statuses.count(503) <= 16


def test_determinism_switching_a_fault_on_keeps_the_ids():
    quiet = [body for status, _, body in session(make_app(seed=3)) if status == 200]
    noisy_app = make_app(seed=3, faults=(parse_spec("latency:0.5,ms=0"),))
    noisy = [body for status, _, body in session(noisy_app) if status == 200]
    assert quiet == noisy


def test_determinism_reset_restarts_the_seeded_sequence():
    app = faulty(5)
    first = session(app)
    assert call(app, "/_emulator/reset", method="POST").status == 200
    assert session(app) == first


def test_determinism_stats_count_statuses_operations_and_faults():
    app = faulty(1)
    seen = session(app)
    stats = app.stats.snapshot()
    assert stats["total"] == 20
    assert stats["by_operation"] == {"POST /ee/v2/interact": 13, "POST /ee/v2/collect": 7}
    assert stats["by_status"]["503"] == [s for s, _, _ in seen].count(503)
    assert sum(stats["by_status"].values()) == 20
    assert stats["faults"]["server-error"] == stats["by_status"]["503"]
