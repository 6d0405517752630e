"""The browser-like persona's requests have the shape Adobe's Web SDK was seen sending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from contracts._exchange import Exchange
from contracts._verdict import judge
from emulator._config import DEFAULT_DATASTREAM_ID
from generators._bodies import WEB_SDK_SCHEMAS, RequestOptions, apex_domain, v1_interact_body
from generators._traffic import Traffic
from loadtests import _web_sdk as web_sdk
from tests.clients.observed_requests import body_paths, content_type_key, path_template
from tests.emulator.asgi_client import call, make_app

RECORD = Path(__file__).resolve().parents[1] / "clients" / "observed_v1_requests.json"
OBSERVED = json.loads(RECORD.read_text(encoding="utf-8"))["operations"][web_sdk.OPERATION]
PREFIX = "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_"
ENTRIES = {PREFIX + "identity": "CiYz", PREFIX + "cluster": "or2"}


def _page_view(traffic: Traffic) -> Any:
    return next(e for e in traffic.events(50) if e["eventType"] == "web.webpagedetails.pageViews")


def _outside_event_content(paths: set[str]) -> set[str]:
    # What the page passes to sendEvent (xdm fields, data) differs per site; the envelope must not.
    return {p for p in paths if not p.startswith(("events[].xdm.", "events[].data"))}


def test_web_sdk_body_has_the_envelope_alloy_sends():
    traffic = Traffic(5)
    body = v1_interact_body([_page_view(traffic)], RequestOptions(), ENTRIES, queue_ms=3)
    assert _outside_event_content(body_paths(body)) == _outside_event_content(set(OBSERVED["body_paths"]))
    assert body["events"][0]["query"]["personalization"]["schemas"] == list(WEB_SDK_SCHEMAS)
    assert body["meta"]["state"]["entries"] == [{"key": k, "value": v} for k, v in ENTRIES.items()]


def test_web_sdk_first_call_sends_no_entries_and_no_hint():
    traffic = Traffic(5)
    body = v1_interact_body([_page_view(traffic)], RequestOptions(), {}, queue_ms=0)
    assert "entries" not in body["meta"]["state"]
    assert body["meta"]["state"]["cookiesEnabled"] is True
    assert web_sdk.interact_path(None) == "/ee/v1/interact"
    assert path_template(web_sdk.interact_path("va6")) == "/ee/{hint}/v1/interact"
    assert {path_template(web_sdk.interact_path(h)) for h in (None, "or2")} == set(OBSERVED["path_templates"])


def test_web_sdk_headers_are_a_pages_text_plain_post():
    xdm = {"web": {"webPageDetails": {"URL": "https://www.shop.example/p/1?x=2"}},
           "environment": {"browserDetails": {"userAgent": "Mozilla/5.0 test"}}}  # fmt: skip
    found = web_sdk.headers(xdm)
    assert [content_type_key(found["content-type"])] == OBSERVED["content_types"]
    assert found == {
        "content-type": "text/plain; charset=UTF-8",
        "origin": "https://www.shop.example",
        "referer": "https://www.shop.example/p/1?x=2",
        "user-agent": "Mozilla/5.0 test",
    }
    assert apex_domain("www.shop.example") == "shop.example"


def test_web_sdk_request_is_answered_and_keeps_the_contract_on_the_emulator():
    traffic = Traffic(5)
    event = _page_view(traffic)
    body = v1_interact_body([event], RequestOptions(), ENTRIES, queue_ms=3)
    query = {"configId": DEFAULT_DATASTREAM_ID, "requestId": "0f767be8-d4c9-45ac-9033-5f8fdad0ed2d"}
    headers = web_sdk.headers(event)
    answer = call(make_app(), web_sdk.interact_path("or2"), orjson.dumps(body), query=query,
                  headers={k: v for k, v in headers.items() if k != "content-type"},
                  content_type=headers["content-type"])  # fmt: skip
    assert answer.status == 200
    assert sorted(query) == OBSERVED["query"]
    exchange = Exchange(web_sdk.OPERATION, query, headers, body, answer.status, answer.headers, answer.body)
    assert judge(exchange) == []
    assert urlsplit(headers["referer"]).netloc.endswith(body["meta"]["state"]["domain"])
