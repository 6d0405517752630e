"""The README is a front door and the docs site holds together (docs/contributing.md, "Run each test group").

`make docs` builds the site with `mkdocs build --strict`, which fails on a broken link or anchor between pages and
on a page left out of the nav. These tests hold what that build does not see, fast and without building: the
README's size and links (GitHub renders it, not MkDocs), every docs page in the nav, the commands the README shows
under "Ten things people do" accepted by the subcommand's own parser or Makefile, and every page of docs/ (with its
#anchor) that the code cites naming a page and heading that exist.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from pathlib import Path

import pytest
import yaml

from loadtests._cli import SUBCOMMANDS, check_arguments
from loadtests._cli_errors import UsageError
from tests.test_standalone_paths import BINARY, ROOT, tracked_files

README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_LIMIT = 12_288  # bytes: a front door, not the manual
# [text](target) and ![alt](target); a target with a scheme or starting with # is not a file.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
TEN_THINGS = re.compile(r"<!-- ten-things.*?-->(.*?)<!-- /ten-things -->", re.DOTALL)
CODE = re.compile(r"`([^`]+)`")
MAKE_TARGET = re.compile(r"^([A-Za-z][\w-]*)\s*:(?!=)", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A page cited from code, a comment or a help text: docs/gates.md or docs/gates.md#verdicts.
CITATION = re.compile(r"\bdocs/([\w-]+\.md)(?:#([\w-]+))?")
# A citation of a section of the README by its name, quoted or after a comma (the cases below): the README is a
# front door now and its sections are pages. Spelled in pieces so that this file passes its own scan.
README_SECTION = re.compile("READ" + r"ME(?:'s)?,?\s*\\?\"?[A-Z][A-Za-z]")


def pages() -> list[Path]:
    return sorted(DOCS.glob("**/*.md"))


def links(path: Path) -> list[str]:
    """The link targets of a Markdown file, outside fenced code blocks."""
    return LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8")))


def slugify(title: str) -> str:
    """A heading's id as Python-Markdown's toc extension makes it (`markdown.extensions.toc.slugify`, which MkDocs
    uses; https://python-markdown.github.io/extensions/toc/), restated so that the fast tests need no docs tools."""
    text = unicodedata.normalize("NFKD", re.sub(r"[`*]", "", title)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())


def anchors(path: Path) -> set[str]:
    """The heading ids MkDocs gives a page."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slugify(title) for _, title in HEADING.findall(text)}


def nav_files(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [name for value in node.values() for name in nav_files(value)]
    if isinstance(node, list):
        return [name for item in node for name in nav_files(item)]
    return []


def ten_things_commands() -> list[list[str]]:
    """Each command line shown under "Ten things people do", split at pipes into argv lists."""
    section = TEN_THINGS.search(README.read_text(encoding="utf-8"))
    assert section, "README.md has no <!-- ten-things --> section"
    commands = []
    for row in section.group(1).splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
        if len(cells) < 2 or set(cells[1]) <= {"-", " "} or cells[1] == "command":
            continue
        for span in CODE.findall(cells[1]):
            commands.extend(shlex.split(part) for part in span.replace("\\|", "\0").split("\0"))
    return commands


def unknown_command(argv: list[str], make_targets: set[str]) -> str | None:
    """Why `argv` is not a real make target or edgeload subcommand with options its parser accepts; else None."""
    words = [word for word in argv if not re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", word)]  # VAR=value prefixes
    program = Path(words[0]).name
    if program == "make":
        missing = [target for target in words[1:] if "=" not in target and target not in make_targets]
        return f"make targets {missing} are not in the Makefile" if missing else None
    if program != "edgeload":
        return f"{program} is neither make nor edgeload"
    if len(words) < 2 or words[1] not in SUBCOMMANDS:
        return f"{' '.join(words[:2])}: not a subcommand of {', '.join(SUBCOMMANDS)}"
    try:
        check_arguments(SUBCOMMANDS[words[1]], words[2:])
    except UsageError as error:
        return str(error)
    return None


def test_readme_is_a_front_door_within_the_size_bound():
    size = len(README.read_bytes())
    assert 0 < size <= README_LIMIT, f"README.md is {size} bytes; move detail to a page under docs/"


@pytest.mark.parametrize("path", [README, *pages()], ids=lambda path: path.relative_to(ROOT).as_posix())
def test_docs_relative_link_resolves_to_a_file(path):
    broken = []
    for target in links(path):
        file_part = target.split("#", 1)[0]
        if EXTERNAL.match(target) or not file_part:
            continue
        if not (path.parent / file_part).resolve().is_file():
            broken.append(target)
    assert broken == []


def test_docs_every_page_is_in_the_nav_and_every_nav_entry_is_a_page():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_files(config["nav"])
    on_disk = sorted(path.relative_to(DOCS).as_posix() for path in pages())
    assert sorted(listed) == on_disk
    assert len(listed) == len(set(listed)), "a page is listed twice in the nav"


def test_docs_theme_loads_nothing_from_the_internet():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False  # Material otherwise links Google Fonts
    plugins = [plugin if isinstance(plugin, str) else next(iter(plugin)) for plugin in config.get("plugins", [])]
    assert set(plugins) <= {"search"}  # no privacy, social cards or other plugins that fetch at build time


def test_readme_ten_things_are_real_commands():
    make_targets = set(MAKE_TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    commands = ten_things_commands()
    assert len(commands) >= 10
    problems = {" ".join(argv): why for argv in commands if (why := unknown_command(argv, make_targets))}
    assert problems == {}


@pytest.mark.parametrize(("argv", "expected"), [
    pytest.param(["make", "test"], None, id="make-target"),
    pytest.param(["make", "tset"], "make targets ['tset'] are not in the Makefile", id="make-typo"),
    pytest.param([".venv/bin/edgeload", "run", "-u", "5"], None, id="subcommand"),
    pytest.param(["X_ID=1", "edgeload", "generate", "-n", "3"], None, id="environment-prefix"),
    pytest.param(["edgeload", "rnu"], "edgeload rnu: not a subcommand", id="unknown-subcommand"),
    pytest.param(["edgeload", "run", "--spwan-rate", "2"], "unknown option --spwan-rate", id="unknown-option"),
    pytest.param(["curl", "URL"], "curl is neither make nor edgeload", id="other-program"),
])
def test_unknown_command_names_what_is_not_real(argv, expected):
    why = unknown_command(argv, {"test", "run"})
    assert why is None if expected is None else expected in why


def test_docs_pages_cited_in_tracked_files_exist_with_their_anchors():
    known = {path.relative_to(DOCS).as_posix(): anchors(path) for path in pages()}
    broken = []
    for name in tracked_files():
        if name.endswith(BINARY) or name.startswith("docs/") or not (ROOT / name).is_file():
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for page, anchor in CITATION.findall(line):
                if page not in known or (anchor and anchor not in known[page]):
                    broken.append(f"{name}:{number}: docs/{page}{'#' + anchor if anchor else ''}")
    assert broken == []


def test_no_tracked_file_cites_a_readme_section():
    found = []
    for name in tracked_files():
        if name.endswith(BINARY) or not (ROOT / name).is_file():
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        found.extend(f"{name}:{number}: {match.group(0)}" for number, line in enumerate(text.splitlines(), 1)
                     for match in README_SECTION.finditer(line))
    assert found == [], "cite the docs page instead, e.g. docs/gates.md#verdicts"


@pytest.mark.parametrize(("line", "cites"), [
    pytest.param('# the verdict (READ' + 'ME "Verdicts")', True, id="quoted-section"),
    pytest.param("# The READ" + "ME's \"CI templates\" section", True, id="possessive"),
    pytest.param("# (READ" + "ME, Real clients)", True, id="comma"),
    pytest.param("COPY pyproject.toml READ" + "ME.md NOTICE ./", False, id="the-file-itself"),
    pytest.param("# the verdict (docs/gates.md#verdicts)", False, id="docs-page"),
])
def test_readme_section_pattern_finds_section_citations_only(line, cites):
    assert bool(README_SECTION.search(line)) is cites


def test_anchors_follow_mkdocs_heading_ids(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Gates and verdicts\n\n## The `trust` gate: clock lies\n\n```sh\n# not a heading\n```\n")
    assert anchors(page) == {"gates-and-verdicts", "the-trust-gate-clock-lies"}
