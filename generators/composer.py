"""Single events of every kind, from a site, a source of visitors and a seeded `random.Random`.

The Faker Providers and the fast `Traffic` both compose through this class, so they share every table and
every shape; they differ only in where visitors come from (fresh from Faker, or drawn from a pool built once)
and in which `random.Random` drives the choices (Faker's own seeded one, or a private one).

`KINDS` is the registry of event kinds: each entry carries the XDM `eventType` it produces, its default share of the
mix and the method that makes it; the CLI's choices, the mix and the bodies' `data.kind` all read it (docs:
contributing, "Adding an event kind").
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from generators import events
from generators.catalog import NAV_REGIONS, OUTBOUND_LINKS, PAYMENT_TYPES
from generators.clock import DEFAULT_START, epoch_ms
from generators.identities import uuid4_from
from generators.payloads import Cart, ProductListItem, XdmEvent
from generators.site import Page, Product, Site, arrival
from generators.visitors import Visitor

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

    def page_view(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        if self.rng.random() < 0.5:  # half are the first page of a visit, half a page read during one
            came = arrival(self.rng, self.site, visitor.place.country)
            return events.page_view(self.uuid(), ms, visitor, came.landing, came.referrer, came.marketing)
        return events.page_view(self.uuid(), ms, visitor, self.content_page().viewed, self.page().as_referrer)

    def link_click(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        return self.click(self.page(), visitor, ms, outbound=self.rng.random() < 0.4)

    def product_view(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        referrer = self.site.categories[self.rng.randrange(len(self.site.categories))].as_referrer
        return events.product_view(self.uuid(), ms, visitor, self.product(), referrer)

    def add_to_cart(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        cart = Cart(cartID=self.uuid(), cartSource="product-detail")
        return events.add_to_cart(self.uuid(), ms, visitor, self.product(), self.quantity(), cart)

    def checkout(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        site = self.site
        return events.checkout(self.uuid(), ms, visitor, site.checkout.viewed, self.basket(), site.cart.as_referrer)

    def purchase(self) -> XdmEvent:
        visitor, ms = self.visitor(), self.tick()
        items = self.basket()
        placed = events.order(self.purchase_id(), self.uuid(), self.payment_type(), items)
        site = self.site
        return events.purchase(self.uuid(), ms, visitor, site.confirmation.viewed, items, placed,
                               site.checkout.as_referrer)

    def event(self, kind: str) -> XdmEvent:
        """One event of a kind named as in the CLI (`page-view`, `link-click`, ...)."""
        found = KINDS.get(kind)
        if found is None:
            raise ValueError(f"unknown event kind {kind!r}; choose one of {', '.join(EVENT_KINDS)}")
        return found.make(self)


@dataclass(frozen=True, slots=True)
class EventKind:
    event_type: str  # XDM `eventType`, from the time-series `meta:enum`
    weight: float  # default share of the mix (generators.mix)
    make: Callable[[Composer], XdmEvent]


# Default shares: page views dominate, the funnel narrows (invented, shaped like retail analytics reports).
KINDS: Final = MappingProxyType({
    "page-view": EventKind(events.PAGE_VIEW, 60, Composer.page_view),
    "link-click": EventKind(events.LINK_CLICK, 15, Composer.link_click),
    "product-view": EventKind(events.PRODUCT_VIEW, 15, Composer.product_view),
    "add-to-cart": EventKind(events.ADD_TO_CART, 5, Composer.add_to_cart),
    "checkout": EventKind(events.CHECKOUT, 3, Composer.checkout),
    "purchase": EventKind(events.PURCHASE, 2, Composer.purchase),
})
EVENT_KINDS: Final = tuple(KINDS)
KIND_OF_TYPE: Final = MappingProxyType({kind.event_type: name for name, kind in KINDS.items()})
