"""`edgeload contract`: the pytest suite and schemathesis run against a target, and their reports.

Both phases judge every response with the one verdict (`contracts.verdict.judge`) and count every request on the
wire (`targets.transport`), so their figures add up (docs/contract.md).
"""
