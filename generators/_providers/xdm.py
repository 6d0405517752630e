"""`fake.xdm_*`: XDM ExperienceEvents of every kind and whole journeys, each event with a fresh visitor.

Composition is `generators._composer.Composer`, the same that `Traffic` uses; here the visitors come fresh
from Faker for every event (and for every journey), which is realistic but slow: use `Traffic` for load.
"""

from __future__ import annotations

import random

from faker.providers import BaseProvider

from generators._composer import Composer
from generators._journeys import FunnelRates, journey
from generators._payloads import XdmEvent
from generators._visitors import Visitor


class XdmProvider(BaseProvider):
    _composer: Composer | None = None

    def _compose(self) -> Composer:
        if self._composer is None:
            rng: random.Random = self.generator.random

            def fresh_visitor() -> Visitor:
                visitor: Visitor = self.generator.visitor_profile()
                return visitor

            self._composer = Composer(rng, self.generator.site_model(), fresh_visitor)
        return self._composer

    def xdm_page_view(self) -> XdmEvent:
        return self._compose().page_view()

    def xdm_link_click(self) -> XdmEvent:
        return self._compose().link_click()

    def xdm_product_view(self) -> XdmEvent:
        return self._compose().product_view()

    def xdm_add_to_cart(self) -> XdmEvent:
        return self._compose().add_to_cart()

    def xdm_checkout(self) -> XdmEvent:
        return self._compose().checkout()

    def xdm_purchase(self) -> XdmEvent:
        return self._compose().purchase()

    def xdm_event(self, kind: str = "page-view") -> XdmEvent:
        """One event of a kind named as in the CLI (`page-view`, `link-click`, ..., `purchase`)."""
        return self._compose().event(kind)

    def xdm_journey(self, rates: FunnelRates | None = None) -> list[XdmEvent]:
        """One visitor's session: landing, browsing, funnel; one identity; rising timestamps."""
        return list(journey(self._compose(), rates or FunnelRates()))
