"""Comments stand on their own: no tracked file points a reader somewhere they cannot follow (docs/architecture.md).

A comment or docstring states its rule and cites a public source (a URL, a spec section), a page of docs/, or a file of
the repository. It never names an issue number, a private brief, or a notes file that lives outside the checkout,
because a newcomer reading the code has none of them. Issue numbers count only in comments and Python strings (a
data file may hold any number); the other two count anywhere. The names below are spelled in pieces so that this
file passes its own scan.
"""

from __future__ import annotations

import io
import re
import tokenize

import pytest

from tests.test_standalone_paths import BINARY, ROOT, tracked_files

# scripts/refresh_reference.py names the folder it copies from; NOTICE records where each copy came from.
ALLOWED = {"scripts/refresh_reference.py", "NOTICE"}
# A line allowed to hold a name because it is test data for another scan: the climbing-out example of
# tests/test_standalone_paths.py.
ALLOWED_LINES = {("tests/test_standalone_paths.py", "/shared/reference/")}
ISSUE = re.compile(r"\bissues?\s+#?\d+\b", re.IGNORECASE)
WORD = "bri" + "ef"
PRIVATE_BRIEF = re.compile(rf"\bthe\s+{WORD}\b|\({WORD}\b|\b{WORD}\s*:", re.IGNORECASE)
NOTES = ("EDGE-API", "XDM", "TOOLS", "REAL-CLIENTS", "STYLE", "DEVELOP" + "ERS")
LIBRARY = "." + "library/"  # the machine's tool library beside the checkout
OUTSIDE = re.compile(r"\b(?:" + "|".join(re.escape(name) for name in NOTES) + r")\.md\b"
                     + r"|\b" + NOTES[-1] + r"\b|(?<![\w/])" + re.escape(LIBRARY))
MD = ".md"
# Python 3.12 splits an f-string into pieces; 3.11 keeps it one STRING token.
TEXT_TOKENS = {tokenize.COMMENT, tokenize.STRING} | {getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def comment_lines(name: str, text: str) -> list[tuple[int, str]]:
    """(line number, text) of every comment and string of a Python file; every line of any other file."""
    if not name.endswith(".py"):
        return list(enumerate(text.splitlines(), 1))
    found: list[tuple[int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in TEXT_TOKENS:
                found.extend((token.start[0] + offset, line) for offset, line in enumerate(token.string.split("\n")))
    except (tokenize.TokenError, SyntaxError):  # not valid Python: judge every line rather than none
        return list(enumerate(text.splitlines(), 1))
    return found


def pointers(name: str, text: str) -> list[str]:
    """Every place in `text` (the content of tracked file `name`) that points where a reader cannot follow."""
    found: list[str] = []
    for number, line in comment_lines(name, text):
        if match := ISSUE.search(line):
            found.append(f"{name}:{number}: an issue number ({match.group(0)}); state the rule instead")
    for number, line in enumerate(text.splitlines(), 1):
        if any(name == allowed and part in line for allowed, part in ALLOWED_LINES):
            continue
        for pattern, what in ((PRIVATE_BRIEF, "a private brief"), (OUTSIDE, "a document outside the repository")):
            match = pattern.search(line)
            if match:
                found.append(f"{name}:{number}: {what} ({match.group(0)}); cite its public source or a docs page")
    return found


def test_no_tracked_file_points_at_an_issue_the_brief_or_notes_outside_the_repository():
    found: list[str] = []
    for name in tracked_files():
        if name in ALLOWED or name.endswith(BINARY) or not (ROOT / name).is_file():
            continue
        found.extend(pointers(name, (ROOT / name).read_text(encoding="utf-8", errors="replace")))
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("name", "text", "expected"), [
    pytest.param("a.py", "x = 1  # fixed by issue " + "7\n", ["a.py:1: an issue number (issue " + "7)"],
                 id="issue-in-comment"),
    pytest.param("a.py", '"""Docstring.\n\nAs Issue ' + '5 asks."""\n', ["a.py:3: an issue number (Issue " + "5)"],
                 id="issue-in-docstring"),
    pytest.param("a.py", "issues = 3\nx = issues + 4\n", [], id="issue-as-a-name-in-code"),
    pytest.param("data.json", '{"note": "see issue ' + '12"}\n', ["data.json:1: an issue number (issue " + "12)"],
                 id="issue-in-other-file"),
    pytest.param("a.py", "# keeps the order of the " + "brief\n", ["a.py:1: a private brief (the " + "brief)"],
                 id="the-brief"),
    pytest.param("a.py", "# no traceback (" + "brief)\n", ["a.py:1: a private brief ((" + "brief)"], id="brief-tag"),
    pytest.param("a.md", "In brief" + "ly: fine.\n", [], id="briefly"),
    pytest.param("Makefile", f"# from REAL-CLIENTS{MD}\n", [f"Makefile:1: a document outside the repository "
                                                         f"(REAL-CLIENTS{MD})"], id="outside-note"),
    pytest.param("a.py", f'HINT = "see STYLE{MD}"\n', [f"a.py:1: a document outside the repository (STYLE{MD})"],
                 id="outside-note-in-code"),
    pytest.param("a.py", "# " + LIBRARY + "env/machines/python" + MD + "\n",
                 [f"a.py:1: a document outside the repository ({LIBRARY})"], id="outside-library"),
    pytest.param("a.py", "# https://docs.locust.io/en/stable/ and docs/gates.md#verdicts\n", [],
                 id="public-source"),
])
def test_pointers_names_file_line_and_what(name, text, expected):
    assert [entry.split("; ")[0] for entry in pointers(name, text)] == expected


def test_pointers_allows_the_standalone_example_line_only():
    example = "    pytest.param(f\"read `{UP}/shared/reference/EDGE-API" + MD + "`\", 1),\n"
    assert pointers("tests/test_standalone_paths.py", example) == []
    assert len(pointers("tests/test_other.py", example)) == 1
