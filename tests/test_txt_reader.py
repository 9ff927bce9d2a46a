"""The txt reader on the seed resolution (Word exported to text: cells are tab-led lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.document_model import DocumentModel, Table, UnreadableDocumentError
from pipelines.readers import read_document
from pipelines.readers.txt_reader import parse_txt, read_txt


@pytest.fixture(scope="module")
def model(resolution_txt: Path) -> DocumentModel:
    return read_txt(resolution_txt)


@pytest.fixture(scope="module")
def appendix_i(model: DocumentModel) -> Table:
    return model.tables()[2]


def test_four_tables_in_document_order(model: DocumentModel) -> None:
    tables = model.tables()
    assert len(tables) == 4
    # Signature block, KPI roadmap, Appendix I, Appendix II.
    assert [len(t.rows) for t in tables] == [1, 7, 100, 28]
    assert [t.width for t in tables] == [2, 9, 6, 5]
    assert tables[0].rows[0].cells[0].text.startswith("Nơi nhận:\n- UB Thường vụ Quốc hội (b/c);")
    assert tables[1].rows[0].texts[:3] == ["TT", "Chỉ tiêu", "Hiện trạng"]
    assert tables[3].rows[0].texts[1] == "Tên dự án, nhiệm vụ"
    assert model.reader_notes == []
    assert model.file_format == "txt"


def test_appendix_i_header_joined_across_its_blank_line(appendix_i: Table) -> None:
    # The header row has a blank line after its second cell; it is still one 6-cell row.
    assert appendix_i.rows[0].texts == [
        "TT",
        "Tên nhiệm vụ, giải pháp",
        "Thời gian thực hiện",
        "Dự kiến kinh phí thực hiện (NSNN)",
        "Dự kiến kinh phí thực hiện (Nguồn khác)",
        "Ghi chú",
    ]
    assert appendix_i.rows[0].locator == "lines 422-428"
    assert appendix_i.locator == "lines 422-1077"


def test_appendix_i_has_100_rows_85_tasks_and_12_group_rows(appendix_i: Table) -> None:
    assert len(appendix_i.rows) == 100  # header, 12 groups, 85 tasks, total, total in words
    tasks = [r for r in appendix_i.rows if r.cells[0].text.isdigit()]
    assert [r.cells[0].text for r in tasks] == [str(n) for n in range(1, 86)]
    assert all(len(r.cells) == 6 for r in tasks)
    groups = [r for r in appendix_i.rows if r.cells[0].text and set(r.cells[0].text) <= set("IVX")]
    assert [g.cells[0].text for g in groups] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
        "XII",
    ]
    # A group row is the numeral and one merged cell; group III's export kept a trailing empty cell.
    assert {g.cells[0].text: len(g.cells) for g in groups if len(g.cells) != 2} == {"III": 3}
    assert groups[0].cells[1].text.startswith("Nhóm nhiệm vụ Nâng cao nhận thức")
    assert groups[-1].texts == ["XII", "Nhóm giải pháp Xây dựng xã hội số"]


def test_rows_74_to_76_rejoined_to_six_cells(appendix_i: Table) -> None:
    by_number = {r.cells[0].text: r for r in appendix_i.rows}
    row = by_number["74"]
    assert row.texts == [
        "74",
        "Xây dựng, nâng cấp hoàn thiện các hệ thống thông tin, cơ sở dữ liệu phục vụ chuyển đổi số "
        "các lĩnh vực thuộc quản lý của ngành Thanh tra",
        "2025 - 2030",
        "6.400",
        "",
        "",
    ]
    assert row.locator == "lines 976-982"
    assert [c.locator for c in row.cells][2:4] == ["line 979", "line 980"]
    assert by_number["75"].texts[2:4] == ["2025 - 2030", "40.000"]
    assert by_number["76"].texts[:4] == [
        "76",
        "Triển khai chuyển đổi số các hoạt động quản lý nhà nước của cấp xã",
        "2025 - 2030",
        "69.000",
    ]


def test_total_row_and_total_in_words(appendix_i: Table) -> None:
    assert appendix_i.rows[-2].texts == ["", "Tổng cộng:", "", "5.861.734", "390.000", ""]
    assert appendix_i.rows[-1].texts == ["(Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn tỷ đồng)"]


def test_kpi_tfp_baseline_keeps_its_inner_line_break(model: DocumentModel) -> None:
    tfp = model.tables()[1].rows[1]
    assert tfp.cells[2].text == "43,35 % (Giai đoạn\n2016 -2020)"
    assert tfp.cells[2].locator == "lines 190-191"
    assert tfp.texts[3:] == [
        "35,49 % (Giai đoạn 2021- 2025)",
        "-",
        "-",
        "-",
        "-",
        "55% (Giai đoạn 2026 - 2030)",
    ]


def test_non_breaking_space_cells_are_empty(model: DocumentModel) -> None:
    appendix_ii = model.tables()[3]
    # "\t\u00a0" in the file: the total row's number cell and the blank 2025 amounts.
    assert appendix_ii.rows[1].texts == ["", "Tổng cộng", "15.800", "261.630", "277.430"]
    item_2_1 = next(r for r in appendix_ii.rows if r.cells[0].text == "2.1")
    assert item_2_1.texts[2:] == ["", "10.000", "10.000"]
    assert "\u00a0" not in model.full_text()


def test_bookmark_artefacts_are_gone(model: DocumentModel, appendix_i: Table) -> None:
    assert "[bookmark" not in model.full_text()
    assert appendix_i.rows[2].cells[1].text.startswith("Tổ chức các hội nghị, hội thảo chuyên đề")
    by_number = {r.cells[0].text: r for r in appendix_i.rows}
    assert by_number["13"].cells[0].locator == "line 520"  # "[bookmark: _Hlk200312039]13" on that line
    paragraph = next(p for p in model.paragraphs() if p.locator == "line 256")
    assert paragraph.text.startswith("Đề án được triển khai theo ba trụ cột là:")


def test_paragraphs_are_lines_outside_tables(model: DocumentModel) -> None:
    paragraphs = model.paragraphs()
    assert paragraphs[0].text == "NGHỊ QUYẾT" and paragraphs[0].locator == "line 1"
    assert len(paragraphs) == 316
    appendix_i_title = [
        p.text for p in next(pre for t, pre in model.iter_with_preceding_text() if t.width == 6)
    ]
    assert appendix_i_title[-5] == "Phụ lục I"
    assert appendix_i_title[-1] == "ĐVT: triệu đồng"


def test_small_table_with_a_cell_of_several_paragraphs() -> None:
    model = parse_txt("Tiêu đề\n\tA\n\tdòng 1\ndòng 2\n\n\tB\n\t\u00a0\n\nSau bảng\n", "t.txt")
    assert [b.text for b in model.paragraphs()] == ["Tiêu đề", "Sau bảng"]
    table = model.tables()[0]
    assert [r.texts for r in table.rows] == [["A", "dòng 1\ndòng 2"], ["B", ""]]
    assert table.rows[0].cells[1].locator == "lines 3-4"


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(UnreadableDocumentError, match=r"rong\.txt: tệp rỗng"):
        read_txt(empty)
    with pytest.raises(UnreadableDocumentError, match="không tìm thấy tệp"):
        read_document(tmp_path / "khong_co.txt")
