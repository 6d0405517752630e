"""`fake.visitor_*`: coherent visitor profiles (place, device, browser, identity) from the shared tables."""

from __future__ import annotations

import random

from faker.providers import BaseProvider

from generators._devices import DEVICES, DeviceRow
from generators._places import PLACES, Place
from generators._visitors import Visitor, build_visitor


class VisitorProvider(BaseProvider):
    def visitor_profile(self) -> Visitor:
        """A visitor whose locale, country, city, time zone, IP region, device, OS, browser and User-Agent agree."""
        rng: random.Random = self.generator.random
        email = str(self.generator.free_email())
        crm_id = f"C{rng.randrange(10**9):09d}"
        return build_visitor(rng, email=email, crm_id=crm_id)

    def visitor_place(self) -> Place:
        """One coherent place row (locale, country, city, time zone), weighted by traffic share."""
        rng: random.Random = self.generator.random
        return rng.choices(PLACES, weights=[p.weight for p in PLACES])[0]

    def visitor_device(self) -> DeviceRow:
        """One device row (device type, OS, browser, User-Agent), weighted by market share."""
        rng: random.Random = self.generator.random
        return rng.choices(DEVICES, weights=[d.weight for d in DEVICES])[0]
