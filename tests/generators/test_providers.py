from __future__ import annotations

import hashlib
import inspect
import json
import uuid

import pytest
from faker import Faker

from generators._factory import seeded_faker
from generators._identities import IDENTITY_KINDS
from generators._providers import PROVIDERS
from generators._traffic import Traffic

PREFIXES = ("identity_", "visitor_", "site_", "xdm_", "edge_")


def _public_methods(provider: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(provider, inspect.isfunction)
            if not name.startswith("_") and name in vars(provider)]


def test_providers_prefix_every_method_with_their_domain_and_shadow_no_faker_builtin():
    plain = Faker("en_US")
    names = [name for provider in PROVIDERS for name in _public_methods(provider)]
    assert len(names) >= 25
    assert [n for n in names if not n.startswith(PREFIXES)] == []
    assert [n for n in names if hasattr(plain, n)] == []
    assert len(names) == len(set(names))


def test_identity_ecid_is_38_digits():
    fake = seeded_faker(1)
    ecids = [fake.identity_ecid() for _ in range(200)]
    assert all(len(e) == 38 and e.isdigit() for e in ecids)
    assert len(set(ecids)) == 200


def test_identity_email_sha256_hashes_the_lower_cased_address():
    fake = seeded_faker(1)
    assert fake.identity_email_sha256("Jane.Doe@Example.COM") == hashlib.sha256(b"jane.doe@example.com").hexdigest()
    assert len(fake.identity_email_sha256()) == 64


def test_identity_fpid_is_a_version_4_uuid():
    fake = seeded_faker(1)
    parsed = uuid.UUID(fake.identity_fpid())
    assert parsed.version == 4
    assert parsed.variant == uuid.RFC_4122


def test_identity_crm_hash_is_sha256_of_the_customer_number():
    fake = seeded_faker(1)
    assert fake.identity_crm_hash("C000000042") == hashlib.sha256(b"C000000042").hexdigest()


@pytest.mark.parametrize("kind", [k for k, _ in IDENTITY_KINDS])
def test_identity_map_has_exactly_one_primary_item(kind):
    fake = seeded_faker(3)
    identity_map = fake.identity_map(kind)
    items = [item for group in identity_map.values() for item in group]
    assert sum(item["primary"] for item in items) == 1
    assert {item["authenticatedState"] for item in items} <= {"ambiguous", "authenticated", "loggedOut"}
    assert all(item["id"] for item in items)


def test_identity_map_authenticated_sends_hashed_crm_and_email_beside_the_ecid():
    identity_map = seeded_faker(3).identity_map("authenticated")
    assert list(identity_map) == ["CRMID", "Email_LC_SHA256", "ECID"]
    assert identity_map["CRMID"][0]["primary"] is True
    assert identity_map["Email_LC_SHA256"][0]["authenticatedState"] == "authenticated"


def test_seeded_faker_gives_the_same_events_for_the_same_seed():
    first = [seeded_faker(9).xdm_purchase() for _ in range(2)]
    assert json.dumps(first[0]) == json.dumps(first[1])
    assert json.dumps(seeded_faker(10).xdm_purchase()) != json.dumps(first[0])


@pytest.mark.parametrize(("method", "event_type"), [
    pytest.param("xdm_page_view", "web.webpagedetails.pageViews", id="page-view"),
    pytest.param("xdm_link_click", "web.webinteraction.linkClicks", id="link-click"),
    pytest.param("xdm_product_view", "commerce.productViews", id="product-view"),
    pytest.param("xdm_add_to_cart", "commerce.productListAdds", id="add-to-cart"),
    pytest.param("xdm_checkout", "commerce.checkouts", id="checkout"),
    pytest.param("xdm_purchase", "commerce.purchases", id="purchase"),
])
def test_xdm_provider_event_carries_its_type_and_the_common_parts(method, event_type):
    event = getattr(seeded_faker(5), method)()
    assert event["eventType"] == event_type
    assert {"_id", "timestamp", "identityMap", "web", "environment", "device", "placeContext"} <= set(event)


def _shape(value: object) -> object:
    """Keys and types, without values: two generators with the same shapes give equal shapes."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items()) if k not in {"marketing", "webReferrer"}}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


@pytest.mark.parametrize("kind", ["page-view", "link-click", "product-view", "add-to-cart", "checkout", "purchase"])
def test_provider_and_traffic_build_events_of_the_same_shape(kind):
    traffic = Traffic(2, visitors=50)
    fake = seeded_faker(2)
    # Optional parts (identity kinds, campaign, device maker) vary per event: compare the union over a sample.
    provider_shapes = {json.dumps(_shape(fake.xdm_event(kind)["web"])) for _ in range(30)}
    traffic_shapes = {json.dumps(_shape(traffic.event(kind)["web"])) for _ in range(30)}
    assert provider_shapes == traffic_shapes
    assert set(fake.xdm_event(kind)) - {"marketing"} == set(traffic.event(kind)) - {"marketing"}


def test_edge_interact_body_wraps_a_page_view_with_personalization():
    body = seeded_faker(4).edge_interact_body()
    assert body["event"]["xdm"]["eventType"] == "web.webpagedetails.pageViews"
    assert body["query"]["personalization"] == {"decisionScopes": ["__view__"], "surfaces": ["web://example.com/#hero"]}
    assert body["event"]["data"]["source"] == ["edgeload"]


def test_edge_collect_body_holds_size_events():
    body = seeded_faker(4).edge_collect_body(size=7)
    assert len(body["events"]) == 7
    assert all(set(item) == {"xdm", "data"} for item in body["events"])


def test_xdm_journey_is_one_visitor_with_rising_timestamps():
    events = seeded_faker(6).xdm_journey()
    assert events[0]["eventType"] == "web.webpagedetails.pageViews"
    assert len({json.dumps(e["identityMap"]) for e in events}) == 1
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
