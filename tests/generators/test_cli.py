from __future__ import annotations

import json

import pytest

from generators._cli import OUTPUTS, main
from generators._composer import KINDS


def _lines(capsys) -> list[dict]:
    captured = capsys.readouterr()
    assert captured.err == ""
    return [json.loads(line) for line in captured.out.splitlines()]


@pytest.mark.parametrize(("kind", "check"), [
    pytest.param("page-view", lambda d: d["eventType"] == "web.webpagedetails.pageViews", id="page-view"),
    pytest.param("purchase", lambda d: d["commerce"]["order"]["priceTotal"] > 0, id="purchase"),
    pytest.param("interact-request", lambda d: set(d) >= {"event"} and "xdm" in d["event"], id="interact"),
    pytest.param("collect-request", lambda d: len(d["events"]) == 10, id="collect"),
    pytest.param("v1-interact-request", lambda d: len(d["events"]) == 1, id="v1-interact"),
])
def test_generate_prints_n_json_lines_of_the_kind(capsys, kind, check):
    assert main(["-n", "7", "--seed", "1", "--kind", kind]) == 0
    documents = _lines(capsys)
    assert len(documents) == 7
    assert all(check(d) for d in documents)


def test_generate_journey_prints_whole_sessions(capsys):
    assert main(["-n", "3", "--kind", "journey"]) == 0
    events = _lines(capsys)
    starts = [i for i, e in enumerate(events) if e["eventType"] == "web.webpagedetails.pageViews"
              and e["web"].get("webReferrer", {}).get("type") != "internal"]
    assert len(events) > 3
    assert starts[0] == 0


def test_generate_output_is_compact_json_in_generation_order(capsys):
    assert main(["-n", "1", "--kind", "page-view"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith('{"_id":"')
    assert json.dumps(json.loads(line), separators=(",", ":")) == line


def test_generate_same_arguments_same_bytes(capsys):
    main(["-n", "20", "--seed", "5"])
    first = capsys.readouterr().out
    main(["-n", "20", "--seed", "5"])
    assert capsys.readouterr().out == first
    main(["-n", "20", "--seed", "6"])
    assert capsys.readouterr().out != first


def test_generate_mix_limits_kinds(capsys):
    assert main(["-n", "200", "--mix", "link-click=1,checkout=1"]) == 0
    assert {d["eventType"] for d in _lines(capsys)} == {"web.webinteraction.linkClicks", "commerce.checkouts"}


def test_generate_personalization_settings_reach_the_body(capsys):
    assert main(["-n", "1", "--kind", "interact-request", "--mix", "page-view=1", "--decision-scope", "a",
                 "--decision-scope", "b", "--surface", "web://x.test/#s", "--identity-fetch"]) == 0
    query = _lines(capsys)[0]["query"]
    assert query == {"identity": {"fetch": ["ECID"]},
                     "personalization": {"decisionScopes": ["a", "b"], "surfaces": ["web://x.test/#s"]}}


@pytest.mark.parametrize(("argv", "needle"), [
    pytest.param(["--kind", "page-veiw"], "invalid choice", id="unknown-kind"),
    pytest.param(["--mix", "page-view=lots"], "not a number", id="bad-weight"),
    pytest.param(["--mix", "scroll=1"], "unknown event kind", id="unknown-mix-kind"),
    pytest.param(["--mix", "page-view=0"], "at least one positive", id="all-zero"),
    pytest.param(["-n", "-1"], "-n must be 0 or more", id="negative-n"),
    pytest.param(["--start", "2025-06-02T08:00:00"], "has no zone", id="naive-start"),
    pytest.param(["--start", "yesterday"], "not an RFC 3339", id="bad-start"),
    pytest.param(["--worker", "-2"], "worker_index", id="negative-worker"),
    pytest.param(["--frobnicate"], "unrecognized arguments", id="unknown-flag"),
])
def test_generate_bad_arguments_exit_2_with_one_line(capsys, argv, needle):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert needle in captured.err
    assert captured.err.startswith("edgeload generate: ")


def test_generate_kinds_are_every_event_kind_and_each_output():
    assert list(OUTPUTS) == ["event", "page-view", "link-click", "product-view", "add-to-cart", "checkout", "purchase",
                             "journey", "interact-request", "collect-request", "v1-interact-request"]
    assert list(OUTPUTS)[1:-4] == list(KINDS)
