"""Counters behind `GET /_emulator/stats` (docs/emulator.md).

`total` counts every request on an Edge path (`/ee/...`) as it arrives, before any fault acts; `by_operation`
counts those that reached an operation (a POST on a known route) by operation label; `by_status` counts the
status lines actually sent (a connection reset or stall sends none); `faults` counts each fault that acted.
"""

from __future__ import annotations

from typing import TypedDict


class StatsSnapshot(TypedDict):
    total: int
    by_operation: dict[str, int]
    by_status: dict[str, int]
    faults: dict[str, int]


class Stats:
    __slots__ = ("by_operation", "by_status", "faults", "total")

    def __init__(self) -> None:
        self.total = 0
        self.by_operation: dict[str, int] = {}
        self.by_status: dict[int, int] = {}
        self.faults: dict[str, int] = {}

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def operation(self, label: str) -> None:
        self.by_operation[label] = self.by_operation.get(label, 0) + 1

    def status(self, status: int) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def fault(self, name: str) -> None:
        self.faults[name] = self.faults.get(name, 0) + 1

    def snapshot(self) -> StatsSnapshot:
        return {
            "total": self.total,
            "by_operation": dict(self.by_operation),
            "by_status": {str(code): count for code, count in sorted(self.by_status.items())},
            "faults": dict(self.faults),
        }
