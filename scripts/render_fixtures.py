"""Render the DOCX and PDF test fixtures from the seed resolution text.

    .venv/bin/python scripts/render_fixtures.py

Writes into tests/fixtures/:
- resolution.docx / resolution.pdf: every paragraph and table of
  raw/documents/000_a74ee38357d31740.txt, as Word would hold them (ruled tables, merged
  group rows, a repeating header row, one tracked insertion and a few content controls,
  the task numbers of Appendix I as Word auto-numbering);
- variant_reordered.docx / .pdf: Appendix I only, columns in another order plus a
  "Cơ quan chủ trì" column, titled as test material so it is never taken for real data;
- scanned.pdf: one page of resolution.pdf as an image only (no text layer);
- encrypted.pdf: the first page of variant_reordered.pdf behind a user password
  (needs `qpdf`; skipped with a message when it is not installed).

The resolution has a page-number footer, as Word documents do; the PDF reader must not
take it for text. The PDFs need LibreOffice (`soffice`) and are committed; CI and the
tests only read the committed files. Zip timestamps and the PDFs' dates and IDs are
pinned, so re-running the script without changes gives the same bytes (except
encrypted.pdf, which is only built when missing).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement, parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from pipelines.document_model import DocumentModel, Row, Table  # noqa: E402
from pipelines.parsing.text import fold  # noqa: E402
from pipelines.readers.txt_reader import read_txt  # noqa: E402

SOURCE_TXT = ROOT / "raw" / "documents" / "000_a74ee38357d31740.txt"
FIXTURES = ROOT / "tests" / "fixtures"
FIXED_ZIP_TIME = (2025, 6, 1, 0, 0, 0)
TEXT_WIDTH_CM = 17.0  # A4 portrait with 2 cm margins

# Column widths (cm) by table width: the four tables of the resolution, and the variant (7).
# The KPI table's 2025 column is wide enough for "2021- 2025)" on one line: wrapped after the
# hyphen, a PDF cannot show whether a space followed it (the reader assumes none).
COLUMN_WIDTHS = {
    2: [8.5, 8.5],
    5: [1.2, 8.3, 2.5, 2.5, 2.5],
    6: [1.1, 6.4, 3.3, 2.0, 2.0, 2.2],
    7: [1.1, 4.7, 2.6, 2.0, 2.0, 2.6, 2.0],
    9: [0.8, 3.6, 3.2, 2.4, 1.4, 1.4, 1.4, 1.4, 1.4],
}

VARIANT_TITLE = "DANH MỤC NHIỆM VỤ, GIẢI PHÁP CỦA TỈNH MẪU – TÀI LIỆU MẪU KIỂM THỬ – không phải số liệu thật"

# Lead agency of a variant task, from words in its name (first match wins); the rule only
# has to be deterministic, the variant is test material.
LEAD_AGENCY_RULES = [
    ("cong an", "Công an tỉnh"),
    ("quan su", "Bộ Chỉ huy Quân sự tỉnh"),
    ("giao duc", "Sở Giáo dục và Đào tạo"),
    ("y te", "Sở Y tế"),
    ("suc khoe", "Sở Y tế"),
    ("van hoa", "Sở Văn hóa, Thể thao và Du lịch"),
    ("noi vu", "Sở Nội vụ"),
    ("tu phap", "Sở Tư pháp"),
    ("tai chinh", "Sở Tài chính"),
    ("cong thuong", "Sở Công Thương"),
    ("thuong mai", "Sở Công Thương"),
    ("nong nghiep", "Sở Nông nghiệp và Môi trường"),
    ("chat thai", "Sở Nông nghiệp và Môi trường"),
    ("linh vuc xay dung", "Sở Xây dựng"),
    ("thanh tra", "Thanh tra tỉnh"),
    ("ngoai vu", "Sở Ngoại vụ"),
    ("khu kinh te", "Ban Quản lý Khu Kinh tế"),
    ("hdnd", "Văn phòng Đoàn ĐBQH và HĐND tỉnh"),
    ("cap xa", "Ủy ban nhân dân cấp xã"),
    ("dau tu", "Sở Tài chính"),
]
DEFAULT_LEAD_AGENCY = "Sở Khoa học và Công nghệ"


# --------------------------------------------------------------------------- docx helpers


def new_document() -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    # East-Asian/complex-script font slots too, so no renderer falls back to another face.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), "Times New Roman")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    core = document.core_properties
    core.author = "render_fixtures.py"
    core.title = "Tài liệu kiểm thử"
    core.created = core.modified = datetime(2025, 6, 1)
    core.last_modified_by = "render_fixtures.py"
    core.revision = 1
    return document


def is_heading(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return (
        text.startswith(("PHẦN ", "Phụ lục", "QUYẾT NGHỊ"))
        or (len(letters) > 3 and all(ch.isupper() for ch in letters) and len(text) < 200)
        or text.startswith("(Kèm theo")
    )


def add_body_paragraph(container, text: str) -> docx.text.paragraph.Paragraph:
    paragraph = container.add_paragraph()
    if is_heading(text):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = not text.startswith("(")
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.0)
        paragraph.add_run(text)
    return paragraph


def spans_for(row: Row, width: int) -> list[int]:
    """Grid columns each cell covers: a short row's second cell spans the missing columns."""
    count = len(row.cells)
    if count >= width:
        return [1] * count
    if count == 1:
        return [width]
    return [1, width - count + 1] + [1] * (count - 2)


def set_cell_width(cell, width_cm: float) -> None:
    cell.width = Cm(width_cm)


def set_grid(table, widths: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))  # twips per cm


def mark_header_row(row) -> None:
    """Repeat this row at the top of every page the table continues on."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def write_cell(cell, text: str, *, bold: bool = False, align=None, size: float = 11) -> None:
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.first_line_indent = Cm(0)
        if align is not None:
            paragraph.alignment = align
        if line:
            run = paragraph.add_run(line)
            run.bold = bold
            run.font.size = Pt(size)


def build_table(container, table: Table, widths: list[float] | None = None, header: bool = True):
    width = table.width
    widths = widths or COLUMN_WIDTHS.get(width) or [TEXT_WIDTH_CM / width] * width
    out = container.add_table(rows=0, cols=width)
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_grid(out, widths)
    for row_index, row in enumerate(table.rows):
        docx_row = out.add_row()
        cells = docx_row.cells
        column = 0
        for cell, span in zip(row.cells, spans_for(row, width), strict=True):
            target = cells[column]
            if span > 1:
                target = target.merge(cells[column + span - 1])
            set_cell_width(target, sum(widths[column : column + span]))
            is_header = header and row_index == 0 and len(table.rows) > 2
            align = None
            if is_header or (column == 0 and span == 1 and len(row.cells) > 1):
                align = WD_ALIGN_PARAGRAPH.CENTER
            elif _looks_like_amount(cell.text):
                align = WD_ALIGN_PARAGRAPH.RIGHT
            write_cell(target, cell.text, bold=is_header or len(row.cells) < width, align=align)
            column += span
        if row_index == 0 and header and len(table.rows) > 2:
            mark_header_row(docx_row)
    return out


def _looks_like_amount(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch == "." for ch in text)


# --------------------------------------------------------------------------- Word features


def wrap_runs_in_insertion(paragraph, author: str = "Sở Khoa học và Công nghệ") -> None:
    """Turn the paragraph's runs into a tracked insertion (w:ins), as an unaccepted edit."""
    p = paragraph._p
    runs = p.findall(qn("w:r"))
    ins = parse_xml(f'<w:ins {nsdecls("w")} w:id="9001" w:author="{author}" w:date="2025-06-10T08:00:00Z"/>')
    runs[0].addprevious(ins)
    for run in runs:
        ins.append(run)


def wrap_runs_in_content_control(paragraph, tag: str) -> None:
    """Put the paragraph's runs inside an inline content control (w:sdt)."""
    p = paragraph._p
    runs = p.findall(qn("w:r"))
    control_id = zlib.crc32(tag.encode()) % 90000
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:tag w:val="{tag}"/><w:id w:val="{control_id}"/>'
        f"</w:sdtPr><w:sdtContent/></w:sdt>"
    )
    runs[0].addprevious(sdt)
    content = sdt.find(qn("w:sdtContent"))
    for run in runs:
        content.append(run)


def wrap_block_in_content_control(element, tag: str) -> None:
    """Put a paragraph or table inside a block-level content control."""
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:tag w:val="{tag}"/></w:sdtPr><w:sdtContent/></w:sdt>')
    element.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(element)


def add_numbering(document, formats: list[tuple[str, str]]) -> list[int]:
    """Add one single-level list per (numFmt, lvlText); return their numIds.

    The task numbers of Appendix I are Word auto-numbering in many real files: the digits
    are not in the text runs at all.
    """
    numbering = document.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    next_abstract = max(abstract_ids, default=0) + 1
    next_num = max(num_ids, default=0) + 1
    created = []
    for offset, (num_format, text) in enumerate(formats):
        abstract_id, num_id = next_abstract + offset, next_num + offset
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{num_format}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="center"/><w:suff w:val="nothing"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl></w:abstractNum>'
        )
        # abstractNum elements must precede num elements in numbering.xml.
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
            )
        )
        created.append(num_id)
    return created


def number_paragraph(paragraph, num_id: int) -> None:
    """Replace the paragraph's text by auto-numbering from list ``num_id``."""
    for run in paragraph._p.findall(qn("w:r")):
        paragraph._p.remove(run)
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
    p_pr.insert(0, num_pr)


def first_table_after(document_tables, predicate):
    return next(t for t in document_tables if predicate(t))


# --------------------------------------------------------------------------- documents


def add_page_number_footer(document) -> None:
    """Centred page number in the footer, as Word documents have; the PDF reader must ignore it."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)


def build_resolution(model: DocumentModel) -> docx.document.Document:
    document = new_document()
    add_page_number_footer(document)
    body_tables: list[tuple[Table, object]] = []
    for block in model.blocks:
        if isinstance(block, Table):
            body_tables.append((block, build_table(document, block)))
            # Word needs a paragraph between two tables; the txt has one anyway.
        else:
            add_body_paragraph(document, block.text)
    decorate_resolution(document, body_tables)
    return document


def decorate_resolution(document, tables: list[tuple[Table, object]]) -> None:
    """Word features a reader has to get right, placed where tests can check them."""
    appendix_i = first_table_after(tables, lambda t: t[0].width == 6)[1]
    appendix_ii = first_table_after(tables, lambda t: t[0].width == 5)[1]

    # Task numbers 1..85 and group numerals I..XII as auto-numbering (two lists).
    task_list, group_list = add_numbering(document, [("decimal", "%1"), ("upperRoman", "%1")])
    for row in appendix_i.rows[1:]:
        first = row.cells[0]
        text = first.text.strip()
        if text.isdigit():
            number_paragraph(first.paragraphs[0], task_list)
        elif text and all(ch in "IVXLC" for ch in text):
            number_paragraph(first.paragraphs[0], group_list)

    # Task 23's note as an unaccepted tracked insertion.
    for row in appendix_i.rows:
        if row.cells[-1].text == "Vốn tư nhân đầu tư":
            wrap_runs_in_insertion(row.cells[-1].paragraphs[0])
    # Appendix I total (state budget) inside an inline content control.
    total_row = next(r for r in appendix_i.rows if r.cells[1].text == "Tổng cộng:")
    wrap_runs_in_content_control(total_row.cells[3].paragraphs[0], "tong_nsnn")
    # Appendix II unit 4's name as a block-level content control inside the cell.
    unit_row = next(r for r in appendix_ii.rows if r.cells[0].text == "4")
    wrap_block_in_content_control(unit_row.cells[1].paragraphs[0]._p, "ten_don_vi")
    # The "Phụ lục 2" label as a block-level content control in the body.
    label = next(p for p in document.paragraphs if p.text == "Phụ lục 2")
    wrap_block_in_content_control(label._p, "nhan_phu_luc")


def lead_agency(task_name: str) -> str:
    folded = fold(task_name)
    for words, agency in LEAD_AGENCY_RULES:
        if words in folded:
            return agency
    return DEFAULT_LEAD_AGENCY


def variant_table(appendix_i: Table) -> Table:
    """Appendix I with columns TT, Tên, Cơ quan chủ trì, NSNN, Nguồn khác, Thời gian, Ghi chú."""
    from pipelines.document_model import Cell

    rows = []
    for index, row in enumerate(appendix_i.rows):
        texts = row.texts
        if len(texts) == 6:
            number, name, period, state, other, note = texts
            if index == 0:
                agency = "Cơ quan chủ trì"
            elif number.isdigit():
                agency = lead_agency(name)
            else:
                agency = ""
            texts = [number, name, agency, state, other, period, note]
        rows.append(Row(tuple(Cell(t, "") for t in texts), ""))
    return Table(rows, "")


def build_variant(model: DocumentModel) -> docx.document.Document:
    appendix_i = next(t for t in model.tables() if t.width == 6)
    document = new_document()
    for text in ("ỦY BAN NHÂN DÂN TỈNH MẪU", "Phụ lục I", VARIANT_TITLE, "ĐVT: triệu đồng"):
        add_body_paragraph(document, text)
    build_table(document, variant_table(appendix_i), COLUMN_WIDTHS[7])
    add_body_paragraph(document, "Tài liệu này chỉ dùng để kiểm thử chương trình đọc bảng.")
    return document


# --------------------------------------------------------------------------- output


def save_docx(document, path: Path) -> None:
    """Save with fixed zip timestamps so unchanged input gives unchanged bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))


def convert_to_pdf(docx_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        produced = Path(tmp) / (docx_path.stem + ".pdf")
        target = docx_path.with_suffix(".pdf")
        target.write_bytes(_pin_pdf_metadata(produced.read_bytes()))
    return target


def _pin_pdf_metadata(data: bytes) -> bytes:
    """Pin the creation date, checksum and file ID LibreOffice stamps: same input, same bytes.

    Replacements keep every length, so the cross-reference offsets stay valid.
    """

    def same_length_date(match: re.Match[bytes]) -> bytes:
        stamp = match.group(1)
        return b"/CreationDate(" + (b"D:20250601000000Z" + b"'" * len(stamp))[: len(stamp)] + b")"

    data = re.sub(rb"/CreationDate\(([^)]*)\)", same_length_date, data)
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + b"0" * 32, data)
    return re.sub(rb"<[0-9A-F]{32}>", lambda m: b"<" + b"0" * 32 + b">", data)


def render_scan(pdf_path: Path, target: Path, page_index: int = 0, dpi: int = 80) -> None:
    """An image-only PDF of one page: what a scanner gives, with no text layer."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = pdf[page_index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()
    fixed = time.gmtime(datetime(2025, 6, 1).timestamp())  # Pillow takes struct_time
    image.save(target, "PDF", resolution=dpi, quality=60, creationDate=fixed, modDate=fixed)


def encrypt_first_page(pdf_path: Path, target: Path) -> bool:
    """A password-protected PDF (user password "matkhau") of one page, for the refusal test.

    Encryption uses a random salt, so this file changes on every run (qpdf cannot combine
    encryption with a deterministic ID).
    """
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        print("qpdf not found: encrypted.pdf not rebuilt (apt-get install -y qpdf)")
        return False
    subprocess.run(
        [qpdf, "--empty", "--pages", str(pdf_path), "1", "--",
         "--encrypt", "matkhau", "chusohuu", "256", "--", str(target)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return True


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    model = read_txt(SOURCE_TXT)
    outputs = []
    for name, document in (
        ("resolution.docx", build_resolution(model)),
        ("variant_reordered.docx", build_variant(model)),
    ):
        path = FIXTURES / name
        save_docx(document, path)
        outputs.append(path)
        outputs.append(convert_to_pdf(path))
    scanned = FIXTURES / "scanned.pdf"
    render_scan(FIXTURES / "resolution.pdf", scanned)
    outputs.append(scanned)
    encrypted = FIXTURES / "encrypted.pdf"
    # Rebuilt only when missing: encryption is salted, every run would change the bytes.
    if encrypted.exists() or encrypt_first_page(FIXTURES / "variant_reordered.pdf", encrypted):
        outputs.append(encrypted)
    for path in outputs:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
