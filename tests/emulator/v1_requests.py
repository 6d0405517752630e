"""Requests shaped like the Web SDK's v1 calls (tests/clients/observed_v1_requests.json), for the v1 tests."""

from __future__ import annotations

from typing import Any

from emulator._app import EmulatorApp
from emulator._config import WEB_DATASTREAM_ID, Settings, load_datastreams
from tests.emulator.asgi_client import Answer, FakeClock, call

WEB_ID = WEB_DATASTREAM_ID
PREFIX = "kndctr_53A16ACB5CC1D3760A495C99_AdobeOrg_"
REQUEST_ID = "0f767be8-d4c9-45ac-9033-5f8fdad0ed2d"
TEXT_PLAIN = "text/plain; charset=UTF-8"  # what alloy sends on every v1 call
KNOWN_ECID = "34073347390048589494398436832271910061"


def make_web_app() -> EmulatorApp:
    """An emulator with the shipped datastreams, the Web SDK's client-side one among them."""
    return EmulatorApp(Settings(datastreams=load_datastreams(), seed=7), clock=FakeClock())


def event(scopes: list[str] | None = None, **xdm: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"xdm": {"eventType": "web.webpagedetails.pageViews", **xdm}}
    if scopes is not None:
        found["query"] = {"personalization": {"decisionScopes": scopes, "schemas": [], "surfaces": []}}
    return found


def body(*events: dict[str, Any], entries: list[dict[str, str]] | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"domain": "site.test", "cookiesEnabled": True}
    if entries is not None:
        state["entries"] = entries
    return {"events": list(events), "query": {"identity": {"fetch": ["ECID"]}}, "meta": {"state": state}}


def post(app: EmulatorApp, action: str, document: object, hint: str | None = None, **query: str) -> Answer:
    path = f"/ee/{hint}/v1/{action}" if hint else f"/ee/v1/{action}"
    query = {"configId": WEB_ID, "requestId": REQUEST_ID, **query}
    return call(app, path, document, query=query, content_type=TEXT_PLAIN)


def handles(answer: Answer) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for handle in answer.json()["handle"]:
        found.setdefault(handle["type"], []).append(handle)
    return found


def stored(answer: Answer) -> dict[str, str]:
    return {item["key"]: item["value"] for h in handles(answer)["state:store"] for item in h["payload"]}
