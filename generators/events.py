"""XDM ExperienceEvents composed from parts: the one place both the Faker Providers and `Traffic` build events.

Each function takes ready parts (a visitor, a page, products) and returns the event in Edge names. Event types
come from the time-series `meta:enum` of XDM (`time-series.schema.json`); the measure that matches the type is
set to 1 (`web.webPageDetails.pageViews`, `commerce.productViews`, ...). Every event carries `_id`, a
`timestamp` with a zone, `identityMap`, `web`, `environment`, `device`, `placeContext` and
`implementationDetails`; a campaign landing adds `marketing`.
"""

from __future__ import annotations

from generators.catalog import CURRENCY
from generators.clock import rfc3339_local, rfc3339_utc
from generators.payloads import (
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
from generators.places import utc_offset
from generators.site import Product, price_total
from generators.visitors import Visitor

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


def link_click(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, link: WebInteraction) -> XdmEvent:
    return _event(event_id, LINK_CLICK, ms, visitor, {"webPageDetails": page, "webInteraction": link})


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


def add_to_cart(event_id: str, ms: int, visitor: Visitor, product: Product, quantity: int, cart: Cart) -> XdmEvent:
    return _commerce_event(event_id, ADD_TO_CART, ms, visitor, product.page.details,
                           {"productListAdds": {"value": 1}, "cart": cart}, [line_item(product, quantity)], None)


def checkout(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, items: list[ProductListItem],
             referrer: WebReferrer | None) -> XdmEvent:
    return _commerce_event(event_id, CHECKOUT, ms, visitor, page, {"checkouts": {"value": 1}}, items, referrer)


def order(purchase_id: str, transaction_id: str, payment_type: str, items: list[ProductListItem]) -> Order:
    total = round(sum(item["priceTotal"] for item in items), 2)
    return {"purchaseID": purchase_id, "currencyCode": CURRENCY, "priceTotal": total,
            "payments": [{"transactionID": transaction_id, "paymentAmount": total, "paymentType": payment_type,
                          "currencyCode": CURRENCY}]}


def purchase(event_id: str, ms: int, visitor: Visitor, page: WebPageDetails, items: list[ProductListItem],
             placed: Order, referrer: WebReferrer | None) -> XdmEvent:
    return _commerce_event(event_id, PURCHASE, ms, visitor, page, {"purchases": {"value": 1}, "order": placed},
                           items, referrer)
