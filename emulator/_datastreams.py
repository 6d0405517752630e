"""Datastreams: the per-id configuration the real Edge Network looks up for every request.

A datastream (https://experienceleague.adobe.com/en/docs/experience-platform/edge-network-server-api/authentication) has
a UUID id, belongs to one IMS org, can be disabled, has an access type (mixed or authenticated), a set of upstream
services, and, for server datastreams, requires a primary identity on every event. Personalization content is configured
here as propositions keyed by decision scope (Target mbox, `__view__`) or surface (AJO, `web://...`); the response
handles are built in `handles.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from emulator._errors import ConfigError

AccessType = Literal["mixed", "authenticated"]
Provider = Literal["TGT", "AJO"]

# Services a datastream can enable, named after the datastream UI's service list (Experience League
# help/datastreams/configure.md). The count drives request units (guardrails.md: fragments x upstreams).
SERVICES = frozenset(
    {
        "experience_platform",
        "analytics",
        "target",
        "audience_manager",
        "journey_optimizer",
        "offer_decisioning",
        "event_forwarding",
    }
)

_DATASTREAM_KEYS = frozenset(
    {"id", "name", "org_id", "enabled", "access_type", "services", "requires_primary_identity", "propositions"}
)
_PROPOSITION_KEYS = frozenset(
    {"scope", "provider", "activity_id", "activity_name", "experience_id", "experience_name", "items"}
)
_ITEM_KEYS = frozenset({"id", "schema", "data"})


@dataclass(frozen=True, slots=True)
class PropositionItem:
    id: str
    schema: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Proposition:
    """Content returned for one decision scope or surface (`personalization:decisions` handle item)."""

    scope: str
    provider: Provider
    activity_id: str
    activity_name: str
    experience_id: str
    experience_name: str
    items: tuple[PropositionItem, ...]


@dataclass(frozen=True, slots=True)
class Datastream:
    id: str
    name: str
    org_id: str
    enabled: bool
    access_type: AccessType
    services: tuple[str, ...]
    requires_primary_identity: bool
    propositions: tuple[Proposition, ...]

    @property
    def cookie_prefix(self) -> str:
        """`kndctr_{org with @ as _}_`: the prefix of every state:store key (tests/reference/samples)."""
        return "kndctr_" + self.org_id.replace("@", "_") + "_"


def _require(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ConfigError(f"{where}.{key} is missing; add it")
    value = table[key]
    # bool is an int subclass: a boolean where a number belongs is a typo, not a value.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{where}.{key} must be a {kind.__name__}, got {value!r}")
    return value


def _optional(table: Mapping[str, Any], key: str, kind: type, default: Any, where: str) -> Any:
    return _require(table, key, kind, where) if key in table else default


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where} has unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(allowed))}")


def _parse_item(table: object, where: str) -> PropositionItem:
    if not isinstance(table, dict):
        raise ConfigError(f'{where} must be a table like {{ id = "1", schema = "...", data = {{ ... }} }}')
    _check_keys(table, _ITEM_KEYS, where)
    return PropositionItem(
        id=_require(table, "id", str, where),
        schema=_require(table, "schema", str, where),
        data=_optional(table, "data", dict, {}, where),
    )


def _parse_proposition(table: object, where: str) -> Proposition:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table ([[datastreams.propositions]])")
    _check_keys(table, _PROPOSITION_KEYS, where)
    provider = _optional(table, "provider", str, "TGT", where)
    if provider not in ("TGT", "AJO"):
        raise ConfigError(f"{where}.provider must be 'TGT' (Target) or 'AJO' (Journey Optimizer), got {provider!r}")
    items = _require(table, "items", list, where)
    return Proposition(
        scope=_require(table, "scope", str, where),
        provider=provider,
        activity_id=_require(table, "activity_id", str, where),
        activity_name=_optional(table, "activity_name", str, "", where),
        experience_id=_optional(table, "experience_id", str, "0", where),
        experience_name=_optional(table, "experience_name", str, "Experience A", where),
        items=tuple(_parse_item(item, f"{where}.items[{i}]") for i, item in enumerate(items)),
    )


def parse_datastream(table: object, where: str) -> Datastream:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table ([[datastreams]])")
    _check_keys(table, _DATASTREAM_KEYS, where)
    ident = _require(table, "id", str, where)
    try:
        uuid.UUID(ident)
    except ValueError:
        raise ConfigError(f"{where}.id must be a UUID as real datastream ids are, got {ident!r}") from None
    org_id = _require(table, "org_id", str, where)
    if not org_id.endswith("@AdobeOrg") or len(org_id) <= len("@AdobeOrg"):
        raise ConfigError(f"{where}.org_id must look like '53A16ACB5CC1D3760A495C99@AdobeOrg', got {org_id!r}")
    access = _optional(table, "access_type", str, "mixed", where)
    if access not in ("mixed", "authenticated"):
        raise ConfigError(f"{where}.access_type must be 'mixed' or 'authenticated', got {access!r}")
    services = _optional(table, "services", list, [], where)
    for service in services:
        if service not in SERVICES:
            raise ConfigError(f"{where}.services has unknown service {service!r}; known: {', '.join(sorted(SERVICES))}")
    propositions = _optional(table, "propositions", list, [], where)
    return Datastream(
        id=ident.lower(),
        name=_optional(table, "name", str, "", where),
        org_id=org_id,
        enabled=_optional(table, "enabled", bool, True, where),
        access_type=access,
        services=tuple(services),
        requires_primary_identity=_optional(table, "requires_primary_identity", bool, False, where),
        propositions=tuple(_parse_proposition(p, f"{where}.propositions[{i}]") for i, p in enumerate(propositions)),
    )


def parse_datastreams(value: object, where: str) -> dict[str, Datastream]:
    """Parse the `[[datastreams]]` array; ids are unique and compared case-insensitively like UUIDs."""
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: `datastreams` must be a non-empty array of tables ([[datastreams]])")
    result: dict[str, Datastream] = {}
    for index, table in enumerate(value):
        stream = parse_datastream(table, f"{where}: datastreams[{index}]")
        if stream.id in result:
            raise ConfigError(f"{where}: datastreams[{index}].id {stream.id!r} is used twice; ids must be unique")
        result[stream.id] = stream
    return result
