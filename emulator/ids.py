"""Seeded identifiers: request UUIDs, the requestId entropy suffix and fresh ECIDs.

Every identifier the emulator invents comes from one `random.Random`, so a run under `--seed N` answers the same
sequence of requests with the same ids (issue 2, "Deterministic under a seed"). `uuid.uuid4()` would read the OS.
"""

from __future__ import annotations

import random

ECID_DIGITS = 38  # an ECID is 38 decimal digits (EDGE-API.md §3 identity:result; the samples' ids)
ECID_MODULUS = 10**ECID_DIGITS


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


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
        # Version nibble 4 and variant bits 10 set on the hex text: cheaper than masking a 128-bit int.
        text = f"{self._bits(128):032x}"
        variant = _VARIANT[text[16]]
        return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-{text[20:]}"

    def entropy(self) -> str:
        """The 16 lowercase hex characters Edge appends to every requestId since 2026-06 (EDGE-API.md §2)."""
        return f"{self._bits(64):016x}"

    def ecid(self) -> str:
        """A fresh 38-digit ECID for a visitor the request does not identify."""
        return f"{self._bits(128) % ECID_MODULUS:038d}"
