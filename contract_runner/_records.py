"""One line per judged exchange: what the contract suite and schemathesis leave behind for the report.

Both runners write the same record, so the report groups results per operation and check whatever ran them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NotRequired, TypedDict

import orjson

from reporting import write_atomic


class Violation(TypedDict):
    check: str
    message: str  # "<check>: <rule>": stable, the grouping key of every report
    detail: NotRequired[str]  # the concrete cause at its place (a schema error and its JSON path), redacted


class CaseRecord(TypedDict):
    runner: str  # "pytest" (the contract suite) or "schemathesis"
    operation: str  # operation label
    case: str  # pytest node id, or schemathesis case id
    checks: list[str]  # the checks that judged this case
    violations: list[Violation]
    status: NotRequired[int]  # the HTTP status answered
    codes: NotRequired[list[str]]  # EXEG codes of a 207's errors[]/warnings[] items (contracts._multistatus)
    # a failing case's request as a curl command, secrets as variables (contract_runner._reproduction)
    curl: NotRequired[str]


def write(path: Path, records: Iterable[CaseRecord]) -> None:
    """All records at once, atomically: a suite killed mid-write leaves no half line for the report to misread."""
    write_atomic(path, b"".join(orjson.dumps(record) + b"\n" for record in records))


def read(path: Path) -> Iterator[CaseRecord]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)
