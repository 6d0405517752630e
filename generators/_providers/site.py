"""`fake.site_*`: the store's pages, products, referrers and campaigns."""

from __future__ import annotations

import random

from faker.providers import BaseProvider

from generators._catalog import CAMPAIGNS, Campaign
from generators._payloads import WebReferrer
from generators._site import Page, Product, Site, arrival, build_site


class SiteProvider(BaseProvider):
    _site: Site | None = None

    def _rng(self) -> random.Random:
        rng: random.Random = self.generator.random
        return rng

    def site_model(self) -> Site:
        """The whole site, built on first use from the seeded generator and kept by this provider."""
        if self._site is None:
            self._site = build_site(self._rng())
        return self._site

    def site_page(self) -> Page:
        pages = self.site_model().browsable
        return pages[self._rng().randrange(len(pages))]

    def site_product(self) -> Product:
        products = self.site_model().products
        return products[self._rng().randrange(len(products))]

    def site_referrer(self, country: str = "US") -> WebReferrer | None:
        """Where a visit comes from (search engine, social network, webmail); None for direct traffic."""
        return arrival(self._rng(), self.site_model(), country).referrer

    def site_campaign(self) -> Campaign:
        return CAMPAIGNS[self._rng().randrange(len(CAMPAIGNS))]
