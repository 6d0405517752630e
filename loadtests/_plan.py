"""`edgeload plan --target-rps R [--event-bytes B]`: what a rate needs before a run, the generator's processes
and cores, and the request units it costs against Adobe's guardrails (docs/distributed.md#capacity-plan).

The generator's figure is the benchmark's (docs/performance.md#load-tests, `benchmarks.locust_overhead`): our
`ServerForwarder` sends 9,850 requests per CPU-second of one Locust process. A process is planned at 80 % of its
core, where the trust gate starts calling the generator saturated (loadtests._trust), so its clock stays honest.
Request units follow Adobe's guardrails page
(https://developer.adobe.com/data-collection-apis/docs/getting-started/guardrails/): ceil(body / 8 KB) fragments,
at least one, times the services on the datastream; 4,000 units/s per org on interact and 6,000 on collect by
default. The same arithmetic the emulator enforces, from its one home (emulator._ratelimit).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from contracts import ExitCode
from emulator import FRAGMENT_BYTES, request_units

PER_CORE_RPS = 9_850.0  # docs/performance.md#load-tests (b): ServerForwarder, requests per Locust CPU-second
TRUST_HEADROOM = 0.80  # loadtests._trust: at 80 % of a core the trust gate reports the generator saturated
EMULATOR_PER_CORE_RPS = 23_224.0  # docs/performance.md#emulator (a): one process, full interact behaviour
EMULATOR_SHARED_COST = 1.2  # docs/emulator.md#several-processes: a request costs about 20 % more with --workers N > 1
ORG_LIMITS = {"interact": 4_000, "collect": 6_000}  # request units/s per IMS org, Adobe's defaults
DEFAULT_EVENT_BYTES = 1_215  # benchmarks/emulator_page_view.json, the page view the benchmarks post
DEFAULT_SERVICES = 4  # the emulator's default datastream: Platform, Analytics, Target, Journey Optimizer


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"edgeload plan: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.COULD_NOT_RUN)


@dataclass(frozen=True)
class Plan:
    target_rps: float
    event_bytes: int
    services: int
    endpoint: str
    org_limit: int
    per_core_rps: float

    @property
    def units_per_request(self) -> int:
        return request_units(self.event_bytes, self.services)

    @property
    def units_per_second(self) -> float:
        return self.target_rps * self.units_per_request

    @property
    def org_ceiling_rps(self) -> float:
        """The highest rate the org's limit lets through at this body size and these services."""
        return self.org_limit / self.units_per_request

    @property
    def per_process_rps(self) -> float:
        return self.per_core_rps * TRUST_HEADROOM

    @property
    def processes(self) -> int:
        return max(1, math.ceil(self.target_rps / self.per_process_rps))

    @property
    def emulator_processes(self) -> int:
        one = EMULATOR_PER_CORE_RPS * TRUST_HEADROOM
        if self.target_rps <= one:
            return 1
        return math.ceil(self.target_rps * EMULATOR_SHARED_COST / one)

    def lines(self) -> list[str]:
        fragments = max(1, -(-self.event_bytes // FRAGMENT_BYTES))
        over = self.units_per_second / self.org_limit
        ceiling = ("the org's limit is the ceiling" if over > 1 else "the org's limit leaves room")
        master = "" if self.processes == 1 else " plus the master's (light: it merges reports)"
        return [
            f"target: {self.target_rps:,.0f} requests/s on {self.endpoint}, {self.event_bytes:,}-byte bodies, "
            f"{self.services} services on the datastream",
            f"request units: {fragments} fragment(s) of 8 KB x {self.services} services = "
            f"{self.units_per_request} per request, {self.units_per_second:,.0f} units/s",
            f"org limit: {self.org_limit:,} units/s on {self.endpoint} -> at most {self.org_ceiling_rps:,.0f} "
            f"requests/s at this size; the target needs {over:.1f} x the limit: {ceiling}"
            + ("" if over <= 1 else " (ask Adobe for more, or lower --target-rps)"),
            f"generator: {self.per_core_rps:,.0f} requests/s per core, planned at {TRUST_HEADROOM:.0%} of a core "
            f"(trust headroom) = {self.per_process_rps:,.0f} per worker process",
            f"-> {self.processes} worker process(es) on {self.processes} core(s){master}; e.g. "
            + (f"edgeload run --workers {self.processes} --target-rps {self.target_rps:g}" if self.processes <= 2
               else f"edgeload run --master --expect-workers {self.processes} ... and edgeload worker "
                    f"--workers N on machines with {self.processes} cores in all"),
            f"embedded emulator as the target: {self.emulator_processes} process(es) "
            f"(edgeload emulator --workers {self.emulator_processes})",
        ]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edgeload plan", description="Processes, cores and request units a target rate needs.",
                     epilog="examples:\n  edgeload plan --target-rps 20000\n"
                            "  edgeload plan --target-rps 5000 --event-bytes 20000 --services 3 --org-limit 8000",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target-rps", type=float, required=True, help="requests per second over the whole run")
    parser.add_argument("--event-bytes", type=int, default=DEFAULT_EVENT_BYTES,
                        help=f"request body size in bytes (default {DEFAULT_EVENT_BYTES}, a page view)")
    parser.add_argument("--services", type=int, default=DEFAULT_SERVICES,
                        help=f"services (upstreams) configured on the datastream (default {DEFAULT_SERVICES})")
    parser.add_argument("--endpoint", choices=sorted(ORG_LIMITS), default="interact",
                        help="interact or collect (default interact)")
    parser.add_argument("--org-limit", type=int, help="the org's request units/s if Adobe raised it "
                                                      "(default 4000 interact, 6000 collect)")
    parser.add_argument("--per-core-rps", type=float, default=PER_CORE_RPS,
                        help=f"the generator's requests per CPU-second, if measured on your machines "
                             f"(default {PER_CORE_RPS:g}, benchmarks.locust_overhead)")
    return parser


def plan_from(argv: Sequence[str]) -> Plan:
    args = build_parser().parse_args(list(argv))
    problems = [
        (args.target_rps <= 0, "--target-rps must be above 0, e.g. --target-rps 20000"),
        (not 1 <= args.event_bytes <= 65536, "--event-bytes must be from 1 to 65536 (the 64 KB request limit)"),
        (args.services < 1, "--services must be 1 or more"),
        (args.org_limit is not None and args.org_limit < 1, "--org-limit must be 1 or more units/s"),
        (args.per_core_rps <= 0, "--per-core-rps must be above 0"),
    ]
    for bad, message in problems:
        if bad:
            build_parser().error(message)
    limit = args.org_limit if args.org_limit is not None else ORG_LIMITS[args.endpoint]
    return Plan(args.target_rps, args.event_bytes, args.services, args.endpoint, limit, args.per_core_rps)


def main(argv: Sequence[str]) -> int:
    try:
        plan = plan_from(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    print("\n".join(plan.lines()))
    return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
