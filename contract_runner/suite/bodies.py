"""Request bodies of the functional cases, shaped like the documentation's examples.

A server datastream needs one identity marked primary (EXEG-0306-400 otherwise)
[https://experienceleague.adobe.com/en/docs/experience-platform/collection/visitor-identification/visitor-identification-fpid];
the FPID below is the documentation's example value.
"""

from __future__ import annotations

from typing import Any

FPID = "4b5f2c76-9e3b-4c1f-8d2a-7f0e6b3c9a10"


def xdm_event(fpid: str = FPID, *, primary: bool = True) -> dict[str, Any]:
    return {
        "eventType": "web.webpagedetails.pageViews",
        "timestamp": "2026-07-01T12:00:00.000Z",
        "identityMap": {"FPID": [{"id": fpid, "authenticatedState": "ambiguous", "primary": primary}]},
        "web": {"webPageDetails": {"URL": "https://edgeload.example/", "name": "home"}},
    }


def interact(*, primary: bool = True, **extra: Any) -> dict[str, Any]:
    """v2 interact: one `event` [DCAPI endpoints/interact/index.md]."""
    return {"event": {"xdm": xdm_event(primary=primary), "data": {"prop1": "custom value"}}, **extra}


def events(count: int, *, primary: bool = True) -> dict[str, Any]:
    """v2 collect and v1 bodies: an `events` array."""
    return {"events": [{"xdm": xdm_event(f"{FPID[:-2]}{index:02d}", primary=primary)} for index in range(count)]}


def personalization() -> dict[str, Any]:
    """Ask for an ECID and decisions (docs/emulator.md: identity:result, personalization:decisions)."""
    return {"identity": {"fetch": ["ECID"]}, "personalization": {"decisionScopes": ["__view__", "serverapimbox"]}}


def identity_acquire() -> dict[str, Any]:
    return {"query": {"identity": {"fetch": ["ECID"]}}}


def consent() -> dict[str, Any]:
    """Adobe 2.0 consent, as the Web SDK's setConsent sends it."""
    return {"consent": [{"standard": "Adobe", "version": "2.0", "value": {"collect": {"val": "y"}}}],
            "identityMap": {"FPID": [{"id": FPID, "primary": True}]}}
