"""The contract's two counts under load, each named as what it is, in one sentence every report shows.

One response can break several checks at once (an HTML 500 fails `content_type`, `response_schema` and
`error_body`), so the check failures the `violations` gate counts are not the responses that broke the contract:
"30 check failures" may be 10 bad responses. Reports say both.
"""

from __future__ import annotations

from loadtests._run_summary import RunSummary


def contract_counts(summary: RunSummary) -> str | None:
    """"10 responses broke the contract: 30 check failures (content_type 10, ...)"; None when none did."""
    if not summary.violations:
        return None
    checks = ", ".join(f"{check} {n}" for check, n in summary.violations_by_check.items())
    responses = "1 response" if summary.broken_responses == 1 else f"{summary.broken_responses} responses"
    failures = "1 check failure" if summary.violations == 1 else f"{summary.violations} check failures"
    return f"{responses} broke the contract (whole run): {failures} ({checks})"
