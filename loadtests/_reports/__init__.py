"""Reports of one run, written into `reports/<run>/` (docs/reports.md).

`write_reports()` writes every format of the registry `REPORTS` through `reporting.write_folder`: each is
independent (a chart that fails does not cost the JUnit file CI needs) and every file is written atomically.
Every example exchange and every setting goes through a redactor first: secrets never reach a report.

| file | for |
| `summary.json` | machines: settings, per-operation counts, exact percentiles, failures by check, gates, cpu, late |
| `junit.xml` | CI test tabs: one test case per gate and per failing check |
| `summary.md` | CI job summaries ($GITHUB_STEP_SUMMARY): verdict first, gates, operations, failures |
| `rps.png`, `latency.png`, `errors.png` | charts over time (matplotlib, Agg backend, imported only here) |
| `index.html` | people: verdict first, gates, charts, failures with examples, settings, links; works from file:// |

Locust's own `locust.html` (written at the end of the run, loadtests._run_end) is linked from `index.html` when
present; so are Locust CSV files a plain `locust --csv` run put in the folder. Every report says the verdict of
loadtests._verdict.
"""

from __future__ import annotations

from loadtests._reports.console import format_gate_table, format_summary
from loadtests._reports.exchange import format_exchange
from loadtests._reports.writer import REPORTS, write_reports
from targets import redact, redact_settings

__all__ = [
    "REPORTS",
    "format_exchange",
    "format_gate_table",
    "format_summary",
    "redact",
    "redact_settings",
    "write_reports",
]
