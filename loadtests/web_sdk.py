"""Requests shaped exactly as Adobe's Web SDK sends them: the browser-like persona's v1 calls.

The shapes are what alloy 2.33.1 was seen sending from headless Chromium in tests/clients (recorded in
tests/clients/observed_v1_requests.json, which a test keeps in step with the real client):

- `POST /ee/v1/interact` on a visitor's first call, `/ee/{hint}/v1/interact` once a `kndctr_{org}_cluster` entry
  is stored; query `configId` and `requestId` (a UUID), nothing else;
- headers `Content-Type: text/plain; charset=UTF-8` (alloy's fetch; no preflight), the page's `Origin` and
  `Referer`, the browser's `User-Agent`;
- body `{"events": [{"xdm", "data"?, "query"?: {"personalization": {schemas, decisionScopes, surfaces}}}],
  "query": {"identity": {"fetch": ["ECID"]}}, "meta": {"queueTimeMillis", "state": {"domain", "cookiesEnabled",
  "entries"?}}}`: personalization is asked per event, identity per request, stored entries sent back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

OPERATION = "POST /ee/v1/interact"
CONTENT_TYPE = "text/plain; charset=UTF-8"
# The schemas alloy 2.33.1 lists in every personalization query (its default, in this order).
SCHEMAS = (
    "https://ns.adobe.com/personalization/default-content-item",
    "https://ns.adobe.com/personalization/html-content-item",
    "https://ns.adobe.com/personalization/json-content-item",
    "https://ns.adobe.com/personalization/redirect-item",
    "https://ns.adobe.com/personalization/ruleset-item",
    "https://ns.adobe.com/personalization/message/in-app",
    "https://ns.adobe.com/personalization/message/content-card",
    "https://ns.adobe.com/personalization/dom-action",
)


def interact_path(hint: str | None) -> str:
    return f"/ee/{hint}/v1/interact" if hint else "/ee/v1/interact"


def _page_url(xdm: Mapping[str, Any]) -> str | None:
    details = (xdm.get("web") or {}).get("webPageDetails") or {}
    url = details.get("URL")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def apex_domain(host: str) -> str:
    """The registrable domain alloy reports as `meta.state.domain` (it probes cookie writes from the top down).

    Two labels stand in for the public-suffix probe: `www.example.com` -> `example.com`.
    """
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else host


def headers(xdm: Mapping[str, Any]) -> dict[str, str]:
    found = {"content-type": CONTENT_TYPE}
    url = _page_url(xdm)
    if url is not None:
        split = urlsplit(url)
        found["origin"] = f"{split.scheme}://{split.netloc}"
        found["referer"] = url
    agent = ((xdm.get("environment") or {}).get("browserDetails") or {}).get("userAgent")
    if isinstance(agent, str) and agent:
        found["user-agent"] = agent
    return found


def interact_body(v2_body: Mapping[str, Any], entries: Mapping[str, str], queue_ms: int) -> dict[str, Any]:
    """The v1 body alloy would send for the event of a generated v2 interact body, with the stored entries."""
    event = dict(v2_body["event"])
    personalization = (v2_body.get("query") or {}).get("personalization")
    if personalization:
        event["query"] = {"personalization": {"schemas": list(SCHEMAS), **personalization}}
    url = _page_url(event.get("xdm") or {})
    state: dict[str, Any] = {"domain": apex_domain(urlsplit(url).hostname or "") if url else "", "cookiesEnabled": True}
    if entries:
        state["entries"] = [{"key": key, "value": value} for key, value in entries.items()]
    return {
        "events": [event],
        "query": {"identity": {"fetch": ["ECID"]}},
        "meta": {"queueTimeMillis": queue_ms, "state": state},
    }
