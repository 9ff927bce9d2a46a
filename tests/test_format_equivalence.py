"""The same document as txt, docx and pdf gives the same tables, the same text and the same records.

Only locators differ between formats (lines / table-row-cell / pages), so every comparison
here ignores them.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from pipelines.document_model import DocumentModel
from pipelines.readers import read_document

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ("txt", "docx", "pdf")


@pytest.fixture(scope="module")
def models(resolution_txt: Path) -> dict[str, DocumentModel]:
    return {
        "txt": read_document(resolution_txt),
        "docx": read_document(FIXTURES / "resolution.docx"),
        "pdf": read_document(FIXTURES / "resolution.pdf"),
    }


@pytest.fixture(scope="module")
def variants() -> dict[str, DocumentModel]:
    return {fmt: read_document(FIXTURES / f"variant_reordered.{fmt}") for fmt in ("docx", "pdf")}


def _table_texts(model: DocumentModel) -> list[list[list[str]]]:
    return [[row.texts for row in table.rows] for table in model.tables()]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_tables_have_identical_cell_texts_row_by_row(models: dict[str, DocumentModel], fmt: str) -> None:
    expected = _table_texts(models["txt"])
    got = _table_texts(models[fmt])
    assert [len(t) for t in got] == [len(t) for t in expected]
    for table_index, (want_rows, got_rows) in enumerate(zip(expected, got, strict=True)):
        for row_index, (want, have) in enumerate(zip(want_rows, got_rows, strict=True)):
            assert have == want, f"{fmt}: table {table_index + 1}, row {row_index + 1}"


def test_paragraphs_identical_across_formats(models: dict[str, DocumentModel]) -> None:
    txt = [p.text for p in models["txt"].paragraphs()]
    assert [p.text for p in models["docx"].paragraphs()] == txt
    # The PDF's font draws the non-breaking hyphen ("57‑NQ/TW") as a plain hyphen.
    assert [p.text for p in models["pdf"].paragraphs()] == [t.replace("\u2011", "-") for t in txt]


def test_tables_have_the_same_paragraphs_before_them(models: dict[str, DocumentModel]) -> None:
    def titles(model: DocumentModel) -> list[list[str]]:
        return [
            [p.text.replace("\u2011", "-") for p in pre][-5:] for _t, pre in model.iter_with_preceding_text()
        ]

    assert titles(models["docx"]) == titles(models["txt"])
    assert titles(models["pdf"]) == titles(models["txt"])


def test_variant_docx_and_pdf_agree(variants: dict[str, DocumentModel]) -> None:
    assert _table_texts(variants["pdf"]) == _table_texts(variants["docx"])
    assert [p.text for p in variants["pdf"].paragraphs()] == [p.text for p in variants["docx"].paragraphs()]
    title = [p.text for p in variants["docx"].paragraphs()]
    assert "TÀI LIỆU MẪU KIỂM THỬ – không phải số liệu thật" in title[2]


def test_variant_is_appendix_i_with_columns_moved_and_a_lead_agency(
    models: dict[str, DocumentModel], variants: dict[str, DocumentModel]
) -> None:
    source = models["txt"].tables()[2]
    variant = variants["pdf"].tables()[0]
    assert variant.rows[0].texts == [
        "TT",
        "Tên nhiệm vụ, giải pháp",
        "Cơ quan chủ trì",
        "Dự kiến kinh phí thực hiện (NSNN)",
        "Dự kiến kinh phí thực hiện (Nguồn khác)",
        "Thời gian thực hiện",
        "Ghi chú",
    ]
    tasks = {r.cells[0].text: r.texts for r in variant.rows if r.cells[0].text.isdigit()}
    assert len(tasks) == 85
    for row in source.rows:
        if row.cells[0].text.isdigit():
            number, name, period, state, other, note = row.texts
            got = tasks[number]
            assert [got[0], got[1], got[3], got[4], got[5], got[6]] == [
                number,
                name,
                state,
                other,
                period,
                note,
            ]
    assert tasks["37"][2] == "Công an tỉnh"  # "… chuyển đổi số ngành Công an"
    assert tasks["1"][2] == "Sở Khoa học và Công nghệ"


# --------------------------------------------------------------------------- records


def _without_locators(records: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        # Every locator (source, a title's period, a column header's, an amount in words) names lines
        # in a txt, paragraphs or cells in a docx, pages in a pdf.
        rows.append({key: value for key, value in asdict(record).items() if not key.endswith("_locator")})
    return rows


def test_extracted_records_identical_across_formats(models: dict[str, DocumentModel]) -> None:
    from pipelines.extract.plan_document import extract_document
    from pipelines.extract.records import RECORD_TYPES

    results = {fmt: extract_document(models[fmt], "resolution") for fmt in FORMATS}
    assert results["txt"].plan_items, "the txt gives records to compare"
    for table in RECORD_TYPES:
        expected = _without_locators(results["txt"].records(table))
        for fmt in ("docx", "pdf"):
            assert _without_locators(results[fmt].records(table)) == expected, f"{table} from {fmt}"


def test_variant_records_identical_and_read_by_column_meaning(variants: dict[str, DocumentModel]) -> None:
    from pipelines.extract.plan_document import extract_document
    from pipelines.extract.records import RECORD_TYPES

    results = {fmt: extract_document(model, "variant") for fmt, model in variants.items()}
    for table in RECORD_TYPES:
        docx_records = _without_locators(results["docx"].records(table))
        assert _without_locators(results["pdf"].records(table)) == docx_records, table
    tasks = {i.item_no: i for i in results["pdf"].plan_items if i.item_level == "task"}
    assert len(tasks) == 85
    assert (tasks["37"].lead_agency, str(tasks["37"].state_budget_mvnd), tasks["37"].period_text) == (
        "Công an tỉnh",
        "257033",
        "2025 - 2030",
    )
