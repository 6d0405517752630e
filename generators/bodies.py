"""Whole request bodies around events: v2 interact, v2 collect and v1 interact (tests/reference/adobe-openapi.json).

`event.data` is free-form for the Edge Network but Adobe's OpenAPI types it as string arrays; ours keep to the
stricter form and label the traffic as synthetic. Personalization is requested on page views only, as the Web
SDK does on a page's first event; the decision scopes and surfaces must be ones the target datastream knows, so
they are settings (the emulator's default datastream knows the defaults below).
"""

from __future__ import annotations

from dataclasses import dataclass

from generators.events import KIND_OF_TYPE, PAGE_VIEW
from generators.payloads import (
    CollectBody,
    EventData,
    EventQuery,
    InteractBody,
    SingleEvent,
    V1InteractBody,
    XdmEvent,
)

DEFAULT_DECISION_SCOPES = ("__view__",)  # `__view__`: Target's global (VEC) scope
DEFAULT_SURFACES = ("web://example.com/#hero",)  # an AJO surface URI on the fictional site


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


def v1_interact_body(events: list[XdmEvent], options: RequestOptions) -> V1InteractBody:
    body: V1InteractBody = {"events": [single(event) for event in events]}
    query = query_for(events, options)
    if query is not None:
        body["query"] = query
    if options.state_domain is not None:
        body["meta"] = {"state": {"domain": options.state_domain, "entries": []}}
    return body
