from __future__ import annotations

from pathlib import Path

import pytest

from loadtests._report_folder import ReportFolderTaken, claim


def test_claim_creates_the_folder_and_its_parents(tmp_path: Path) -> None:
    folder = claim(tmp_path / "reports", "20260101-120000", explicit=False)
    assert folder == tmp_path / "reports" / "20260101-120000"
    assert folder.is_dir()


def test_claim_gives_a_timestamp_taken_in_the_same_second_the_next_free_suffix(tmp_path: Path) -> None:
    names = [claim(tmp_path, "20260101-120000", explicit=False).name for _ in range(3)]
    assert names == ["20260101-120000", "20260101-120000-2", "20260101-120000-3"]


def test_claim_refuses_a_taken_explicit_run_id_and_leaves_the_folder_alone(tmp_path: Path) -> None:
    (tmp_path / "nightly").mkdir()
    (tmp_path / "nightly" / "summary.json").write_text("{}")
    with pytest.raises(ReportFolderTaken, match="nightly already holds a run's reports; choose another --run-id"):
        claim(tmp_path, "nightly", explicit=True)
    assert [path.name for path in tmp_path.iterdir()] == ["nightly"]
    assert (tmp_path / "nightly" / "summary.json").read_text() == "{}"
