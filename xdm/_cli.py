"""`edgeload validate-events FILE [--schema-dir DIR] [--schema ID]`: validate JSON lines against XDM schemas.

Each line is an Edge-named XDM event, or a request body whose events are checked: v2 interact
(`event.xdm`), v2 collect or v1 interact (`events[].xdm`). Every problem is printed as
`FILE:LINE: $.path: message`; exit 0 when every event is valid, 1 when any is not, 2 when the command cannot
run (missing file, unusable schema directory, bad arguments).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from contracts import ExitCode
from xdm._validation import SHIPPED_SCHEMA_DIR, XdmSchemaError, XdmValidator, format_path

STDIN = "-"  # `edgeload generate | edgeload validate-events -`


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line naming the problem and the fix, exit 2 (argparse would print the whole usage first).
        raise _UsageError(f"edgeload validate-events: {message} (see `edgeload validate-events --help`)")


class _UsageError(Exception):
    pass


EXAMPLES = """examples:
  edgeload generate -n 100 > events.jsonl && edgeload validate-events events.jsonl
  edgeload generate -n 20 --kind interact-request | edgeload validate-events -
  edgeload validate-events events.jsonl --schema-dir my-schemas/ --schema https://ns.adobe.com/ORG/schemas/ID"""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="edgeload validate-events", description=__doc__.split("\n\n")[0], epilog=EXAMPLES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path,
                        help="JSON-lines file of XDM events or Edge request bodies; - reads standard input")
    parser.add_argument("--schema-dir", type=Path, default=None,
                        help="directory of XDM JSON schemas, such as your Schema Registry export (default: Adobe's "
                             "public web and commerce field groups, shipped with edgeload)")
    parser.add_argument("--schema", default=None, metavar="ID",
                        help="$id of one composed schema to validate against (default: the ExperienceEvent "
                             "class with every field group of the directory)")
    return parser


def events_of(document: object) -> Iterator[tuple[tuple[str | int, ...], object]]:
    """(path of the event inside the line, the event) for an event or a request body."""
    if isinstance(document, dict) and isinstance(document.get("event"), dict):
        yield ("event", "xdm"), document["event"].get("xdm")
    elif isinstance(document, dict) and isinstance(document.get("events"), list):
        for index, item in enumerate(document["events"]):
            yield ("events", index, "xdm"), item.get("xdm") if isinstance(item, dict) else item
    else:
        yield (), document


def _prefixed(prefix: tuple[str | int, ...], problem: str) -> str:
    """Re-root `$.a.b: ...` under the event's place in the body: `$.event.xdm.a.b: ...`."""
    if not prefix:
        return problem
    return format_path(prefix) + problem[1:]


def _opened(path: Path) -> contextlib.AbstractContextManager[TextIO]:
    return contextlib.nullcontext(sys.stdin) if str(path) == STDIN else path.open(encoding="utf-8")


def validate_file(path: Path, validator: XdmValidator, counts: dict[str, int]) -> Iterator[str]:
    """Problems of every event in the file; `counts` receives how many events and invalid events it saw."""
    with _opened(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except json.JSONDecodeError as error:
                counts["events"] += 1
                counts["invalid"] += 1
                yield f"{path}:{number}: not JSON: {error.msg} at column {error.colno}"
                continue
            for prefix, event in events_of(document):
                counts["events"] += 1
                if event is None:
                    counts["invalid"] += 1
                    yield f"{path}:{number}: {format_path(prefix)}: missing: the body carries no xdm event"
                    continue
                problems = validator.errors(event)
                counts["invalid"] += bool(problems)
                for problem in problems:
                    yield f"{path}:{number}: {_prefixed(prefix, problem)}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as error:
        print(error, file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    schema_dir = args.schema_dir or SHIPPED_SCHEMA_DIR
    if str(args.file) != STDIN and (not args.file.exists() or args.file.is_dir()):
        print(f"edgeload validate-events: {args.file} is not a file; pass a JSON-lines file of events, or - for "
              "standard input", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    try:
        validator = XdmValidator.from_directory(schema_dir, schema_id=args.schema)
    except XdmSchemaError as error:
        print(f"edgeload validate-events: {error}; pass --schema-dir DIR with your XDM JSON schemas",
              file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    counts = {"events": 0, "invalid": 0}
    try:
        for problem in validate_file(args.file, validator, counts):
            print(problem)
    except (OSError, UnicodeDecodeError) as error:
        print(f"edgeload validate-events: cannot read {args.file}: {error}", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    if not counts["events"]:
        print(f"edgeload validate-events: {args.file} holds no events; pass a JSON-lines file, one event or "
              "request body per line", file=sys.stderr)
        return ExitCode.COULD_NOT_RUN
    print(f"{counts['events'] - counts['invalid']} of {counts['events']} events valid in {args.file}",
          file=sys.stderr)
    return ExitCode.FAILED if counts["invalid"] else ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())
