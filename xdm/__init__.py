"""XDM validation of events, offline, against Adobe's XDM JSON Schemas shipped in `xdm/schemas/` (docs/generators.md).

`edgeload validate-events` and the generator tests use it; nothing here touches the network.
"""
