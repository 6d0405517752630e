"""What every command needs to reach a target: profiles, auth, the guard, redaction, transport counts.

The load test (`loadtests`), the contract runner (`contract_runner`) and the XDM command share these; the verdict
(`contracts`) does not need them, so it stays free of I/O (docs/architecture.md).
"""
