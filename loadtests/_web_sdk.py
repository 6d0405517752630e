"""Requests shaped exactly as Adobe's Web SDK sends them: the browser-like persona's v1 calls.

The shapes are what alloy 2.33.1 was seen sending from headless Chromium in tests/clients (recorded in
tests/clients/observed_v1_requests.json, which a test keeps in step with the real client):

- `POST /ee/v1/interact` on a visitor's first call, `/ee/{hint}/v1/interact` once a `kndctr_{org}_cluster` entry
  is stored; query `configId` and `requestId` (a UUID), nothing else;
- headers `Content-Type: text/plain; charset=UTF-8` (alloy's fetch; no preflight), the page's `Origin` and
  `Referer`, the browser's `User-Agent`;
- the body is the generators' one v1 builder (generators._bodies.v1_interact_body), so that `edgeload generate`
  prints what this persona sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from contracts import INTERACT_V1, hinted_path
from generators import page_url

OPERATION = INTERACT_V1
CONTENT_TYPE = "text/plain; charset=UTF-8"


def interact_path(hint: str | None) -> str:
    return hinted_path(INTERACT_V1, hint)


def headers(xdm: Mapping[str, Any]) -> dict[str, str]:
    found = {"content-type": CONTENT_TYPE}
    url = page_url(xdm)
    if url is not None:
        split = urlsplit(url)
        found["origin"] = f"{split.scheme}://{split.netloc}"
        found["referer"] = url
    agent = ((xdm.get("environment") or {}).get("browserDetails") or {}).get("userAgent")
    if isinstance(agent, str) and agent:
        found["user-agent"] = agent
    return found
