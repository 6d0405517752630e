"""The Web SDK scenarios of docs/clients.md, run unchanged in jsdom and in Chromium (scenarios.mjs executes them).

Each scenario is a fresh visitor (new page, empty cookie jar). Constants name the web datastream the emulator
ships (emulator/_datastreams.toml) and the content configured on it, so the tests compare what alloy returns with
the config; the emulator runs with no configuration file, as a user's would.
"""

from __future__ import annotations

from typing import Any

from emulator._config import DEFAULT_ORG_ID, WEB_DATASTREAM_ID

DATASTREAM_ID = WEB_DATASTREAM_ID
ORG_ID = DEFAULT_ORG_ID
COOKIE_PREFIX = "kndctr_" + ORG_ID.replace("@", "_") + "_"
UNKNOWN_DATASTREAM_ID = "00000000-0000-4000-8000-00000000dead"
TARGET_SCOPE = "hero-banner"
TARGET_ITEM_ID = "301"
AJO_SURFACE = "web://site.test/shop/index.html#offer"
AJO_HEADLINE = "Free returns"
RETRY_AFTER_S = 1
# The slowest step a scenario expects to settle: the retry waits Retry-After (1 s) before its second attempt.
STEP_TIMEOUT_MS = 6000

PAGE_VIEW = {"eventType": "web.webpagedetails.pageViews", "web": {"webPageDetails": {"name": "shop home"}}}
PRODUCT_VIEW = {
    "eventType": "commerce.productViews",
    "commerce": {"productViews": {"value": 1}},
    "productListItems": [{"SKU": "SKU-1001", "name": "Trail shoe", "quantity": 1, "priceTotal": 89.9}],
}


def configure(datastream_id: str = DATASTREAM_ID, **overrides: Any) -> dict[str, Any]:
    # thirdPartyCookiesEnabled false: otherwise alloy's first request goes to an Adobe host (adobedc.demdex.net).
    options = {
        "datastreamId": datastream_id,
        "orgId": ORG_ID,
        "edgeDomain": "edge.test",
        "thirdPartyCookiesEnabled": False,
        "clickCollectionEnabled": False,
        "debugEnabled": True,
        **overrides,
    }
    return {"alloy": "configure", "options": options}


def send_event(xdm: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"alloy": "sendEvent", "options": {"xdm": xdm, **options}, "timeout_ms": STEP_TIMEOUT_MS}


def consent(general: str) -> dict[str, Any]:
    preference = {"standard": "Adobe", "version": "1.0", "value": {"general": general}}
    return {"alloy": "setConsent", "options": {"consent": [preference]}, "timeout_ms": STEP_TIMEOUT_MS}


GET_IDENTITY = {"alloy": "getIdentity", "options": {"namespaces": ["ECID"]}, "timeout_ms": STEP_TIMEOUT_MS}

# Step indexes the tests read results from, named so a reordering fails loudly rather than silently.
VISIT_PAGE_VIEW, VISIT_PRODUCT_VIEW, VISIT_STATS, VISIT_GET_IDENTITY, VISIT_UNLOAD = 1, 2, 3, 4, 5


def web_sdk_scenarios() -> list[dict[str, Any]]:
    return [
        {
            "name": "visit",
            "steps": [
                configure(),
                send_event(
                    PAGE_VIEW,
                    renderDecisions=False,
                    decisionScopes=[TARGET_SCOPE],
                    personalization={"surfaces": ["#offer"]},
                ),
                send_event(PRODUCT_VIEW),
                {"stats": True},  # the emulator's own count, before the beacon (whose answer alloy never awaits)
                GET_IDENTITY,
                send_event({"eventType": "web.webinteraction.linkClicks"}, documentUnloading=True),
            ],
        },
        {"name": "identity-first", "steps": [configure(), GET_IDENTITY]},
        {
            "name": "consent-in",
            "steps": [configure(defaultConsent="pending"), consent("in"), send_event(PAGE_VIEW)],
        },
        {
            "name": "consent-out",
            "steps": [configure(defaultConsent="pending"), consent("out"), send_event(PAGE_VIEW)],
        },
        {
            "name": "retry-503",
            "steps": [
                {"faults": [f"server-error,status=503,retry_after={RETRY_AFTER_S},count=1"]},
                configure(),
                send_event(PAGE_VIEW),
                {"faults": []},
            ],
        },
        {
            "name": "unknown-datastream",
            "steps": [configure(UNKNOWN_DATASTREAM_ID), send_event(PAGE_VIEW)],
        },
    ]
