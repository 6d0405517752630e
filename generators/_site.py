"""The site model: pages with URLs, names and sections; products with SKUs, prices and categories; arrivals.

Built once from a seeded `random.Random` out of the tables in `generators._catalog`; each page carries its
ready-made XDM parts (`webPageDetails` with and without a page-view measure, and itself as a referrer).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from generators._catalog import (
    CAMPAIGNS,
    CATEGORIES,
    COLOURS,
    CONTENT_PAGES,
    CURRENCY,
    EMAIL_REFERRERS,
    MATERIALS,
    SEARCH_ENGINES_BY_COUNTRY,
    SEARCH_ENGINES_DEFAULT,
    SEARCH_TERMS,
    SITE_HOST,
    SITE_ORIGIN,
    SOCIAL_REFERRERS,
    TRAFFIC_SOURCES,
    Campaign,
    Category,
)
from generators._payloads import Marketing, ProductCategory, WebPageDetails, WebReferrer


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    name: str
    section: str
    details: WebPageDetails  # without a measure: the page an interaction happens on
    viewed: WebPageDetails  # with `pageViews: {value: 1}`: the page being loaded
    as_referrer: WebReferrer  # this page as the internal referrer of the next one


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    price: float
    category: ProductCategory
    page: Page


@dataclass(frozen=True, slots=True)
class Site:
    home: Page
    categories: tuple[Page, ...]
    products: tuple[Product, ...]
    content: tuple[Page, ...]
    searches: tuple[Page, ...]
    cart: Page
    checkout: Page
    confirmation: Page

    @property
    def browsable(self) -> tuple[Page, ...]:
        """Pages a visitor reads between arrival and funnel."""
        return (self.home, *self.categories, *(p.page for p in self.products), *self.content, *self.searches)


def make_page(path: str, name: str, section: str) -> Page:
    url = SITE_ORIGIN + path
    details = WebPageDetails(URL=url, name=name, siteSection=section, server=SITE_HOST, isHomePage=path == "/")
    viewed = WebPageDetails(**details, pageViews={"value": 1})
    return Page(url, name, section, details, viewed, WebReferrer(URL=url, type="internal"))


def _product(rng: random.Random, category: Category, taken: set[str]) -> Product:
    item = category.items[rng.randrange(len(category.items))]
    name = f"{MATERIALS[rng.randrange(len(MATERIALS))]} {item}, {COLOURS[rng.randrange(len(COLOURS))]}"
    sku = f"{category.category_id[:3].upper()}-{rng.randrange(10_000, 100_000)}"
    while sku in taken:
        sku = f"{category.category_id[:3].upper()}-{rng.randrange(10_000, 100_000)}"
    taken.add(sku)
    low, high = category.price_range
    price = rng.randrange(low, high + 1) - 0.01  # retail x.99 pricing
    slug = name.lower().replace(",", "").replace("'", "").replace(" ", "-")
    page = make_page(f"/p/{slug}/{sku.lower()}", f"product:{name}", category.section)
    return Product(sku, name, price, ProductCategory(
        categoryID=category.category_id, categoryName=category.name, categoryPath=category.path), page)


def build_site(rng: random.Random, *, products: int = 240) -> Site:
    taken: set[str] = set()
    catalogue = tuple(_product(rng, CATEGORIES[i % len(CATEGORIES)], taken) for i in range(products))
    return Site(
        home=make_page("/", "home", "home"),
        categories=tuple(make_page(f"/c/{c.path}", f"category:{c.name}", c.section) for c in CATEGORIES),
        products=catalogue,
        content=tuple(make_page(*row) for row in CONTENT_PAGES),
        searches=tuple(make_page(f"/search?q={t.replace(' ', '+')}", "search results", "search") for t in SEARCH_TERMS),
        cart=make_page("/cart", "cart", "checkout"),
        checkout=make_page("/checkout", "checkout", "checkout"),
        confirmation=make_page("/checkout/confirmation", "order confirmation", "checkout"),
    )


@dataclass(frozen=True, slots=True)
class Arrival:
    """How a session starts: the landing page as loaded, where from, and the campaign if one brought it."""

    page: Page
    landing: WebPageDetails
    referrer: WebReferrer | None
    marketing: Marketing | None


_SOURCE_WEIGHTS = tuple(itertools.accumulate(weight for _, weight, _ in TRAFFIC_SOURCES))
_CAMPAIGNS_BY_CHANNEL = {ch: tuple(c for c in CAMPAIGNS if c.channel == ch) for ch in ("search", "social", "email")}


def arrival(rng: random.Random, site: Site, country: str) -> Arrival:
    source, _, campaign_share = rng.choices(TRAFFIC_SOURCES, cum_weights=_SOURCE_WEIGHTS)[0]
    roll = rng.random()  # landing page: home, a category, a product or content (invented shares)
    if roll < 0.4:
        page = site.home
    elif roll < 0.65:
        page = site.categories[rng.randrange(len(site.categories))]
    elif roll < 0.9:
        page = site.products[rng.randrange(len(site.products))].page
    else:
        page = site.content[rng.randrange(len(site.content))]
    referrer: WebReferrer | None = None
    if source == "search":
        engines = SEARCH_ENGINES_BY_COUNTRY.get(country, SEARCH_ENGINES_DEFAULT)
        referrer = WebReferrer(URL=engines[rng.randrange(len(engines))], type="search_engine")
    elif source == "social":
        referrer = WebReferrer(URL=SOCIAL_REFERRERS[rng.randrange(len(SOCIAL_REFERRERS))], type="social")
    elif source == "email":
        referrer = WebReferrer(URL=EMAIL_REFERRERS[rng.randrange(len(EMAIL_REFERRERS))], type="email")
    campaign: Campaign | None = None
    if source != "direct" and rng.random() < campaign_share:
        choices = _CAMPAIGNS_BY_CHANNEL[source]
        campaign = choices[rng.randrange(len(choices))]
    if campaign is None:
        return Arrival(page, page.viewed, referrer, None)
    # The campaign rides on the landing URL's `cid` parameter, as Adobe Analytics implementations read it.
    separator = "&" if "?" in page.url else "?"
    landing = WebPageDetails(**page.viewed)
    landing["URL"] = f"{page.url}{separator}cid={campaign.tracking_code}"
    marketing = Marketing(trackingCode=campaign.tracking_code, campaignName=campaign.name,
                          campaignGroup=campaign.group)
    return Arrival(page, landing, referrer, marketing)


def price_total(product: Product, quantity: int) -> float:
    return round(product.price * quantity, 2)


__all__ = ["CURRENCY", "Arrival", "Page", "Product", "Site", "arrival", "build_site", "make_page", "price_total"]
