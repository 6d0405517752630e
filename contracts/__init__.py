"""The contract of the Edge Network collection API and the one verdict on a response (docs/contract.md).

Public API: `contracts.exchange.Exchange`, `contracts.verdict.judge`, `contracts.violations.ContractViolation`
(also importable from `contracts.verdict`), `contracts.checks.REGISTRY`, `contracts.operations.label_for`. Nothing
is imported here, so `import xdm.validation` stays as light as that module.
"""
