"""Extracting a whole folder: a bad document is recorded with its reason, the rest still load."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

import pipelines.extract.run as run_module
from pipelines.extract.cache import ExtractionCache
from pipelines.extract.run import date_key, extract_folder, write_raw_tables
from pipelines.input_rules import id_and_detail
from pipelines.manifest import sha256_of
from tests.conftest import FIXTURES_DIR

# What the resolution gives, counted by table in the document itself: 3 tables, 12 groups, 85 tasks and
# 26 Appendix 2 rows, 20 stated figures, 12 content counts, Part III.IV's 7 targets, 36 roadmap targets
# and 8 baseline observations.
PLAN_RECORDS = 3 + 12 + (85 + 26) + 20 + 12 + 7 + 36 + 8


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
        f"Nghi quyet (ban Word).docx: chưa có dòng trong manifest.csv nên không nạp {PLAN_RECORDS} bản ghi "
        "đọc được "
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
    assert list(map(id_and_detail, run.warnings)) == [
        ("IN-D05", "manifest.csv thiếu cột issuer, document_date")
    ]
    (missing,) = run.warnings
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


# --------------------------------------------------------------------------- one plan document in force


def _list(docs, file_name: str, kind: str = "resolution", document_date: str = "2025-06") -> None:
    """Add a manifest row for a file dropped into the folder."""
    with (docs / "manifest.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(
            [
                file_name,
                kind,
                "Hội đồng nhân dân tỉnh Long An",
                "Long An",
                document_date,
                "",
                file_name,
                "",
                "",
            ]
        )


def _set_date(docs, file_name: str, document_date: str) -> None:
    manifest = docs / "manifest.csv"
    rows = list(csv.reader(manifest.read_text(encoding="utf-8").splitlines()))
    column = rows[0].index("document_date")
    for row in rows[1:]:
        if row[0] == file_name:
            row[column] = document_date
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _clean_counts(project_root, tmp_path) -> dict[str, int]:
    return write_raw_tables(
        extract_folder(_listed_folder(project_root, tmp_path / "clean")), tmp_path / "raw0"
    )


RESOLUTION = "000_a74ee38357d31740.txt"
SLIDES = "004_373ec9bcf51e9bdb.txt"


def test_the_word_form_of_the_plan_listed_beside_the_txt_is_superseded(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    shutil.copy(FIXTURES_DIR / "resolution.docx", docs / "Nghi quyet ban Word.docx")
    _list(docs, "Nghi quyet ban Word.docx")  # same date as the txt: the same resolution, other form
    run = extract_folder(docs)
    status = {d.file_name: (d.extraction_status, d.record_count, d.extraction_error) for d in run.documents}
    assert status["Nghi quyet ban Word.docx"] == (
        "superseded",
        0,
        f"Nghi quyet ban Word.docx: không nạp {PLAN_RECORDS} bản ghi đọc được (85 nhiệm vụ) "
        "vì văn bản kế hoạch được dùng là 000_a74ee38357d31740.txt: cùng ngày văn bản 2025-06, "
        "dạng txt được ưu tiên hơn docx "
        "theo thứ tự txt, docx, pdf (superseded by 000_a74ee38357d31740.txt: same document_date 2025-06; "
        "txt is preferred to docx: txt, then docx, then pdf)",
    )
    assert status[RESOLUTION] == ("ok", PLAN_RECORDS, None)
    assert status[SLIDES][:1] == ("ok",)  # the slide deck does not compete
    assert run.plan_document == RESOLUTION
    assert [r.document_id for r in run.results] == ["000_a74ee38357d31740", "004_373ec9bcf51e9bdb"]
    assert run.not_loaded() == [d for d in run.documents if d.file_name == "Nghi quyet ban Word.docx"]
    # Not one record of the Word form is loaded (no totals compared across forms): every raw table
    # but `documents` is what the shipped folder alone gives.
    counts = write_raw_tables(run, tmp_path / "raw")
    clean = _clean_counts(project_root, tmp_path)
    assert counts == {**clean, "documents": 3}
    superseded = [
        d
        for d in pq.read_table(tmp_path / "raw" / "documents.parquet").to_pylist()
        if d["extraction_status"] == "superseded"
    ]
    assert [(d["file_name"], d["kind"], d["source_format"]) for d in superseded] == [
        ("Nghi quyet ban Word.docx", "resolution", "docx")
    ]


def test_a_later_dated_revision_is_in_force_whatever_its_form_or_name(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    # A revised resolution: other bytes (a changed task budget), dated later, its name sorts last.
    text = (docs / RESOLUTION).read_text(encoding="utf-8")
    assert text.count("\t257.033") == 1
    (docs / "zz_NQ sua doi.txt").write_text(text.replace("\t257.033", "\t260.000"), encoding="utf-8")
    _list(docs, "zz_NQ sua doi.txt", document_date="2025-09")
    run = extract_folder(docs)
    status = {d.file_name: (d.extraction_status, d.extraction_error) for d in run.documents}
    assert status["zz_NQ sua doi.txt"] == ("ok", None)
    assert status[RESOLUTION] == (
        "superseded",
        f"{RESOLUTION}: không nạp {PLAN_RECORDS} bản ghi đọc được (85 nhiệm vụ) vì văn bản kế hoạch được "
        "dùng là zz_NQ sua doi.txt: ngày văn bản 2025-09 mới hơn 2025-06 (superseded by zz_NQ sua doi.txt: "
        "later document_date, 2025-09 vs 2025-06)",
    )
    assert status[SLIDES][0] == "ok"
    tasks = [i for r in run.results for i in r.plan_items if i.item_level == "task"]
    assert len(tasks) == 85 and {i.document_id for i in tasks} == {"zz_NQ sua doi"}
    assert Decimal("260000") in {i.state_budget_mvnd for i in tasks}
    assert Decimal("257033") not in {i.state_budget_mvnd for i in tasks}
    # The totals come from the revision alone.
    totals = [t for r in run.results for t in r.stated_totals]
    assert {t.document_id for t in totals} == {"zz_NQ sua doi"}

    # The date comes before the form: a Word file dated later is in force over the txt.
    (docs / "zz_NQ sua doi.txt").unlink()
    shutil.copy(FIXTURES_DIR / "resolution.docx", docs / "NQ 2026.docx")
    _list(docs, "NQ 2026.docx", document_date="15/01/2026")
    run = extract_folder(docs)
    assert run.plan_document == "NQ 2026.docx"
    assert [(d.file_name, d.extraction_status) for d in run.documents if d.kind == "resolution"] == [
        (RESOLUTION, "superseded"),
        ("NQ 2026.docx", "ok"),
    ]


def test_a_plan_without_a_usable_date_gives_way_and_equal_ones_go_by_name(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    text = (docs / RESOLUTION).read_text(encoding="utf-8")
    (docs / "000 ban khac.txt").write_text(text + "\nPhụ lục bổ sung\n", encoding="utf-8")
    _list(docs, "000 ban khac.txt", document_date="tháng 6")
    run = extract_folder(docs)
    other = next(d for d in run.documents if d.file_name == "000 ban khac.txt")
    assert other.extraction_status == "superseded"
    assert other.extraction_error.endswith(
        "văn bản kế hoạch được dùng là 000_a74ee38357d31740.txt: ngày văn bản 2025-06, tệp này không có "
        "ngày dùng được (tháng 6) (superseded by 000_a74ee38357d31740.txt: dated 2025-06, this file has "
        "no usable document_date)"
    )
    # Same date, same form: the first file name is in force ("000 " sorts before "000_").
    _set_date(docs, "000 ban khac.txt", "2025-06")
    run = extract_folder(docs)
    assert run.plan_document == "000 ban khac.txt"
    mine = next(d for d in run.documents if d.file_name == RESOLUTION)
    assert mine.extraction_status == "superseded"
    assert mine.extraction_error.endswith(
        "cùng ngày văn bản 2025-06, cùng dạng txt: chọn theo tên tệp (superseded by 000 ban khac.txt: "
        "same document_date 2025-06 and format: first by file name)"
    )


def test_the_slide_deck_never_competes_with_the_plan(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    _set_date(docs, SLIDES, "2026-12")  # dated after the resolution
    run = extract_folder(docs)
    assert [(d.file_name, d.extraction_status) for d in run.documents] == [
        (RESOLUTION, "ok"),
        (SLIDES, "ok"),
    ]
    assert run.plan_document == RESOLUTION
    assert sum(len(r.slide_indicators) for r in run.results) == run.documents[1].record_count == 48


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2025-06", (2025, 6, 0)),
        ("2025", (2025, 0, 0)),
        ("2025-06-15", (2025, 6, 15)),
        (" 15/06/2025 ", (2025, 6, 15)),
        ("06/2025", (2025, 6, 0)),
        ("2025-13", None),
        ("tháng 6 năm 2025", None),
        ("", None),
        (None, None),
    ],
)
def test_document_dates_are_compared_as_year_month_day(text, key):
    assert date_key(text) == key


def test_a_superseded_plan_loads_from_the_cache_once_it_is_the_only_one(project_root, tmp_path, monkeypatch):
    docs = _listed_folder(project_root, tmp_path)
    shutil.copy(FIXTURES_DIR / "resolution.docx", docs / "Nghi quyet ban Word.docx")
    _list(docs, "Nghi quyet ban Word.docx")
    first = extract_folder(docs, ExtractionCache(tmp_path / "cache"))
    assert first.plan_document == RESOLUTION

    # The txt is taken away (file and row): the Word form is now the plan, taken from the cache.
    (docs / RESOLUTION).unlink()
    manifest = docs / "manifest.csv"
    manifest.write_text(
        "".join(
            line for line in manifest.read_text(encoding="utf-8").splitlines(True) if RESOLUTION not in line
        ),
        encoding="utf-8",
    )
    opened: list[str] = []
    real = run_module.read_document
    monkeypatch.setattr(run_module, "read_document", lambda path: opened.append(path.name) or real(path))
    cache = ExtractionCache(tmp_path / "cache")
    second = extract_folder(docs, cache)
    assert opened == [] and (cache.hits, cache.misses) == (2, 0)
    word = next(d for d in second.documents if d.file_name == "Nghi quyet ban Word.docx")
    assert (word.extraction_status, word.extraction_error, word.record_count) == ("ok", None, PLAN_RECORDS)
    assert second.plan_document == "Nghi quyet ban Word.docx"
    tasks = [i for r in second.results for i in r.plan_items if i.item_level == "task"]
    assert len(tasks) == 85 and {i.document_id for i in tasks} == {"Nghi quyet ban Word"}


def test_a_listed_document_whose_bytes_are_not_the_manifests_is_read_but_not_loaded(project_root, tmp_path):
    docs = _listed_folder(project_root, tmp_path)
    plan = docs / "000_a74ee38357d31740.txt"
    listed = sha256_of(plan)
    # Cut short in a copy just before Appendix 2's last content (4.4): 31.000 gone, no error raised.
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text[: text.rindex("\t4.4\n")], encoding="utf-8")
    run = extract_folder(docs)
    resolution = next(d for d in run.documents if d.file_name == plan.name)
    assert (resolution.extraction_status, resolution.record_count) == ("changed_since_listed", 0)
    now = sha256_of(plan)
    assert resolution.extraction_error.startswith(
        f"000_a74ee38357d31740.txt: nội dung khác với bản đã khai báo trong manifest.csv (sha256 ghi "
        f"{listed[:12]}…, tệp hiện có {now[:12]}…) nên không nạp "
    )
    assert f"ghi sha256 {now} vào manifest.csv" in resolution.extraction_error
    assert resolution in run.not_loaded() and _tasks(run) == 0  # no plan: the refresh keeps the last
    # The person confirms the new version: its hash in the row, and it loads.
    manifest = docs / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(listed, now), encoding="utf-8")
    run = extract_folder(docs)
    assert next(d for d in run.documents if d.file_name == plan.name).extraction_status == "ok"
    assert _tasks(run) == 85
    # A row with no hash vouches for no version: the file loads as it is.
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(now, ""), encoding="utf-8")
    assert (
        next(d for d in extract_folder(docs).documents if d.file_name == plan.name).extraction_status == "ok"
    )


def test_a_later_plan_cut_short_is_never_in_force_over_the_whole_one(project_root, tmp_path):
    """Operator review (session 14): an interrupted download of an amended plan, listed with its own
    sha256 and a later date, was in force: 39 tasks instead of 85, every department's report on the
    others rejected, the refresh "thành công". A plan lacking a part the other holds is set aside."""
    docs = _listed_folder(project_root, tmp_path)
    text = (docs / RESOLUTION).read_text(encoding="utf-8")
    # Cut inside Appendix I, before task 40's row (line 729): tasks 1-39, no total row, no Appendix 2.
    cut = text[: text.index("\n\t40\n", text.index("Phụ lục I\n"))]
    (docs / "NQ sua doi 2025-10.txt").write_text(cut, encoding="utf-8")
    _list(docs, "NQ sua doi 2025-10.txt", document_date="2025-10")
    run = extract_folder(docs)
    assert run.plan_document == RESOLUTION
    status = {d.file_name: (d.extraction_status, d.extraction_error) for d in run.documents}
    assert status[RESOLUTION] == ("ok", None)
    state, reason = status["NQ sua doi 2025-10.txt"]
    assert state == "superseded"
    assert "vì tệp thiếu bảng Phụ lục 2, dòng tổng cộng Phụ lục I, dòng tổng cộng Phụ lục 2" in reason
    assert "46 nhiệm vụ Phụ lục I (40 … 85), 26 dòng của Phụ lục 2 (1 … 4.4)" in reason
    assert "nếu văn bản mới thật sự bỏ các phần này" in reason.lower()
    assert (
        "có thể tệp bị cắt ngắn hoặc chép chưa xong; văn bản kế hoạch được dùng là 000_a74ee38357d31740.txt"
        in (reason)
    )
    tasks = [i for r in run.results for i in r.plan_items if i.item_level == "task"]
    assert len(tasks) == 85 and {i.document_id for i in tasks} == {"000_a74ee38357d31740"}
    # A whole later revision is still in force (test_a_later_dated_revision_is_in_force_...): only
    # what is missing decides, not the date.


def test_a_later_plan_cut_inside_appendix_2_is_never_in_force_either(project_root, tmp_path):
    """Diff review (session 14): Appendix 2's "Tổng cộng" row comes before its units (line 1096), so a copy
    cut after unit 1 had every kind of table and total and won on its date, with 10 of 22 contents."""
    docs = _listed_folder(project_root, tmp_path)
    text = (docs / RESOLUTION).read_text(encoding="utf-8")
    cut = text[: text.index("\n\t2\n", text.index("Phụ lục 2"))]  # before unit 2's row
    (docs / "NQ sua doi 2025-10.txt").write_text(cut, encoding="utf-8")
    _list(docs, "NQ sua doi 2025-10.txt", document_date="2025-10")
    run = extract_folder(docs)
    assert run.plan_document == RESOLUTION
    reason = next(d.extraction_error for d in run.documents if d.file_name == "NQ sua doi 2025-10.txt")
    assert (
        "(85 nhiệm vụ) vì tệp thiếu dòng đơn vị 2, 3, 4 của Phụ lục 2, 15 dòng của Phụ lục 2 (2 … 4.4)"
        in reason
    )
