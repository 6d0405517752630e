"""Seeded identifiers: request UUIDs, the requestId entropy suffix and fresh ECIDs.

Every identifier the emulator invents comes from one `random.Random`, so a run under `--seed N` answers the same
sequence of requests with the same ids. `uuid.uuid4()` would read the OS.
"""

from __future__ import annotations

import random

ECID_DIGITS = 38  # an ECID is 38 decimal digits (identity:result in tests/reference/samples)
ECID_MODULUS = 10**ECID_DIGITS


# Version 4 in bits 76-79 and variant 0b10 in bits 62-63 of a UUID's 128 (RFC 9562 §5.4), set on the integer: it
# then becomes text with bytes.hex, half the cost of f"{:032x}". The same masks serve `request_id`'s wider draw,
# whose low 128 bits are the UUID.
_NOT_VERSION_VARIANT = ~((0xF << 76) | (0x3 << 62))
_VERSION_VARIANT = (0x4 << 76) | (0x2 << 62)


class IdSource:
    """Identifiers drawn from a seeded generator; `reseed` restores the state right after construction."""

    __slots__ = ("_bits", "_rng", "_seed")

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._rng = random.Random(seed)
        self._bits = self._rng.getrandbits

    def reseed(self) -> None:
        self._rng.seed(self._seed)

    def uuid(self) -> str:
        """A version-4 UUID string (the random layout of RFC 9562 §5.4) from the seeded generator."""
        text = (self._bits(128) & _NOT_VERSION_VARIANT | _VERSION_VARIANT).to_bytes(16, "big").hex()
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def entropy(self) -> str:
        """The 16 lowercase hex characters Edge appends to every requestId since 2026-06 (docs/emulator.md)."""
        return f"{self._bits(64):016x}"

    def request_id(self, sent: str | None) -> str:
        """The response requestId: `sent` (else a new UUID) + "-" + entropy, the same as `uuid()` then `entropy()`.

        Without `sent`, one 192-bit draw serves both: `getrandbits` fills an integer with 32-bit words from the
        least significant end, so its low 128 bits are what `getrandbits(128)` would have returned and its high 64
        bits what the next `getrandbits(64)` would have: the same ids under a seed, for one draw and one format.
        """
        if sent:
            return sent + "-" + self._bits(64).to_bytes(8, "big").hex()
        text = (self._bits(192) & _NOT_VERSION_VARIANT | _VERSION_VARIANT).to_bytes(24, "big").hex()
        return f"{text[16:24]}-{text[24:28]}-{text[28:32]}-{text[32:36]}-{text[36:]}-{text[:16]}"

    def ecid(self) -> str:
        """A fresh 38-digit ECID for a visitor the request does not identify."""
        return str(self._bits(128) % ECID_MODULUS).zfill(ECID_DIGITS)  # zfill: half the cost of f"{:038d}"
