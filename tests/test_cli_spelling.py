"""One spelling per flag: every subcommand's parser, walked from the dispatcher's registry.

A meaning spelled two ways in two subcommands fails (the synonyms table names the spellings people reach for);
so does an option without help or whose help hides its default. A former spelling stays as a hidden alias
(help=SUPPRESS, the same `dest` as the listed flag): it still works, and the dispatcher names the current one.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator

import pytest

from loadtests._cli import SUBCOMMANDS, _resolve, main

# Each meaning and the spellings it goes by here or in the tools people know (Locust, k6, curl, schemathesis).
SYNONYMS: dict[str, frozenset[str]] = {
    "the target's base URL": frozenset({"-H", "--host", "--target", "--url", "--base-url", "--target-url"}),
    "TLS certificates not verified": frozenset({"--insecure", "-k", "--no-verify", "--no-verify-tls",
                                                "--tls-no-verify", "--skip-tls-verify", "--tls-verify"}),
    "how requests authenticate": frozenset({"--auth", "--auth-mode", "--auth-method", "--authentication"}),
    "the seed of what is generated": frozenset({"--seed", "--random-seed"}),
    "the reports folder": frozenset({"--report-dir", "--reports", "--reports-dir", "--report-folder"}),
    "the folder a derived page goes to": frozenset({"--out", "--output", "-o", "--output-dir", "--out-dir"}),
    "the datastream": frozenset({"--datastream-id", "--datastream", "--config-id", "--edge-config-id"}),
    "a TOML settings file": frozenset({"--config", "--config-file", "-c"}),
    "the target profile": frozenset({"--profile", "--target-profile"}),
    "an extra request header": frozenset({"--header", "--headers"}),
    "the location hint": frozenset({"--location-hint", "--hint", "--region"}),
    "a ceiling on the client's request rate": frozenset({"--max-rps", "--rps-limit", "--max-rate"}),
    "the most of a response body read": frozenset({"--max-response-bytes", "--max-body-bytes",
                                                   "--max-response-size"}),
    "simulated users": frozenset({"-u", "--users", "--vus", "--concurrency"}),
    "how long the load runs": frozenset({"-t", "--run-time", "--duration"}),
    "events per collect request": frozenset({"--batch-size", "--batch"}),
    "the server's log level": frozenset({"--log-level", "--loglevel"}),
}
# The same spelling for another meaning, on purpose: `emulator --host` is the address it binds (as uvicorn's
# and Flask's --host), never a target; the emulator has no target.
HOMONYMS = {("emulator", "--host")}


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for name, sub in SUBCOMMANDS.items():
        parser = _resolve(sub.parser)()
        assert isinstance(parser, argparse.ArgumentParser)
        yield name, parser


def _listed(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [action for action in parser._actions
            if action.help != argparse.SUPPRESS and not isinstance(action, argparse._HelpAction)]


def _different_spellings(parsers: Iterable[tuple[str, argparse.ArgumentParser]]) -> dict[str, dict[str, list[str]]]:
    """Meaning -> {spelling: subcommands} for each meaning spelled more than one way."""
    spellings: dict[str, dict[str, list[str]]] = {meaning: {} for meaning in SYNONYMS}
    for name, parser in parsers:
        for action in _listed(parser):
            for meaning, words in SYNONYMS.items():
                used = "/".join(sorted(flag for flag in action.option_strings
                                       if flag in words and (name, flag) not in HOMONYMS))
                if used:
                    spellings[meaning].setdefault(used, []).append(name)
    return {meaning: found for meaning, found in spellings.items() if len(found) > 1}


def test_cli_spelling_each_meaning_is_spelled_the_same_in_every_subcommand() -> None:
    assert _different_spellings(_parsers()) == {}


def test_cli_spelling_check_catches_a_meaning_spelled_two_ways() -> None:
    one, other = argparse.ArgumentParser(), argparse.ArgumentParser()
    one.add_argument("--insecure", action="store_true", help="skip TLS verification")
    other.add_argument("--no-verify", action="store_true", help="skip TLS verification")
    assert _different_spellings([("run", one), ("contract", other)]) == {
        "TLS certificates not verified": {"--insecure": ["run"], "--no-verify": ["contract"]}}


def test_cli_spelling_no_subcommand_has_two_options_for_one_meaning() -> None:
    doubled = []
    for name, parser in _parsers():
        for meaning, words in SYNONYMS.items():
            actions = [action for action in _listed(parser)
                       if any(flag in words and (name, flag) not in HOMONYMS for flag in action.option_strings)]
            if len(actions) > 1:
                doubled.append((name, meaning, [action.option_strings for action in actions]))
    assert doubled == []


_FLAG_ACTIONS = (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction,
                 argparse._CountAction, argparse.BooleanOptionalAction, argparse._VersionAction)


def _problems(name: str, action: argparse.Action) -> list[str]:
    flag = "/".join(action.option_strings) or action.dest
    text = (action.help or "").strip()
    if not text:
        return [f"{name} {flag}: no help text"]
    if isinstance(action, _FLAG_ACTIONS) or not action.option_strings or action.required:
        return []  # a switch is off unless given; a positional or a required option has no default
    if "default" not in text:
        return [f"{name} {flag}: its help does not say its default"]
    return []


def test_cli_spelling_every_option_has_help_that_shows_its_default() -> None:
    problems = [problem for name, parser in _parsers() for action in _listed(parser)
                for problem in _problems(name, action)]
    assert problems == []


def test_cli_spelling_every_hidden_option_is_an_alias_of_a_listed_one() -> None:
    orphans = []
    for name, parser in _parsers():
        listed = {action.dest for action in _listed(parser)}
        orphans += [(name, action.option_strings) for action in parser._actions
                    if action.help == argparse.SUPPRESS and action.dest not in listed]
    assert orphans == []


def test_cli_spelling_a_former_spelling_works_and_names_the_current_one_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["generate", "-n", "1", "--kind", "collect-request", "--batch", "2", "--batch=3"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ("edgeload generate: --batch is deprecated, spell it --batch-size (the old spelling "
                            "still works)\n")
    assert captured.out.count('"xdm"') == 3  # the last --batch wins, as argparse reads repeated options


def test_cli_spelling_the_current_spelling_prints_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "-n", "1", "--kind", "collect-request", "--batch-size", "2"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_spelling_check_catches_missing_help_and_hidden_defaults() -> None:
    parser = argparse.ArgumentParser()
    bare = parser.add_argument("--bare")
    hidden = parser.add_argument("--level", default=3, help="how loud")
    shown = parser.add_argument("--shown", default=3, help="how loud (default %(default)s)")
    switch = parser.add_argument("--quiet", action="store_true", help="say less")
    assert [problem for action in (bare, hidden, shown, switch) for problem in _problems("x", action)] == [
        "x --bare: no help text", "x --level: its help does not say its default"]
