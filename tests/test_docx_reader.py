"""The docx reader: the resolution fixture, plus small documents built here for Word's corner cases."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipelines.document_model import DocumentModel, Table, UnreadableDocumentError
from pipelines.readers import read_document
from pipelines.readers.docx_reader import read_docx

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def model() -> DocumentModel:
    return read_docx(FIXTURES / "resolution.docx")


@pytest.fixture(scope="module")
def appendix_i(model: DocumentModel) -> Table:
    return model.tables()[2]


def _row(table: Table, number: str):
    return next(r for r in table.rows if r.cells[0].text == number)


# --------------------------------------------------------------------------- the resolution fixture


def test_tables_and_paragraphs_in_document_order(model: DocumentModel) -> None:
    assert model.file_format == "docx"
    assert [len(t.rows) for t in model.tables()] == [1, 7, 100, 28]
    assert len(model.paragraphs()) == 316
    assert model.paragraphs()[0].text == "NGHỊ QUYẾT"
    kinds = [type(b).__name__ for b in model.blocks]
    # The signature table comes after the opening paragraphs and before PHẦN I.
    first_table = kinds.index("Table")
    assert model.blocks[first_table - 1].text.startswith("Nghị quyết này đã được Hội đồng nhân dân tỉnh")
    assert model.blocks[first_table + 1].text == "PHẦN I"


def test_task_numbers_come_from_word_auto_numbering(appendix_i: Table) -> None:
    # The fixture's number cells hold no text runs, only list numbering (python-docx reads "").
    tasks = [r for r in appendix_i.rows if r.cells[0].text.isdigit()]
    assert [r.cells[0].text for r in tasks] == [str(n) for n in range(1, 86)]
    groups = [r.cells[0].text for r in appendix_i.rows if len(r.cells) in (2, 3) and r.cells[0].text]
    assert groups == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def test_merged_cells_counted_once(appendix_i: Table) -> None:
    group_i = _row(appendix_i, "I")
    assert len(group_i.cells) == 2
    assert group_i.cells[1].text.startswith("Nhóm nhiệm vụ Nâng cao nhận thức, đổi mới tư duy")
    assert len(_row(appendix_i, "III").cells) == 3
    assert appendix_i.rows[-1].texts == ["(Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn tỷ đồng)"]
    assert all(len(r.cells) == 6 for r in appendix_i.rows if r.cells[0].text.isdigit())


def test_tracked_insertion_and_content_controls_are_read(model: DocumentModel, appendix_i: Table) -> None:
    # Task 23's note is an unaccepted insertion (w:ins), the total a content control (w:sdt).
    assert _row(appendix_i, "23").cells[5].text == "Vốn tư nhân đầu tư"
    assert appendix_i.rows[-2].texts == ["", "Tổng cộng:", "", "5.861.734", "390.000", ""]
    # Appendix II unit 4's name is a block-level content control inside its cell.
    assert _row(model.tables()[3], "4").texts == [
        "4",
        "Báo và Đài Phát thanh Truyền hình Long An",
        "8.800",
        "54.500",
        "63.300",
    ]
    # The "Phụ lục 2" label is a content control in the body: still right above Appendix II.
    titles = [[p.text for p in pre] for table, pre in model.iter_with_preceding_text() if table.width == 5]
    assert titles[0][0] == "Phụ lục 2"
    assert titles[0][1].startswith("KINH PHÍ THỰC HIỆN KẾ HOẠCH SỐ 217-KH/TU")


def test_cell_text_keeps_paragraphs_and_is_cleaned(model: DocumentModel) -> None:
    tfp = model.tables()[1].rows[1]
    assert tfp.cells[2].text == "43,35 % (Giai đoạn\n2016 -2020)"
    signature = model.tables()[0].rows[0].cells[1].text
    assert signature.split("\n")[:2] == ["CHỦ TỊCH", "ĐỀ ÁN"]
    assert "[bookmark" not in model.full_text()


def test_locators_name_table_row_and_cell(model: DocumentModel, appendix_i: Table) -> None:
    assert appendix_i.locator == "table 3"
    row_1 = _row(appendix_i, "1")
    assert row_1.locator == "table 3, row 3"
    assert [c.locator for c in row_1.cells][:2] == ["table 3, row 3, cell 1", "table 3, row 3, cell 2"]
    assert model.paragraphs()[0].locator == "paragraph 1"
    # Locators count every body paragraph: they keep increasing across tables.
    numbers = [int(p.locator.split()[1]) for p in model.paragraphs()]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


# --------------------------------------------------------------------------- Word corner cases


def _document_with_body(tmp_path: Path, body_xml: str, numbering_xml: str = "") -> Path:
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>")
    section = body[0] if len(body) else None
    for child in list(wrapper):
        if section is not None:
            section.addprevious(child)
        else:
            body.append(child)
    if numbering_xml:
        numbering = document.part.numbering_part.element
        for child in list(parse_xml(f"<w:numbering {nsdecls('w')}>{numbering_xml}</w:numbering>")):
            numbering.append(child)
    path = tmp_path / "mau.docx"
    document.save(path)
    return path


def _p(text: str, extra: str = "") -> str:
    return f"<w:p>{extra}<w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(content: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def test_vertical_and_legacy_horizontal_merges(tmp_path: Path) -> None:
    rows = (
        "<w:tr>" + _tc(_p("1")) + _tc(_p("Sở Y tế"), "<w:vMerge w:val='restart'/>") + _tc(_p("A")) + "</w:tr>"
        "<w:tr>" + _tc(_p("2")) + _tc(_p(""), "<w:vMerge/>") + _tc(_p("B")) + "</w:tr>"
        "<w:tr>"
        + _tc(_p("Tổng"), "<w:hMerge w:val='restart'/>")
        + _tc(_p(""), "<w:hMerge/>")
        + _tc(_p("C"))
        + "</w:tr>"
    )
    model = read_docx(_document_with_body(tmp_path, f"<w:tbl>{rows}</w:tbl>"))
    assert [r.texts for r in model.tables()[0].rows] == [["1", "Sở Y tế", "A"], ["2", "", "B"], ["Tổng", "C"]]


def test_deleted_text_breaks_and_cell_level_content_controls(tmp_path: Path) -> None:
    paragraph = (
        "<w:p><w:r><w:t>Kinh phí </w:t></w:r>"
        "<w:del w:id='1' w:author='x' w:date='2025-06-01T00:00:00Z'>"
        "<w:r><w:delText>cũ </w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='x' w:date='2025-06-01T00:00:00Z'><w:r><w:t>mới</w:t></w:r></w:ins>"
        "<w:r><w:br/><w:t>dòng hai</w:t><w:tab/><w:t>sau tab</w:t></w:r></w:p>"
    )
    row = (
        "<w:tr>"
        + _tc(_p("1"))
        + "<w:sdt><w:sdtPr/><w:sdtContent>"
        + _tc(_p("trong ô điều khiển"))
        + "</w:sdtContent></w:sdt></w:tr>"
    )
    model = read_docx(_document_with_body(tmp_path, paragraph + f"<w:tbl>{row}</w:tbl>"))
    assert model.paragraphs()[0].text == "Kinh phí mới\ndòng hai sau tab"
    assert model.tables()[0].rows[0].texts == ["1", "trong ô điều khiển"]


def test_multilevel_numbering(tmp_path: Path) -> None:
    numbering = (
        "<w:abstractNum w:abstractNumId='90'>"
        "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:lvlText w:val='%1.'/></w:lvl>"
        "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='decimal'/><w:lvlText w:val='%1.%2'/>"
        "<w:suff w:val='space'/></w:lvl>"
        "<w:lvl w:ilvl='2'><w:start w:val='1'/><w:numFmt w:val='lowerLetter'/><w:lvlText w:val='%3)'/>"
        "<w:suff w:val='space'/></w:lvl>"
        "</w:abstractNum><w:num w:numId='90'><w:abstractNumId w:val='90'/></w:num>"
    )

    def item(level: int, text: str) -> str:
        return _p(text, f"<w:pPr><w:numPr><w:ilvl w:val='{level}'/><w:numId w:val='90'/></w:numPr></w:pPr>")

    body = item(0, "Văn phòng Tỉnh ủy") + item(1, "Hạ tầng") + item(1, "Thiết bị") + item(2, "máy chủ")
    body += item(0, "Mặt trận Tổ quốc") + item(1, "Hội nghị trực tuyến")
    model = read_docx(_document_with_body(tmp_path, body, numbering))
    assert [p.text for p in model.paragraphs()] == [
        "1. Văn phòng Tỉnh ủy",
        "1.1 Hạ tầng",
        "1.2 Thiết bị",
        "a) máy chủ",
        "2. Mặt trận Tổ quốc",
        "2.1 Hội nghị trực tuyến",
    ]


def test_runs_in_legacy_fonts_are_converted(tmp_path: Path) -> None:
    def run(font: str, text: str) -> str:
        fonts = f"<w:rFonts w:ascii='{font}' w:hAnsi='{font}'/>"
        return f"<w:r><w:rPr>{fonts}</w:rPr><w:t xml:space='preserve'>{text}</w:t></w:r>"

    body = (
        f"<w:p>{run('.VnTime', 'NghÞ quyÕt sè 57')}{run('Times New Roman', ' – Unicode: Nghị quyết')}</w:p>"
        f"<w:p>{run('.VnTimeH', 'héi ®ång nh©n d©n')}</w:p>"
        f"<w:p>{run('VNI-Times', 'Sôû Khoa hoïc vaø Coâng ngheä')}</w:p>"
    )
    model = read_docx(_document_with_body(tmp_path, body))
    assert [p.text for p in model.paragraphs()] == [
        "Nghị quyết số 57 – Unicode: Nghị quyết",
        "HỘI ĐỒNG NHÂN DÂN",
        "Sở Khoa học và Công nghệ",
    ]
    assert model.reader_notes == [
        "chuyển từ bảng mã TCVN3 (ABC) sang Unicode (converted from TCVN3 to Unicode)",
        "chuyển từ bảng mã VNI-Windows sang Unicode (converted from VNI-Windows to Unicode)",
    ]


# --------------------------------------------------------------------------- files that cannot be read


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Day khong phai tep Word", "không phải tệp DOCX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "có mật khẩu hoặc là định dạng .doc cũ"),
        (None, "tệp DOCX hỏng"),
    ],
)
def test_unreadable_files_give_one_line_reason(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "hong.docx"
    # None: a real DOCX cut in half (a broken download).
    data = content if content is not None else (FIXTURES / "resolution.docx").read_bytes()[:20000]
    path.write_bytes(data)
    with pytest.raises(UnreadableDocumentError) as caught:
        read_document(path)
    assert expected in caught.value.reason
    assert caught.value.reason.startswith("hong.docx: ")
    assert "\n" not in caught.value.reason


@pytest.mark.parametrize("name", ["ke_hoach.doc", "KE_HOACH.DOC"])
def test_a_word_97_2003_file_is_refused_with_the_way_to_fix_it(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    # An OLE compound file, as Word 97–2003 writes it: the header is what marks a .doc.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(UnreadableDocumentError) as caught:
        read_document(path)
    reason = caught.value.reason
    assert reason.startswith(f"{name}: tệp Word 97–2003 (.doc) không đọc được")
    # Word's menus as Vietnamese Office names them, the English in brackets
    assert "lưu lại thành .docx (Tệp (File) > Lưu Như (Save As), kiểu tệp Tài liệu Word" in reason
    assert "legacy Word 97–2003 .doc is not read: save it as .docx" in reason
    assert "chưa được hỗ trợ" not in reason and "\n" not in reason
