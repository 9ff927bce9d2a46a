"""The PDF reader on the LibreOffice rendering of the resolution (see scripts/render_fixtures.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from pipelines.document_model import DocumentModel, Table, UnreadableDocumentError
from pipelines.readers import read_document
from pipelines.readers.pdf_reader import read_pdf
from pipelines.readers.txt_reader import read_txt

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = re.compile(r"^pages (\d+)-(\d+)$")


@pytest.fixture(scope="module")
def model() -> DocumentModel:
    return read_pdf(FIXTURES / "resolution.pdf")


@pytest.fixture(scope="module")
def txt_model(resolution_txt: Path) -> DocumentModel:
    return read_txt(resolution_txt)


@pytest.fixture(scope="module")
def appendix_i(model: DocumentModel) -> Table:
    return model.tables()[2]


def _task_rows(table: Table) -> list[list[str]]:
    return [r.texts for r in table.rows if r.cells[0].text.isdigit()]


# --------------------------------------------------------------------------- refusals


def test_scanned_pdf_is_refused_with_the_missing_text_layer(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_document(FIXTURES / "scanned.pdf")
    reason = caught.value.reason
    assert reason.startswith("scanned.pdf: trang 1 không có lớp văn bản (no text layer): cần OCR")
    assert "\n" not in reason


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(
        UnreadableDocumentError, match=r"encrypted.pdf: tệp PDF có mật khẩu \(encrypted PDF\)"
    ):
        read_pdf(FIXTURES / "encrypted.pdf")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\nkhong co gi\n", "tệp PDF hỏng hoặc không đọc được"),
        (b"<html>not a pdf</html>", "không phải tệp PDF"),
        (None, "tệp PDF hỏng hoặc không đọc được"),
    ],
)
def test_corrupt_pdf_is_refused(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "hong.pdf"
    # None: the resolution cut in half, as a broken download leaves it.
    data = content if content is not None else (FIXTURES / "resolution.pdf").read_bytes()[:60000]
    path.write_bytes(data)
    with pytest.raises(UnreadableDocumentError) as caught:
        read_pdf(path)
    assert expected in caught.value.reason
    assert "\n" not in caught.value.reason


# --------------------------------------------------------------------------- tables


def test_four_tables_with_page_locators(model: DocumentModel) -> None:
    with pdfplumber.open(FIXTURES / "resolution.pdf") as pdf:
        assert model.page_count == len(pdf.pages)
    assert model.file_format == "pdf"
    assert [len(t.rows) for t in model.tables()] == [1, 7, 100, 28]
    assert model.tables()[1].locator.startswith("page ")
    assert model.tables()[1].rows[1].cells[2].locator == model.tables()[1].locator


def test_appendix_i_is_stitched_into_one_table_with_the_85_tasks_of_the_txt(
    appendix_i: Table, txt_model: DocumentModel
) -> None:
    first, last = map(int, PAGES.match(appendix_i.locator).groups())
    assert last - first >= 5  # the table runs over several pages
    assert _task_rows(appendix_i) == _task_rows(txt_model.tables()[2])
    assert len(_task_rows(appendix_i)) == 85
    assert len(appendix_i.rows) == 100


def test_repeated_header_rows_are_dropped(appendix_i: Table, model: DocumentModel) -> None:
    header = appendix_i.rows[0].texts
    assert header[0] == "TT" and header[3] == "Dự kiến kinh phí thực hiện (NSNN)"
    assert sum(1 for r in appendix_i.rows if r.texts == header) == 1
    assert sum(1 for r in model.tables()[3].rows if r.cells[0].text == "STT") == 1


def test_rows_split_by_a_page_break_are_merged_back(appendix_i: Table, txt_model: DocumentModel) -> None:
    split = [r for r in appendix_i.rows if PAGES.match(r.locator)]
    assert split, "the fixture has rows that cross a page break"
    txt_rows = {r.cells[0].text: r.texts for r in txt_model.tables()[2].rows}
    for row in split:
        assert row.texts == txt_rows[row.cells[0].text]
    task_12 = next(r for r in appendix_i.rows if r.cells[0].text == "12")
    assert (
        task_12.cells[5].text
        == "Dự kiến kêu gọi hình thành từ các Quỹ khoa học và công nghệ của doanh nghiệp"
    )
    assert PAGES.match(task_12.cells[5].locator)  # the note runs onto the next page
    assert not PAGES.match(task_12.cells[0].locator)
    # No continuation is left behind as a row of its own: only the total row has no number.
    empty_number = [r for r in appendix_i.rows if len(r.cells) == 6 and not r.cells[0].text]
    assert [r.cells[1].text for r in empty_number] == ["Tổng cộng:"]


def test_merged_cells_collapse_like_txt_and_docx(appendix_i: Table) -> None:
    group_i = next(r for r in appendix_i.rows if r.cells[0].text == "I")
    assert len(group_i.cells) == 2
    assert group_i.cells[1].text == (
        "Nhóm nhiệm vụ Nâng cao nhận thức, đổi mới tư duy và tạo chuyển biến toàn diện về khoa học, "
        "công nghệ, đổi mới sáng tạo và chuyển đổi số trong hệ thống chính trị, doanh nghiệp và xã hội"
    )
    assert len(next(r for r in appendix_i.rows if r.cells[0].text == "III").cells) == 3
    assert appendix_i.rows[-1].texts == ["(Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn tỷ đồng)"]


def test_wrapped_cell_lines_joined_and_typed_breaks_kept(model: DocumentModel) -> None:
    kpi = model.tables()[1]
    # "TT" in a narrow column is broken between its letters; it is one word again.
    assert kpi.rows[0].texts[:3] == ["TT", "Chỉ tiêu", "Hiện trạng"]
    assert (
        kpi.rows[1].cells[1].text == "Đóng góp của năng suất nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế"
    )
    assert kpi.rows[1].cells[2].text == "43,35 % (Giai đoạn\n2016 -2020)"
    recipients = model.tables()[0].rows[0].cells[0].text.split("\n")
    assert len(recipients) == 23
    # This item's "-" would not have fitted on the line before; the list structure keeps it apart.
    assert "- TT. HĐND, UBND các xã, phường;" in recipients
    # Wrapped inside "2026-2030" (no space to restore).
    assert model.tables()[3].rows[0].texts[3] == "Dự toán kinh phí giai đoạn 2026-2030"


# --------------------------------------------------------------------------- paragraphs


def test_paragraphs_rebuilt_from_wrapped_lines(model: DocumentModel, txt_model: DocumentModel) -> None:
    got = [p.text for p in model.paragraphs()]
    # The one difference: the font draws the non-breaking hyphen of "57‑NQ/TW" as a plain "-".
    expected = [p.text.replace("\u2011", "-") for p in txt_model.paragraphs()]
    assert got == expected
    budget = next(
        p for p in model.paragraphs() if p.text.startswith("- Ngân sách nhà nước: 6.139.164.000.000")
    )
    assert budget.text.endswith("giai đoạn 2025 - 2030 theo Phụ lục I đính kèm.")
    assert re.match(r"^pages? \d+(-\d+)?$", budget.locator)
    assert any(PAGES.match(p.locator) for p in model.paragraphs())  # some paragraphs cross a page


def test_page_numbers_in_the_footer_are_not_text(model: DocumentModel) -> None:
    assert not [p.text for p in model.paragraphs() if p.text.isdigit()]


def test_grid_collapses_horizontal_spans_and_keeps_vertical_spans_as_empty_cells() -> None:
    from pipelines.readers.pdf_reader import _Grid

    # 3 columns x 3 rows: row 1 "TT | name spanning 2 columns", a lead-agency cell spanning rows 2-3.
    cells = [
        (0, 0, 10, 10),
        (10, 0, 30, 10),
        (0, 10, 10, 20),
        (10, 10, 20, 20),
        (20, 10, 30, 30),
        (0, 20, 10, 30),
        (10, 20, 20, 30),
    ]
    grid = _Grid(cells)
    rows = grid.rows({index: [] for index in range(len(cells))}, page=1)
    assert [len(r.cells) for r in rows] == [2, 3, 3]
    assert [part[0].spanned_from_above for part in rows[2].cells] == [False, False, True]
    assert grid.cell_at(25, 25) == grid.cells.index((20, 10, 30, 30))


def test_a_total_row_at_the_top_of_a_page_is_not_taken_for_a_split_row() -> None:
    from pipelines.readers.pdf_reader import _CellPart, _continues_split_row, _Line, _RowParts

    def line(text: str, top: float, page: int) -> _Line:
        return _Line(text, 10, 60, top, top + 11, 11.0, 20, 5, 2.75, page, 5, 95)

    def row(page: int, bottom: float, *cells: list[_Line]) -> _RowParts:
        return _RowParts([[_CellPart(lines, page, 0, bottom)] for lines in cells], [page])

    # Task 85 ends page 42: its name fills the row to the bottom, its amount sits at the top.
    task = row(42, 60, [line("85", 5, 42)], [line("Triển khai", 5, 42), line("ứng dụng", 18, 42),
               line("di động", 31, 42), line("cho người dân", 44, 42)], [line("172.500", 5, 42)])  # fmt: skip
    total = row(43, 20, [], [line("Tổng cộng:", 5, 43)], [line("5.861.734", 5, 43)])
    assert not _continues_split_row(task, total)  # "172.500" did not overflow: a row of its own
    continuation = row(43, 20, [], [line("(tiếp)", 5, 43)], [])
    assert _continues_split_row(task, continuation)
