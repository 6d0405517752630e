from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from generators import _events as events
from generators._bodies import RequestOptions
from generators._composer import KINDS
from generators._journeys import FunnelRates
from generators._mix import DEFAULT_MIX
from generators._traffic import Traffic, worker_seed

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
RFC3339_LOCAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d")


@pytest.fixture(scope="module")
def traffic():
    return Traffic(21, visitors=500)


def _dump(events) -> list[str]:
    return [json.dumps(e) for e in events]


def test_traffic_same_seed_gives_the_same_stream():
    first, second = Traffic(4, visitors=200), Traffic(4, visitors=200)
    assert _dump(first.events(300)) == _dump(second.events(300))
    assert _dump(first.journey()) == _dump(second.journey())


def test_traffic_different_seeds_give_different_streams():
    assert _dump(Traffic(4, visitors=200).events(20)) != _dump(Traffic(5, visitors=200).events(20))


def test_worker_seed_differs_per_worker_and_is_reproducible():
    seeds = [worker_seed(1000, index) for index in range(64)]
    assert len(set(seeds)) == 64
    assert seeds == [worker_seed(1000, index) for index in range(64)]
    assert worker_seed(1001, 0) not in seeds
    assert all(0 <= seed < 2**63 for seed in seeds)


def test_worker_streams_differ_and_each_reproduces():
    streams = [_dump(Traffic(worker_seed(7, i), visitors=100).events(10)) for i in range(3)]
    assert len({tuple(s) for s in streams}) == 3
    assert streams[1] == _dump(Traffic(worker_seed(7, 1), visitors=100).events(10))


def test_worker_seed_rejects_negative_index():
    with pytest.raises(ValueError, match="worker_index"):
        worker_seed(1, -1)


def test_traffic_journeys_keep_one_identity_and_rising_timestamps(traffic):
    for _ in range(300):
        events = list(traffic.journey())
        assert events[0]["eventType"] == "web.webpagedetails.pageViews"
        assert len({json.dumps(e["identityMap"]) for e in events}) == 1
        stamps = [datetime.fromisoformat(e["timestamp"]) for e in events]
        assert all(a < b for a, b in itertools.pairwise(stamps))


def test_traffic_funnel_at_full_rates_ends_every_journey_with_a_purchase():
    always = FunnelRates(pages=(3, 3), product_view=1.0, link_click=0.0, add_to_cart=1.0, checkout=1.0,
                         purchase=1.0)
    traffic = Traffic(8, rates=always, visitors=50)
    for _ in range(50):
        types = [e["eventType"] for e in traffic.journey()]
        assert types[:4] == ["web.webpagedetails.pageViews"] + ["commerce.productViews"] * 3
        assert types[-2:] == ["commerce.checkouts", "commerce.purchases"]


def test_traffic_funnel_without_adds_never_converts():
    never = FunnelRates(add_to_cart=0.0)
    traffic = Traffic(8, rates=never, visitors=50)
    types = {e["eventType"] for _ in range(200) for e in traffic.journey()}
    assert types.isdisjoint({"commerce.productListAdds", "commerce.checkouts", "commerce.purchases"})


def test_funnel_rates_reject_a_rate_outside_zero_to_one():
    with pytest.raises(ValueError, match="purchase"):
        FunnelRates(purchase=1.5)


def test_traffic_mix_draws_kinds_by_weight():
    traffic = Traffic(3, mix={"page-view": 3, "purchase": 1}, visitors=50)
    counts = Counter(e["eventType"] for e in traffic.events(4000))
    assert set(counts) == {"web.webpagedetails.pageViews", "commerce.purchases"}
    assert 2.6 < counts["web.webpagedetails.pageViews"] / counts["commerce.purchases"] < 3.4


def test_traffic_rejects_an_unknown_kind_in_the_mix():
    with pytest.raises(ValueError, match="page-veiw"):
        Traffic(3, mix={"page-veiw": 1}, visitors=10)


def test_traffic_timestamps_carry_a_zone_and_start_where_told():
    traffic = Traffic(3, start=datetime(2030, 1, 1, tzinfo=UTC), visitors=50)
    event = traffic.page_view()
    assert RFC3339_UTC.fullmatch(event["timestamp"])
    assert event["timestamp"].startswith("2030-01-01T00:00:00")
    assert RFC3339_LOCAL.fullmatch(event["placeContext"]["localTime"])


def test_traffic_purchase_order_totals_its_items(traffic):
    for _ in range(100):
        event = traffic.purchase()
        order = event["commerce"]["order"]
        assert order["priceTotal"] == round(sum(i["priceTotal"] for i in event["productListItems"]), 2)
        assert order["payments"][0]["paymentAmount"] == order["priceTotal"]
        assert order["currencyCode"] == "USD"


def test_traffic_interact_body_asks_personalization_on_page_views_only(traffic):
    page = traffic.interact_body(traffic.page_view())
    click = traffic.interact_body(traffic.link_click())
    assert page["query"]["personalization"]["decisionScopes"] == ["__view__"]
    assert "query" not in click
    assert set(page["event"]) == {"xdm", "data"}


def test_traffic_interact_body_follows_request_options():
    options = RequestOptions(decision_scopes=("hero-banner",), surfaces=("web://shop.test/#top",),
                             identity_fetch=True, state_domain="example.com")
    traffic = Traffic(3, options=options, visitors=20)
    body = traffic.interact_body(traffic.page_view())
    assert body["query"] == {"identity": {"fetch": ["ECID"]}, "personalization": {
        "decisionScopes": ["hero-banner"], "surfaces": ["web://shop.test/#top"]}}
    assert body["meta"] == {"state": {"domain": "example.com", "entries": []}}


def test_traffic_collect_and_v1_bodies_wrap_each_event(traffic):
    events = [traffic.page_view(), traffic.purchase()]
    collect = traffic.collect_body(events)
    v1 = traffic.v1_interact_body(events)
    assert [item["xdm"] for item in collect["events"]] == events
    assert [item["xdm"] for item in v1["events"]] == events
    assert "query" not in collect
    assert v1["events"][0]["query"]["personalization"]["surfaces"] == ["web://example.com/#hero"]
    assert "query" not in v1["events"][1]  # personalization is asked on page views only
    assert v1["query"] == {"identity": {"fetch": ["ECID"]}}
    assert 0 <= v1["meta"]["queueTimeMillis"] < 20
    assert len(traffic.collect_batch()["events"]) == 10


def test_traffic_generation_leaves_the_pools_unchanged():
    traffic = Traffic(3, visitors=20)
    before = json.dumps([v.environment for v in traffic.visitors]) + json.dumps(traffic.site.home.viewed)
    list(traffic.events(500))
    for _ in range(50):
        list(traffic.journey())
    assert json.dumps([v.environment for v in traffic.visitors]) + json.dumps(traffic.site.home.viewed) == before


def test_event_kinds_registry_makes_each_kind_with_its_event_type_and_default_share(traffic):
    assert {name: kind.weight for name, kind in KINDS.items()} == DEFAULT_MIX == {
        "page-view": 60, "link-click": 15, "product-view": 15, "add-to-cart": 5, "checkout": 3, "purchase": 2}
    for name, kind in KINDS.items():
        event = traffic.event(name)
        assert event["eventType"] == kind.event_type
        assert traffic.interact_body(event)["event"]["data"]["kind"] == [name]


def test_event_kinds_registry_holds_the_kinds_events_declares_in_their_order():
    assert list(KINDS.values()) == events.DECLARED
    assert [(k.name, k.event_type, k.make) for k in events.DECLARED][:2] == [
        ("page-view", events.PAGE_VIEW, events.make_page_view),
        ("link-click", events.LINK_CLICK, events.make_link_click),
    ]


@pytest.mark.parametrize(("name", "event_type"), [
    pytest.param("page-view", "web.webinteraction.other", id="name"),
    pytest.param("page-view-again", events.PAGE_VIEW, id="event-type"),
])
def test_event_kind_declared_twice_is_refused(name, event_type):
    with pytest.raises(ValueError, match="is declared twice"):
        events.kind(name, event_type, 1)(events.make_page_view)
    assert [k.name for k in events.DECLARED] == list(KINDS)
