"""The Edge's 207: a success whose body also carries non-fatal `errors[]`/`warnings[]` items.

"207 Multi-Status" answers a request one of whose upstream services (Target, the identity service ...) failed in a
non-fatal way; the answer is otherwise complete
[https://developer.adobe.com/data-collection-apis/docs/getting-started/troubleshooting/, "Non-fatal errors"]. A 207 that
keeps the contract is therefore a success wherever a 200 is expected, in the contract suite as under load; reports name
the EXEG codes of its items (`EXEG-0201-503`: an upstream service did not answer in time).
"""

from __future__ import annotations

from typing import Final

import orjson

MULTI_STATUS: Final = 207
_ITEM_LISTS: Final = ("errors", "warnings")


def nonfatal_codes(body: bytes | object) -> list[str]:
    """The EXEG codes of a body's `errors[]` and `warnings[]` items (the last segment of each `type` URL)."""
    if isinstance(body, bytes):
        try:
            body = orjson.loads(body)
        except orjson.JSONDecodeError:
            return []
    if not isinstance(body, dict):
        return []
    codes: list[str] = []
    for key in _ITEM_LISTS:
        items = body.get(key)
        for item in items if isinstance(items, list) else ():
            kind = item.get("type") if isinstance(item, dict) else None
            if isinstance(kind, str) and kind:
                codes.append(kind.rstrip("/").rsplit("/", 1)[-1][:40])
    return codes


def accepts(expected: int, status: int) -> bool:
    """Whether `status` meets an expected status: the same, or a 207 where a 200 is expected."""
    return status == expected or (expected == 200 and status == MULTI_STATUS)
