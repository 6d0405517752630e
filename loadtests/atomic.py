"""Atomic report writes: `contracts.atomic.write_atomic`, re-exported where the load-test reports import it.

The contract run's reports need the same guarantee and `contracts` may not import `loadtests`
(docs/architecture.md), so the implementation lives in the lower layer.
"""

from __future__ import annotations

from contracts.atomic import write_atomic

__all__ = ["write_atomic"]
