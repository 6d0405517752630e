"""One constructor for a seeded Faker with every edgeload provider."""

from __future__ import annotations

from faker import Faker

from generators._providers import PROVIDERS

# One locale: each extra locale costs construction time, and our coherent tables carry the locale anyway.
LOCALE = "en_US"


def seeded_faker(seed: int) -> Faker:
    """A Faker whose every provider draws from one generator seeded with `seed` (`fake.seed_instance`)."""
    fake = Faker(LOCALE)
    fake.seed_instance(seed)
    for provider in PROVIDERS:
        fake.add_provider(provider)
    return fake
