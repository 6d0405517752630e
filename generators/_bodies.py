"""Whole request bodies around events: v2 interact, v2 collect and v1 interact (tests/reference/adobe-openapi.json).

The v1 interact body is the one the load test's browser persona sends and `edgeload generate --kind
v1-interact-request` prints: the envelope Adobe's Web SDK (alloy 2.33.1) was seen sending, recorded by the
real-client tests (personalization asked per event with alloy's schema list, `query.identity.fetch` per request,
`meta.queueTimeMillis` and `meta.state` with the stored `kndctr_*` entries sent back;
https://github.com/adobe/alloy).

`event.data` is free-form for the Edge Network but Adobe's OpenAPI types it as string arrays; ours keep to the
stricter form and label the traffic as synthetic. Personalization is requested on page views only, as the Web
SDK does on a page's first event; the decision scopes and surfaces must be ones the target datastream knows, so
they are settings (the emulator's default datastream knows the defaults below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from generators._composer import KIND_OF_TYPE
from generators._events import PAGE_VIEW
from generators._payloads import (
    CollectBody,
    EventData,
    EventQuery,
    InteractBody,
    SingleEvent,
    V1Event,
    V1InteractBody,
    V1StateMetadata,
    XdmEvent,
)

DEFAULT_DECISION_SCOPES = ("__view__",)  # `__view__`: Target's global (VEC) scope
DEFAULT_SURFACES = ("web://example.com/#hero",)  # an AJO surface URI on the fictional site
# The schemas alloy 2.33.1 lists in every personalization query (its default, in this order).
WEB_SDK_SCHEMAS = (
    "https://ns.adobe.com/personalization/default-content-item",
    "https://ns.adobe.com/personalization/html-content-item",
    "https://ns.adobe.com/personalization/json-content-item",
    "https://ns.adobe.com/personalization/redirect-item",
    "https://ns.adobe.com/personalization/ruleset-item",
    "https://ns.adobe.com/personalization/message/in-app",
    "https://ns.adobe.com/personalization/message/content-card",
    "https://ns.adobe.com/personalization/dom-action",
)


@dataclass(frozen=True, slots=True)
class RequestOptions:
    decision_scopes: tuple[str, ...] = DEFAULT_DECISION_SCOPES
    surfaces: tuple[str, ...] = DEFAULT_SURFACES
    personalization: bool = True  # ask for decisions on page views
    identity_fetch: bool = False  # add `query.identity.fetch: ["ECID"]`
    state_domain: str | None = None  # send `meta.state.domain` (first-party cookie domain) when set
    collect_batch: int = 10  # events per v2 collect body

    def __post_init__(self) -> None:
        if self.collect_batch < 1:
            raise ValueError(f"collect_batch must be at least 1, got {self.collect_batch}")


def event_data(event: XdmEvent) -> EventData:
    return {"source": ["edgeload"], "kind": [KIND_OF_TYPE.get(event["eventType"], "other")]}


def single(event: XdmEvent) -> SingleEvent:
    return {"xdm": event, "data": event_data(event)}


def query_for(events: list[XdmEvent], options: RequestOptions) -> EventQuery | None:
    query: EventQuery = {}
    if options.identity_fetch:
        query["identity"] = {"fetch": ["ECID"]}
    if options.personalization and any(e["eventType"] == PAGE_VIEW for e in events):
        query["personalization"] = {"decisionScopes": list(options.decision_scopes),
                                    "surfaces": list(options.surfaces)}
    return query or None


def interact_body(event: XdmEvent, options: RequestOptions) -> InteractBody:
    body: InteractBody = {"event": single(event)}
    query = query_for([event], options)
    if query is not None:
        body["query"] = query
    if options.state_domain is not None:
        body["meta"] = {"state": {"domain": options.state_domain, "entries": []}}
    return body


def collect_body(events: list[XdmEvent]) -> CollectBody:
    # Collect is fire-and-forget: no personalization, no identity query (the OpenAPI's BatchV2Event allows
    # a per-event query, but nothing answers it on /collect).
    return {"events": [single(event) for event in events]}


def page_url(xdm: Mapping[str, Any]) -> str | None:
    """The event's page URL when it has an absolute http(s) one (any mapping: the load test reads its events)."""
    details = (xdm.get("web") or {}).get("webPageDetails") or {}
    url = details.get("URL")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def apex_domain(host: str) -> str:
    """The registrable domain alloy reports as `meta.state.domain` (it probes cookie writes from the top down).

    Two labels stand in for the public-suffix probe: `www.example.com` -> `example.com`.
    """
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else host


def v1_event(event: XdmEvent, options: RequestOptions) -> V1Event:
    item: V1Event = {"xdm": event, "data": event_data(event)}
    if options.personalization and event["eventType"] == PAGE_VIEW:
        item["query"] = {"personalization": {"schemas": list(WEB_SDK_SCHEMAS),
                                             "decisionScopes": list(options.decision_scopes),
                                             "surfaces": list(options.surfaces)}}
    return item


def v1_interact_body(events: list[XdmEvent], options: RequestOptions, entries: Mapping[str, str] | None = None,
                     queue_ms: int = 0) -> V1InteractBody:
    """The v1 body alloy sends for `events`, with the visitor's stored `kndctr_*` entries (none on a first call).

    `meta.state.domain` is `options.state_domain` when set, else the apex of the first event's page.
    """
    url = page_url(events[0]) if events else None
    domain = options.state_domain if options.state_domain is not None else (
        apex_domain(urlsplit(url).hostname or "") if url else "")
    state: V1StateMetadata = {"domain": domain, "cookiesEnabled": True}
    if entries:
        state["entries"] = [{"key": key, "value": value} for key, value in entries.items()]
    return {
        "events": [v1_event(event, options) for event in events],
        "query": {"identity": {"fetch": ["ECID"]}},  # alloy asks for the ECID on every interact call
        "meta": {"queueTimeMillis": queue_ms, "state": state},
    }
