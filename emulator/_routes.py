"""The Edge Network's URL space: every operation path, with and without a location-hint segment.

Paths are `/ee/{version}/{action}` and `/ee/{hint}/{version}/{action}`
(https://developer.adobe.com/data-collection-apis/docs/getting-started/location-hints/). The table maps each exact path
to its Route, so routing is one dict lookup and an unknown hint is simply a path not in the table (404 with an empty
body, as the real service answers, https://github.com/adobe/aepsdk-edge-ios). Adding the v1 operations (interact,
collect, identity/acquire, privacy/set-consent, all with `configId`) is one `Operation` row each plus a handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator._config import LOCATION_HINTS

EDGE_PREFIX = "/ee/"
ADMIN_PREFIX = "/_emulator/"


@dataclass(frozen=True, slots=True)
class Operation:
    version: str  # "v2"
    action: str  # "interact", "collect", later "identity/acquire", "privacy/set-consent"
    datastream_params: tuple[str, ...]  # query parameters that may carry the datastream id, in precedence order
    # The operation label shared by checks, Locust names, reports and fault scoping; computed once, as
    # every request reads it.
    label: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", f"POST /ee/{self.version}/{self.action}")


@dataclass(frozen=True, slots=True)
class Route:
    operation: Operation
    hint: str | None  # the location-hint segment, None on the plain path

    @property
    def label(self) -> str:
        return self.operation.label


# The spec names `datastreamId`; Experience League pages and Adobe's samples send `dataStreamId`; one page shows
# `configId` on v2 (Experience League, Edge Network Server API "Personalization"). All are accepted, the spec's name
# first.
_V2_PARAMS = ("datastreamId", "dataStreamId", "configId")

# The Web SDK's API: v1 takes `configId` only (api-reference.yaml: "The v1 APIs use configId"); answers in v1.py.
_V1_PARAMS = ("configId",)

OPERATIONS: tuple[Operation, ...] = (
    Operation("v2", "interact", _V2_PARAMS),
    Operation("v2", "collect", _V2_PARAMS),
    Operation("v1", "interact", _V1_PARAMS),
    Operation("v1", "collect", _V1_PARAMS),
    Operation("v1", "identity/acquire", _V1_PARAMS),
    Operation("v1", "privacy/set-consent", _V1_PARAMS),
)


def build_routes(operations: tuple[Operation, ...] = OPERATIONS) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for op in operations:
        routes[f"{EDGE_PREFIX}{op.version}/{op.action}"] = Route(op, None)
        for hint in LOCATION_HINTS:
            routes[f"{EDGE_PREFIX}{hint}/{op.version}/{op.action}"] = Route(op, hint)
    return routes


ROUTES = build_routes()
