"""Single events of every kind, from a site, a source of visitors and a seeded `random.Random`.

The Faker Providers and the fast `Traffic` both compose through this class, so they share every table and
every shape; they differ only in where visitors come from (fresh from Faker, or drawn from a pool built once)
and in which `random.Random` drives the choices (Faker's own seeded one, or a private one).

`KINDS` is the registry of event kinds, keyed by name from the kinds `generators._events` declares (each next to its
builder: the XDM `eventType` it produces, its default share of the mix and the function that makes it); the CLI's
choices, the mix and the bodies' `data.kind` all read it (docs: contributing, "Add an event kind").
"""

from __future__ import annotations

import random
from collections.abc import Callable
from types import MappingProxyType
from typing import Final

from generators import _events as events
from generators._catalog import NAV_REGIONS, OUTBOUND_LINKS, PAYMENT_TYPES
from generators._clock import DEFAULT_START, epoch_ms
from generators._identities import uuid4_from
from generators._payloads import ProductListItem, XdmEvent
from generators._site import Page, Product, Site
from generators._visitors import Visitor

# Milliseconds between two independent events on the virtual clock (mean 200 ms: 5 events per second).
_GAP_MS = (1, 400)


class Composer:
    def __init__(self, rng: random.Random, site: Site, visitor: Callable[[], Visitor], *, start_ms: int | None = None):
        self.rng = rng
        self.site = site
        self.visitor = visitor
        self.now_ms = epoch_ms(DEFAULT_START) if start_ms is None else start_ms
        self._browsable = site.browsable
        self._non_product = (site.home, *site.categories, *site.content, *site.searches)

    # --- building blocks -------------------------------------------------------------------------------------

    def tick(self) -> int:
        """Advance the virtual clock by one inter-event gap and return the new instant."""
        self.now_ms += self.rng.randrange(*_GAP_MS)
        return self.now_ms

    def uuid(self) -> str:
        return uuid4_from(self.rng)

    def page(self) -> Page:
        return self._browsable[self.rng.randrange(len(self._browsable))]

    def content_page(self) -> Page:
        return self._non_product[self.rng.randrange(len(self._non_product))]

    def product(self) -> Product:
        return self.site.products[self.rng.randrange(len(self.site.products))]

    def quantity(self) -> int:
        return 1 if self.rng.random() < 0.8 else self.rng.randint(2, 3)  # invented: most adds are one item

    def basket(self) -> list[ProductListItem]:
        return [events.line_item(self.product(), self.quantity()) for _ in range(self.rng.randint(1, 3))]

    def purchase_id(self) -> str:
        return f"ORD-{self.rng.randrange(10**8, 10**9)}"

    def payment_type(self) -> str:
        return PAYMENT_TYPES[self.rng.randrange(len(PAYMENT_TYPES))]

    def click(self, on: Page, visitor: Visitor, ms: int, *, outbound: bool) -> XdmEvent:
        """A link click on `on`: to another of our pages, or out (exit link or download)."""
        if outbound:
            kind, name, url, region = OUTBOUND_LINKS[self.rng.randrange(len(OUTBOUND_LINKS))]
            target = events.link(kind, name, url, region)
        else:
            page = self.page()
            target = events.link("other", f"nav:{page.name}", page.url, NAV_REGIONS[self.rng.randrange(4)])
        return events.link_click(self.uuid(), ms, visitor, on.details, target)

    # --- one event of each kind ------------------------------------------------------------------------------
    # Named for the Providers and `Traffic`; a kind added since is made by `event(kind)` alone.

    def page_view(self) -> XdmEvent:
        return self.event("page-view")

    def link_click(self) -> XdmEvent:
        return self.event("link-click")

    def product_view(self) -> XdmEvent:
        return self.event("product-view")

    def add_to_cart(self) -> XdmEvent:
        return self.event("add-to-cart")

    def checkout(self) -> XdmEvent:
        return self.event("checkout")

    def purchase(self) -> XdmEvent:
        return self.event("purchase")

    def event(self, kind: str) -> XdmEvent:
        """One event of a kind named as in the CLI (`page-view`, `link-click`, ...)."""
        found = KINDS.get(kind)
        if found is None:
            raise ValueError(f"unknown event kind {kind!r}; choose one of {', '.join(EVENT_KINDS)}")
        return found.make(self)


KINDS: Final = MappingProxyType({kind.name: kind for kind in events.DECLARED})
EVENT_KINDS: Final = tuple(KINDS)
KIND_OF_TYPE: Final = MappingProxyType({kind.event_type: name for name, kind in KINDS.items()})
