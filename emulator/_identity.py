"""Visitor identity: which ECID a request belongs to, and the `kndctr_{org}_identity` state that carries it.

The real Edge Network keeps a visitor's ECID stable across calls: from an ECID sent in `identityMap`, from the identity
state it handed out earlier (`meta.state.entries`,
https://experienceleague.adobe.com/en/docs/experience-platform/collection/client-state), or from the device's primary
identity (FPID,
https://experienceleague.adobe.com/en/docs/experience-platform/collection/visitor-identification/visitor-identification-fpid).
The emulator derives the ECID from those by hashing, so the same identity always gets the same ECID without storing
anything. The state value is URL-safe base64 of a protobuf `Identity { string ecid = 1; }`
(https://github.com/adobe/alloy); real values carry more fields after field 1, which we skip.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from emulator._ids import ECID_DIGITS, ECID_MODULUS

_FIELD_1_STRING = 0x0A  # protobuf tag: field number 1, wire type 2 (length-delimited)


# Per org, a BLAKE2b state that has already absorbed "{org}\0": copying it costs half of starting afresh. Orgs are
# the configured datastreams' few, so this never grows with traffic (bounded all the same).
_ORG_HASHES: dict[str, hashlib.blake2b] = {}


def ecid_for(org_id: str, namespace: str, identity: str) -> str:
    """The ECID this org gives to `identity` in `namespace`: a 38-digit hash, stable across runs and seeds."""
    seeded = _ORG_HASHES.get(org_id)
    if seeded is None:
        seeded = hashlib.blake2b(f"{org_id}\x00".encode(), digest_size=16)
        if len(_ORG_HASHES) < 64:
            _ORG_HASHES[org_id] = seeded
    hashed = seeded.copy()
    hashed.update(f"{namespace}\x00{identity}".encode())  # the same bytes as hashing the whole text at once
    return str(int.from_bytes(hashed.digest(), "big") % ECID_MODULUS).zfill(ECID_DIGITS)  # half f"{:038d}"'s cost


_ECID_STATE_PREFIX = bytes((_FIELD_1_STRING, ECID_DIGITS))
_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_identity_state(ecid: str) -> str:
    return identity_state_bytes(ecid).decode("ascii")


def identity_state_bytes(ecid: str) -> bytes:
    """`encode_identity_state` as ASCII bytes, ready to go into a serialised answer (handles.interact_body)."""
    raw = ecid.encode("ascii")
    # binascii directly: base64.urlsafe_b64encode is this plus two Python-level calls (twice the cost).
    prefix = _ECID_STATE_PREFIX if len(raw) == ECID_DIGITS else bytes((_FIELD_1_STRING, len(raw)))
    return binascii.b2a_base64(prefix + raw, newline=False).translate(_URL_SAFE)


def decode_identity_state(value: str) -> str | None:
    """The ECID inside an identity state value, or None when it is not one (never raises on bad input)."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) < 2 + ECID_DIGITS or raw[0] != _FIELD_1_STRING or raw[1] != ECID_DIGITS:
        return None
    ecid = raw[2 : 2 + ECID_DIGITS]
    return ecid.decode("ascii") if ecid.isdigit() else None


def _is_ecid(value: object) -> bool:
    # isascii: str.isdigit also accepts other scripts' digits ("١"), which the identity state cannot encode.
    return isinstance(value, str) and len(value) == ECID_DIGITS and value.isascii() and value.isdigit()


def primary_identity(xdm: object) -> tuple[str, str] | None:
    """(namespace, id) of the first `identityMap` item with `primary: true` and a non-empty string id."""
    identity_map = xdm.get("identityMap") if isinstance(xdm, dict) else None
    if not isinstance(identity_map, dict):
        return None
    for namespace, items in identity_map.items():
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and item.get("primary") is True:
                    ident = item.get("id")
                    if isinstance(ident, str) and ident:
                        return namespace, ident
    return None


def _any_identity(identity_map: dict[str, object]) -> tuple[str, str] | None:
    for namespace, items in identity_map.items():
        if isinstance(items, list):
            for item in items:
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str) and ident:
                    return namespace, ident
    return None


def _state_ecid(meta: object, state_key: str) -> str | None:
    state = meta.get("state") if isinstance(meta, dict) else None
    entries = state.get("entries") if isinstance(state, dict) else None
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and entry.get("key") == state_key:
            value = entry.get("value")
            return decode_identity_state(value) if isinstance(value, str) else None
    return None


def known_ecid(
    org_id: str, xdm: object, meta: object, state_key: str, primary: tuple[str, str] | None = None
) -> str | None:
    """The visitor's ECID if the request identifies the visitor, else None (the caller mints a fresh one).

    Precedence follows visitor-identification-ecid.md / -fpid.md: an ECID sent in `identityMap` wins, then the
    identity state from an earlier response, then one derived from the primary (or any) identity. `primary`,
    when the caller already found it, saves looking again.
    """
    identity_map = xdm.get("identityMap") if isinstance(xdm, dict) else None
    if isinstance(identity_map, dict):
        items = identity_map.get("ECID")
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and _is_ecid(item.get("id")):
                    return str(item["id"])
    from_state = _state_ecid(meta, state_key) if meta is not None else None  # most requests send no meta
    if from_state is not None:
        return from_state
    if isinstance(identity_map, dict):
        found = primary or primary_identity(xdm) or _any_identity(identity_map)
        if found is not None:
            return ecid_for(org_id, found[0], found[1])
    return None
