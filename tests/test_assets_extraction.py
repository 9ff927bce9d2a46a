"""The extraction asset materialised for real into a temporary warehouse folder."""

from __future__ import annotations

import csv
import logging
import shutil

import dagster as dg
from docx_cuts import APPENDIX_I, cut_table

from pipelines.assets.extraction import extracted_documents, raw_key
from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.input_rules import id_and_detail
from tests.conftest import FIXTURES_DIR


def test_materialize_writes_raw_tables_and_runs_checks(resolution_txt, slides_txt, tmp_path, monkeypatch):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    shutil.copy(slides_txt, docs)
    (docs / "scan.pdf").write_bytes(b"not a pdf")
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(docs))
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))

    result = dg.materialize([extracted_documents], resources={"refresh_lock": RefreshLockResource()})
    assert result.success
    assert (tmp_path / "raw" / "plan_items.parquet").exists()
    rows = {
        m.asset_key: m.metadata["rows"].value
        for m in result.asset_materializations_for_node("extracted_documents")
    }
    assert rows[raw_key("documents")] == 3
    assert rows[raw_key("plan_groups")] == 12
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["every_document_extracted"].passed is False  # scan.pdf is reported, not fatal
    assert checks["plan_items_present"].passed is True
    # The source's own disagreements (390.000 vs 420.000, 277.430 vs 279.630) are flagged.
    stated = checks["stated_totals_match_rows"]
    assert stated.passed is False
    mismatches = stated.metadata["mismatches"].value
    # Named as the document prints them, not by their total_id ("appendix_I.total.other_sources ghi ..."),
    # with the check_id of the same row in rpt_reconciliation (rules audit).
    assert (
        "Phụ lục I, dòng Tổng cộng (kinh phí nguồn khác) ghi 390.000, cộng các dòng được 420.000 "
        "(A1.TOTAL.OTHER_SOURCES)"
    ) in mismatches
    assert (
        "Phụ lục 2, dòng Tổng cộng (tổng kinh phí) ghi 277.430, cộng các dòng được 279.630 "
        "(A2.TOTAL.TOTAL.UNITS)"
    ) in mismatches
    assert "(kinh phí NSNN)" not in mismatches and "appendix_" not in mismatches


def test_copies_unlisted_files_and_a_bom_are_warnings_not_failures(project_root, tmp_path, monkeypatch):
    docs = tmp_path / "documents"
    shutil.copytree(project_root / "raw" / "documents", docs)
    manifest = docs / "manifest.csv"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())  # Excel's "CSV UTF-8"
    shutil.copy(docs / "000_a74ee38357d31740.txt", docs / "Du thao NQ (ban sao).txt")
    slides = (docs / "004_373ec9bcf51e9bdb.txt").read_text(encoding="utf-8")
    (docs / "slides_v2.txt").write_text(slides + "\nTrang cuối\n", encoding="utf-8")
    instance, result, rows = _extract(docs, tmp_path, monkeypatch)
    # Four rows in raw/documents; the tasks and slides once each, from the listed files.
    assert (rows[raw_key("documents")], rows[raw_key("plan_groups")]) == (4, 12)
    assert rows[raw_key("plan_items")] == 85 + 26
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["every_document_extracted"].passed is True
    listed = checks["every_document_listed_once"]
    assert listed.passed is False
    assert listed.metadata["manifest"].value == "—"  # the BOM is no problem
    not_loaded = listed.metadata["not_loaded"].value.splitlines()
    got = [id_and_detail(line) for line in not_loaded]
    assert [rule_id for rule_id, _detail in got] == ["IN-D12", "IN-D11"]
    assert got[0][1].startswith("Du thao NQ (ban sao).txt: cùng nội dung với 000_a74ee38357d31740.txt")
    assert got[1][1].startswith("slides_v2.txt: chưa có dòng trong manifest.csv nên không nạp")
    # The operator reads the same in the run's log.
    warnings = [
        e.user_message
        for e in instance.all_logs(result.run_id)
        if e.level == logging.WARNING and e.user_message
    ]
    assert not_loaded[1] in warnings


def test_a_second_plan_document_is_superseded_and_said_not_loaded_twice(project_root, tmp_path, monkeypatch):
    docs = tmp_path / "documents"
    shutil.copytree(project_root / "raw" / "documents", docs)
    shutil.copy(FIXTURES_DIR / "resolution.docx", docs / "Nghi quyet ban Word.docx")
    with (docs / "manifest.csv").open("a", encoding="utf-8", newline="") as handle:
        row = ["Nghi quyet ban Word.docx", "resolution", "", "Long An", "2025-06", "", "", "", ""]
        csv.writer(handle).writerow(row)
    instance, result, rows = _extract(docs, tmp_path, monkeypatch)
    # Three rows in raw/documents; the plan's tasks, groups and totals once, from the txt.
    assert (rows[raw_key("documents")], rows[raw_key("plan_groups")]) == (3, 12)
    assert rows[raw_key("plan_items")] == 85 + 26
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["every_document_extracted"].passed is True
    assert checks["plan_items_present"].passed is True
    # The source's own disagreements are reported once, not once per form of the plan.
    mismatches = checks["stated_totals_match_rows"].metadata["mismatches"].value.splitlines()
    assert all(line.startswith("000_a74ee38357d31740:") for line in mismatches)
    listed = checks["every_document_listed_once"]
    assert listed.passed is False
    assert listed.metadata["plan_document"].value == "000_a74ee38357d31740.txt"
    # 209 records: 111 plan rows, 12 groups, the totals, counts, KPI rows and Part III.IV's 7 targets.
    superseded = (
        "Nghi quyet ban Word.docx: không nạp 209 bản ghi đọc được (85 nhiệm vụ) vì văn bản kế hoạch được "
        "dùng là 000_a74ee38357d31740.txt"
    )
    ((rule_id, detail),) = map(id_and_detail, listed.metadata["not_loaded"].value.splitlines())
    assert rule_id == "IN-D14" and detail.startswith(superseded)
    warnings = [
        e.user_message
        for e in instance.all_logs(result.run_id)
        if e.level == logging.WARNING and e.user_message
    ]
    assert any(w.startswith("IN-D14 ") and superseded in w for w in warnings)


def _extract(docs, tmp_path, monkeypatch):
    """The extraction asset run on ``docs``, as the refresh runs it: (instance, result, rows per table)."""
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(docs))
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [extracted_documents], resources={"refresh_lock": RefreshLockResource()}, instance=instance
    )
    assert result.success
    rows = {
        m.asset_key: m.metadata["rows"].value
        for m in result.asset_materializations_for_node("extracted_documents")
    }
    return instance, result, rows


def test_a_table_read_in_part_fails_the_check_and_names_the_table(project_root, tmp_path, monkeypatch):
    """A plan table cut in two with a heading between the parts: the second part is not read (the
    extraction cannot tell it continues the plan), and the check says so instead of the marts
    silently holding 42 tasks."""
    docs = tmp_path / "documents"
    docs.mkdir()
    cut_table(docs / "plan.docx", APPENDIX_I, 50, "Phụ lục III. Bảng tiếp theo")
    _instance, result, rows = _extract(docs, tmp_path, monkeypatch)
    assert rows[raw_key("plan_items")] < 85  # what was read; the rest is the finding below
    extracted = {c.check_name: c for c in result.get_asset_check_evaluations()}["every_document_extracted"]
    assert extracted.passed is False
    ((rule_id, issue),) = map(id_and_detail, extracted.metadata["issues"].value.splitlines())
    assert rule_id == "IN-D17"
    assert issue.startswith("plan.docx: Bảng table 4") and "không được đọc" in issue


def test_without_a_resolution_the_plan_check_fails_as_an_error_and_says_what_to_do(
    slides_txt, tmp_path, monkeypatch
):
    """Rules audit: plan_items_present was only ever seen passing, its severity left to Dagster's default,
    and a failure said "documents_without_tasks: —" when no resolution was there at all."""
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(slides_txt, docs)
    _instance, result, rows = _extract(docs, tmp_path, monkeypatch)
    assert rows[raw_key("plan_items")] == 0
    check = {c.check_name: c for c in result.get_asset_check_evaluations()}["plan_items_present"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert check.metadata["problem"].value.startswith(
        "Trong raw/documents không có văn bản nghị quyết nào nên kho không có nhiệm vụ nào. Hãy chép "
        "văn bản Đề án vào raw/documents"
    )
