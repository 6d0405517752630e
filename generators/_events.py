"""XDM ExperienceEvents, one kind at a time: its `eventType`, its builder, the parts it draws, its registry entry.

Each builder takes ready parts (a visitor, a page, products) and returns the event in Edge names; the Faker
Providers, `Traffic` and the journeys all build through them. Event types come from the time-series `meta:enum` of
XDM (`time-series.schema.json`); the measure that matches the type is set to 1 (`web.webPageDetails.pageViews`,
`commerce.productViews`, ...). Every event carries `_id`, a `timestamp` with a zone, `identityMap`, `web`,
`environment`, `device`, `placeContext` and `implementationDetails`; a campaign landing adds `marketing`.

Next to each builder, `@kind(name, eventType, default share)` declares the kind on the function that draws its parts
from a `Composer` (pools, virtual clock, seeded generator) and builds it. `generators._composer.KINDS` is keyed from
these declarations and the CLI's choices, the mix and the bodies' `data.kind` read it, so adding an event kind is
this module and its tests (docs: contributing, "Add an event kind").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generators._catalog import CURRENCY
from generators._clock import rfc3339_local, rfc3339_utc
from generators._payloads import (
    Cart,
    Commerce,
    ImplementationDetails,
    Marketing,
    Order,
    PlaceContext,
    ProductListItem,
    Web,
    WebInteraction,
    WebPageDetails,
    WebReferrer,
    XdmEvent,
)
from generators._places import utc_offset
from generators._site import Product, arrival, price_total
from generators._visitors import Visitor

if TYPE_CHECKING:  # the composer imports this module: its class is needed for the annotations only
    from generators._composer import Composer

PAGE_VIEW = "web.webpagedetails.pageViews"
LINK_CLICK = "web.webinteraction.linkClicks"
PRODUCT_VIEW = "commerce.productViews"
ADD_TO_CART = "commerce.productListAdds"
CHECKOUT = "commerce.checkouts"
PURCHASE = "commerce.purchases"

# Who produced the event: this tool, so synthetic load is easy to tell from real traffic downstream.
IMPLEMENTATION = ImplementationDetails(
    name="https://ns.adobe.com/experience/edgeload", version="0.1.0", environment="server"
)

Maker = Callable[["Composer"], XdmEvent]


@dataclass(frozen=True, slots=True)
class EventKind:
    name: str  # as `edgeload generate --kind`, `--mix` and the bodies' `data.kind` name it
    event_type: str  # XDM `eventType`, from the time-series `meta:enum`
    weight: float  # default share of the mix (generators._mix)
    make: Maker  # one event of the kind, its parts drawn from the composer


DECLARED: list[EventKind] = []  # in declaration order: the order of the CLI's choices and of the mix's draws


def kind(name: str, event_type: str, weight: float) -> Callable[[Maker], Maker]:
    """Declare the decorated maker as the event kind `name` producing `event_type`, `weight` its default share."""

    def declare(make: Maker) -> Maker:
        # Bodies name an event's kind by its eventType (composer.KIND_OF_TYPE): two kinds of one type would be one.
        if any(known.name == name or known.event_type == event_type for known in DECLARED):
            raise ValueError(f"event kind {name!r} ({event_type}) is declared twice")
        DECLARED.append(EventKind(name, event_type, weight, make))
        return make

    return declare


def place_context(visitor: Visitor, ms: int) -> PlaceContext:
    offset = utc_offset(visitor.place, ms)
    # XDM's localTimezoneOffset follows JavaScript's getTimezoneOffset(): minutes *behind* UTC
    # (https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Date/getTimezoneOffset).
    return {"localTime": rfc3339_local(ms, offset), "localTimezoneOffset": -offset,
            "ianaTimezone": visitor.place.timezone, "geo": visitor.geo}


def _event(event_id: str, event_type: str, ms: int, visitor: Visitor, web: Web) -> XdmEvent:
    return {
        "_id": event_id, "eventType": event_type, "timestamp": rfc3339_utc(ms), "identityMap": visitor.identity_map,
        "web": web, "environment": visitor.environment, "device": visitor.device,
        "placeContext": place_context(visitor, ms), "implementationDetails": IMPLEMENTATION,
    }


def page_view(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, referrer: WebReferrer | None,
              marketing: Marketing | None = None) -> XdmEvent:
    web: Web = {"webPageDetails": page}
    if referrer is not None:
        web["webReferrer"] = referrer
    event = _event(event_id, PAGE_VIEW, ms, visitor, web)
    if marketing is not None:
        event["marketing"] = marketing
    return event


# Default shares: page views dominate, the funnel narrows (invented, shaped like retail analytics reports).
@kind("page-view", PAGE_VIEW, 60)
def make_page_view(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    if composer.rng.random() < 0.5:  # half are the first page of a visit, half a page read during one
        came = arrival(composer.rng, composer.site, visitor.place.country)
        return page_view(composer.uuid(), ms, visitor, came.landing, came.referrer, came.marketing)
    return page_view(composer.uuid(), ms, visitor, composer.content_page().viewed, composer.page().as_referrer)


def link_click(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, link: WebInteraction) -> XdmEvent:
    return _event(event_id, LINK_CLICK, ms, visitor, {"webPageDetails": page, "webInteraction": link})


@kind("link-click", LINK_CLICK, 15)
def make_link_click(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    return composer.click(composer.page(), visitor, ms, outbound=composer.rng.random() < 0.4)


def link(kind: str, name: str, url: str, region: str) -> WebInteraction:
    return {"type": kind, "name": name, "URL": url, "region": region, "linkClicks": {"value": 1}}


def line_item(product: Product, quantity: int) -> ProductListItem:
    return {"SKU": product.sku, "name": product.name, "quantity": quantity,
            "priceTotal": price_total(product, quantity), "currencyCode": CURRENCY,
            "productCategories": [product.category]}


def _commerce_event(event_id: str, event_type: str, ms: int, visitor: Visitor, page: WebPageDetails,
                    commerce: Commerce, items: list[ProductListItem], referrer: WebReferrer | None) -> XdmEvent:
    web: Web = {"webPageDetails": page}
    if referrer is not None:
        web["webReferrer"] = referrer
    event = _event(event_id, event_type, ms, visitor, web)
    event["commerce"] = commerce
    event["productListItems"] = items
    return event


def product_view(event_id: str, ms: int, visitor: Visitor, product: Product, referrer: WebReferrer | None,
                 page: WebPageDetails | None = None) -> XdmEvent:
    """A product detail page loading: one event carries both the page view and the product view."""
    return _commerce_event(event_id, PRODUCT_VIEW, ms, visitor, page or product.page.viewed,
                           {"productViews": {"value": 1}}, [line_item(product, 1)], referrer)


@kind("product-view", PRODUCT_VIEW, 15)
def make_product_view(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    categories = composer.site.categories
    referrer = categories[composer.rng.randrange(len(categories))].as_referrer
    return product_view(composer.uuid(), ms, visitor, composer.product(), referrer)


def add_to_cart(event_id: str, ms: int, visitor: Visitor, product: Product, quantity: int, cart: Cart) -> XdmEvent:
    return _commerce_event(event_id, ADD_TO_CART, ms, visitor, product.page.details,
                           {"productListAdds": {"value": 1}, "cart": cart}, [line_item(product, quantity)], None)


@kind("add-to-cart", ADD_TO_CART, 5)
def make_add_to_cart(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    cart = Cart(cartID=composer.uuid(), cartSource="product-detail")
    return add_to_cart(composer.uuid(), ms, visitor, composer.product(), composer.quantity(), cart)


def checkout(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, items: list[ProductListItem],
             referrer: WebReferrer | None) -> XdmEvent:
    return _commerce_event(event_id, CHECKOUT, ms, visitor, page, {"checkouts": {"value": 1}}, items, referrer)


@kind("checkout", CHECKOUT, 3)
def make_checkout(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    site = composer.site
    return checkout(composer.uuid(), ms, visitor, site.checkout.viewed, composer.basket(), site.cart.as_referrer)


def order(purchase_id: str, transaction_id: str, payment_type: str, items: list[ProductListItem]) -> Order:
    total = round(sum(item["priceTotal"] for item in items), 2)
    return {"purchaseID": purchase_id, "currencyCode": CURRENCY, "priceTotal": total,
            "payments": [{"transactionID": transaction_id, "paymentAmount": total, "paymentType": payment_type,
                          "currencyCode": CURRENCY}]}


def purchase(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, items: list[ProductListItem],
             placed: Order, referrer: WebReferrer | None) -> XdmEvent:
    return _commerce_event(event_id, PURCHASE, ms, visitor, page, {"purchases": {"value": 1}, "order": placed},
                           items, referrer)


@kind("purchase", PURCHASE, 2)
def make_purchase(composer: Composer) -> XdmEvent:
    visitor, ms = composer.visitor(), composer.tick()
    items = composer.basket()
    placed = order(composer.purchase_id(), composer.uuid(), composer.payment_type(), items)
    site = composer.site
    return purchase(composer.uuid(), ms, visitor, site.confirmation.viewed, items, placed, site.checkout.as_referrer)
