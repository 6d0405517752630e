"""The fast path: pools built once with seeded Faker, events composed from them with a seeded `random.Random`.

Faker costs about 700 µs per naive page view on one core here; building visitors and the site once (well under 2 s)
and composing events from them costs a few µs, so a load generator never waits for its traffic. Same tables,
same composition (`generators._composer`) as the Faker Providers, hence the same shapes.

    traffic = Traffic(seed=7)
    body = traffic.interact_body(traffic.page_view())
    for event in traffic.journey(): ...

Events share read-only parts (environment, device, identityMap, page details) with the pools: copy an event
before changing it in place. One `Traffic` per process or worker; derive worker seeds with `worker_seed`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping
from datetime import datetime

from generators._bodies import RequestOptions, collect_body, interact_body, v1_interact_body
from generators._clock import DEFAULT_START, epoch_ms
from generators._composer import Composer
from generators._factory import seeded_faker
from generators._journeys import FunnelRates, journey
from generators._mix import DEFAULT_MIX, MixPicker
from generators._payloads import CollectBody, InteractBody, V1InteractBody, XdmEvent
from generators._visitors import Visitor

DEFAULT_VISITORS = 4_000  # pool size: enough distinct visitors for realistic spread, built in about 0.5 s
QUEUE_MS_LIMIT = 20  # v1 `meta.queueTimeMillis`: the event waited 0 to 19 ms in the Web SDK's queue


def _derive(*parts: object) -> int:
    """A 63-bit seed from the parts: BLAKE2b, so neighbouring inputs give unrelated seeds on every platform
    (Python's `hash()` of a string changes per process)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def worker_seed(base_seed: int, worker_index: int) -> int:
    """The seed of worker `worker_index` in a run seeded `base_seed`: different per worker, reproducible."""
    if worker_index < 0:
        raise ValueError(f"worker_index must be >= 0, got {worker_index}")
    return _derive("edgeload-worker", base_seed, worker_index)


class Traffic:
    def __init__(
        self,
        seed: int,
        *,
        mix: Mapping[str, float] | None = None,
        rates: FunnelRates | None = None,
        options: RequestOptions | None = None,
        start: datetime | None = None,
        visitors: int = DEFAULT_VISITORS,
    ) -> None:
        if visitors < 1:
            raise ValueError(f"visitors must be at least 1, got {visitors}")
        self.seed = seed
        self.rates = rates or FunnelRates()
        self.options = options or RequestOptions()
        fake = seeded_faker(seed)
        self.site = fake.site_model()
        self.visitors: tuple[Visitor, ...] = tuple(fake.visitor_profile() for _ in range(visitors))
        # Composition draws from its own generator, so pool size and composition are independent streams.
        rng = random.Random(_derive("edgeload-compose", seed))
        self._rng = rng
        pool, size = self.visitors, len(self.visitors)
        self._composer = Composer(rng, self.site, lambda: pool[rng.randrange(size)],
                                  start_ms=epoch_ms(start or DEFAULT_START))
        self._pick = MixPicker(DEFAULT_MIX if mix is None else mix, rng)
        # Queue times draw from a stream of their own: asking for v1 bodies leaves the events unchanged.
        self._queue_rng = random.Random(_derive("edgeload-queue", seed))

    # --- events ----------------------------------------------------------------------------------------------

    def page_view(self) -> XdmEvent:
        return self._composer.page_view()

    def link_click(self) -> XdmEvent:
        return self._composer.link_click()

    def product_view(self) -> XdmEvent:
        return self._composer.product_view()

    def add_to_cart(self) -> XdmEvent:
        return self._composer.add_to_cart()

    def checkout(self) -> XdmEvent:
        return self._composer.checkout()

    def purchase(self) -> XdmEvent:
        return self._composer.purchase()

    def kind(self) -> str:
        """The next event kind drawn from the mix."""
        return self._pick()

    def event(self, kind: str | None = None) -> XdmEvent:
        """One event of `kind`, or of a kind drawn from the mix."""
        return self._composer.event(kind if kind is not None else self._pick())

    def events(self, count: int, kind: str | None = None) -> Iterator[XdmEvent]:
        for _ in range(count):
            yield self.event(kind)

    def journey(self) -> Iterator[XdmEvent]:
        """One visitor's session: landing, browsing, funnel; one identity; rising timestamps."""
        return journey(self._composer, self.rates)

    # --- request bodies --------------------------------------------------------------------------------------

    def interact_body(self, event: XdmEvent) -> InteractBody:
        """v2 interact `{"event": {"xdm", "data"}, "query"?, "meta"?}`."""
        return interact_body(event, self.options)

    def collect_body(self, events: list[XdmEvent]) -> CollectBody:
        """v2 collect `{"events": [{"xdm", "data"}, ...]}`."""
        return collect_body(events)

    def v1_interact_body(self, events: list[XdmEvent], entries: Mapping[str, str] | None = None) -> V1InteractBody:
        """v1 interact as the Web SDK sends it, with the visitor's stored entries (generators._bodies)."""
        return v1_interact_body(events, self.options, entries, self._queue_rng.randrange(QUEUE_MS_LIMIT))

    def collect_batch(self) -> CollectBody:
        """A v2 collect body of `options.collect_batch` events drawn from the mix."""
        return collect_body(list(self.events(self.options.collect_batch)))
