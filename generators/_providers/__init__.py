"""Faker Providers, one per domain. Method names carry the domain as a prefix (`identity_`, `visitor_`, `site_`,
`xdm_`, `edge_`) because providers share one namespace and the last one added silently wins; none
reuses a Faker built-in name (tests/generators/test_providers.py checks)."""

from __future__ import annotations

from generators._providers.bodies import EdgeRequestProvider
from generators._providers.identity import IdentityProvider
from generators._providers.site import SiteProvider
from generators._providers.visitor import VisitorProvider
from generators._providers.xdm import XdmProvider

# In dependency order: the later ones call the earlier ones through the generator.
PROVIDERS = (IdentityProvider, VisitorProvider, SiteProvider, XdmProvider, EdgeRequestProvider)

__all__ = ["PROVIDERS", "EdgeRequestProvider", "IdentityProvider", "SiteProvider", "VisitorProvider", "XdmProvider"]
