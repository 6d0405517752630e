"""Realistic, reproducible, fast XDM traffic: Faker Providers (`generators.factory.seeded_faker`) and the pooled
fast path (`generators.traffic.Traffic`). Imports only the standard library and Faker (docs/architecture.md)."""
