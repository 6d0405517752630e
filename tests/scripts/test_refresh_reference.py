"""scripts/refresh_reference.py: provenance in NOTICE, prose stripped, values kept, and a second run changes nothing.

The source folder is built here from the repository's own copy plus a small OpenAPI document with prose in it,
so the test reads nothing outside the repository.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contracts.reference import CHECKOUT, SAMPLES, XDM_SCHEMAS, exeg_codes
from tests.script_modules import load_script

SCRIPT = CHECKOUT / "scripts" / "refresh_reference.py"


REFRESH = load_script(SCRIPT)
OPENAPI = """\
openapi: 3.0.0
info: {title: Edge Network API, version: 1.0.0, description: Prose about the API.}
paths:
  /v2/interact:
    post:
      summary: Interact
      tags: [interact]
      parameters:
        - {name: datastreamId, in: query, required: true, description: The datastream.}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Answer'}
components:
  schemas:
    Answer:
      type: object
      title: Answer
      description: What Edge answers.
      properties:
        title: {type: string, description: a property named like a keyword stays}
        description: {type: string, example: {description: values stay as they are}}
"""


def _source(root: Path) -> Path:
    source = root / "source"
    shutil.copytree(XDM_SCHEMAS, source / "xdm")
    (source / "xdm" / "SOURCE.md").write_text(f"{REFRESH.XDM[0]} commit {REFRESH.XDM[1]}\n", encoding="utf-8")
    (source / "xdm" / "LICENSE").write_text("Attribution 4.0 International\n", encoding="utf-8")
    extensible = source / "xdm" / "components" / "datatypes" / "extensible.schema.json"
    document = json.loads(extensible.read_text(encoding="utf-8"))
    extensible.write_text(json.dumps({**document, "title": "Extensible", "description": "prose",
                                      "meta:enum": {"a": "prose"}}), encoding="utf-8")
    openapi = source / "reference" / "adobe-openapi"
    openapi.mkdir(parents=True)
    (openapi / "SOURCES.md").write_text(f"HEAD {REFRESH.DCAPI[1]}\n", encoding="utf-8")
    (openapi / "api-reference.yaml").write_text(OPENAPI, encoding="utf-8")
    table = [{**code, "title_in_docs": code.pop("title"), "description_in_docs": "prose"} for code in exeg_codes()]
    (openapi / "exeg-error-codes.from-docs.json").write_text(json.dumps({"_source": "x", "codes": table}),
                                                               encoding="utf-8")
    shutil.copytree(SAMPLES, source / "reference" / "samples")
    (source / "reference" / "samples" / "SOURCES.md").write_text("\n".join(REFRESH.SAMPLES), encoding="utf-8")
    return source


def _run(source: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(source), "--root", str(root)],
                          capture_output=True, text=True, timeout=120, check=False)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_refresh_reference_twice_gives_byte_identical_output(tmp_path):
    source, out = _source(tmp_path), tmp_path / "out"
    first = _run(source, out)
    assert first.returncode == 0, first.stderr
    before = _tree(out)
    assert _run(source, out).returncode == 0
    assert _tree(out) == before
    assert len(before) == 1 + 62 + 2 + 15  # NOTICE, the XDM schemas, the OpenAPI facts and code table, the samples


@pytest.mark.slow
def test_refresh_reference_strips_prose_and_keeps_names_and_values(tmp_path):
    source, out = _source(tmp_path), tmp_path / "out"
    assert _run(source, out).returncode == 0
    spec = json.loads((out / "tests/reference/adobe-openapi.json").read_text(encoding="utf-8"))
    answer = spec["components"]["schemas"]["Answer"]
    assert answer == {"type": "object", "properties": {
        "title": {"type": "string"},
        "description": {"type": "string", "example": {"description": "values stay as they are"}}}}
    assert spec["info"] == {"version": "1.0.0"}
    assert spec["paths"]["/v2/interact"]["post"]["parameters"] == [
        {"name": "datastreamId", "in": "query", "required": True}]
    codes = json.loads((out / "tests/reference/exeg-error-codes.json").read_text(encoding="utf-8"))["codes"]
    assert codes == exeg_codes()
    extensible = json.loads((out / "xdm/schemas/components/datatypes/extensible.schema.json").read_bytes())
    assert ({"title", "description"} & set(extensible), extensible["meta:enum"]) == (set(), {"a": ""})
    assert (out / "tests/reference/samples/dcapi-collect-response.json").read_bytes() == (
        SAMPLES / "dcapi-collect-response.json").read_bytes()


@pytest.mark.slow
def test_refresh_reference_refuses_a_source_whose_notes_name_another_commit(tmp_path):
    source = _source(tmp_path)
    (source / "xdm" / "SOURCE.md").write_text("adobe/xdm commit 0000\n", encoding="utf-8")
    result = _run(source, tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"no longer names {REFRESH.XDM[1]}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_notice_names_every_derived_file_with_its_provenance_and_digest():
    lines = [line.split(" | ") for line in (CHECKOUT / "NOTICE").read_text(encoding="utf-8").splitlines()
             if " | " in line]
    derived = sorted(p.relative_to(CHECKOUT).as_posix() for folder in (XDM_SCHEMAS, CHECKOUT / "tests" / "reference")
                     for p in folder.rglob("*") if p.is_file())
    assert sorted(line[0] for line in lines) == derived
    for output, repository, path, commit, licence, digest in lines:
        assert repository in {"adobe/xdm", "AdobeDocs/data-collection-apis", "AdobeDocs/experience-platform.en"}
        assert path
        assert len(commit) == 40
        assert licence
        assert hashlib.sha256((CHECKOUT / output).read_bytes()).hexdigest() == digest, f"{output} changed by hand"
    assert "CC BY 4.0" in (CHECKOUT / "NOTICE").read_text(encoding="utf-8")
