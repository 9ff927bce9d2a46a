"""Ingestion of raw/submissions: archive, versions, current view, is_sample, reports, bad files."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipelines.input_rules import id_and_detail
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.report import NO_FINDINGS_EN, NO_FINDINGS_VI
from pipelines.submissions.rules import RULES
from tests.sample_marks import retyped_as_real

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
    # SKHCN's four files were made before map_indicator_agency and report TFP, which is STC's (SUB-C06)
    skhcn = ("SKHCN_2025-Q4.xlsx", "SKHCN_2026-Q1.xlsx", "SKHCN_2026-Q1_v2.xlsx", "SKHCN_2026-Q2.xlsx")
    assert all(statuses[name] == "flagged" for name in skhcn)
    assert sum(s == "flagged" for s in statuses.values()) == 5
    assert sum(s == "accepted" for s in statuses.values()) == 9  # 15 − 5 flagged − 1 rejected


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


def test_the_summary_names_each_rejected_file_with_its_report_in_words(tmp_path: Path) -> None:
    """Department review (session 13): the refresh said only "rejected 1"; someone had to query
    dim_submission to learn which file to answer, and where its report was."""
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    ((path, report),) = summary.rejected
    assert path == "SGDDT_2026-Q2.xlsx"  # the shipped sample with a fatal error
    assert report.endswith("SGDDT_2026-Q2.xlsx.errors.xlsx") and (tmp_path / "archive" / report).is_file()
    assert "9 được chấp nhận; 5 được chấp nhận, có cảnh báo; 1 bị từ chối" in summary.text()


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
    """Every file gets the csv report; the xlsx report comes with findings only (docs/submissions.md)."""
    rows = _table(ingested / "raw", "submission_files")
    for row in rows:
        archived = ingested / "archive" / row["archive_path"]
        assert hashlib.sha256(archived.read_bytes()).hexdigest() == row["sha256"]
        assert row["error_report_csv"] == row["archive_path"] + ".errors.csv"
        text = (ingested / "archive" / row["error_report_csv"]).read_text(encoding="utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        findings = row["fatal_count"] + row["warning_count"]
        xlsx = ingested / "archive" / (row["archive_path"] + ".errors.xlsx")
        if findings:
            assert row["error_report_xlsx"] == row["archive_path"] + ".errors.xlsx"
            report = openpyxl.load_workbook(xlsx)
            assert report.sheetnames == ["TomTat", "ChiTiet"]
            assert report["ChiTiet"].max_row == 1 + findings  # one header row, in Vietnamese
            assert len(lines) == 1 + findings
            assert {line[6] for line in lines[1:]} == set(row["rule_ids"].split(","))
        else:
            assert row["error_report_xlsx"] is None and not xlsx.exists()
            assert lines[1:] == [[""] * 8 + [NO_FINDINGS_VI, NO_FINDINGS_EN, "", ""]]
            assert NO_FINDINGS_VI == "Không phát hiện lỗi nào: tệp đạt mọi quy tắc kiểm tra."
    assert sum(r["error_report_xlsx"] is None for r in rows) == 9  # the 9 clean samples
    assert not list((ingested / "archive").rglob("*.tmp"))  # copies are renamed into place


def test_a_report_of_an_earlier_run_follows_the_findings(tmp_path: Path) -> None:
    """A file rejected by SUB-X01 becomes clean once its history changes: its stale xlsx report goes."""
    inbox = tmp_path / "inbox"
    shutil.copytree(CORPUS / "SUB-X01", inbox)
    reference = default_reference_data()
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", reference)
    files = _table(tmp_path / "raw", "submission_files")
    (later,) = [r for r in files if r["file_name"] == "SYT_2026-Q2.xlsx"]
    assert later["status"] == "rejected" and later["error_report_xlsx"]
    xlsx = tmp_path / "archive" / later["error_report_xlsx"]
    assert xlsx.exists()
    # the earlier quarter's file leaves the archive: nothing to compare with, the later file is clean
    registry = tmp_path / "archive" / "registry.csv"
    kept = [line for line in registry.read_text(encoding="utf-8").splitlines() if "SYT_2026-Q1" not in line]
    registry.write_text("\n".join(kept) + "\n", encoding="utf-8")
    (inbox / "SYT_2026-Q1.xlsx").unlink()
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", reference)
    (row,) = _table(tmp_path / "raw", "submission_files")
    assert row["status"] == "accepted" and row["error_report_xlsx"] is None
    assert not xlsx.exists()
    csv_text = (tmp_path / "archive" / row["error_report_csv"]).read_text(encoding="utf-8-sig")
    assert "Không phát hiện lỗi nào" in csv_text and "SUB-X01" not in csv_text


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


def _damage_archived_copy(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Ingest two samples, then change the archived copy of ``name`` and empty the validation
    cache (a rule or code change makes every file be read again)."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for sample in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx"):
        shutil.copy(SAMPLES / sample, inbox)
    ingest_submissions(inbox, tmp_path / "raw", archive, default_reference_data())
    (copy,) = archive.glob(f"files/*/*_{name}")
    copy.write_bytes(copy.read_bytes()[:1000])  # a disk error, a hand edit
    shutil.rmtree(archive / "validation_cache")
    return inbox, copy


def test_a_damaged_archive_copy_is_restored_from_the_inbox(tmp_path: Path) -> None:
    inbox, copy = _damage_archived_copy(tmp_path, "SYT_2026-Q1.xlsx")
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    statuses = {r["file_name"]: r["status"] for r in _table(tmp_path / "raw", "submission_files")}
    assert statuses == {"SYT_2026-Q1.xlsx": "accepted", "STC_2026-Q1.xlsx": "accepted"}
    assert copy.read_bytes() == (SAMPLES / "SYT_2026-Q1.xlsx").read_bytes()


def test_sub_a01_a_lost_archive_copy_is_not_loaded_and_not_blamed_on_the_file(tmp_path: Path) -> None:
    inbox, copy = _damage_archived_copy(tmp_path, "SYT_2026-Q1.xlsx")
    (inbox / "SYT_2026-Q1.xlsx").unlink()  # and the inbox no longer has it
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert files["SYT_2026-Q1.xlsx"]["status"] == "rejected"
    assert files["STC_2026-Q1.xlsx"]["status"] == "accepted"  # the rest of the refresh loads
    findings = [
        f for f in _table(tmp_path / "raw", "submission_findings") if f["file_name"] == "SYT_2026-Q1.xlsx"
    ]
    assert [(f["rule_id"], f["severity"]) for f in findings] == [("SUB-A01", "fatal")]
    assert "không phải ở tệp đơn vị đã gửi" in findings[0]["message_vi"]
    assert findings[0]["expected"] == hashlib.sha256((SAMPLES / "SYT_2026-Q1.xlsx").read_bytes()).hexdigest()
    # The damaged copy is left as found (evidence), and no row of it is loaded.
    assert len(copy.read_bytes()) == 1000
    assert not [
        r for r in _table(tmp_path / "raw", "submission_budget_rows") if r["file_name"] == "SYT_2026-Q1.xlsx"
    ]


def test_a_missing_archive_copy_does_not_stop_the_refresh(tmp_path: Path) -> None:
    inbox, copy = _damage_archived_copy(tmp_path, "STC_2026-Q1.xlsx")
    copy.unlink()
    (inbox / "STC_2026-Q1.xlsx").unlink()
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    statuses = {r["file_name"]: r["status"] for r in _table(tmp_path / "raw", "submission_files")}
    assert statuses == {"SYT_2026-Q1.xlsx": "accepted", "STC_2026-Q1.xlsx": "rejected"}


def test_lineage_on_every_row(ingested: Path) -> None:
    for name in ("submission_budget_rows", "submission_progress_rows", "submission_kpi_rows"):
        rows = _table(ingested / "raw", name)
        assert rows, name  # an empty table would pass the loop below without checking anything
        for row in rows:
            assert row["file_name"] and row["sheet"] and row["row_no"] >= 3 and row["submission_id"]


# ── the background file writer ─────────────────────────────────────────────────────────────────
def test_file_writer_writes_in_the_background_and_reports_errors(tmp_path: Path) -> None:
    from pipelines.submissions.filewriter import FileWriter

    with FileWriter() as writer:
        writer.write(tmp_path / "a" / "one.xlsx", b"1" * 5000, atomic=True)
        assert writer.exists(tmp_path / "a" / "one.xlsx")  # known as soon as it is queued
        writer.wait(tmp_path / "a" / "one.xlsx")
        assert (tmp_path / "a" / "one.xlsx").read_bytes() == b"1" * 5000
        writer.write(tmp_path / "a" / "two.csv", b"2")
        writer.write(tmp_path / "a" / "two.csv", b"22")  # the later write wins, whole
        writer.remove(tmp_path / "a" / "one.xlsx")
        assert not writer.exists(tmp_path / "a" / "one.xlsx")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["two.csv"]
    assert (tmp_path / "a" / "two.csv").read_bytes() == b"22"
    (tmp_path / "a folder").mkdir()
    writer = FileWriter()
    writer.write(tmp_path / "a folder", b"x")  # fails on the writer's thread ...
    with pytest.raises(IsADirectoryError):
        writer.close()  # ... and is raised here, not lost


def test_indicator_of_another_agency_is_flagged_and_still_loaded(ingested: Path) -> None:
    """SKHCN's sample files report TFP (map_indicator_agency: STC): a warning per file, the value kept."""
    findings = [r for r in _table(ingested / "raw", "submission_findings") if r["rule_id"] == "SUB-C06"]
    assert sorted(r["file_name"] for r in findings) == [
        "SKHCN_2025-Q4.xlsx",
        "SKHCN_2026-Q1.xlsx",
        "SKHCN_2026-Q1_v2.xlsx",
        "SKHCN_2026-Q2.xlsx",
    ]
    for finding in findings:
        assert (finding["severity"], finding["file_status"], finding["sheet"]) == (
            "warning",
            "flagged",
            "ChiTieu",
        )
        assert (finding["column_code"], finding["value_provided"]) == ("indicator_code", "TFP_CONTRIBUTION")
        assert finding["expected"] == "cơ quan được giao báo cáo: STC (Sở Tài chính)"
    tfp = [
        r
        for r in _table(ingested / "raw", "submission_kpi_rows")
        if r["indicator_code"] == "TFP_CONTRIBUTION" and r["agency_code"] == "SKHCN"
    ]
    assert len(tfp) == 4 and all(r["value"] is not None and not r["row_has_fatal"] for r in tfp)


# ── what is wrong outside the files: manifest.csv, names, copies ───────────────────────────────
def test_a_bad_manifest_is_reported_and_every_file_still_loads(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx", "SNNMT_2026-Q1.csv"):
        shutil.copy(SAMPLES / name, inbox)
    # Saved by Excel as "CSV UTF-8" (with a BOM): one date day first, one no date, one quote left open.
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\n"
        "SYT_2026-Q1.xlsx,08/04/2026 16:20,true\n"
        "STC_2026-Q1.xlsx,2026-04-31,true\n"
        'SNNMT_2026-Q1.csv,"2026-04-10,true\n',
        encoding="utf-8-sig",
    )
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {name: (r["status"], r["received_at_source"]) for name, r in files.items()} == {
        "SYT_2026-Q1.xlsx": ("accepted", "manifest"),
        "STC_2026-Q1.xlsx": ("accepted", "file_mtime"),
        "SNNMT_2026-Q1.csv": ("accepted", "file_mtime"),
    }
    assert files["SYT_2026-Q1.xlsx"]["received_at"].isoformat() == "2026-04-08T09:20:00+00:00"
    got = [id_and_detail(w) for w in summary.warnings]
    assert [rule_id for rule_id, _detail in got] == ["IN-S03", "IN-S04"]
    assert got[0][1] == "manifest.csv dòng 4"
    assert got[1][1].startswith(
        "manifest.csv dòng 3, tệp STC_2026-Q1.xlsx: received_at '2026-04-31'; ngày nhận lấy "
    )
    assert summary.text().endswith("; 2 cảnh báo (warnings)")


def test_a_decomposed_file_name_loads_with_the_date_of_its_composed_manifest_row(tmp_path: Path) -> None:
    composed = "STC_2026-Q1_bản sửa.xlsx"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "STC_2026-Q1.xlsx", inbox / unicodedata.normalize("NFD", composed))  # macOS
    (inbox / "manifest.csv").write_text(
        f"file_name,received_at\n{composed},2026-04-21T08:00:00+07:00\n", encoding="utf-8"
    )
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    (row,) = _table(tmp_path / "raw", "submission_files")
    assert (row["file_name"], row["source_path"], row["status"]) == (composed, composed, "accepted")
    assert (row["received_at"].isoformat(), row["received_at_source"]) == (
        "2026-04-21T01:00:00+00:00",
        "manifest",
    )
    assert (tmp_path / "archive" / row["error_report_csv"]).is_file()
    assert summary.warnings == []


# 240 bytes: with the sha prefix, 253; the writer's temporary name and the reports did not fit in 255.
LONG_NAME = (
    "STC_2026-Q1_Báo cáo tình hình thực hiện Đề án Nghị quyết 57 về khoa học công nghệ đổi mới sáng "
    "tạo và chuyển đổi số quý I năm 2026 của Sở Tài chính tỉnh Long An (bản gửi lại lần .xlsx"
)


def test_a_240_byte_file_name_loads_with_its_copy_and_reports_under_a_shortened_name(tmp_path: Path) -> None:
    long = LONG_NAME
    assert len(long.encode()) == 240
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "STC_2026-Q1.xlsx", inbox / long)
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox)
    archive, reference = tmp_path / "archive", default_reference_data()
    summary = ingest_submissions(inbox, tmp_path / "raw", archive, reference)
    assert summary.by_status == {"accepted": 2} and summary.warnings == []
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    row = files[long]  # the full name is kept in the tables and the registry
    copy = archive / row["archive_path"]
    assert copy.name.endswith("(bản gửi l.xlsx") and len(copy.name.encode()) == 242
    assert copy.read_bytes() == (SAMPLES / "STC_2026-Q1.xlsx").read_bytes()
    assert (archive / row["error_report_csv"]).is_file()
    with (archive / "registry.csv").open(encoding="utf-8", newline="") as handle:
        assert sorted(r["file_name"] for r in csv.DictReader(handle)) == sorted([long, "SYT_2026-Q1.xlsx"])
    again = ingest_submissions(inbox, tmp_path / "raw", archive, reference)  # nothing new, nothing broken
    assert (again.files, again.from_cache) == (2, 2)


def test_a_copy_that_cannot_be_written_is_not_loaded_nor_listed_and_is_reported(tmp_path: Path) -> None:
    inbox, archive, raw = tmp_path / "inbox", tmp_path / "archive", tmp_path / "raw"
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx"):
        shutil.copy(SAMPLES / name, inbox)
    (inbox / "manifest.csv").write_text(
        "file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08\nSTC_2026-Q1.xlsx,2026-04-09\n", encoding="utf-8"
    )
    (archive / "files").mkdir(parents=True)
    (archive / "files" / "2026-04-09").write_bytes(b"a file where the day's folder should be")
    reference = default_reference_data()
    summary = ingest_submissions(inbox, raw, archive, reference)  # does not raise
    assert summary.not_archived == ["STC_2026-Q1.xlsx"]
    ((rule_id, detail),) = map(id_and_detail, summary.warnings)
    assert rule_id == "IN-S11" and detail.startswith("STC_2026-Q1.xlsx: [Errno 17] File exists")
    assert [(r["file_name"], r["status"]) for r in _table(raw, "submission_files")] == [
        ("SYT_2026-Q1.xlsx", "accepted")
    ]
    with (archive / "registry.csv").open(encoding="utf-8", newline="") as handle:
        assert [r["file_name"] for r in csv.DictReader(handle)] == ["SYT_2026-Q1.xlsx"]
    (archive / "files" / "2026-04-09").unlink()  # the operator clears the way: the next refresh loads it
    summary = ingest_submissions(inbox, raw, archive, reference)
    assert (summary.by_status, summary.not_archived, summary.warnings) == ({"accepted": 2}, [], [])


def test_file_writer_keeps_a_checked_failure_for_the_caller_instead_of_raising(tmp_path: Path) -> None:
    from pipelines.submissions.filewriter import FileWriter

    too_long = tmp_path / ("đ" * 126 + ".xlsx")  # 257 bytes
    blocked = tmp_path / "a file" / "copy.xlsx"
    (tmp_path / "a file").write_bytes(b"")
    with FileWriter() as writer:
        writer.write(too_long, b"x", atomic=True, checked=True)  # fails on the writer's thread
        writer.write(blocked, b"x", atomic=True, checked=True)  # its folder cannot be made
        writer.write(tmp_path / "fine.xlsx", b"x", atomic=True, checked=True)
        assert writer.failure(too_long).errno == errno.ENAMETOOLONG
        assert isinstance(writer.failure(blocked), FileExistsError)
        assert writer.failure(tmp_path / "fine.xlsx") is None
    # close() did not raise: the caller acted on the answers.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file", "fine.xlsx"]


def test_entries_recorded_under_names_too_long_move_to_the_shortened_name(tmp_path: Path) -> None:
    """What an earlier version left: a copy never written (240-byte name + sha prefix: no room for
    the temporary name) and one written under 250 bytes (no room for its reports)."""
    from pipelines.submissions.archive import load_registry, save_registry

    never_written = LONG_NAME
    too_long_for_reports = "SYT_2026-Q1_" + "a" * 220 + ".xlsx"
    assert (len(never_written.encode()), len(too_long_for_reports.encode())) == (240, 237)
    inbox, archive, raw = tmp_path / "inbox", tmp_path / "archive", tmp_path / "raw"
    inbox.mkdir()
    shutil.copy(SAMPLES / "STC_2026-Q1.xlsx", inbox / never_written)
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / too_long_for_reports)
    reference = default_reference_data()
    ingest_submissions(inbox, raw, archive, reference)
    shortened = {e.file_name: e.archive_path for e in load_registry(archive)}
    old = {}
    for entry in load_registry(archive):  # the name an earlier version gave: '<sha256[:12]>_<name>'
        entry.archive_path = f"{Path(entry.archive_path).parent}/{entry.sha256[:12]}_{entry.file_name}"
        old[entry.file_name] = entry
    (archive / shortened[never_written]).unlink()
    (archive / shortened[too_long_for_reports]).rename(archive / old[too_long_for_reports].archive_path)
    (inbox / too_long_for_reports).unlink()  # the inbox was cleaned since
    save_registry(archive, list(old.values()))
    shutil.rmtree(archive / "validation_cache")  # read again, as after a code change
    summary = ingest_submissions(inbox, raw, archive, reference)
    assert (summary.by_status, summary.warnings) == ({"accepted": 2}, [])
    assert {e.file_name: e.archive_path for e in load_registry(archive)} == shortened
    assert (archive / shortened[never_written]).read_bytes() == (SAMPLES / "STC_2026-Q1.xlsx").read_bytes()
    assert (archive / shortened[too_long_for_reports]).read_bytes() == (
        SAMPLES / "SYT_2026-Q1.xlsx"
    ).read_bytes()
    assert not (archive / old[too_long_for_reports].archive_path).exists()  # renamed, not copied
    assert all((archive / f"{path}.errors.csv").is_file() for path in shortened.values())


# ── the registry, the order of versions, a rejected file sent again ────────────────────────────
def test_a_damaged_registry_stops_the_ingestion_and_loses_nothing(tmp_path: Path) -> None:
    """The probe's case (F7): 'oops' over registry.csv used to drop the file no longer in the inbox
    from the raw tables (15 → 14) and save the registry over, losing its record for good."""
    from pipelines.submissions.archive import REGISTRY_NAME, RegistryDamagedError

    inbox, raw, archive = tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive"
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx"):
        shutil.copy(SAMPLES / name, inbox)
    reference = default_reference_data()
    ingest_submissions(inbox, raw, archive, reference)
    (inbox / "STC_2026-Q1.xlsx").unlink()
    (archive / REGISTRY_NAME).write_text("oops", encoding="utf-8")
    with pytest.raises(RegistryDamagedError, match=r"registry\.csv"):
        ingest_submissions(inbox, raw, archive, reference)
    assert (archive / REGISTRY_NAME).read_text(encoding="utf-8") == "oops"
    # The raw tables of the last good ingestion are untouched: the refresh fails, nothing is published.
    assert sorted(r["file_name"] for r in _table(raw, "submission_files")) == [
        "STC_2026-Q1.xlsx",
        "SYT_2026-Q1.xlsx",
    ]


def _with_manifest(inbox: Path, dates: dict[str, str]) -> None:
    lines = ["file_name,received_at"] + [f"{name},{date}" for name, date in dates.items()]
    (inbox / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_versions_follow_received_time_and_a_contradicting_vn_suffix_is_a_warning(tmp_path: Path) -> None:
    """The probe's case (F8): a _v2 whose manifest date is earlier than v1's became version 1 and
    was superseded by v1, silently."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("SKHCN_2026-Q1.xlsx", "SKHCN_2026-Q1_v2.xlsx", "SYT_2026-Q1.xlsx"):
        shutil.copy(SAMPLES / name, inbox)
    _with_manifest(
        inbox,
        {
            "SKHCN_2026-Q1.xlsx": "2026-04-20 08:10",
            "SKHCN_2026-Q1_v2.xlsx": "2026-04-11 15:45",  # the two dates swapped
            "SYT_2026-Q1.xlsx": "2026-04-08 16:20",
        },
    )
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert (files["SKHCN_2026-Q1_v2.xlsx"]["version"], files["SKHCN_2026-Q1.xlsx"]["version"]) == (1, 2)
    assert files["SKHCN_2026-Q1.xlsx"]["is_current"]  # received time stays the rule
    ((rule_id, detail),) = map(id_and_detail, summary.warnings)
    assert rule_id == "IN-S14"
    assert detail.startswith(
        "SKHCN_2026-Q1_v2.xlsx (phiên bản 1, nhận 11/04/2026 15:45), "
        "SKHCN_2026-Q1.xlsx (phiên bản 2, nhận 20/04/2026 08:10); bản đang dùng: SKHCN_2026-Q1.xlsx"
    )


def test_versions_in_the_order_of_their_vn_suffixes_give_no_warning(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("SKHCN_2026-Q1.xlsx", "SKHCN_2026-Q1_v2.xlsx"):
        shutil.copy(SAMPLES / name, inbox)
    _with_manifest(inbox, {"SKHCN_2026-Q1.xlsx": "2026-04-11", "SKHCN_2026-Q1_v2.xlsx": "2026-04-20"})
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    assert summary.warnings == []


def test_name_version_reads_the_last_vn_suffix() -> None:
    from pipelines.submissions.ingest import name_version

    assert name_version("SYT_2026-Q2.xlsx") == 1
    assert name_version("SYT_2026-Q2_v2.xlsx") == 2
    assert name_version("SYT_2026-Q2_V3_sua.csv") == 3
    assert name_version("SYT_2026-Q2_v2_v10.xlsx") == 10
    assert name_version("SYT_2026-Q2_vung.xlsx") == 1  # a word, not a version


def test_a_rejected_file_sent_again_under_a_corrected_name_is_validated_on_its_own(tmp_path: Path) -> None:
    """The probe's case (F12): the same bytes renamed after SUB-H06 were 'duplicate, not loaded' for
    ever. The name is part of what is checked, so the renamed file is a new submission; the same
    bytes under a name already received, or after a file that was loaded, are still SUB-F04."""
    wrong_name = CORPUS / "SUB-H06" / "SYT_2026-Q1.xlsx"  # 2026-Q2 inside
    inbox = tmp_path / "inbox"
    for folder, name in (("1", "SYT_2026-Q1.xlsx"), ("2", "SYT_2026-Q1.xlsx"), ("3", "SYT_2026-Q2.xlsx")):
        (inbox / folder).mkdir(parents=True)
        shutil.copy(wrong_name, inbox / folder / name)
    (inbox / "4").mkdir()
    shutil.copy(wrong_name, inbox / "4" / "SYT_2026-Q2_v2.xlsx")
    _with_manifest(
        inbox,
        {
            "1/SYT_2026-Q1.xlsx": "2026-07-01",
            "2/SYT_2026-Q1.xlsx": "2026-07-02",  # sent again as it was
            "3/SYT_2026-Q2.xlsx": "2026-07-03",  # renamed to match its content
            "4/SYT_2026-Q2_v2.xlsx": "2026-07-04",  # and once more, after it loaded
        },
    )
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["source_path"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {path: (r["status"], r["rule_ids"], r["version"]) for path, r in files.items()} == {
        "1/SYT_2026-Q1.xlsx": ("rejected", "SUB-H06", None),
        "2/SYT_2026-Q1.xlsx": ("duplicate", "SUB-F04", None),
        "3/SYT_2026-Q2.xlsx": ("accepted", "", 1),
        "4/SYT_2026-Q2_v2.xlsx": ("duplicate", "SUB-F04", None),
    }
    assert files["2/SYT_2026-Q1.xlsx"]["duplicate_of"] == files["1/SYT_2026-Q1.xlsx"]["submission_id"]
    assert files["4/SYT_2026-Q2_v2.xlsx"]["duplicate_of"] == files["3/SYT_2026-Q2.xlsx"]["submission_id"]
    # The department's report names the earlier file as it sent it (it named an internal id).
    repeats = {
        r["submission_id"]: (r["value_provided"], r["expected"])
        for r in _table(tmp_path / "raw", "submission_findings")
        if r["rule_id"] == "SUB-F04"
    }
    assert repeats[files["4/SYT_2026-Q2_v2.xlsx"]["submission_id"]] == (
        "SYT_2026-Q2_v2.xlsx",
        "tệp đã nhận: SYT_2026-Q2.xlsx",
    )
    budget = _table(tmp_path / "raw", "submission_budget_rows")
    assert {r["file_status"] for r in budget if r["file_name"] == "SYT_2026-Q2.xlsx"} == {"accepted"}


def test_a_report_received_before_its_quarter_began_is_rejected_on_ingestion(tmp_path: Path) -> None:
    """SUB-H08 depends on the day the file arrived, which the validation cache does not key on: it is
    checked at every ingestion with the registry's received date, never taken from the cache."""
    import pyarrow.parquet as pq

    inbox = tmp_path / "inbox"
    shutil.copytree(CORPUS / "SUB-H08", inbox)  # SYT_2026-Q3.xlsx, received 2026-06-20 (manifest)
    for _ in range(2):  # the second run takes the file's validation from the cache
        ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
        (row,) = pq.read_table(tmp_path / "raw" / "submission_files.parquet").to_pylist()
        assert (row["file_name"], row["status"]) == ("SYT_2026-Q3.xlsx", "rejected")
        findings = pq.read_table(tmp_path / "raw" / "submission_findings.parquet").to_pylist()
        assert [f["rule_id"] for f in findings] == ["SUB-H08"]


def test_an_early_report_is_loaded_flagged_and_replaced_by_the_whole_quarter_sent_again(
    tmp_path: Path,
) -> None:
    """SUB-H09 as the department's message says it: the early file is loaded with the warning, at every
    ingestion (the cache does not key on the receipt date); the whole quarter sent again after the
    quarter ended is the next version and replaces it; the same bytes sent again are not loaded (SUB-F04)."""
    from pipelines.submissions.layout import Period
    from pipelines.submissions.samples import filled_content
    from pipelines.submissions.template import write_plain_xlsx

    inbox = tmp_path / "inbox"
    shutil.copytree(CORPUS / "SUB-H09", inbox)  # SYT_2026-Q2.xlsx, received 2026-06-20 (manifest)
    for _ in range(2):  # the second run takes the file's validation from the cache
        ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
        (row,) = _table(tmp_path / "raw", "submission_files")
        assert (row["file_name"], row["status"], row["rule_ids"]) == (
            "SYT_2026-Q2.xlsx",
            "flagged",
            "SUB-H09",
        )
        assert (row["version"], row["is_current"]) == (1, True)
        (finding,) = _table(tmp_path / "raw", "submission_findings")
        assert (finding["rule_id"], finding["severity"], finding["cell_ref"]) == ("SUB-H09", "warning", "C5")
        assert {r["file_status"] for r in _table(tmp_path / "raw", "submission_budget_rows")} == {"flagged"}
    early_report = (inbox / "SYT_2026-Q2.xlsx").read_bytes()

    # After 30/06/2026: the whole quarter (one task's disbursement now up to its allocation), and,
    # a day later, the early file once more under another name.
    whole_quarter = filled_content(
        default_reference_data(), "SYT", Period(2026, 2), "Cán bộ tổng hợp (cả quý)"
    )
    first = whole_quarter.budget[0]
    first["disbursed_cumulative_mvnd"] = first["allocated_mvnd"]
    write_plain_xlsx(whole_quarter, inbox / "SYT_2026-Q2_v2.xlsx")
    (inbox / "SYT_2026-Q2_ban_sao.xlsx").write_bytes(early_report)
    with (inbox / "manifest.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("SYT_2026-Q2_v2.xlsx,2026-07-05T09:00:00+07:00,true,test\n")
        handle.write("SYT_2026-Q2_ban_sao.xlsx,2026-07-06T09:00:00+07:00,true,test\n")
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {n: (r["status"], r["version"], r["is_current"], r["rule_ids"]) for n, r in files.items()} == {
        "SYT_2026-Q2.xlsx": ("flagged", 1, False, "SUB-H09"),
        "SYT_2026-Q2_v2.xlsx": ("accepted", 2, True, ""),
        "SYT_2026-Q2_ban_sao.xlsx": ("duplicate", None, False, "SUB-F04"),
    }
    assert files["SYT_2026-Q2.xlsx"]["superseded_at"] == files["SYT_2026-Q2_v2.xlsx"]["received_at"]
    current = [r for r in _table(tmp_path / "raw", "submission_budget_rows") if r["is_current"]]
    assert {r["file_name"] for r in current} == {"SYT_2026-Q2_v2.xlsx"}
    (resent,) = [
        r
        for r in current
        if (r["appendix"], r["item_no"]) == (first["appendix"], first["item_no"])
        and r["funding_source_code"] == first["funding_source"]
    ]
    assert resent["disbursed_cumulative_mvnd"] == first["allocated_mvnd"]


def test_an_inbox_with_only_the_manifest_reports_every_row_naming_no_file(tmp_path: Path) -> None:
    """manifest.csv copied in, the files it lists not: no file is loaded, and each row says so."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "manifest.csv", inbox / "manifest.csv")
    with (inbox / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        listed = sum(1 for _row in csv.DictReader(handle))
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    assert summary.files == 0 and listed > 0
    missing = [w for w in summary.warnings if w.startswith("IN-S06 ")]
    assert len(missing) == listed
    text = summary.text()
    assert text.startswith("0 tệp (no files); ") and "(;" not in text
    assert f"{listed} cảnh báo (warnings)" in text


def test_an_empty_inbox_without_a_manifest_warns_of_nothing(tmp_path: Path) -> None:
    summary = ingest_submissions(
        tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive", default_reference_data()
    )
    assert summary.warnings == [] and summary.text().startswith("0 tệp (no files); ")


def test_a_sample_whose_info_sheet_lost_its_mark_is_still_carried_as_a_sample(tmp_path: Path) -> None:
    """The manifest marks it as a sample: the figures stay marked in every table, the operator is told."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    retyped_as_real(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    shutil.copy(SAMPLES / "STC_2026-Q1.xlsx", inbox)
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,true\nSTC_2026-Q1.xlsx,2026-04-09,true\n",
        encoding="utf-8",
    )
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {name: r["is_sample"] for name, r in files.items()} == {
        "SYT_2026-Q1.xlsx": True,
        "STC_2026-Q1.xlsx": True,
    }
    budget = [r for r in _table(tmp_path / "raw", "submission_budget_rows") if r["agency_code"] == "SYT"]
    assert budget and all(r["is_sample"] for r in budget)
    assert list(map(id_and_detail, summary.warnings)) == [
        ("IN-S07", "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: is_sample = true")
    ]
    # Said again by every refresh while the two marks disagree, not only when the file arrives.
    again = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    assert again.warnings == summary.warnings
    # Without the manifest's mark, the retyped sheet alone decides: the file is carried as real.
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,\nSTC_2026-Q1.xlsx,2026-04-09,true\n",
        encoding="utf-8",
    )
    cleared = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    assert cleared.warnings == []
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert files["SYT_2026-Q1.xlsx"]["is_sample"] is False


def test_a_sample_listed_as_real_in_the_manifest_stays_a_sample_with_a_warning(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox)
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,false\n", encoding="utf-8"
    )
    summary = ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = _table(tmp_path / "raw", "submission_files")
    assert [r["is_sample"] for r in files] == [True]
    assert list(map(id_and_detail, summary.warnings)) == [
        ("IN-S08", "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: is_sample = false")
    ]


def _sub_x01_pair(inbox: Path, real: tuple[str, ...]) -> None:
    """The SUB-X01 corpus pair (Q2's cumulative disbursement below Q1's), the files in ``real``
    retyped as a department's own report (info sheet is_sample = KHÔNG, no manifest mark)."""
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "SYT_2026-Q2.xlsx"):
        if name in real:
            retyped_as_real(CORPUS / "SUB-X01" / name, inbox / name)
        else:
            shutil.copy(CORPUS / "SUB-X01" / name, inbox / name)
    rows = ["file_name,received_at,is_sample"] + [
        f"{name},{day},{'' if name in real else 'true'}"
        for name, day in (("SYT_2026-Q1.xlsx", "2026-07-10"), ("SYT_2026-Q2.xlsx", "2026-07-11"))
    ]
    (inbox / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_real_report_is_never_held_to_the_figures_of_a_sample(tmp_path: Path) -> None:
    """Department review (session 13): a correct Q2 report was rejected by SUB-X01 because the shipped
    sample for Q1, invented figures, said more had been disbursed; the message asked the department
    to re-send a Q1 report it had never sent."""
    _sub_x01_pair(tmp_path / "inbox", real=("SYT_2026-Q2.xlsx",))
    ingest_submissions(tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {name: (r["status"], r["is_sample"]) for name, r in files.items()} == {
        "SYT_2026-Q1.xlsx": ("accepted", True),
        "SYT_2026-Q2.xlsx": ("accepted", False),
    }
    assert _table(tmp_path / "raw", "submission_findings") == []


def test_real_reports_are_still_held_to_the_departments_own_earlier_figures(tmp_path: Path) -> None:
    _sub_x01_pair(tmp_path / "inbox", real=("SYT_2026-Q1.xlsx", "SYT_2026-Q2.xlsx"))
    ingest_submissions(tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive", default_reference_data())
    (finding,) = _table(tmp_path / "raw", "submission_findings")
    assert (finding["file_name"], finding["rule_id"]) == ("SYT_2026-Q2.xlsx", "SUB-X01")
    assert "SYT_2026-Q1.xlsx" in finding["expected"]


def _real_and_sample(inbox: Path, real_first: bool) -> None:
    """SYT's Q1 twice: its own report (the shipped sample retyped: is_sample = KHÔNG, no manifest mark)
    and the shipped sample under another name, received in the order asked."""
    inbox.mkdir()
    retyped_as_real(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1_mau.xlsx")
    days = ("2026-04-08", "2026-04-09") if real_first else ("2026-04-09", "2026-04-08")
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\n"
        f"SYT_2026-Q1.xlsx,{days[0]},\nSYT_2026-Q1_mau.xlsx,{days[1]},true\n",
        encoding="utf-8",
    )


def test_a_sample_received_after_the_departments_own_report_never_replaces_it(tmp_path: Path) -> None:
    """Versions are numbered per department and quarter: loaded, the later sample would have been the
    version in force, its made-up figures in every mart in place of what the department reported."""
    _real_and_sample(tmp_path / "inbox", real_first=True)
    ingest_submissions(tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {n: (r["status"], r["is_sample"], r["is_current"]) for n, r in files.items()} == {
        "SYT_2026-Q1.xlsx": ("accepted", False, True),
        "SYT_2026-Q1_mau.xlsx": ("rejected", True, False),
    }
    (finding,) = _table(tmp_path / "raw", "submission_findings")
    assert (finding["file_name"], finding["rule_id"], finding["severity"]) == (
        "SYT_2026-Q1_mau.xlsx",
        "SUB-X04",
        "fatal",
    )
    # At the sample mark on the info sheet, naming the report that stays in force.
    assert (finding["sheet"], finding["column_code"], finding["value_provided"]) == (
        "ThongTin",
        "is_sample",
        "CÓ",
    )
    assert finding["cell_ref"] and "SYT_2026-Q1.xlsx" in finding["expected"]
    budget = _table(tmp_path / "raw", "submission_budget_rows")
    assert {r["file_name"] for r in budget if r["is_current"]} == {"SYT_2026-Q1.xlsx"}
    # The rejected sample is kept in the archive, as every file received is.
    kept = (tmp_path / "archive" / files["SYT_2026-Q1_mau.xlsx"]["archive_path"]).read_bytes()
    assert kept == (tmp_path / "inbox" / "SYT_2026-Q1_mau.xlsx").read_bytes()
    # The department's error report says it in Vietnamese only.
    report = openpyxl.load_workbook(tmp_path / "archive" / files["SYT_2026-Q1_mau.xlsx"]["error_report_xlsx"])
    cells = [
        str(c) for sheet in report.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    ]
    assert any(RULES["SUB-X04"].message_vi in c for c in cells)
    assert not any(RULES["SUB-X04"].message_en in c for c in cells)


def test_a_departments_own_report_received_after_a_sample_replaces_it(tmp_path: Path) -> None:
    _real_and_sample(tmp_path / "inbox", real_first=False)
    ingest_submissions(tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive", default_reference_data())
    files = {r["file_name"]: r for r in _table(tmp_path / "raw", "submission_files")}
    assert {n: (r["status"], r["version"], r["is_current"]) for n, r in files.items()} == {
        "SYT_2026-Q1_mau.xlsx": ("accepted", 1, False),
        "SYT_2026-Q1.xlsx": ("accepted", 2, True),
    }
    assert _table(tmp_path / "raw", "submission_findings") == []


def test_percentages_typed_in_excel_load_as_the_department_typed_them(tmp_path: Path) -> None:
    """Operator review: "50%" typed in TienDo (Excel stores 0.5 under a '0%' format) was loaded as
    percent_complete 0.500, stated, with no warning; it is loaded as 50, exactly, in the raw table."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook = openpyxl.load_workbook(SAMPLES / "SYT_2026-Q2.xlsx")
    for ref, value, number_format in (("E3", 0.5, "0%"), ("E4", 0.123, "0.0%"), ("E5", 1, "0%")):
        workbook["TienDo"][ref].value = value
        workbook["TienDo"][ref].number_format = number_format
    workbook.save(inbox / "SYT_2026-Q2.xlsx")
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\nSYT_2026-Q2.xlsx,2026-07-10,true\n", encoding="utf-8"
    )
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    rows = _table(tmp_path / "raw", "submission_progress_rows")
    assert [(r["percent_complete"], r["percent_status"], r["percent_text"]) for r in rows] == [
        (Decimal("50.000"), "stated", "50%"),
        (Decimal("12.300"), "stated", "12,3%"),
        (Decimal("100.000"), "stated", "100%"),
    ]
    (file,) = _table(tmp_path / "raw", "submission_files")
    assert (file["status"], file["rule_ids"]) == ("flagged", "SUB-X02")  # no SUB-V06: 100 is done


def test_a_sample_by_the_manifest_alone_is_told_to_fix_the_manifest_not_the_file(tmp_path: Path) -> None:
    """Diff review (session 14): SUB-X04 said "write KHÔNG in the sample cell", which already said KHÔNG
    when only manifest.csv listed the file as a sample."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    retyped_as_real(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    workbook = openpyxl.load_workbook(inbox / "SYT_2026-Q1.xlsx")
    note = next(row[2] for row in workbook["ThongTin"].iter_rows() if row[1].value == "prepared_by")
    note.value = "Cán bộ khác"  # other bytes, so not a duplicate of the first (SUB-F04)
    workbook.save(inbox / "SYT_2026-Q1_lan2.xlsx")
    (inbox / "manifest.csv").write_text(
        "file_name,received_at,is_sample\nSYT_2026-Q1.xlsx,2026-04-08,\nSYT_2026-Q1_lan2.xlsx,2026-04-09,true\n",
        encoding="utf-8",
    )
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    (finding,) = _table(tmp_path / "raw", "submission_findings")
    assert (finding["file_name"], finding["rule_id"]) == ("SYT_2026-Q1_lan2.xlsx", "SUB-X04")
    assert finding["value_provided"] == "KHÔNG (manifest.csv ghi là tệp mẫu)"
    assert finding["expected"].endswith("sửa cột is_sample của tệp này trong manifest.csv")
    assert "báo bộ phận quản trị kho dữ liệu" in finding["message_vi"]


def test_a_withdrawn_report_is_listed_not_loaded_and_the_version_before_it_is_in_force(
    tmp_path: Path,
) -> None:
    """`nq57 withdraw`: SKHCN's corrected 2026-Q1 (v2) withdrawn, v1 is the version in force again, with
    its own figures (v2 fixed one typo: v1's figure is ten times v2's); v2 stays listed, with why."""
    from pipelines.submissions.archive import load_registry
    from pipelines.submissions.withdrawal import withdraw

    inbox, raw, archive = tmp_path / "inbox", tmp_path / "raw", tmp_path / "archive"
    shutil.copytree(SAMPLES, inbox)
    ingest_submissions(inbox, raw, archive, default_reference_data())
    (v2,) = [e for e in load_registry(archive) if e.file_name == "SKHCN_2026-Q1_v2.xlsx"]
    report = (archive / f"{v2.archive_path}.errors.csv").read_bytes()
    withdraw(archive, v2, "sở không nhận số liệu này", by="vanhanh")
    # The same bytes sent again under another name: still the withdrawn report, not loaded anew.
    shutil.copy(inbox / "SKHCN_2026-Q1_v2.xlsx", inbox / "SKHCN_2026-Q1_v3.xlsx")
    summary = ingest_submissions(inbox, raw, archive, default_reference_data())

    files = {r["file_name"]: r for r in _table(raw, "submission_files")}
    withdrawn, v1 = files["SKHCN_2026-Q1_v2.xlsx"], files["SKHCN_2026-Q1.xlsx"]
    assert withdrawn["status"] == "withdrawn" and summary.by_status["withdrawn"] == 1
    assert "1 đã rút" in summary.text()
    assert (withdrawn["version"], withdrawn["is_current"]) == (None, False)
    assert (withdrawn["withdraw_reason"], withdrawn["withdrawn_by"]) == (
        "sở không nhận số liệu này",
        "vanhanh",
    )
    assert withdrawn["withdrawn_at"] is not None
    assert (v1["version"], v1["is_current"], v1["superseded_at"]) == (1, True, None)
    assert files["SKHCN_2026-Q1_v3.xlsx"]["status"] == "duplicate"
    assert files["SKHCN_2026-Q1_v3.xlsx"]["duplicate_of"] == withdrawn["submission_id"]
    assert all(r["withdrawn_at"] is None for name, r in files.items() if name != "SKHCN_2026-Q1_v2.xlsx")
    # Its rows are kept (nothing a department sent is lost) but are no version in force.
    rows = [r for r in _table(raw, "submission_budget_rows") if r["agency_code"] == "SKHCN"]
    rows = [r for r in rows if r["period"] == "2026-Q1"]
    kept = [r for r in rows if r["file_name"] == "SKHCN_2026-Q1_v2.xlsx"]
    assert kept and all(r["file_status"] == "withdrawn" and not r["is_current"] for r in kept)
    current = {(r["item_no"], r["funding_source_code"]): r for r in rows if r["is_current"]}
    assert {r["file_name"] for r in current.values()} == {"SKHCN_2026-Q1.xlsx"}
    by_key = {(r["item_no"], r["funding_source_code"]): r for r in kept}
    (typo,) = [
        k
        for k in current
        if current[k]["disbursed_cumulative_mvnd"] != by_key[k]["disbursed_cumulative_mvnd"]
    ]
    assert current[typo]["disbursed_cumulative_mvnd"] == by_key[typo]["disbursed_cumulative_mvnd"] * 10
    # The department's report on the file is left as it was sent.
    assert withdrawn["error_report_csv"] == f"{v2.archive_path}.errors.csv"
    assert (archive / f"{v2.archive_path}.errors.csv").read_bytes() == report
