"""`fake.identity_*`: ECID, FPID, hashed e-mail and CRM ids, and whole identityMaps with one primary item."""

from __future__ import annotations

import random

from faker.providers import BaseProvider

from generators._identities import IDENTITY_KINDS, ecid_from, email_lc_sha256, identity_map, sha256_hex, uuid4_from
from generators._payloads import IdentityMap


class IdentityProvider(BaseProvider):
    def _rng(self) -> random.Random:
        rng: random.Random = self.generator.random
        return rng

    def identity_ecid(self) -> str:
        """A 38-digit Experience Cloud ID."""
        return ecid_from(self._rng())

    def identity_fpid(self) -> str:
        """A first-party device id: a version-4 UUID from the seeded generator."""
        return uuid4_from(self._rng())

    def identity_email_sha256(self, email: str | None = None) -> str:
        """`Email_LC_SHA256`: SHA-256 hex of the lower-cased address (a fresh fake one if none is given)."""
        return email_lc_sha256(email if email is not None else str(self.generator.free_email()))

    def identity_crm_id(self) -> str:
        """A customer number as the store's CRM would print it (raw: hash it before sending)."""
        return f"C{self._rng().randrange(10**9):09d}"

    def identity_crm_hash(self, crm_id: str | None = None) -> str:
        """The SHA-256 hex of a CRM customer number, as sent in the `CRMID` namespace."""
        return sha256_hex(crm_id if crm_id is not None else self.identity_crm_id())

    def identity_kind(self) -> str:
        kinds = [k for k, _ in IDENTITY_KINDS]
        return self._rng().choices(kinds, weights=[w for _, w in IDENTITY_KINDS])[0]

    def identity_map(self, kind: str | None = None) -> IdentityMap:
        """An identityMap of a visitor of `kind` (anonymous, first-party, authenticated); one item is primary."""
        return identity_map(
            kind if kind is not None else self.identity_kind(),
            ecid=self.identity_ecid(), fpid=self.identity_fpid(), email=str(self.generator.free_email()),
            crm_id=self.identity_crm_id(),
        )
