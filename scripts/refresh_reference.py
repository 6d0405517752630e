"""Refresh the project's copy of Adobe's reference data and its NOTICE: `python scripts/refresh_reference.py [SOURCE]`.

SOURCE is a folder holding the upstream material as the maintainers keep it (default: `shared`, a folder beside
the checkout): `xdm/` (files of adobe/xdm at their repository paths, with `LICENSE` and `SOURCE.md`),
`reference/adobe-openapi/` (Adobe's OpenAPI document and its error-code table, with `SOURCES.md`) and
`reference/samples/` (documented response bodies, with `SOURCES.md`). This script is the only file of the
repository that reads it; the product and the tests read what it writes:

- `xdm/schemas/`: the XDM schemas `edgeload validate-events` uses by default (shipped in the wheel);
- `tests/reference/`: the facts of Adobe's OpenAPI document, the EXEG code table and the response samples;
- `NOTICE`: repository, path, commit and licence of every item.

Only structure and values are kept: titles, descriptions, examples and other documentation prose go, because
nothing reads them and they are most of the bytes. Output is a pure function of the input (sorted walks, fixed
JSON layout), so a second run with the same SOURCE leaves every byte as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared"

XDM_OUT = Path("xdm/schemas")
TESTS_OUT = Path("tests/reference")

# Upstream pins, checked against the source notes on every run so a refreshed source cannot carry a stale NOTICE.
XDM = ("adobe/xdm", "4a4fc5f8dd175cd81f2419b85130a6fc25053890")
DCAPI = ("AdobeDocs/data-collection-apis", "1968dcf70e406879fa6b019ef6f8ce7bdc709938")
EPLEN = "AdobeDocs/experience-platform.en"
EPLEN_2B50 = "2b501c9384fecb016489a21a308a595186153f03"
# https://github.com/adobe/xdm/blob/master/LICENSE
XDM_LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); changed: documentation keys removed"
# The AdobeDocs repositories state Adobe's copyright (data-collection-apis COPYRIGHT: "Adobe holds the copyright for
# all the files found in this repository"); the material we copy names no open licence, so we keep factual excerpts.
ADOBE_DOCS_LICENCE = "(c) Adobe; no open licence stated in the copied material; factual excerpt"

# sample file -> (repository, path in it, commit); from reference/samples/SOURCES.md.
SAMPLES: dict[str, tuple[str, str, str]] = {
    "dcapi-interact-response.json": (*DCAPI[:1], "src/pages/endpoints/interact/index.md", DCAPI[1]),
    "dcapi-collect-response.json": (*DCAPI[:1], "src/pages/endpoints/collect/index.md", DCAPI[1]),
    "dcapi-troubleshooting-422-problem.json": (*DCAPI[:1], "src/pages/getting-started/troubleshooting.md", DCAPI[1]),
    "dcapi-troubleshooting-nonfatal-errors-warnings.json": (
        *DCAPI[:1], "src/pages/getting-started/troubleshooting.md", DCAPI[1]),
    "dcapi-personalization-target-response.json": (
        *DCAPI[:1], "src/pages/getting-started/personalization.md", DCAPI[1]),
    "dcapi-offer-decisioning-response.json": (*DCAPI[:1], "src/pages/getting-started/personalization.md", DCAPI[1]),
    "dcapi-locationhint-handle.json": (*DCAPI[:1], "src/pages/getting-started/location-hints.md", DCAPI[1]),
    "eplen-client-state-state-store-response.json": (
        EPLEN, "help/edge-network-server-api/client-state.md", EPLEN_2B50),
    "eplen-client-state-meta-state-request-fragment.json": (
        EPLEN, "help/edge-network-server-api/client-state.md", EPLEN_2B50),
    "eplen-interactive-consent-preferences-response.json": (
        EPLEN, "help/edge-network-server-api/interactive-data-collection.md", EPLEN_2B50),
    "eplen-visitor-ecid-identity-result-response.json": (
        EPLEN, "help/edge-network-server-api/visitor-identification-ecid.md", EPLEN_2B50),
    "eplen-visitor-fpid-EXEG-0306-400-problem.json": (
        EPLEN, "help/edge-network-server-api/visitor-identification-fpid.md", EPLEN_2B50),
    "eplen-personalization-target-v2-interact-response.json": (
        EPLEN, "help/edge-network-server-api/personalization-target.md", "1880f391b3276aa61d0c94c1567f2dd555b66edc"),
    "eplen-media-edge-sessionstart-raw-http-response.txt": (
        EPLEN, "help/server-api/media-edge-api/getting-started.md", "0f7ee1a4193433c9467bd525559da121e5551537"),
    "eplen-datastream-overrides-request-payload.json": (
        EPLEN, "help/datastreams/overrides.md", "b0b53d9fcf410812eee3abdbbb6960d328fee99f"),
}

# Keywords that only document (JSON Schema annotations, OpenAPI prose, XDM's UI metadata). A key is dropped only
# where it is a keyword, never where it names a property or sits inside a value (`example`, `enum`, ...).
PROSE = frozenset({
    "title", "description", "summary", "examples", "externalDocs", "$comment", "tags",
    "meta:titleId", "meta:descriptionId", "meta:license", "meta:createdDate", "meta:tags",
})
NAMED = frozenset({"properties", "patternProperties", "definitions", "schemas", "paths", "responses",
                   "securitySchemes", "content", "headers"})
VALUES = frozenset({"example", "enum", "const", "default"})


class SourceError(Exception):
    """The source folder is not what this script expects; the message says what to fix."""


@dataclass(frozen=True)
class Item:
    output: str  # path written, relative to the repository root
    repository: str
    path: str
    commit: str
    licence: str


def strip(node: Any, parent: str = "") -> Any:
    """The node without documentation keywords; `meta:enum` keeps its values (event types), not their prose."""
    if parent in VALUES:
        return node
    if isinstance(node, list):
        return [strip(value, parent) for value in node]
    if not isinstance(node, dict):
        return node
    if parent == "meta:enum":
        return {key: "" for key in node}
    return {key: strip(value, key if parent not in NAMED else "") for key, value in node.items()
            if parent in NAMED or key not in PROSE}


def dumps(document: Any) -> bytes:
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def require_note(note: Path, *needles: str) -> None:
    if not note.is_file():
        raise SourceError(f"{note} is missing; SOURCE must hold the source notes beside the data")
    text = note.read_text(encoding="utf-8")
    for needle in needles:
        if needle not in text:
            raise SourceError(f"{note} no longer names {needle}: update the pins in scripts/refresh_reference.py")


def xdm_files(source: Path) -> Iterator[tuple[Item, bytes]]:
    folder = source / "xdm"
    require_note(folder / "SOURCE.md", XDM[0], XDM[1])
    licence = folder / "LICENSE"
    if not licence.is_file() or "Attribution 4.0 International" not in licence.read_text(encoding="utf-8"):
        raise SourceError(f"{licence} is not the CC BY 4.0 text adobe/xdm is published under")
    for file in sorted(folder.rglob("*.schema.json")):
        relative = file.relative_to(folder).as_posix()
        document = json.loads(file.read_text(encoding="utf-8"))
        yield Item(f"{XDM_OUT.as_posix()}/{relative}", XDM[0], relative, XDM[1], XDM_LICENCE), dumps(strip(document))


def openapi_files(source: Path) -> Iterator[tuple[Item, bytes]]:
    folder = source / "reference" / "adobe-openapi"
    require_note(folder / "SOURCES.md", DCAPI[1])
    spec = yaml.safe_load((folder / "api-reference.yaml").read_text(encoding="utf-8"))
    yield (Item(f"{TESTS_OUT.as_posix()}/adobe-openapi.json", DCAPI[0], "static/api-reference.yaml", DCAPI[1],
                ADOBE_DOCS_LICENCE), dumps(strip(spec)))
    table = json.loads((folder / "exeg-error-codes.from-docs.json").read_text(encoding="utf-8"))
    # The "Detailed error codes list" table: code, problem type, HTTP status and the documented title.
    codes = [{"code": c["code"], "type": c["type"], "status": c["status"], "title": c["title_in_docs"]}
             for c in table["codes"]]
    yield (Item(f"{TESTS_OUT.as_posix()}/exeg-error-codes.json", DCAPI[0],
                "src/pages/getting-started/troubleshooting.md", DCAPI[1], ADOBE_DOCS_LICENCE), dumps({"codes": codes}))


def sample_files(source: Path) -> Iterator[tuple[Item, bytes]]:
    folder = source / "reference" / "samples"
    require_note(folder / "SOURCES.md", *SAMPLES)
    found = sorted(p.name for p in folder.iterdir() if p.name != "SOURCES.md")
    if found != sorted(SAMPLES):
        raise SourceError(f"{folder} holds {found}, the script knows {sorted(SAMPLES)}: add the new ones to SAMPLES")
    for name in found:
        repository, path, commit = SAMPLES[name]
        # Samples are response bodies: values only already, copied byte for byte.
        yield (Item(f"{TESTS_OUT.as_posix()}/samples/{name}", repository, path, commit, ADOBE_DOCS_LICENCE),
               (folder / name).read_bytes())


def notice(items: list[tuple[Item, bytes]]) -> bytes:
    lines = [
        "edgeload: third-party material",
        "",
        "edgeload is Apache-2.0. It carries derived copies of the material below, written by",
        "scripts/refresh_reference.py (docs/reference-data.md). Each line: our file, upstream repository,",
        "path in it, commit, licence, sha256 of our file.",
        "",
        "Experience Data Model (XDM) schemas (c) Adobe, https://github.com/adobe/xdm, licensed under CC BY 4.0",
        "(https://creativecommons.org/licenses/by/4.0/). Changed: titles, descriptions, examples and other",
        "documentation keys removed; structure and values unchanged.",
        "",
        "Adobe Experience Platform Edge Network documentation (c) Adobe: https://github.com/AdobeDocs/data-collection-apis",
        "and https://github.com/AdobeDocs/experience-platform.en. Kept: the facts of the OpenAPI document (prose",
        "removed), the codes, statuses and titles of the EXEG error table, and documented sample bodies.",
        "",
    ]
    for item, data in items:
        digest = hashlib.sha256(data).hexdigest()
        lines.append(f"{item.output} | {item.repository} | {item.path} | {item.commit} | {item.licence} | {digest}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def refresh(source: Path, root: Path) -> list[Item]:
    """Write every derived file and NOTICE under `root`; the output folders are replaced whole."""
    if not source.is_dir():
        raise SourceError(f"{source} is not a folder; pass the folder holding xdm/ and reference/")
    items = [*xdm_files(source), *openapi_files(source), *sample_files(source)]
    for folder in (XDM_OUT, TESTS_OUT):
        shutil.rmtree(root / folder, ignore_errors=True)
    for item, data in items:
        target = root / item.output
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (root / "NOTICE").write_bytes(notice(items))
    return [item for item, _ in items]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="folder holding xdm/ and reference/ (default: shared beside the checkout)")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root to write into (default: this one)")
    args = parser.parse_args(argv)
    try:
        items = refresh(args.source.resolve(), args.root.resolve())
    except (SourceError, OSError, KeyError, ValueError, yaml.YAMLError) as error:
        print(f"refresh_reference: {error}", file=sys.stderr)
        return 2
    size = sum((args.root / item.output).stat().st_size for item in items)
    print(f"refresh_reference: {len(items)} files, {size:,} bytes, and NOTICE written under {args.root.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
