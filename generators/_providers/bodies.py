"""`fake.edge_*`: whole Edge Network request bodies (v2 interact, v2 collect, v1 interact) around XDM events."""

from __future__ import annotations

from faker.providers import BaseProvider

from generators._bodies import RequestOptions, collect_body, interact_body, v1_interact_body
from generators._mix import DEFAULT_MIX, MixPicker
from generators._payloads import CollectBody, InteractBody, V1InteractBody, XdmEvent


class EdgeRequestProvider(BaseProvider):
    def edge_interact_body(self, event: XdmEvent | None = None, options: RequestOptions | None = None) -> InteractBody:
        """v2 interact `{"event": {"xdm", "data"}, "query"?, "meta"?}` around `event` (a fresh page view if None)."""
        xdm: XdmEvent = event if event is not None else self.generator.xdm_page_view()
        return interact_body(xdm, options or RequestOptions())

    def edge_collect_body(self, events: list[XdmEvent] | None = None, size: int = 10) -> CollectBody:
        """v2 collect `{"events": [...]}`: the given events, or `size` fresh ones of mixed kinds."""
        return collect_body(events if events is not None else self._events(size))

    def edge_v1_interact_body(self, events: list[XdmEvent] | None = None,
                              options: RequestOptions | None = None) -> V1InteractBody:
        """v1 interact `{"events": [...]}` as the Web SDK sends it (one fresh page view if None)."""
        chosen = events if events is not None else [self.generator.xdm_page_view()]
        return v1_interact_body(chosen, options or RequestOptions())

    def _events(self, size: int) -> list[XdmEvent]:
        pick = MixPicker(DEFAULT_MIX, self.generator.random)
        return [self.generator.xdm_event(pick()) for _ in range(size)]
