"""Baseline (c) of `benchmarks.emulator_throughput`: one Locust FastHttpUser process posting the page view.

Bare on purpose (no check, no wait): the figure is the most one Locust process can send, the load an emulator
must out-serve at least twice over (docs/performance.md#emulator).
"""

from __future__ import annotations

import os
from pathlib import Path

from locust import FastHttpUser, constant, task

BODY = Path(__file__).with_name("emulator_page_view.json").read_text()
PATH = os.environ.get("EDGELOAD_BENCH_PATH", "/ee/v2/interact")
HEADERS = {"content-type": "application/json"}


class PageViewPoster(FastHttpUser):
    wait_time = constant(0)

    @task
    def post_page_view(self) -> None:
        self.client.post(PATH, data=BODY, headers=HEADERS, name="POST /ee/v2/interact")
