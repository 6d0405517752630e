"""A visitor's session as an ordered sequence: landing, browsing, then a conversion funnel at configurable rates.

One visitor (so one identityMap) sends every event of a journey, and each event is later than the one before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generators import _events as events
from generators._composer import Composer
from generators._payloads import Cart, ProductListItem, XdmEvent
from generators._site import Product, arrival


@dataclass(frozen=True, slots=True)
class FunnelRates:
    """Probabilities of each step; the defaults give about 4 % of sessions a purchase, in the 2-5 % range that
    retail conversion benchmarks report (invented within it)."""

    pages: tuple[int, int] = (1, 6)  # pages read after landing, inclusive range
    product_view: float = 0.45  # a page read is a product detail page
    link_click: float = 0.25  # a page read ends with a tracked link click
    add_to_cart: float = 0.35  # a session that viewed products adds one to the cart
    checkout: float = 0.55  # a session with a cart starts checkout
    purchase: float = 0.7  # a checkout completes
    exit_click: float = 0.05  # the session ends on an outbound link

    def __post_init__(self) -> None:
        low, high = self.pages
        if not 0 <= low <= high:
            raise ValueError(f"pages must be a range (low, high) with 0 <= low <= high, got {self.pages}")
        for name in ("product_view", "link_click", "add_to_cart", "checkout", "purchase", "exit_click"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"funnel rate {name} must be a probability in [0, 1], got {value}")


def _dwell(composer: Composer) -> int:
    """Milliseconds spent reading a page: 4 to 90 s, most of them short (triangular, mode 15 s; invented)."""
    return int(composer.rng.triangular(4_000, 90_000, 15_000))


def journey(composer: Composer, rates: FunnelRates = FunnelRates()) -> Iterator[XdmEvent]:
    rng, site = composer.rng, composer.site
    visitor = composer.visitor()
    ms = composer.tick()
    came = arrival(rng, site, visitor.place.country)
    yield events.page_view(composer.uuid(), ms, visitor, came.landing, came.referrer, came.marketing)
    page = came.page
    viewed: list[Product] = []
    for _ in range(rng.randint(*rates.pages)):
        if rng.random() < rates.link_click:
            ms += rng.randrange(1_000, 8_000)
            yield composer.click(page, visitor, ms, outbound=False)
        ms += _dwell(composer)
        if rng.random() < rates.product_view:
            product = composer.product()
            viewed.append(product)
            yield events.product_view(composer.uuid(), ms, visitor, product, page.as_referrer)
            page = product.page
        else:
            nxt = composer.content_page()
            yield events.page_view(composer.uuid(), ms, visitor, nxt.viewed, page.as_referrer)
            page = nxt
    if viewed and rng.random() < rates.add_to_cart:
        cart = Cart(cartID=composer.uuid(), cartSource="product-detail")
        items: list[ProductListItem] = []
        for product in viewed[-rng.randint(1, min(3, len(viewed))):]:
            quantity = composer.quantity()
            ms += rng.randrange(2_000, 20_000)
            items.append(events.line_item(product, quantity))
            yield events.add_to_cart(composer.uuid(), ms, visitor, product, quantity, cart)
        if rng.random() < rates.checkout:
            ms += _dwell(composer)
            yield events.checkout(composer.uuid(), ms, visitor, site.checkout.viewed, items, site.cart.as_referrer)
            if rng.random() < rates.purchase:
                ms += rng.randrange(30_000, 240_000)  # filling in address and payment
                placed = events.order(composer.purchase_id(), composer.uuid(), composer.payment_type(), items)
                yield events.purchase(composer.uuid(), ms, visitor, site.confirmation.viewed, items, placed,
                                      site.checkout.as_referrer)
                return
    if rng.random() < rates.exit_click:
        ms += rng.randrange(1_000, 8_000)
        yield composer.click(page, visitor, ms, outbound=True)
