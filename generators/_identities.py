"""Visitor identities as the Edge Network knows them, drawn from a seeded `random.Random`.

Namespaces and formats: ECID is a 38-digit string (`identity:result` in
tests/reference/samples/eplen-visitor-ecid-identity-result-response.json); FPID a UUID (Experience League "First-party
device IDs"); `Email_LC_SHA256` the SHA-256 hex of the lower-cased address (Adobe's identity namespace of that name);
`CRMID` here carries the SHA-256 of the store's customer number, so no raw customer number ever leaves. Exactly one item
of an identityMap is `primary`
(https://experienceleague.adobe.com/en/docs/experience-platform/collection/visitor-identification/visitor-identification-fpid;
a server datastream rejects a request without one, EXEG-0306-400).
"""

from __future__ import annotations

import hashlib
import random

from generators._payloads import IdentityItem, IdentityMap

_VERSION_MASK = ~((0xF << 76) | (0x3 << 62))
_VERSION_4 = (0x4 << 76) | (0x2 << 62)  # RFC 9562: version 4, variant 10


def uuid4_from(rng: random.Random) -> str:
    """A version-4 UUID from the seeded generator (never `uuid.uuid4()`, which reads the OS entropy pool)."""
    h = f"{(rng.getrandbits(128) & _VERSION_MASK) | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ecid_from(rng: random.Random) -> str:
    return f"{rng.randrange(10**38):038d}"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def email_lc_sha256(email: str) -> str:
    return sha256_hex(email.strip().lower())


# Identity kinds and their shares (invented: most web visitors are anonymous, a quarter logged in).
IDENTITY_KINDS: tuple[tuple[str, int], ...] = (("anonymous", 60), ("first-party", 15), ("authenticated", 25))


def identity_map(kind: str, *, ecid: str, fpid: str, email: str, crm_id: str) -> IdentityMap:
    """The identityMap a visitor of that kind sends; exactly one item is primary."""
    if kind == "anonymous":
        return {"ECID": [IdentityItem(id=ecid, authenticatedState="ambiguous", primary=True)]}
    if kind == "first-party":
        return {"FPID": [IdentityItem(id=fpid, authenticatedState="ambiguous", primary=True)]}
    if kind == "authenticated":
        # A logged-in visitor: the CRM identity is the person, so it is primary; the device's ECID stays.
        return {
            "CRMID": [IdentityItem(id=sha256_hex(crm_id), authenticatedState="authenticated", primary=True)],
            "Email_LC_SHA256": [
                IdentityItem(id=email_lc_sha256(email), authenticatedState="authenticated", primary=False)
            ],
            "ECID": [IdentityItem(id=ecid, authenticatedState="ambiguous", primary=False)],
        }
    raise ValueError(f"unknown identity kind {kind!r}; choose one of {[k for k, _ in IDENTITY_KINDS]}")
