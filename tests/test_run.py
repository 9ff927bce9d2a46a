"""Extracting a whole folder: a bad document is recorded with its reason, the rest still load."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import pyarrow.parquet as pq

from pipelines.extract.run import extract_folder, write_raw_tables
from tests.conftest import FIXTURES_DIR


def test_a_bad_document_does_not_stop_the_others(resolution_txt, slides_txt, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    shutil.copy(slides_txt, docs)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "minutes.txt").write_text("Biên bản cuộc họp.\n", encoding="utf-8")

    run = extract_folder(docs)
    status = {d.file_name: (d.extraction_status, d.extraction_error) for d in run.documents}
    assert status["000_a74ee38357d31740.txt"] == ("ok", None)
    assert status["004_373ec9bcf51e9bdb.txt"] == ("ok", None)
    assert status["broken.pdf"][0] == "failed" and status["broken.pdf"][1]
    assert status["minutes.txt"][0] == "failed" and "not a plan document" in status["minutes.txt"][1]
    # Nothing in raw/ is touched: the bad files are still there, unchanged.
    assert (docs / "broken.pdf").read_bytes() == b"%PDF-1.4 this is not really a pdf"

    counts = write_raw_tables(run, tmp_path / "raw")
    assert counts["documents"] == 4
    assert counts["plan_items"] == 85 + 26
    documents = pq.read_table(tmp_path / "raw" / "documents.parquet").to_pylist()
    assert {d["file_name"] for d in documents if d["extraction_status"] == "failed"} == {
        "broken.pdf",
        "minutes.txt",
    }


def test_raw_tables_keep_exact_decimals_and_lineage(resolution_txt, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    write_raw_tables(extract_folder(docs), tmp_path / "raw")
    table = pq.read_table(tmp_path / "raw" / "plan_items.parquet")
    assert str(table.schema.field("state_budget_mvnd").type) == "decimal128(18, 3)"
    rows = table.to_pylist()
    assert sum(r["state_budget_mvnd"] or 0 for r in rows if r["appendix"] == "I") == Decimal("5861734")
    assert all(r["document_id"] == "000_a74ee38357d31740" and r["source_locator"] for r in rows)


def _listed_folder(project_root, tmp_path):
    """The shipped documents with their manifest, in a folder of their own."""
    docs = tmp_path / "documents"
    shutil.copytree(project_root / "raw" / "documents", docs)
    return docs


def _tasks(run) -> int:
    return sum(1 for r in run.results for i in r.plan_items if i.item_level == "task")


def test_a_copy_of_the_plan_under_another_name_is_not_loaded_twice(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    shutil.copy(docs / "000_a74ee38357d31740.txt", docs / "Du thao NQ (ban sao).txt")
    run = extract_folder(docs)
    status = {d.file_name: (d.document_id, d.extraction_status, d.extraction_error) for d in run.documents}
    assert status["Du thao NQ (ban sao).txt"] == (
        "Du thao NQ (ban sao)",
        "duplicate",
        "Du thao NQ (ban sao).txt: cùng nội dung với 000_a74ee38357d31740.txt, không trích xuất lại "
        "(duplicate of 000_a74ee38357d31740.txt)",
    )
    assert status["000_a74ee38357d31740.txt"][1:] == ("ok", None)
    assert _tasks(run) == 85  # once, from the listed file
    counts = write_raw_tables(run, tmp_path / "raw")
    assert (counts["documents"], counts["plan_items"]) == (3, 85 + 26)


def test_a_document_the_manifest_does_not_list_is_read_but_not_loaded(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    # The resolution again, as the Word file: other bytes, the same 85 tasks.
    shutil.copy(FIXTURES_DIR / "resolution.docx", docs / "Nghi quyet (ban Word).docx")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 cut off")
    run = extract_folder(docs)
    documents = {d.file_name: d for d in run.documents}
    word = documents["Nghi quyet (ban Word).docx"]
    assert (word.extraction_status, word.kind, word.record_count) == ("not_listed", "resolution", 0)
    assert word.extraction_error == (
        "Nghi quyet (ban Word).docx: chưa có dòng trong manifest.csv nên không nạp 202 bản ghi đọc được "
        "(resolution); thêm một dòng cho tệp này (not listed in the manifest: add a row)"
    )
    assert word.metadata_issue == "chưa có dòng trong manifest.csv (not listed in the manifest)"
    # Unreadable and unlisted: the reading error is what the operator must hear first.
    assert documents["broken.pdf"].extraction_status == "failed"
    assert _tasks(run) == 85
    assert [r.document_id for r in run.results] == ["000_a74ee38357d31740", "004_373ec9bcf51e9bdb"]


def test_a_manifest_saved_with_a_bom_or_missing_a_column_still_loads_everything(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    manifest = docs / "manifest.csv"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    run = extract_folder(docs)
    assert run.warnings == []
    resolution = run.documents[0]
    assert (resolution.issuer, resolution.document_date, resolution.metadata_issue) == (
        "Hội đồng nhân dân tỉnh Long An",
        "2025-06",
        None,
    )

    # Without its issuer and date columns: NULL and said; never the date the text suggests (2025-02).
    lines = manifest.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    rows = list(csv.reader(lines))
    keep = [i for i, name in enumerate(header) if name not in ("issuer", "document_date")]
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[row[i] for i in keep] for row in rows])
    run = extract_folder(docs)
    missing = (
        "manifest.csv thiếu cột issuer, document_date: các giá trị này để trống (missing columns: left NULL)"
    )
    assert run.warnings == [missing]
    resolution = run.documents[0]
    assert (resolution.extraction_status, resolution.kind, resolution.province) == (
        "ok",
        "resolution",
        "Long An",
    )
    assert (resolution.issuer, resolution.document_date, resolution.metadata_issue) == (None, None, missing)
    assert _tasks(run) == 85


def test_two_documents_with_one_stem_get_two_ids(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    (docs / "Ke hoach 2026.txt").write_text("Kế hoạch\n", encoding="utf-8")
    (docs / "Ke hoach 2026.pdf").write_bytes(b"%PDF-1.4 cut off")
    write_raw_tables(extract_folder(docs), tmp_path / "raw")
    documents = pq.read_table(tmp_path / "raw" / "documents.parquet").to_pylist()
    assert [(d["document_id"], d["extraction_status"]) for d in documents] == [
        ("000_a74ee38357d31740", "ok"),
        ("004_373ec9bcf51e9bdb", "ok"),
        ("Ke hoach 2026", "failed"),
        ("Ke hoach 2026.txt", "failed"),
    ]
