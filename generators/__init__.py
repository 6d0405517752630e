"""Realistic, reproducible, fast XDM traffic: Faker Providers (`generators.seeded_faker`) and the pooled
fast path (`generators.Traffic`). Imports only the standard library and Faker (docs/architecture.md)."""

# The public API: what other packages may import from this one (tests/test_public_api.py pins it).
from __future__ import annotations

from generators._bodies import page_url
from generators._cli import build_parser, main
from generators._factory import seeded_faker
from generators._traffic import Traffic, worker_seed

__all__ = [
    "Traffic",
    "build_parser",
    "main",
    "page_url",
    "seeded_faker",
    "worker_seed",
]
