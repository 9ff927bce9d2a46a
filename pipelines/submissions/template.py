"""The submission workbook: what goes in it, and three ways to write it.

- ``write_template_xlsx``: the workbook a department fills in (``nq57 template``), with
  instructions in Vietnamese, locked header cells, dropdowns, number formats, the template version
  and the agency/period stamped inside. openpyxl, because styles and data validation need it.
- ``write_plain_xlsx``: the same sheets and cells without styling (fast; samples for the
  benchmark and the test corpus).
- ``write_csv``: the CSV layout (sections ``[ThongTin]``, ``[KinhPhi]``, ``[TienDo]``, ``[ChiTieu]``).

All three come from one ``SubmissionContent``, so the layouts cannot drift apart.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from pipelines.export_safety import neutralise_formula
from pipelines.submissions import layout
from pipelines.submissions.layout import Period
from pipelines.submissions.reference import ReferenceData
from pipelines.submissions.xlsx_writer import Formula, xlsx_bytes

SAMPLE_BANNER = "DỮ LIỆU MẪU — KHÔNG PHẢI SỐ LIỆU THẬT (SAMPLE DATA, NOT REAL FIGURES)"
EXTRA_BLANK_ROWS = 100  # unlocked rows below the prefilled ones, for tasks a department adds


@dataclass
class SubmissionContent:
    agency_code: str
    agency_name: str
    period: Period
    is_sample: bool = False
    template_version: str = layout.TEMPLATE_VERSION
    prepared_by: str = ""
    contact: str = ""
    # Rows keyed by column code (layout.*_COLUMNS); values are what the cell holds.
    budget: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    kpi: list[dict[str, Any]] = field(default_factory=list)
    # Extra info rows (key → value), and sheets to leave out: the test corpus breaks files on purpose.
    info_overrides: dict[str, Any] = field(default_factory=dict)
    omit_sheets: tuple[str, ...] = ()
    omit_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Columns a department adds after the form's (label, text in the row of codes, value per data row)
    # and sheets it adds at the end (name, rows): the test corpus's files that hold more than the form.
    extra_columns: dict[str, list[tuple[str, str, list[Any]]]] = field(default_factory=dict)
    extra_sheets: list[tuple[str, list[list[Any]]]] = field(default_factory=list)


def prefilled_content(
    reference: ReferenceData, agency_code: str, period: Period, is_sample: bool = False
) -> SubmissionContent:
    """An empty submission for one agency: its tasks (one row per planned funding source) and the indicators
    it reports (map_indicator_agency)."""
    content = SubmissionContent(agency_code, reference.agencies.get(agency_code, ""), period, is_sample)
    for task in sorted(reference.tasks_led_by(agency_code), key=_task_order):
        base = {"appendix": task.appendix, "item_no": task.item_no, "task_name": task.name}
        sources = ["NSNN"]
        if task.other_budget_mvnd is not None and task.other_funding_source_code:
            sources.append(task.other_funding_source_code)
        content.budget.extend({**base, "funding_source": s} for s in sources)
        content.progress.append(dict(base))
    # The indicators this agency reports (seed map_indicator_agency); an agency reporting none gets the
    # ChiTieu sheet with its two header rows only.
    for indicator in reference.indicators_reported_by(agency_code):
        content.kpi.append(
            {
                "indicator_code": indicator.indicator_code,
                "indicator_name": indicator.name_vi,
                "unit": indicator.unit,
            }
        )
    return content


def _task_order(task: Any) -> tuple:
    return (task.appendix, [int(p) for p in task.item_no.split(".") if p.isdigit()])


def instruction_lines(content: SubmissionContent) -> list[str]:
    first_name = layout.suggested_file_name(content.agency_code, content.period)
    second_name = first_name.replace(".xlsx", "_v2.xlsx")
    lines = [
        "BIỂU BÁO CÁO TÌNH HÌNH THỰC HIỆN ĐỀ ÁN NGHỊ QUYẾT 57 (KH&CN, ĐMST VÀ CHUYỂN ĐỔI SỐ 2025–2030)",
        f"Cơ quan: {content.agency_name} ({content.agency_code}) — Kỳ báo cáo: {content.period.code} — "
        f"Phiên bản biểu mẫu: {content.template_version}",
        "",
        "Hướng dẫn:",
        "1. Trang 'ThongTin': kiểm tra mã cơ quan và kỳ báo cáo; ghi người lập biểu và số điện thoại.",
        "2. Trang 'KinhPhi': mỗi dòng là một nhiệm vụ và một nguồn vốn. Ghi dự toán được giao trong năm "
        "và số giải ngân LŨY KẾ từ đầu năm đến hết kỳ báo cáo. Đơn vị: TRIỆU ĐỒNG (không ghi bằng đồng).",
        "3. Trang 'TienDo': chọn tình trạng trong danh sách; tỷ lệ hoàn thành từ 0 đến 100.",
        "4. Trang 'ChiTieu': giá trị thực hiện của chỉ tiêu trong kỳ, theo đơn vị tính của chỉ tiêu.",
        "5. Ô để trống nghĩa là CHƯA CÓ SỐ LIỆU (không phải bằng 0). Muốn báo 0 thì ghi số 0.",
        "6. Không sửa, xóa dòng mã cột (dòng 2) và tên các trang tính; không dùng công thức trong ô số liệu.",
        "7. Thêm nhiệm vụ khác do cơ quan thực hiện: ghi Phụ lục (I/II) và STT như trong Đề án vào "
        "dòng trống.",
        # Ingestion takes a corrected file as the next version whatever its name (received order decides);
        # _vN makes the order plain to everyone, so it is the way asked for, the same name still works.
        f"8. Đặt tên tệp: {first_name}. Cần sửa số liệu đã gửi: sửa trên tệp đó rồi gửi lại cả tệp; "
        f"đặt tên như lần đầu và thêm _v2, _v3 … (ví dụ {second_name}), giữ nguyên tên như lần đầu cũng "
        "được. Bản nhận sau cùng được dùng thay cho các bản trước.",
        f"9. Hạn nộp: đến hết ngày {content.period.deadline:%d/%m/%Y} "
        f"({layout.SUBMISSION_DEADLINE_DAYS} ngày sau khi hết quý); nộp sau ngày này được ghi là nộp chậm. "
        "Không gửi báo cáo của một quý trước khi quý đó bắt đầu.",
    ]
    if content.is_sample:
        lines.insert(0, SAMPLE_BANNER)
    return lines


def _info_rows(content: SubmissionContent) -> list[list[Any]]:
    values = {
        layout.INFO_TEMPLATE_VERSION: content.template_version,
        layout.INFO_AGENCY: content.agency_code,
        layout.INFO_AGENCY_NAME: content.agency_name,
        layout.INFO_PERIOD: content.period.code,
        layout.INFO_IS_SAMPLE: "CÓ" if content.is_sample else "KHÔNG",
        layout.INFO_PREPARED_BY: content.prepared_by,
        layout.INFO_CONTACT: content.contact,
    }
    values.update(content.info_overrides)
    rows: list[list[Any]] = [["Nội dung", "Mã", "Giá trị"]]
    rows.extend([label, key, values.get(key)] for key, label in layout.INFO_FIELDS if key in values)
    return rows


def sheet_rows(content: SubmissionContent) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet as rows of plain values, in the order of the workbook."""
    sheets: list[tuple[str, list[list[Any]]]] = [
        (layout.SHEET_INSTRUCTIONS, [[line] for line in instruction_lines(content)]),
        (layout.SHEET_INFO, _info_rows(content)),
    ]
    for name, rows in (
        (layout.SHEET_BUDGET, content.budget),
        (layout.SHEET_PROGRESS, content.progress),
        (layout.SHEET_KPI, content.kpi),
    ):
        omitted = content.omit_columns.get(name, ())
        columns = [c for c in layout.SHEET_COLUMNS[name] if c.code not in omitted]
        body = [[c.label_vi for c in columns], [c.code for c in columns]]
        body.extend([row.get(c.code) for c in columns] for row in rows)
        for label, code, values in content.extra_columns.get(name, []):
            body[0].append(label)
            body[1].append(code)
            for line, value in zip(body[2:], [*values, *[None] * len(rows)], strict=False):
                line.append(value)
        sheets.append((name, body))
    sheets.extend(content.extra_sheets)
    return [(name, rows) for name, rows in sheets if name not in content.omit_sheets]


def _emit(target: Path | BinaryIO, data: bytes) -> None:
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    else:
        target.write(data)


def write_plain_xlsx(content: SubmissionContent, target: Path | BinaryIO) -> None:
    _emit(target, xlsx_bytes(sheet_rows(content)))


def csv_text(content: SubmissionContent) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for name, rows in sheet_rows(content):
        if name == layout.SHEET_INSTRUCTIONS:
            continue
        writer.writerow([f"[{name}]"])
        for row in rows:
            writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if isinstance(value, Formula):
        return f"={value.text}"
    if isinstance(value, Decimal):
        # The CSV layout writes numbers the Vietnamese way: ',' before the decimals, no grouping.
        return format(value, "f").replace(".", ",")
    return str(value)


def write_csv(content: SubmissionContent, target: Path | BinaryIO, encoding: str = "utf-8") -> None:
    """encoding 'utf-8' (what we ask for) or 'cp1258' (what Vietnamese Excel saves as 'CSV')."""
    text = csv_text(content)
    _emit(target, to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def to_cp1258(text: str) -> bytes:
    """Windows-1258 the way Excel writes it: letters with a tone mark become base letter + combining tone.

    The code page holds â, ê, ô, ơ, ư, ă, đ precomposed but the five tone marks only as combining
    characters, so 'ấ' is written as 'â' + U+0301.
    """
    import unicodedata

    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in _TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ── the styled template (openpyxl) ──────────────────────────────────────────────────────────
def write_template_xlsx(content: SubmissionContent, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    code_fill = PatternFill("solid", fgColor="F2F2F2")
    sample_fill = PatternFill("solid", fgColor="FFC7CE")
    unlocked = Protection(locked=False)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = dict(sheet_rows(content))

    instructions = workbook.create_sheet(layout.SHEET_INSTRUCTIONS)
    for row in sheets[layout.SHEET_INSTRUCTIONS]:
        instructions.append([neutralise_formula(row[0])])
    instructions.column_dimensions["A"].width = 120
    instructions["A1"].font = Font(bold=True, size=13, color="9C0006" if content.is_sample else "000000")
    if content.is_sample:
        instructions["A1"].fill = sample_fill
        instructions["A2"].font = Font(bold=True, size=12)
    instructions.protection.sheet = True

    # Lists for the dropdowns live on their own (hidden) sheet: inline lists are limited to 255 characters.
    lists = workbook.create_sheet(layout.SHEET_LISTS)
    statuses = list(layout.STATUSES.values())
    sources = list(content_sources(content))
    indicators = [row.get("indicator_code") for row in content.kpi if row.get("indicator_code")]
    for index, values in enumerate((statuses, sources, indicators), start=1):
        for row_index, value in enumerate(values, start=1):
            lists.cell(row=row_index, column=index, value=value)
    lists.sheet_state = "hidden"

    info = workbook.create_sheet(layout.SHEET_INFO, 1)
    for row in sheets[layout.SHEET_INFO]:
        info.append([neutralise_formula(v) if isinstance(v, str) else v for v in row])
    for cell in info[1]:
        cell.font, cell.fill = Font(bold=True), header_fill
    for row in info.iter_rows(min_row=2):
        row[2].protection = unlocked
        if row[1].value in (layout.INFO_TEMPLATE_VERSION, layout.INFO_AGENCY, layout.INFO_PERIOD):
            row[2].protection = Protection(locked=True)  # stamped by the template: not to be edited
        if row[1].value == layout.INFO_IS_SAMPLE and content.is_sample:
            row[2].fill = sample_fill
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 50, 18
    info.column_dimensions["C"].width = 40
    info.protection.sheet = True

    for name in layout.DATA_SHEETS:
        rows = sheets[name]
        sheet = workbook.create_sheet(name)
        columns = layout.SHEET_COLUMNS[name]
        for row in rows:
            sheet.append([neutralise_formula(v) if isinstance(v, str) else v for v in row])
        last_row = len(rows) + EXTRA_BLANK_ROWS
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = column.width
            label, code = sheet.cell(row=1, column=index), sheet.cell(row=2, column=index)
            label.font, label.fill = Font(bold=True), header_fill
            label.alignment = Alignment(wrap_text=True, vertical="top")
            code.font, code.fill = Font(size=8, color="808080"), code_fill
            for row_index in range(3, last_row + 1):
                cell = sheet.cell(row=row_index, column=index)
                cell.protection = unlocked
                if column.kind == "amount":
                    cell.number_format = "#,##0.###"
                elif column.kind in ("percent", "number"):
                    cell.number_format = "0.##"
                elif column.code == "item_no":
                    cell.number_format = "@"  # text, so '1.10' stays '1.10' and is not read as 1.1
        sheet.row_dimensions[1].height = 45
        sheet.freeze_panes = "A3"
        _add_validations(sheet, name, columns, last_row, len(sources), len(indicators), DataValidation)
        sheet.protection.sheet = True
        sheet.protection.formatRows = False  # people may still resize rows and columns
        sheet.protection.formatColumns = False
    workbook.move_sheet(layout.SHEET_LISTS, offset=len(workbook.sheetnames))
    workbook.save(path)


def content_sources(content: SubmissionContent) -> list[str]:
    """Funding source codes for the dropdown: those prefilled first, then the usual ones."""
    seen = [row["funding_source"] for row in content.budget if row.get("funding_source")]
    ordered = list(
        dict.fromkeys([*seen, "NSNN", "VON_TU_NHAN", "VON_DOI_UNG_DN", "QUY_KHCN_DN", "NGUON_KHAC"])
    )
    return ordered


def _add_validations(sheet, name, columns, last_row, source_count, indicator_count, validation_type) -> None:
    def letter(code: str) -> str | None:
        for index, column in enumerate(columns, start=1):
            if column.code == code:
                return sheet.cell(row=1, column=index).column_letter
        return None

    def add(code: str, **kwargs: Any) -> None:
        column = letter(code)
        if column is None:
            return
        rule = validation_type(allow_blank=True, showErrorMessage=True, **kwargs)
        rule.add(f"{column}3:{column}{last_row}")
        sheet.add_data_validation(rule)

    lists = f"'{layout.SHEET_LISTS}'"
    add("appendix", type="list", formula1='"I,II"', error="Ghi I hoặc II")
    add(
        "funding_source",
        type="list",
        formula1=f"{lists}!$B$1:$B${max(source_count, 1)}",
        error="Chọn nguồn vốn",
    )
    add("status", type="list", formula1=f"{lists}!$A$1:$A${len(layout.STATUSES)}", error="Chọn tình trạng")
    if indicator_count:
        add(
            "indicator_code",
            type="list",
            formula1=f"{lists}!$C$1:$C${indicator_count}",
            error="Chọn mã chỉ tiêu",
        )
    for code in ("allocated_mvnd", "disbursed_cumulative_mvnd"):
        add(
            code,
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error="Số tiền (triệu đồng), ≥ 0",
        )
    add(
        "percent_complete",
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        error="Từ 0 đến 100",
    )
