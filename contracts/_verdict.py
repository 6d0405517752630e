"""The one verdict: every registered check on one exchange.

`judge` is what the pytest suite, the schemathesis hooks and the Locust users call (docs/contract.md). It must stay
cheap enough to run on every response under load: the body is parsed once and shared, schemas are compiled ahead of time
(contracts._schemas), and a passing check costs a few look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts._checks import REGISTRY, Check
from contracts._context import Context
from contracts._exchange import Exchange
from contracts._schemas import Contract
from contracts._violations import ContractViolation

__all__ = ["ContractViolation", "judge", "judge_with"]


def judge(exchange: Exchange, compiled: Contract | None = None) -> list[ContractViolation]:
    """Every violation of the contract by this exchange, in registry order; empty when it keeps the contract.

    Raises `contracts._violations.UnknownOperation` when `exchange.operation` is not a label of the contract.
    """
    context = Context(exchange, compiled)
    status = exchange.status
    violations: list[ContractViolation] = []
    for check in REGISTRY.values():
        if check.statuses is not None and status not in check.statuses:
            continue  # inlined `ContractCheck.__call__`: this loop runs on every response of a load test
        try:
            check.function(context)
        except ContractViolation as violation:
            violations.append(violation)
    return violations


def judge_with(exchange: Exchange, checks: Iterable[str | Check]) -> list[ContractViolation]:
    """Like `judge`, with only the named (or given) checks."""
    context = Context(exchange)
    violations: list[ContractViolation] = []
    for check in checks:
        try:
            (REGISTRY[check] if isinstance(check, str) else check)(context)
        except ContractViolation as violation:
            violations.append(violation)
    return violations
