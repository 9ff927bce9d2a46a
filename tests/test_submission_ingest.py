"""Ingestion of raw/submissions: archive, versions, current view, is_sample, reports, bad files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.reference import default_reference_data

SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"
CORPUS = Path(__file__).parent / "submissions_corpus"


def _table(raw: Path, name: str) -> list[dict]:
    return pq.read_table(raw / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ingest")
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    # bad files from the corpus arrive in the same refresh, in a sub-folder
    for rule in ("SUB-F01", "SUB-F02", "SUB-V03", "SUB-E01"):
        for path in (CORPUS / rule).iterdir():
            (inbox / "bad" / rule).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, inbox / "bad" / rule / path.name)
    ingest_submissions(inbox, root / "raw", root / "archive", default_reference_data())
    return root


def test_every_file_recorded_and_bad_files_do_not_stop_the_others(ingested: Path) -> None:
    files = _table(ingested / "raw", "submission_files")
    assert len(files) == 15 + 4
    by_name = {(r["source_path"]): r for r in files}
    for rule in ("SUB-F01", "SUB-F02", "SUB-V03", "SUB-E01"):
        bad = next(r for p, r in by_name.items() if p.startswith(f"bad/{rule}/"))
        assert bad["status"] == "rejected" and bad["rule_ids"] == rule
    statuses = {r["file_name"]: r["status"] for r in files if not r["source_path"].startswith("bad/")}
    assert statuses["SYT_2026-Q2.xlsx"] == "flagged"
    assert statuses["SGDDT_2026-Q2.xlsx"] == "rejected"
    assert sum(s == "accepted" for s in statuses.values()) == 12


def test_resubmission_replaces_current_and_earlier_version_stays_queryable(ingested: Path) -> None:
    files = {r["file_name"]: r for r in _table(ingested / "raw", "submission_files")}
    first, second = files["SKHCN_2026-Q1.xlsx"], files["SKHCN_2026-Q1_v2.xlsx"]
    assert (first["version"], first["is_current"]) == (1, False)
    assert (second["version"], second["is_current"]) == (2, True)
    assert first["superseded_at"] == second["received_at"]
    rows = [r for r in _table(ingested / "raw", "submission_budget_rows") if r["period"] == "2026-Q1"]
    rows = [r for r in rows if r["agency_code"] == "SKHCN"]
    current = {(r["item_no"], r["funding_source_code"]): r for r in rows if r["is_current"]}
    earlier = {(r["item_no"], r["funding_source_code"]): r for r in rows if r["version"] == 1}
    changed = [
        k
        for k in current
        if current[k]["disbursed_cumulative_mvnd"] != earlier[k]["disbursed_cumulative_mvnd"]
    ]
    assert len(changed) == 1  # the typo fixed by the resubmission
    key = changed[0]
    assert earlier[key]["disbursed_cumulative_mvnd"] == current[key]["disbursed_cumulative_mvnd"] * 10
    # rejected first version + accepted second: only the accepted one is a version
    assert files["SGDDT_2026-Q2.xlsx"]["version"] is None
    assert (files["SGDDT_2026-Q2_v2.xlsx"]["version"], files["SGDDT_2026-Q2_v2.xlsx"]["is_current"]) == (
        1,
        True,
    )


def test_is_sample_carried_into_every_table(ingested: Path) -> None:
    files = _table(ingested / "raw", "submission_files")
    samples = {r["submission_id"] for r in files if "/" not in r["source_path"]}
    for name in (
        "submission_files",
        "submission_budget_rows",
        "submission_progress_rows",
        "submission_kpi_rows",
    ):
        rows = [r for r in _table(ingested / "raw", name) if r["submission_id"] in samples]
        assert rows and all(r["is_sample"] is True for r in rows), name
    # a file too broken to say whether it is a sample: unknown (NULL), never guessed
    unreadable = [r for r in files if r["rule_ids"] in ("SUB-F01", "SUB-F02")]
    assert unreadable and all(r["is_sample"] is None for r in unreadable)


def test_archive_keeps_files_unchanged_with_reports_beside(ingested: Path) -> None:
    for row in _table(ingested / "raw", "submission_files"):
        archived = ingested / "archive" / row["archive_path"]
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == row["sha256"]
        assert (ingested / "archive" / row["error_report_csv"]).exists()
        report = openpyxl.load_workbook(ingested / "archive" / row["error_report_xlsx"])
        assert report.sheetnames == ["TomTat", "ChiTiet"]
        assert report["ChiTiet"].max_row == 2 + row["fatal_count"] + row["warning_count"]


def test_received_dates_from_manifest_and_rerun_is_stable(ingested: Path, tmp_path: Path) -> None:
    files = {r["source_path"]: r for r in _table(ingested / "raw", "submission_files")}
    assert files["SYT_2025-Q4.xlsx"]["received_at_source"] == "manifest"
    assert files["SYT_2025-Q4.xlsx"]["received_at"].isoformat() == "2026-01-12T02:15:00+00:00"
    before = sorted((r["submission_id"], r["version"], r["status"]) for r in files.values())
    ingest_submissions(ingested / "inbox", ingested / "raw", ingested / "archive", default_reference_data())
    after = sorted(
        (r["submission_id"], r["version"], r["status"]) for r in _table(ingested / "raw", "submission_files")
    )
    assert before == after


def test_file_removed_from_inbox_is_still_loaded_from_the_archive(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox)
    reference = default_reference_data()
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", reference)
    (inbox / "SYT_2026-Q1.xlsx").unlink()
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", reference)
    files = _table(tmp_path / "raw", "submission_files")
    assert [(r["file_name"], r["status"], r["received_at_source"]) for r in files] == [
        ("SYT_2026-Q1.xlsx", "accepted", "file_mtime")
    ]


def test_lineage_on_every_row(ingested: Path) -> None:
    for name in ("submission_budget_rows", "submission_progress_rows", "submission_kpi_rows"):
        for row in _table(ingested / "raw", name):
            assert row["file_name"] and row["sheet"] and row["row_no"] >= 3 and row["submission_id"]
