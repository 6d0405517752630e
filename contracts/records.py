"""One line per judged exchange: what the contract suite and schemathesis leave behind for the report.

Both runners write the same record, so the report groups results per operation and check whatever ran them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypedDict

import orjson


class Violation(TypedDict):
    check: str
    message: str


class CaseRecord(TypedDict):
    runner: str  # "pytest" (the contract suite) or "schemathesis"
    operation: str  # operation label
    case: str  # pytest node id, or schemathesis case id
    checks: list[str]  # the checks that judged this case
    violations: list[Violation]


def write(path: Path, records: Iterable[CaseRecord]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for record in records:
            handle.write(orjson.dumps(record) + b"\n")


def read(path: Path) -> Iterator[CaseRecord]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)
