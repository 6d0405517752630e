"""The persona registry: each traffic persona's name, what it sends and its default share of the users.

Locust-free on purpose: `edgeload run` checks `--persona-weights` and writes its help before any Locust process
starts (importing Locust monkey-patches the process), so these facts cannot live on the Locust class. The behaviour
of a persona is its `EdgeUser` class in loadtests._users, which names its entry here (`persona = "forwarder"`):
naming it registers the class as the persona's user with the entry's weight, and the default locustfile runs the
user of every entry. Adding a persona is this entry and that class (docs: contributing, "Add a persona").
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["PERSONAS", "Persona", "default_weights"]


@dataclass(frozen=True, slots=True)
class Persona:
    name: str  # the name in --persona-weights and on the `EdgeUser` class
    sends: str  # what it sends, for --help
    weight: float  # its default relative weight (Locust's `weight`)


PERSONAS: Final = MappingProxyType({persona.name: persona for persona in (
    Persona("forwarder", "server-side v2 interact", 6),
    Persona("visitor", "browser-like v1 interact, keeps state", 3),
    Persona("collector", "v2 collect batches", 1),
)})


def default_weights() -> str:
    """The default of --persona-weights: `forwarder=6,visitor=3,collector=1`."""
    return ",".join(f"{persona.name}={persona.weight:g}" for persona in PERSONAS.values())
