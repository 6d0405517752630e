"""Operation labels: the one identifier shared by checks, Locust `name=`, report rows and emulator faults.

A location-hint path `/ee/{hint}/v2/interact` carries the label of `/ee/v2/interact` (docs/contract.md),
and so does a path with an unknown hint: its 404 is documented for that operation.
"""

from __future__ import annotations

import functools
from typing import Final

INTERACT_V2: Final = "POST /ee/v2/interact"
COLLECT_V2: Final = "POST /ee/v2/collect"
INTERACT_V1: Final = "POST /ee/v1/interact"
COLLECT_V1: Final = "POST /ee/v1/collect"
IDENTITY_ACQUIRE_V1: Final = "POST /ee/v1/identity/acquire"
SET_CONSENT_V1: Final = "POST /ee/v1/privacy/set-consent"

LABELS: Final = (INTERACT_V2, COLLECT_V2, INTERACT_V1, COLLECT_V1, IDENTITY_ACQUIRE_V1, SET_CONSENT_V1)

# "v2/interact" -> label: the part of the path after `/ee/` and the optional hint segment.
_BY_TAIL: Final = {label.removeprefix("POST /ee/"): label for label in LABELS}


@functools.cache
def location_hints() -> tuple[str, ...]:
    """The valid Edge Network location hints: the enum of the contract's `locationHint` path parameter.

    The contract document is their one statement (https://developer.adobe.com/data-collection-apis/docs/
    getting-started/location-hints/).
    """
    # Lazy: reading and parsing the document (YAML) waits for the first hint that needs checking.
    from contracts._schemas import load_document

    return tuple(load_document()["components"]["parameters"]["locationHint"]["schema"]["enum"])


def label_for(method: str, path: str) -> str | None:
    """The operation label of a request, or None when the contract does not describe it.

    `path` may carry a query string; a hint segment (valid or not) between `/ee/` and the version is ignored.
    """
    if method.upper() != "POST" or not path.startswith("/ee/"):
        return None
    tail = path[4:].partition("?")[0].rstrip("/")
    label = _BY_TAIL.get(tail)
    if label is None:
        hint, _, rest = tail.partition("/")
        label = _BY_TAIL.get(rest) if hint else None
    return label


def hint_of(path: str) -> str | None:
    """The location-hint segment of a path (valid or not), or None for a path without one."""
    tail = path[4:].partition("?")[0] if path.startswith("/ee/") else ""
    first, _, rest = tail.partition("/")
    return first if rest in _BY_TAIL else None


def hinted_path(label: str, hint: str | None = None) -> str:
    """The URL path of an operation, with a location hint when one is given."""
    tail = label.removeprefix("POST /ee/")
    return f"/ee/{hint}/{tail}" if hint else f"/ee/{tail}"
