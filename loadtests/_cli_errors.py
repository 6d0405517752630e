"""One-line usage errors with a "did you mean" for every `edgeload` subcommand's argparse parser.

argparse answers a misspelled option with its whole usage (20 lines for `edgeload run`) and no suggestion. Here the
parser's `error` is replaced on the instance, so the subcommand's own parser (and its own `error`, where it has
one) stays as it is: `edgeload run --user 5` says `unknown option --user; did you mean --users?` and where help
is, in one line. The suggestions come from difflib, as Python 3.14's argparse `suggest_on_error` does
(https://docs.python.org/3.14/library/argparse.html#suggest-on-error).
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Iterable
from typing import NoReturn

_UNRECOGNIZED = "unrecognized arguments: "
_INVALID_CHOICE = re.compile(r"argument (?P<flag>\S+): invalid choice: '(?P<value>[^']*)' \(choose from (?P<all>.*)\)")
_AMBIGUOUS = re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)")


class UsageError(Exception):
    """A command line the parser refuses; str() is the one line to print."""


def closest(word: str, candidates: Iterable[str]) -> str:
    """'; did you mean X?' for the candidate nearest to word, or '' when none is near."""
    names = list(candidates)
    matches = [name for name in names if name.startswith(word)] if len(word) > 1 else []
    matches = matches if len(matches) == 1 else difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return f"; did you mean {matches[0]}?" if matches else ""


def explain(message: str, parser: argparse.ArgumentParser) -> str:
    """argparse's error message, with the nearest option or choice for a misspelled one."""
    if message.startswith(_UNRECOGNIZED):
        words = message[len(_UNRECOGNIZED):].split()
        options = [word.partition("=")[0] for word in words if word.startswith("-")]
        if options:
            # Hidden aliases (help=SUPPRESS, kept for old scripts) are accepted but never suggested.
            flags = [flag for flag, action in parser._option_string_actions.items()
                     if action.help != argparse.SUPPRESS]
            return "; ".join(f"unknown option {option}{closest(option, flags)}" for option in options)
        return f"unexpected argument {words[0]!r}"
    choice = _INVALID_CHOICE.fullmatch(message)
    if choice is not None:
        names = re.findall(r"'([^']*)'", choice["all"])
        return (f"{choice['flag']}: {choice['value']!r} is not one of {', '.join(names)}"
                f"{closest(choice['value'], names)}")
    ambiguous = _AMBIGUOUS.fullmatch(message)
    if ambiguous is not None:
        matches = [match.strip() for match in ambiguous["matches"].split(",")]
        return f"{ambiguous['option']} is short for more than one option: did you mean {' or '.join(matches)}?"
    return message


def deprecated_spellings(parser: argparse.ArgumentParser, args: Iterable[str]) -> list[tuple[str, str]]:
    """(old, canonical) for each hidden alias in `args`, once each, in order.

    A hidden alias is an option with help=SUPPRESS sharing its `dest` with a listed option: the flag's former
    spelling, kept working for old scripts (`generate --batch` for `--batch-size`).
    """
    listed: dict[str, str] = {}
    for action in parser._actions:
        if action.help != argparse.SUPPRESS and action.option_strings:
            longs = [flag for flag in action.option_strings if flag.startswith("--")]
            listed.setdefault(action.dest, (longs or action.option_strings)[0])
    found: dict[str, str] = {}
    for arg in args:
        if arg == "--":
            break
        flag = arg.partition("=")[0]
        alias = parser._option_string_actions.get(flag)
        if alias is not None and alias.help == argparse.SUPPRESS and alias.dest in listed:
            found.setdefault(flag, listed[alias.dest])
    return list(found.items())


def one_line(parser: argparse.ArgumentParser, prog: str) -> argparse.ArgumentParser:
    """The parser, raising UsageError with one line where it would print its usage and exit 2."""

    def error(message: str) -> NoReturn:
        raise UsageError(f"{prog}: {explain(message, parser)} (see `{prog} --help`)")

    parser.error = error  # type: ignore[method-assign]
    return parser
