"""`edgeload generate`: print generated XDM events or Edge request bodies as JSON lines on stdout.

    edgeload generate -n 100 --seed 7 --kind page-view
    edgeload generate -n 5 --kind journey                      # 5 whole sessions, one event per line
    edgeload generate -n 20 --kind interact-request --mix "page-view=70,link-click=20,purchase=10"

The same arguments give the same bytes (Faker is pinned; see docs/generators.md). Exit 0, or 2 with one line
on stderr for bad arguments (argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from generators._bodies import DEFAULT_DECISION_SCOPES, DEFAULT_SURFACES, RequestOptions
from generators._composer import EVENT_KINDS
from generators._mix import parse_mix
from generators._traffic import Traffic, worker_seed


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line naming the problem and the fix, exit 2 (argparse would print the whole usage first).
        raise _UsageError(f"edgeload generate: {message} (see `edgeload generate --help`)")


EXAMPLES = """examples:
  edgeload generate -n 100 --seed 7 --kind page-view
  edgeload generate -n 5 --kind journey          5 whole sessions, one event per line
  edgeload generate -n 20 --kind interact-request --mix page-view=70,link-click=20,purchase=10"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edgeload generate", description="Print generated XDM events or request bodies as "
                     "JSON lines.", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10, metavar="N",
                        help="how many events or bodies to print (for --kind journey: how many sessions; default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed of everything generated (default 0)")
    parser.add_argument("--worker", type=int, default=None, metavar="INDEX",
                        help="print worker INDEX's stream: its seed is derived from --seed and INDEX (default: none)")
    parser.add_argument("--kind", choices=tuple(OUTPUTS), default="event",
                        help="what to print; `event` draws kinds from --mix (default)")
    parser.add_argument("--mix", default=None, metavar="KIND=WEIGHT,...",
                        help=f"event kinds by weight for event and request kinds (default: the generators' mix); "
                             f"kinds: {', '.join(EVENT_KINDS)}")
    # --batch-size, as in `edgeload run`; --batch is its former spelling, kept hidden for scripts that use it.
    parser.add_argument("--batch-size", type=int, default=10, dest="batch", metavar="N",
                        help="events per collect-request body (default 10)")
    parser.add_argument("--batch", type=int, dest="batch", help=argparse.SUPPRESS)
    parser.add_argument("--start", default=None, metavar="RFC3339",
                        help="instant of the first event, with a zone (default 2025-06-02T08:00:00Z)")
    parser.add_argument("--decision-scope", action="append", default=None, metavar="SCOPE",
                        help="personalization decision scope, repeatable (default __view__)")
    parser.add_argument("--surface", action="append", default=None, metavar="URI",
                        help="personalization surface, repeatable (default web://example.com/#hero)")
    parser.add_argument("--no-personalization", action="store_true", help="never add query.personalization")
    parser.add_argument("--identity-fetch", action="store_true", help='add query.identity.fetch: ["ECID"]')
    return parser


def _traffic(args: argparse.Namespace) -> Traffic:
    if args.n < 0:
        raise _UsageError(f"edgeload generate: -n must be 0 or more, got {args.n}")
    if args.batch < 1:
        raise _UsageError(f"edgeload generate: --batch-size must be at least 1, got {args.batch}")
    start = None
    if args.start is not None:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError:
            raise _UsageError(f"edgeload generate: --start {args.start!r} is not an RFC 3339 instant; "
                              "write it like 2025-06-02T08:00:00Z") from None
        if start.tzinfo is None:
            raise _UsageError(f"edgeload generate: --start {args.start!r} has no zone; add Z or +HH:MM")
    try:
        mix = parse_mix(args.mix) if args.mix is not None else None
        seed = worker_seed(args.seed, args.worker) if args.worker is not None else args.seed
    except ValueError as error:
        raise _UsageError(f"edgeload generate: {error}") from None
    options = RequestOptions(
        decision_scopes=tuple(args.decision_scope or DEFAULT_DECISION_SCOPES),
        surfaces=tuple(args.surface or DEFAULT_SURFACES),
        personalization=not args.no_personalization, identity_fetch=args.identity_fetch,
        collect_batch=args.batch,
    )
    return Traffic(seed, mix=mix, options=options, start=start)


# What each `--kind` prints per count: the documents of one draw (one for most kinds, a whole session for journey).
_Output = Callable[[Traffic], Iterable[object]]


def _event_of(kind: str | None) -> _Output:
    """One event of `kind`, or of a kind drawn from the mix for None."""
    return lambda traffic: (traffic.event(kind),)


OUTPUTS: Mapping[str, _Output] = MappingProxyType({
    "event": _event_of(None),
    **{kind: _event_of(kind) for kind in EVENT_KINDS},
    "journey": lambda traffic: traffic.journey(),
    "interact-request": lambda traffic: (traffic.interact_body(traffic.event()),),
    "collect-request": lambda traffic: (traffic.collect_batch(),),
    "v1-interact-request": lambda traffic: (traffic.v1_interact_body([traffic.event()]),),
})


def documents(traffic: Traffic, kind: str, count: int) -> Iterator[object]:
    """What `--kind` prints, in order."""
    output = OUTPUTS[kind]
    for _ in range(count):
        yield from output(traffic)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        traffic = _traffic(args)
    except _UsageError as error:
        # argparse's convention for a bad command line: one line on stderr, exit status 2.
        parser.exit(2, f"{error}\n")
    write = sys.stdout.write
    # Compact JSON, keys in generation order, ASCII only: byte-identical on every platform and locale.
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    try:
        for document in documents(traffic, args.kind, args.n):
            write(dumps(document) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Point stdout at nothing so the interpreter's final
        # flush does not raise again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
