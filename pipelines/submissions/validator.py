"""Validating one submission: raw model + reference data → typed rows and findings.

Every check is a rule of the catalogue (rules.py). The validator never stops at the first problem:
the department should get the whole list in one report. It never drops a value either: a cell that
fails a check is kept as text with a status ('invalid', 'formula'), and its number is NULL.

Some checks do not belong to one file's content alone and run apart, every time, never from the
validation cache (which keys a result by the file's bytes and name only): SUB-X01 needs the other
files (``check_cumulative``), SUB-H08 and SUB-H09 need the day the file was received
(``check_receipt_day``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from pipelines.parsing.numbers import NumberParseError, parse_vn_number
from pipelines.submissions import layout
from pipelines.submissions.layout import Period, fold_key
from pipelines.submissions.readers import RawSubmission, SheetData, SubmissionReadError, read_submission
from pipelines.submissions.reference import SHARED_LEAD_CODES, ReferenceData
from pipelines.submissions.rules import FATAL, RULES, STORED_DECIMALS, STORED_INTEGER_DIGITS

# An amount this large (1.000 billion VND for one task in one year) is far above any task in the plan
# (the largest is 930.000 million over six years): it was almost surely typed in đồng.
VND_SUSPECT_MVND = Decimal(1_000_000)
# What the raw tables' decimal(18,3) can hold (SUB-V11, SUB-V12): a figure beyond it is never rounded
# or truncated to fit; the department is asked to correct it.
STORED_QUANTUM = Decimal(1).scaleb(-STORED_DECIMALS)  # 0.001: 1,000 VND for an amount
STORED_LIMIT = Decimal(10) ** STORED_INTEGER_DIGITS  # 10^15: the first number with 16 integer digits
# Excel keeps and shows 15 significant digits; a binary double carries ~17, the last ones noise.
EXCEL_SIGNIFICANT_DIGITS = 15
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What Excel shows in a cell whose formula failed (SUB-V13). In an xlsx such a cell is typed as an error
# (the reader finds it); pasted as text or saved to CSV it is this text, and means the same.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    }
)
# Receipt days are days in Vietnam (UTC+7 all year, no daylight saving): a file received at 01:00 on
# 1 July in Hà Nội is received in Q3, though it is still 30 June in UTC.
VIETNAM = timezone(timedelta(hours=7))
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d.,]*%?$")
# UTF-8 read as a single-byte code page: 'Sá»Ÿ', 'Ä‘', 'Æ°', 'Ã¡'; U+FFFD from a lossy conversion.
_MOJIBAKE = re.compile(
    "[ÂÃÄÅÆáâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
    "|\ufffd"
)

# "Giá trị đã ghi" of a finding at a cell the department left empty.
BLANK_SHOWN = "(để trống)"

VALUE_STATED = "stated"
VALUE_BLANK = "blank"
VALUE_INVALID = "invalid"
VALUE_FORMULA = "formula"


@dataclass
class Finding:
    rule_id: str
    severity: str
    category: str
    sheet: str | None
    row_no: int | None
    column: str | None  # the column code ('allocated_mvnd') or the info key
    cell_ref: str | None  # 'E12'
    value: str | None  # the cell as the department typed it (BLANK_SHOWN when left empty), as text
    expected: str | None
    message_vi: str
    message_en: str


@dataclass
class BudgetRow:
    sheet: str
    row_no: int
    appendix: str | None
    item_no: str | None
    funding_source_code: str | None
    funding_source_text: str | None
    allocated_mvnd: Decimal | None
    allocated_status: str
    allocated_text: str | None
    disbursed_cumulative_mvnd: Decimal | None
    disbursed_status: str
    disbursed_text: str | None
    note: str | None
    has_fatal: bool = False


@dataclass
class ProgressRow:
    sheet: str
    row_no: int
    appendix: str | None
    item_no: str | None
    status_code: str | None
    status_text: str | None
    percent_complete: Decimal | None
    percent_status: str
    percent_text: str | None
    note: str | None
    has_fatal: bool = False


@dataclass
class KpiRow:
    sheet: str
    row_no: int
    indicator_code: str | None
    indicator_text: str | None
    value: Decimal | None
    value_status: str
    value_text: str | None
    unit: str | None
    note: str | None
    has_fatal: bool = False


@dataclass
class ValidationResult:
    file_name: str
    file_format: str | None = None
    encoding: str | None = None
    template_version: str | None = None
    agency_code: str | None = None
    agency_code_from_name: str | None = None
    period: Period | None = None
    period_from_name: Period | None = None
    period_cell: tuple[int, int] | None = None  # (row, column) of the period on the info sheet
    is_sample: bool | None = None
    sample_cell: tuple[int, int] | None = None  # (row, column) of the sample mark on the info sheet
    findings: list[Finding] = field(default_factory=list)
    budget_rows: list[BudgetRow] = field(default_factory=list)
    progress_rows: list[ProgressRow] = field(default_factory=list)
    kpi_rows: list[KpiRow] = field(default_factory=list)
    # Budget rows whose cumulative figure the history check (SUB-X01) still has to see, with the
    # column number of that figure; emptied by check_cumulative.
    cumulative_rows: list[tuple[BudgetRow, int]] = field(default_factory=list, repr=False, compare=False)

    @property
    def fatal_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == FATAL)

    @property
    def warning_count(self) -> int:
        return len(self.findings) - self.fatal_count

    @property
    def status(self) -> str:
        if self.fatal_count:
            return "rejected"
        return "flagged" if self.findings else "accepted"

    @property
    def exit_code(self) -> int:
        """What ``nq57 validate`` returns: 0 clean, 1 warnings only, 2 fatal."""
        return 2 if self.fatal_count else (1 if self.findings else 0)

    def rule_ids(self) -> list[str]:
        return sorted({f.rule_id for f in self.findings})


class DisbursementHistory(Protocol):
    """What the department reported before: the cumulative figure of an earlier quarter, same year.

    Sample files and real reports are separate histories: a department's first real report is never
    held to figures someone made up for a demonstration (nor a sample to a real report)."""

    def previous_cumulative(
        self,
        agency_code: str,
        period: Period,
        appendix: str,
        item_no: str,
        funding_source_code: str,
        is_sample: bool = False,
    ) -> tuple[Decimal, str, str] | None:
        """(amount, period code, file name) of the latest earlier quarter with a figure, or None."""
        ...

    def real_report(self, agency_code: str, period: Period) -> str | None:
        """The file name of a department's own report (not a sample) loaded for this period, or None."""
        ...


_FiguresByKey = dict[tuple[str, str, str], tuple[Decimal, str]]


class CumulativeHistory:
    """In-memory history of the current (latest accepted) figures, fed file by file in received order."""

    def __init__(self) -> None:
        self._by_period: dict[tuple[str, Period, bool], _FiguresByKey] = {}
        self._real_reports: dict[tuple[str, Period], str] = {}

    def record(self, result: ValidationResult, is_sample: bool | None = None) -> None:
        """A loaded file replaces everything its agency reported before for that period.

        ``is_sample``: the file's sample mark when more than its info sheet says it (the inbox
        manifest); by default the info sheet's."""
        if result.status == "rejected" or result.agency_code is None or result.period is None:
            return
        sample = bool(result.is_sample if is_sample is None else is_sample)
        figures = {}
        for row in result.budget_rows:
            if (
                row.disbursed_cumulative_mvnd is not None
                and row.appendix
                and row.item_no
                and row.funding_source_code
            ):
                key = (row.appendix, row.item_no, row.funding_source_code)
                figures[key] = (row.disbursed_cumulative_mvnd, result.file_name)
        self._by_period[(result.agency_code, result.period, sample)] = figures
        if not sample:
            self._real_reports[(result.agency_code, result.period)] = result.file_name

    def set_figures(
        self, agency_code: str, period: Period, figures: _FiguresByKey, is_sample: bool = False
    ) -> None:
        self._by_period[(agency_code, period, is_sample)] = figures

    def set_real_report(self, agency_code: str, period: Period, file_name: str) -> None:
        self._real_reports[(agency_code, period)] = file_name

    def real_report(self, agency_code: str, period: Period) -> str | None:
        return self._real_reports.get((agency_code, period))

    def previous_cumulative(
        self,
        agency_code: str,
        period: Period,
        appendix: str,
        item_no: str,
        funding_source_code: str,
        is_sample: bool = False,
    ) -> tuple[Decimal, str, str] | None:
        for quarter in range(period.quarter - 1, 0, -1):
            earlier = Period(period.year, quarter)
            figure = self._by_period.get((agency_code, earlier, is_sample), {}).get(
                (appendix, item_no, funding_source_code)
            )
            if figure is not None:
                return figure[0], earlier.code, figure[1]
        return None


# ── helpers ─────────────────────────────────────────────────────────────────────────────────
def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as the department typed it (numbers without a spurious '.0')."""
    if type(value) is str:  # most cells: checked first, this runs for every cell of every file
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _number(value: Any, percent: bool = False) -> Decimal:
    """A number from a cell; raises ValueError when it is not one."""
    if isinstance(value, bool) or isinstance(value, datetime | date | time):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A workbook stores numbers as binary doubles: 0.1 + 0.2 is 0.30000000000000004, a typed
        # 698.012 may come back from a pasted computation as 698.0120000000001. Excel shows (and keeps
        # from typing) 15 significant digits, so that is the number the department sees and means;
        # the digits past it are float noise, not money. Typed precision (698.0125) is kept.
        number = Decimal(format(value, f".{EXCEL_SIGNIFICANT_DIGITS}g"))
        if not number.is_finite():  # no workbook holds one, but a NaN must not reach the comparisons
            raise ValueError("not a finite number")
        return number
    text = str(value).replace("\u00a0", " ").replace(" ", "").strip()
    if percent and text.endswith("%"):
        text = text[:-1]
    # Text (a CSV, a text cell) is exactly what was typed: no 15-digit reading, every digit counts.
    try:
        return parse_vn_number(text)
    except (NumberParseError, InvalidOperation) as error:
        raise ValueError(str(error)) from error


def percent_as_shown(value: int | float) -> str | int | float:
    """A number cell with a percent format as Excel shows it: 0.5 → '50%', 0.123 → '12,3%'.

    Excel stores a typed "50%" as 0.5 and shows it through the cell's format; the department typed, and
    sees, 50%. The stored number is read to 15 significant digits like every workbook number, then its
    decimal point moved two places, in Decimal: 0.123 is 12.3 exactly, where 0.123 * 100 in binary is
    12.299999999999999 (and 0.07 * 100 is 7.000000000000001). Every digit is kept (Excel's shown
    rounding is display only, as for any number), and written with a decimal comma, as Vietnamese Excel
    shows it and as the text is read back ('1,234%' is 1.234; '1.234' would read as a thousand). So the
    cell is the same as "50%" typed as text or in a CSV, and goes through the same checks."""
    try:
        number = _number(value).scaleb(2)
    except ValueError:
        return value  # not a finite number: the number check says so
    return f"{number:f}".replace(".", ",") + "%"


_EXCEL_ERROR_EXPECTED = "số liệu thật (hoặc để trống nếu chưa có), không phải lỗi Excel như #N/A"


# Where a figure in per cent is no answer (an amount, a KPI counted in points, enterprises, a rank): the
# cell is rejected, never read as the number Excel stores (0.5) nor as the one it shows (50). A money
# cell shown as "50%" may be 0.5 or 50 million typed as a percentage, or an amount under a percent format
# painted over it (1.250 shown as 125000%): which was meant is unknown, and money is never guessed.
_FORMAT_AS_NUMBER = (
    "ô đang có định dạng Tỷ lệ phần trăm (Percentage): chọn Định dạng Ô (Format Cells) > Số (Number) "
    "rồi ghi lại"
)


def _not_a_percent(kind: str, percent_formatted: bool, unit: str | None = None) -> str:
    """What to write instead of a percentage in a cell that takes none (SUB-V01's "Giá trị cần có")."""
    if kind == "amount":
        wanted, what = "số tiền bằng triệu đồng, không phải tỷ lệ %", "số tiền"
    else:
        in_unit = f" ({unit})" if unit else ""
        wanted, what = f"giá trị theo đơn vị tính của chỉ tiêu{in_unit}, không phải tỷ lệ %", "giá trị"
    return f"{wanted}; {_FORMAT_AS_NUMBER} {what}" if percent_formatted else wanted


def _range_text(low: Decimal | None, high: Decimal | None, unit: str | None) -> str:
    return f"{'−∞' if low is None else low} … {'+∞' if high is None else high} {unit or ''}".strip()


def task_numbers(reference: ReferenceData) -> str:
    """The plan's task numbers, first … last per appendix ('Phụ lục I: 1…85; Phụ lục II: 1.1…4.4'),
    for a department that wrote one the plan does not have; read from the plan, not written here."""
    parts = []
    for appendix in ("I", "II"):
        numbers = sorted(
            (
                t.item_no
                for t in reference.tasks.values()
                if t.appendix == appendix and t.item_level != "unit"
            ),
            key=lambda n: tuple(int(p) for p in n.split(".") if p.isdigit()),
        )
        if numbers:
            parts.append(f"Phụ lục {appendix}: {numbers[0]}…{numbers[-1]}")
    return "; ".join(parts)


_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def _task_number_in(text: str) -> str | None:
    """The one task number in what was typed ('Nhiệm vụ số 65', 'NV65', 'I.65', '65.' → '65'), or None."""
    numbers = _NUMBER.findall(text)
    return numbers[0] if len(numbers) == 1 else None


def _said(text: str | None) -> str:
    """A key part in a message: an empty one said so, never a bare '?'."""
    return text or BLANK_SHOWN


def normalise_appendix(text: str) -> str | None:
    folded = fold_key(text).replace(" ", "").replace("phuluc", "").replace("pl", "")
    return {"i": "I", "1": "I", "ii": "II", "2": "II"}.get(folded)


def normalise_item_no(value: Any) -> str:
    return cell_text(value).rstrip(".")


def make_finding(
    rule_id: str,
    sheet: str | None = None,
    row_no: int | None = None,
    column: str | None = None,
    column_no: int | None = None,
    value: Any = None,
    expected: str | None = None,
) -> Finding:
    """One finding of a catalogue rule, with its severity, category and messages."""
    rule = RULES[rule_id]
    cell_ref = f"{column_letters(column_no)}{row_no}" if column_no and row_no else None
    shown = None if value is None else cell_text(value)
    if shown == "" and cell_ref:
        shown = BLANK_SHOWN  # a cell left empty, said so (no cell at all, e.g. a missing sheet, stays '')
    return Finding(
        rule_id,
        rule.severity,
        rule.category,
        sheet,
        row_no,
        column,
        cell_ref,
        shown,
        expected,
        rule.message_vi,
        rule.message_en,
    )


class _Checker:
    """Validation state for one file (findings accumulate; rows are typed as they are read)."""

    def __init__(self, result: ValidationResult, reference: ReferenceData):
        self.result = result
        self.reference = reference
        # Sheet name → its merged ranges in the data area (SUB-V14): the cells they cover read as
        # blank, so no other rule speaks about those cells (a "blank" task number is no unknown task).
        self.merged: dict[str, SheetData] = {}
        self.task_numbers = task_numbers(reference)
        # Fatal findings added so far: a row compares it before and after itself to know whether it has
        # one. ``ValidationResult.fatal_count`` counts them all again, so asking it once per row made
        # validation quadratic in the findings (a 50.000-row pasted sheet, one fatal finding a row: 8 min).
        self.fatals = 0

    def add(
        self,
        rule_id: str,
        sheet: str | None = None,
        row_no: int | None = None,
        column: str | None = None,
        column_no: int | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> Finding:
        finding = make_finding(rule_id, sheet, row_no, column, column_no, value, expected)
        if rule_id != "SUB-V14" and self.in_merge(sheet, row_no, column_no):
            return finding  # the merge (SUB-V14) is the finding at this cell
        self.result.findings.append(finding)
        if finding.severity == FATAL:
            self.fatals += 1
        return finding

    def in_merge(self, sheet: str | None, row_no: int | None, column_no: int | None) -> bool:
        """Whether the cell lies in a merged range of the data area (SUB-V14)."""
        merged = self.merged.get(sheet) if sheet is not None else None
        if merged is None or row_no is None or column_no is None:
            return False
        return merged.merged_range(row_no, column_no) is not None

    # ── info sheet ──
    def info(self, sheet: SheetData) -> dict[str, tuple[Any, int, int]]:
        """Info key → (value, row, column of the value): the first non-empty cell right of the key."""
        wanted = {fold_key(k): k for k, _ in layout.INFO_FIELDS}
        found: dict[str, tuple[Any, int, int]] = {}
        for row_no, cells in sheet.rows:
            for index, cell in enumerate(cells):
                key = wanted.get(fold_key(cell)) if isinstance(cell, str) and cell else None
                if key is None or key in found:
                    continue
                value_index = next(
                    (j for j in range(index + 1, len(cells)) if cell_text(cells[j])), index + 1
                )
                value = cells[value_index] if value_index < len(cells) else None
                found[key] = (value, row_no, value_index + 1)
                break
        return found

    def check_identity(self, sheet: SheetData | None, from_name: layout.FileNameParts | None) -> None:
        result, info_name = self.result, layout.SHEET_INFO
        info = self.info(sheet) if sheet else {}

        version, row_no, col = info.get(layout.INFO_TEMPLATE_VERSION, (None, None, None))
        result.template_version = cell_text(version) or None
        if sheet is not None and result.template_version not in layout.SUPPORTED_TEMPLATE_VERSIONS:
            self.add(
                "SUB-T01",
                info_name,
                row_no,
                layout.INFO_TEMPLATE_VERSION,
                col,
                version or "",
                ", ".join(sorted(layout.SUPPORTED_TEMPLATE_VERSIONS)),
            )

        agency, row_no, col = info.get(layout.INFO_AGENCY, (None, None, None))
        agency_text = cell_text(agency).upper()
        if sheet is not None and not agency_text:
            self.add("SUB-H01", info_name, row_no, layout.INFO_AGENCY, col, "", "mã cơ quan, ví dụ SYT")
        elif agency_text and agency_text not in self.reference.agencies:
            self.add(
                "SUB-H02", info_name, row_no, layout.INFO_AGENCY, col, agency, "mã trong danh mục cơ quan"
            )
        elif agency_text:
            result.agency_code = agency_text
        if from_name and agency_text and from_name.agency_code != agency_text:
            self.add(
                "SUB-H05",
                info_name,
                row_no,
                layout.INFO_AGENCY,
                col,
                agency,
                f"{from_name.agency_code} (theo tên tệp)",
            )

        period_cell, row_no, col = info.get(layout.INFO_PERIOD, (None, None, None))
        period = layout.parse_period(cell_text(period_cell)) if cell_text(period_cell) else None
        if sheet is not None and period is None:
            self.add(
                "SUB-H03",
                info_name,
                row_no,
                layout.INFO_PERIOD,
                col,
                period_cell or "",
                "YYYY-Qn, ví dụ 2026-Q2",
            )
        elif period is not None and not layout.PLAN_FIRST_YEAR <= period.year <= layout.PLAN_LAST_YEAR:
            self.add(
                "SUB-H04",
                info_name,
                row_no,
                layout.INFO_PERIOD,
                col,
                period_cell,
                f"{layout.PLAN_FIRST_YEAR}-Q1 … {layout.PLAN_LAST_YEAR}-Q4",
            )
        elif period is not None:
            result.period = period
            result.period_cell = (row_no, col) if row_no and col else None
        if from_name and period and from_name.period != period:
            self.add(
                "SUB-H06",
                info_name,
                row_no,
                layout.INFO_PERIOD,
                col,
                period_cell,
                f"{from_name.period.code} (theo tên tệp)",
            )

        sample, row_no, col = info.get(layout.INFO_IS_SAMPLE, (None, None, None))
        result.is_sample = layout.is_true(cell_text(sample)) if sheet is not None else None
        result.sample_cell = (row_no, col) if row_no and col else None
        for key, (value, row_no, col) in info.items():
            self.check_text(info_name, row_no, key, col, value)

    # ── text cells ──
    def check_text(self, sheet: str, row_no: int, column: str, column_no: int, value: Any) -> None:
        if not isinstance(value, str) or not value:
            return
        if _MOJIBAKE.search(value):
            self.add("SUB-E02", sheet, row_no, column, column_no, value, "chữ tiếng Việt đúng (UTF-8)")
        stripped = value.strip()
        if (
            value.startswith(_FORMULA_TRIGGERS)
            and stripped not in {"-", "–", "—"}
            and not _PLAIN_NUMBER.match(stripped)
        ):
            self.add("SUB-V10", sheet, row_no, column, column_no, value, "văn bản không bắt đầu bằng = + - @")

    # ── numbers ──
    def number(
        self,
        sheet: SheetData,
        row_no: int,
        column: str,
        column_no: int,
        value: Any,
        kind: str,
        percent_unit: bool = False,
        unit: str | None = None,
    ) -> tuple[Decimal | None, str, str | None]:
        """(number, status, text as provided) for one value cell, adding the findings it deserves.

        ``percent_unit``: a figure in per cent that is not a completion rate (a KPI in %): "80%" is 80,
        as for ``kind='percent'``, without its 0–100 check (the indicator's range is checked apart).
        ``unit``: the figure's unit as the form prints it, named when a percentage is no answer."""
        percent_formatted = (row_no, column_no) in sheet.percent_cells and type(value) in (int, float)
        if percent_formatted:
            value = percent_as_shown(value)
        text = cell_text(value) or None
        # An error value reads as an empty cell: its text comes from the sheet XML (or is typed text).
        error = sheet.error_cells.get((row_no, column_no))
        if error is None and text is not None and text.upper() in EXCEL_ERRORS:
            error = text
        if error is not None:
            text = error or "(lỗi Excel)"
        if (row_no, column_no) in sheet.formula_cells or (
            isinstance(value, str) and value.strip().startswith("=")
        ):
            self.add(
                "SUB-V03",
                sheet.name,
                row_no,
                column,
                column_no,
                text or "(công thức)",
                "một giá trị số, không công thức",
            )
            if error is not None:  # the formula failed: pasting its value would keep the error
                self.add("SUB-V13", sheet.name, row_no, column, column_no, text, _EXCEL_ERROR_EXPECTED)
            return None, VALUE_FORMULA, text
        if error is not None:
            self.add("SUB-V13", sheet.name, row_no, column, column_no, text, _EXCEL_ERROR_EXPECTED)
            return None, VALUE_INVALID, text
        if text is None or text in {"-", "–", "—"}:
            return None, VALUE_BLANK, text
        percent_accepted = kind == "percent" or percent_unit
        try:
            number = _number(value, percent=percent_accepted)
        except ValueError:
            self.add(
                "SUB-V01",
                sheet.name,
                row_no,
                column,
                column_no,
                value,
                _not_a_percent(kind, percent_formatted, unit)
                if text.endswith("%") and not percent_accepted
                else "một số, ví dụ 1.250 hoặc 1250,5",
            )
            return None, VALUE_INVALID, text
        # Checked before the others: a number the warehouse cannot hold exactly is not kept as a number.
        if abs(number) >= STORED_LIMIT:
            self.add(
                "SUB-V12",
                sheet.name,
                row_no,
                column,
                column_no,
                value,
                f"< {STORED_LIMIT:,.0f}".replace(",", ".") + (" triệu đồng" if kind == "amount" else ""),
            )
            return None, VALUE_INVALID, text
        # 1,5000 is 1.5 (trailing zeros lose nothing); 698.0125 is not 698.013.
        too_precise = number != number.quantize(STORED_QUANTUM)
        if too_precise:
            unit = " (triệu đồng, đến nghìn đồng)" if kind == "amount" else ""
            self.add(
                "SUB-V11",
                sheet.name,
                row_no,
                column,
                column_no,
                value,
                f"tối đa {STORED_DECIMALS} chữ số thập phân{unit}",
            )
        if kind == "amount":
            if number < 0:
                self.add("SUB-V02", sheet.name, row_no, column, column_no, value, "≥ 0")
                return None, VALUE_INVALID, text
            if number >= VND_SUSPECT_MVND:
                self.add(
                    "SUB-V04",
                    sheet.name,
                    row_no,
                    column,
                    column_no,
                    value,
                    f"triệu đồng (< {VND_SUSPECT_MVND:,.0f})".replace(",", "."),
                )
        if kind == "percent" and not Decimal(0) <= number <= Decimal(100):
            self.add("SUB-V05", sheet.name, row_no, column, column_no, value, "0 … 100")
            return None, VALUE_INVALID, text
        if too_precise:  # after the other checks, so the report names every problem of the cell
            return None, VALUE_INVALID, text
        return number, VALUE_STATED, text

    # ── data sheets ──
    def header(
        self, sheet: SheetData, columns: tuple[layout.Column, ...]
    ) -> tuple[int, dict[str, int]] | None:
        """(header row index in sheet.rows, code → 0-based column) of the row of column codes."""
        codes = {fold_key(c.code): c.code for c in columns}
        best: tuple[int, dict[str, int]] | None = None
        repeated: dict[int, str] = {}  # of the best row: position of a second column with a code → code
        for index, (_, cells) in enumerate(sheet.rows[: layout.HEADER_SEARCH_ROWS + 2]):
            found, again = {}, {}
            for position, cell in enumerate(cells):
                code = codes.get(fold_key(cell)) if isinstance(cell, str) and cell else None
                if code and code not in found:
                    found[code] = position
                elif code:
                    again[position] = code
            if found and (best is None or len(found) > len(best[1])):
                best, repeated = (index, found), again
        if best is not None:
            self.columns_outside_the_form(sheet, best[0], best[1], repeated)
        missing = [c for c in columns if c.required and (best is None or c.code not in best[1])]
        header_row = sheet.rows[best[0]][0] if best else (sheet.rows[0][0] if sheet.rows else 1)
        for column in missing:
            self.add(
                "SUB-T03",
                sheet.name,
                header_row,
                column.code,
                None,
                "",
                # The label first (what the department sees); the code is what its row-2 cell must hold.
                f"cột '{column.label_vi}', với mã cột {column.code} ở dòng mã cột",
            )
        return None if missing or best is None else best

    def columns_outside_the_form(
        self, sheet: SheetData, header_index: int, positions: dict[str, int], repeated: dict[int, str]
    ) -> None:
        """SUB-T04 for a code written twice in the row of codes, SUB-T05 for a column with values below
        that the form does not have: the readers take only the form's columns, and a figure typed in
        either would otherwise be dropped without a word (or the wrong one of two taken)."""
        header_row_no, codes_row = sheet.rows[header_index]
        labels = sheet.rows[header_index - 1][1] if header_index > 0 else []
        read = set(positions.values())
        below = sheet.rows[header_index + 1 :]
        width = max((len(cells) for _, cells in sheet.rows[header_index:]), default=0)
        for position in range(width):
            if position in read:
                continue
            filled = [
                (n, cells[position])
                for n, cells in below
                if position < len(cells) and cell_text(cells[position])
            ]
            if not filled:
                continue  # an empty column the department added (or copied): nothing is lost
            if position in repeated:
                code = repeated[position]
                self.add(
                    "SUB-T04",
                    sheet.name,
                    header_row_no,
                    code,
                    position + 1,
                    codes_row[position],
                    f"mã {code} chỉ ở một cột (đã có ở cột {column_letters(positions[code] + 1)})",
                )
                continue
            written = cell_text(codes_row[position]) if position < len(codes_row) else ""
            title = cell_text(labels[position]) if position < len(labels) else ""
            named = f"cột '{written or title}'" if written or title else "cột không có tiêu đề"
            # At the column's first filled cell, as typed: what would be lost is in plain sight.
            first_row, first_value = filled[0]
            self.add(
                "SUB-T05",
                sheet.name,
                first_row,
                None,
                position + 1,
                first_value,
                f"{named} không thuộc biểu mẫu: {len(filled)} ô có số liệu trong cột này không được nạp",
            )

    def data_rows(self, sheet: SheetData, columns: tuple[layout.Column, ...], values: tuple[str, ...]):
        """Rows below the header that report something: (row number, code → (value, column number))."""
        located = self.header(sheet, columns)
        if located is None:
            return
        header_index, positions = located
        header_row_no = sheet.rows[header_index][0]
        columns_read = {p + 1 for p in positions.values()}
        for first_row, first_col, last_row, last_col, ref in sheet.merged:
            if last_row > header_row_no and any(first_col <= c <= last_col for c in columns_read):
                self.merged[sheet.name] = sheet
                top = next((cells for n, cells in sheet.rows if n == first_row), [])
                value = top[first_col - 1] if first_col - 1 < len(top) else None
                code = next((c for c, p in positions.items() if p + 1 == first_col), None)
                self.add(
                    "SUB-V14",
                    sheet.name,
                    max(first_row, header_row_no + 1),
                    code,
                    first_col,
                    value if first_row > header_row_no else None,  # the merge's own cell, as typed
                    f"bỏ gộp ô {ref}: mỗi ô một giá trị riêng",
                )
        for row_no, cells in sheet.rows[header_index + 1 :]:
            row = {code: (cells[p] if p < len(cells) else None, p + 1) for code, p in positions.items()}
            reported = any(
                cell_text(row[v][0])
                or (row_no, row[v][1]) in sheet.formula_cells
                or (row_no, row[v][1]) in sheet.error_cells  # read as empty, but not left empty
                for v in values
            )
            if not reported:
                continue  # a prefilled row left empty: not reported, which is not zero
            for column in columns:
                if column.kind in ("text", "info", "key", "choice") and column.code in row:
                    self.check_text(sheet.name, row_no, column.code, row[column.code][1], row[column.code][0])
            yield row_no, row

    def error_cells(
        self,
        sheet: SheetData,
        row_no: int,
        row: dict[str, tuple[Any, int]],
        columns: tuple[layout.Column, ...],
    ) -> dict[str, str]:
        """SUB-V13 for each key, choice or text cell of a row showing an Excel error: code → error text.

        Such a cell reads as empty, and looking that empty value up would blame the wrong thing
        (SUB-C02 "unknown task" for an #N/A task number): the callers skip the look-ups of these
        columns, so the department gets one finding, at the cell that has the problem. Figures are
        checked by ``number``; the "for reference" columns (task name, unit) are not read at all.
        """
        errors: dict[str, str] = {}
        for column in columns:
            if column.kind not in ("key", "choice", "text") or column.code not in row:
                continue
            value, column_no = row[column.code]
            error = sheet.error_cells.get((row_no, column_no))
            text = cell_text(value)
            if error is None and text.upper() in EXCEL_ERRORS:  # typed, or saved to CSV: the same
                error = text
            if error is not None:
                errors[column.code] = error or "(lỗi Excel)"
                expected = f"{column.label_vi}: giá trị thật, không phải lỗi Excel như #N/A"
                self.add("SUB-V13", sheet.name, row_no, column.code, column_no, errors[column.code], expected)
        return errors

    def task(
        self, sheet: str, row_no: int, row: dict[str, tuple[Any, int]], warned: set, errors: dict[str, str]
    ) -> tuple[str | None, str | None, bool]:
        """(appendix, item_no, fatal?) of a row, checking the task exists and who leads it."""
        appendix_cell = row["appendix"][0]
        item_cell, item_col = row["item_no"]
        appendix = normalise_appendix(cell_text(appendix_cell)) if cell_text(appendix_cell) else None
        item_no = normalise_item_no(item_cell) or None
        if "appendix" in errors or "item_no" in errors:  # already SUB-V13; the error text is kept
            return errors.get("appendix", appendix), errors.get("item_no", item_no), True
        task = self.reference.tasks.get((appendix or "", item_no or ""))
        if task is None and (
            self.in_merge(sheet, row_no, row["appendix"][1]) or self.in_merge(sheet, row_no, item_col)
        ):
            # Read blank because merged (SUB-V14): "task '?-71' is not in the plan" would blame the number.
            return appendix or (cell_text(appendix_cell) or None), item_no, True
        if task is None:
            self.unknown_task(sheet, row_no, row, appendix, item_no)
            return appendix or (cell_text(appendix_cell) or None), item_no, True
        agency = self.result.agency_code
        lead = task.lead_agency_code
        if (
            agency
            and lead
            and lead != agency
            and lead not in SHARED_LEAD_CODES
            and (sheet, task.item_no, task.appendix) not in warned
        ):
            warned.add((sheet, task.item_no, task.appendix))
            self.add(
                "SUB-C04",
                sheet,
                row_no,
                "item_no",
                item_col,
                item_cell,
                f"cơ quan chủ trì: {lead}",
            )
        return appendix, item_no, False

    def unknown_task(
        self,
        sheet: str,
        row_no: int,
        row: dict[str, tuple[Any, int]],
        appendix: str | None,
        item_no: str | None,
    ) -> None:
        """The row names no task of the plan: a finding at each cell that is at fault, saying what to write.

        An empty cell is said to be empty (SUB-V15), an appendix other than I/II is pointed at in its own
        cell, and a task number written with words ('Nhiệm vụ 65', 'NV65', 'I.65') is answered with the
        number to write, asking "có phải nhiệm vụ 65?" when that number is a task of the plan.
        """
        (appendix_cell, appendix_col), (item_cell, item_col) = row["appendix"], row["item_no"]
        appendix_text, item_text = cell_text(appendix_cell), cell_text(item_cell)
        number = _task_number_in(item_text)
        in_appendices = [a for a in ("I", "II") if (a, number or item_no or "") in self.reference.tasks]
        found_in = (
            f" (STT {number or item_no} có trong Phụ lục {in_appendices[0]})"
            if len(in_appendices) == 1
            else ""
        )
        if not appendix_text:
            self.add(
                "SUB-V15",
                sheet,
                row_no,
                "appendix",
                appendix_col,
                "",
                f"chưa ghi Phụ lục; ghi I hoặc II{found_in}",
            )
        elif appendix is None:
            self.add(
                "SUB-C02", sheet, row_no, "appendix", appendix_col, appendix_cell, f"I hoặc II{found_in}"
            )
        if not item_text:
            self.add(
                "SUB-V15",
                sheet,
                row_no,
                "item_no",
                item_col,
                "",
                f"chưa ghi STT nhiệm vụ; ghi số thứ tự bằng số như trong Đề án ({self.task_numbers})",
            )
            return
        if appendix is None and number == item_no:
            return  # a plain number: the appendix is what is wrong, and was said at its cell
        where = appendix or (in_appendices[0] if len(in_appendices) == 1 else None)
        if number is None:
            expected = f"ghi số thứ tự bằng số như trong Đề án ({self.task_numbers})"
        elif number != item_no:  # written with words around the number
            expected = f"ghi số thứ tự bằng số, ví dụ {number}"
            if where and (where, number) in self.reference.tasks:
                expected += (
                    f" — có phải nhiệm vụ {number}"
                    + ("" if where == appendix else f" (Phụ lục {where})")
                    + "?"
                )
            else:
                expected += f"; {number} không có trong Đề án ({self.task_numbers})"
        elif in_appendices:  # a task of the other appendix
            expected = f"{self.task_numbers}; STT {number} có trong Phụ lục {' và '.join(in_appendices)}"
        else:
            expected = self.task_numbers
        self.add("SUB-C02", sheet, row_no, "item_no", item_col, item_cell, expected)

    def duplicate(
        self,
        seen: dict,
        key: tuple,
        sheet: str,
        row_no: int,
        column: str,
        column_no: int,
        typed: Any,
        key_text: str,
    ) -> bool:
        """SUB-C05 at the key cell of a second row with the same key; ``key_text`` says the key in words."""
        if key in seen:
            self.add(
                "SUB-C05",
                sheet,
                row_no,
                column,
                column_no,
                typed,
                f"chỉ một dòng cho {key_text} (đã có ở dòng {seen[key]})",
            )
            return True
        seen[key] = row_no
        return False

    def budget(self, sheet: SheetData) -> None:
        seen: dict = {}
        warned: set = set()
        period = self.result.period
        for row_no, row in self.data_rows(
            sheet, layout.BUDGET_COLUMNS, layout.VALUE_COLUMNS[layout.SHEET_BUDGET]
        ):
            before = self.fatals
            errors = self.error_cells(sheet, row_no, row, layout.BUDGET_COLUMNS)
            appendix, item_no, _ = self.task(sheet.name, row_no, row, warned, errors)
            source_cell, source_col = row["funding_source"]
            source_text = errors.get("funding_source") or cell_text(source_cell) or None
            source = (
                self.reference.funding_source_code(source_text)
                if source_text and "funding_source" not in errors
                else None
            )
            if source is None and "funding_source" not in errors:
                sources = ", ".join(
                    f"{s.code} ({s.name_vi})" for s in self.reference.funding_sources.values()
                )
                self.add(
                    "SUB-V08" if source_text else "SUB-V15",  # an empty cell is said to be empty
                    sheet.name,
                    row_no,
                    "funding_source",
                    source_col,
                    source_cell,
                    f"một trong: {sources}"
                    if source_text
                    else f"chưa ghi nguồn vốn; chọn một trong: {sources}",
                )
            allocated = self.number(
                sheet, row_no, "allocated_mvnd", row["allocated_mvnd"][1], row["allocated_mvnd"][0], "amount"
            )
            disbursed_cell, disbursed_col = row["disbursed_cumulative_mvnd"]
            disbursed = self.number(
                sheet, row_no, "disbursed_cumulative_mvnd", disbursed_col, disbursed_cell, "amount"
            )
            # A key showing an error is no key: two #N/A rows are two SUB-V13, not a duplicate.
            if errors.keys().isdisjoint({"appendix", "item_no", "funding_source"}):
                self.duplicate(
                    seen,
                    (appendix, item_no, source or source_text),
                    sheet.name,
                    row_no,
                    "item_no",
                    row["item_no"][1],
                    row["item_no"][0],
                    f"Phụ lục {_said(appendix)}, STT {_said(item_no)}, "
                    f"nguồn vốn {_said(source or source_text)}",
                )
            if allocated[0] is not None and disbursed[0] is not None and disbursed[0] > allocated[0]:
                self.add(
                    "SUB-X02",
                    sheet.name,
                    row_no,
                    "disbursed_cumulative_mvnd",
                    disbursed_col,
                    disbursed_cell,
                    f"≤ {cell_text(row['allocated_mvnd'][0])} (dự toán được giao)",
                )
            task_known = (appendix, item_no) in self.reference.tasks
            if allocated[0] is not None and task_known and source and period:
                is_state = self.reference.funding_sources[source].is_state_budget
                plan = self.reference.plan_for(appendix or "", item_no or "", is_state, period.year)
                if plan is not None and allocated[0] > plan:
                    self.add(
                        "SUB-X03",
                        sheet.name,
                        row_no,
                        "allocated_mvnd",
                        row["allocated_mvnd"][1],
                        row["allocated_mvnd"][0],
                        f"≤ {plan} (kế hoạch năm {period.year} theo Đề án)",
                    )
            note = row.get("note", (None, 0))[0]
            budget_row = BudgetRow(
                sheet.name,
                row_no,
                appendix,
                item_no,
                source,
                source_text,
                *allocated,
                *disbursed,
                errors.get("note") or cell_text(note) or None,
                self.fatals > before,
            )
            self.result.budget_rows.append(budget_row)
            if disbursed[0] is not None and task_known and source and period and self.result.agency_code:
                self.result.cumulative_rows.append((budget_row, disbursed_col))  # SUB-X01: check_cumulative

    def progress(self, sheet: SheetData) -> None:
        seen: dict = {}
        warned: set = set()
        for row_no, row in self.data_rows(
            sheet, layout.PROGRESS_COLUMNS, layout.VALUE_COLUMNS[layout.SHEET_PROGRESS]
        ):
            before = self.fatals
            errors = self.error_cells(sheet, row_no, row, layout.PROGRESS_COLUMNS)
            appendix, item_no, _ = self.task(sheet.name, row_no, row, warned, errors)
            status_cell, status_col = row["status"]
            status_text = errors.get("status") or cell_text(status_cell) or None
            status = layout.status_code(status_text) if status_text and "status" not in errors else None
            if status_text and status is None and "status" not in errors:
                self.add(
                    "SUB-V07",
                    sheet.name,
                    row_no,
                    "status",
                    status_col,
                    status_text,
                    ", ".join(layout.STATUSES.values()),
                )
            percent_cell, percent_col = row["percent_complete"]
            percent = self.number(sheet, row_no, "percent_complete", percent_col, percent_cell, "percent")
            if status == layout.STATUS_DONE and percent[0] is not None and percent[0] < 100:
                self.add("SUB-V06", sheet.name, row_no, "percent_complete", percent_col, percent_cell, "100")
            if errors.keys().isdisjoint({"appendix", "item_no"}):
                self.duplicate(
                    seen,
                    (appendix, item_no),
                    sheet.name,
                    row_no,
                    "item_no",
                    row["item_no"][1],
                    row["item_no"][0],
                    f"Phụ lục {_said(appendix)}, STT {_said(item_no)}",
                )
            note = row.get("note", (None, 0))[0]
            self.result.progress_rows.append(
                ProgressRow(
                    sheet.name,
                    row_no,
                    appendix,
                    item_no,
                    status,
                    status_text,
                    *percent,
                    errors.get("note") or cell_text(note) or None,
                    self.fatals > before,
                )
            )

    def indicator_agency(
        self, sheet: str, row_no: int, code_col: int, code_text: str | None, code: str, warned: set
    ) -> None:
        """SUB-C06: the indicator is assigned (map_indicator_agency) to an agency other than the reporter."""
        agency = self.result.agency_code
        assigned = self.reference.indicator_agency.get(code)
        if agency and assigned and assigned != agency and code not in warned:
            warned.add(code)
            name = self.reference.agencies.get(assigned)
            self.add(
                "SUB-C06",
                sheet,
                row_no,
                "indicator_code",
                code_col,
                code_text,
                f"cơ quan được giao báo cáo: {assigned}" + (f" ({name})" if name else ""),
            )

    def kpi(self, sheet: SheetData) -> None:
        seen: dict = {}
        warned: set = set()
        by_no = {i.indicator_no: i for i in self.reference.indicators.values()}
        by_code = {fold_key(code): i for code, i in self.reference.indicators.items()}
        for row_no, row in self.data_rows(sheet, layout.KPI_COLUMNS, layout.VALUE_COLUMNS[layout.SHEET_KPI]):
            before = self.fatals
            errors = self.error_cells(sheet, row_no, row, layout.KPI_COLUMNS)
            code_error = errors.get("indicator_code")
            code_text = code_error or cell_text(row["indicator_code"][0]) or None
            code_col = row["indicator_code"][1]
            indicator = (
                (by_code.get(fold_key(code_text)) or by_no.get(code_text))
                if code_text and not code_error
                else None
            )
            if indicator is None and not code_error:
                codes = ", ".join(self.reference.indicators)
                self.add(
                    "SUB-C03" if code_text else "SUB-V15",  # an empty cell is said to be empty
                    sheet.name,
                    row_no,
                    "indicator_code",
                    code_col,
                    row["indicator_code"][0],
                    codes if code_text else f"chưa ghi mã chỉ tiêu; chọn một trong: {codes}",
                )
            if indicator is not None:
                self.indicator_agency(
                    sheet.name, row_no, code_col, code_text, indicator.indicator_code, warned
                )
            value_cell, value_col = row["value"]
            # An indicator in % may be typed "80%" (or shown so by a percent format); an unknown indicator
            # is already fatal, and its value is not blamed for a unit nobody can check.
            in_percent = indicator is None or indicator.unit == "%"
            value = self.number(
                sheet,
                row_no,
                "value",
                value_col,
                value_cell,
                "number",
                in_percent,
                indicator.unit if indicator else None,
            )
            if indicator and value[0] is not None:
                low, high = indicator.valid_min, indicator.valid_max
                if (low is not None and value[0] < low) or (high is not None and value[0] > high):
                    self.add(
                        "SUB-V09",
                        sheet.name,
                        row_no,
                        "value",
                        value_col,
                        value_cell,
                        _range_text(low, high, indicator.unit),
                    )
                    value = (None, VALUE_INVALID, value[2])
            key = indicator.indicator_code if indicator else code_text
            if not code_error:  # an error is no code: two #N/A rows are two SUB-V13, not a duplicate
                self.duplicate(
                    seen,
                    (key,),
                    sheet.name,
                    row_no,
                    "indicator_code",
                    code_col,
                    row["indicator_code"][0],
                    f"chỉ tiêu {_said(key)}",
                )
            note = row.get("note", (None, 0))[0]
            self.result.kpi_rows.append(
                KpiRow(
                    sheet.name,
                    row_no,
                    indicator.indicator_code if indicator else None,
                    code_text,
                    *value,
                    indicator.unit if indicator else None,
                    errors.get("note") or cell_text(note) or None,
                    self.fatals > before,
                )
            )


_SECTIONS = ", ".join(f"[{name}]" for name in layout.REQUIRED_SHEETS)
# "Vietnamese / English", as a reader's detail (readers.SubmissionReadError): the xlsx report shows the first.
_ONE_SHEET_CSV = (
    f"tệp CSV không có mục nào của biểu mẫu ({_SECTIONS}): Excel và LibreOffice chỉ lưu một trang tính "
    f"khi lưu dạng CSV / a CSV with none of the template's sections ({_SECTIONS}): a sheet saved as CSV"
)
_SEND_THE_XLSX = (
    f"tệp .xlsx của biểu mẫu, đủ các trang tính {', '.join(layout.REQUIRED_SHEETS)} (không lưu sang CSV)"
)


def validate_raw(
    file_name: str, raw: RawSubmission, reference: ReferenceData, history: DisbursementHistory | None = None
) -> ValidationResult:
    result = ValidationResult(file_name, raw.file_format, raw.encoding)
    checker = _Checker(result, reference)
    from_name = layout.parse_file_name(Path(file_name).stem)
    result.agency_code_from_name = from_name.agency_code if from_name else None
    result.period_from_name = from_name.period if from_name else None
    if from_name is None:
        checker.add("SUB-H07", value=file_name, expected="MÃCQ_NĂM-QUÝ.xlsx, ví dụ SYT_2026-Q2.xlsx")

    sheets = {name: raw.sheet(name) for name in layout.REQUIRED_SHEETS}
    if raw.file_format == "csv" and not any(sheets.values()):
        # What Excel or LibreOffice write when the form is saved as CSV: the open sheet only, no
        # [ThongTin]/[KinhPhi]/... sections. Four "missing sheet, do not delete or rename sheets"
        # (SUB-T02) would ask for something the department never did; it must send the .xlsx.
        checker.add("SUB-F03", value=_ONE_SHEET_CSV, expected=_SEND_THE_XLSX)
        return result
    for name, sheet in sheets.items():
        if sheet is None:
            checker.add("SUB-T02", name, value="", expected=f"trang tính '{name}'")
    # A workbook's other visible sheets that hold something (the reader looked), a CSV's other sections.
    unknown_sections = [
        name
        for name, sheet in raw.sheets.items()
        if not layout.is_form_sheet(name) and any(cell_text(c) for _, cells in sheet.rows for c in cells)
    ]
    for name in [*raw.extra_sheets, *unknown_sections]:
        checker.add("SUB-T06", name, value=name, expected="các trang " + ", ".join(layout.REQUIRED_SHEETS))
    checker.check_identity(sheets[layout.SHEET_INFO], from_name)
    if sheets[layout.SHEET_BUDGET]:
        checker.budget(sheets[layout.SHEET_BUDGET])
    if sheets[layout.SHEET_PROGRESS]:
        checker.progress(sheets[layout.SHEET_PROGRESS])
    if sheets[layout.SHEET_KPI]:
        checker.kpi(sheets[layout.SHEET_KPI])
    structural = {"SUB-T02", "SUB-T03"}
    if not (result.budget_rows or result.progress_rows or result.kpi_rows) and not any(
        f.rule_id in structural for f in result.findings
    ):
        checker.add("SUB-C01", expected="ít nhất một dòng có số liệu ở KinhPhi, TienDo hoặc ChiTieu")
    if history is not None:
        check_against_history(result, history)
    return result


def check_against_history(
    result: ValidationResult, history: DisbursementHistory, is_sample: bool | None = None
) -> None:
    """Every check against what was loaded before the file (SUB-X01, SUB-X04), in one place, so that
    `nq57 validate` and ingestion (which runs them in received order, outside the cache) run the same."""
    check_cumulative(result, history, is_sample)
    check_sample_after_real_report(result, history, is_sample)


def check_cumulative(
    result: ValidationResult, history: DisbursementHistory, is_sample: bool | None = None
) -> None:
    """SUB-X01: each cumulative disbursement against the same agency's latest earlier quarter of the year.

    The only check that needs other files. Kept apart so that ingestion can validate files in any
    order (in parallel) and then run this one in received order, as known when each file arrived.
    Compared with files of the same kind only (``is_sample``, by default the info sheet's mark).
    """
    sample = bool(result.is_sample if is_sample is None else is_sample)
    for row, column_no in result.cumulative_rows:
        assert result.agency_code and result.period and row.disbursed_cumulative_mvnd is not None
        key = (row.appendix or "", row.item_no or "", row.funding_source_code or "")
        previous = history.previous_cumulative(result.agency_code, result.period, *key, is_sample=sample)
        if previous is not None and row.disbursed_cumulative_mvnd < previous[0]:
            result.findings.append(
                make_finding(
                    "SUB-X01",
                    row.sheet,
                    row.row_no,
                    "disbursed_cumulative_mvnd",
                    column_no,
                    row.disbursed_text,
                    f"≥ {previous[0]} (lũy kế {previous[1]}, tệp {previous[2]})",
                )
            )
            row.has_fatal = True
    result.cumulative_rows = []


def check_sample_after_real_report(
    result: ValidationResult, history: DisbursementHistory, is_sample: bool | None = None
) -> None:
    """SUB-X04: a sample for a department and quarter whose own report is already loaded.

    Versions are numbered per department and quarter in received order, the latest in force: loaded,
    the sample would replace the department's figures in every mart. A real report received after a
    sample replaces it, as intended (samples are stand-ins until departments report)."""
    sample = bool(result.is_sample if is_sample is None else is_sample)
    if not sample or result.agency_code is None or result.period is None:
        return
    real = history.real_report(result.agency_code, result.period)
    if real is None:
        return
    row_no, column_no = result.sample_cell or (None, None)
    result.findings.append(
        make_finding(
            "SUB-X04",
            layout.SHEET_INFO,
            row_no,
            layout.INFO_IS_SAMPLE,
            column_no,
            # The info sheet's mark, or the inbox manifest's when the sheet says otherwise: then the
            # sheet is right and the operator's list must change, not the file.
            "CÓ" if result.is_sample else "KHÔNG (manifest.csv ghi là tệp mẫu)",
            f"không phải tệp mẫu: đã có báo cáo của đơn vị cho {result.period.code} (tệp {real})"
            + ("" if result.is_sample else "; sửa cột is_sample của tệp này trong manifest.csv"),
        )
    )


def received_day(received_at: datetime | date) -> date:
    """The day in Vietnam a file was received (a naive time is taken as Vietnam time, as typed)."""
    if isinstance(received_at, datetime):
        if received_at.tzinfo is not None:
            return received_at.astimezone(VIETNAM).date()
        return received_at.date()
    return received_at


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


def check_period_started(result: ValidationResult, received_at: datetime | date) -> None:
    """SUB-H08: a report for a quarter that had not begun on the day the file was received.

    Run outside ``validate_bytes``, like SUB-X01: its answer depends on the receipt date, which is not
    in the validation cache's key (file bytes and name), so a cached result must never carry it. The
    same bytes received a day later can be a valid report (the last day of a quarter, the first of
    the next).
    """
    period = result.period
    if period is None:
        return  # no period to check: already fatal (SUB-H03/H04) or an unreadable file
    received = received_day(received_at)
    start = period.start
    if received >= start:
        return
    row_no, column_no = result.period_cell or (None, None)
    result.findings.append(
        make_finding(
            "SUB-H08",
            layout.SHEET_INFO,
            row_no,
            layout.INFO_PERIOD,
            column_no,
            period.code,
            f"một kỳ đã bắt đầu: {period.code} bắt đầu ngày {start:%d/%m/%Y}, "
            f"tệp nhận ngày {received:%d/%m/%Y}",
        )
    )


def check_period_ended(result: ValidationResult, received_at: datetime | date) -> None:
    """SUB-H09: a report received while its quarter was still running (on or before its last day).

    Its cumulative figures stop at the day it was sent, yet the marts take it as the quarter's report:
    a warning, not a rejection (the figures are real, only early). Outside the validation cache for the
    reason SUB-H08 is (the receipt date is not in the cache's key). A quarter that had not even begun
    is SUB-H08's, fatal, and not said twice.
    """
    period = result.period
    if period is None:
        return
    received = received_day(received_at)
    if not period.start <= received <= period.end:
        return
    row_no, column_no = result.period_cell or (None, None)
    quarter = f"Quý {period.quarter}/{period.year}"
    result.findings.append(
        make_finding(
            "SUB-H09",
            layout.SHEET_INFO,
            row_no,
            layout.INFO_PERIOD,
            column_no,
            period.code,
            f"số liệu cả quý, gửi lại từ ngày {period.end + timedelta(days=1):%d/%m/%Y}: báo cáo {quarter} "
            # "Khi quý chưa kết thúc", not "trước khi quý kết thúc ngày 30/06": a file received on the
            # last day itself read as received "before 30/06" on 30/06, which a sender takes for a mistake.
            f"nhận ngày {received:%d/%m/%Y}, khi quý chưa kết thúc (quý kết thúc hết ngày "
            f"{period.end:%d/%m/%Y})",
        )
    )


def check_receipt_day(result: ValidationResult, received_at: datetime | date) -> None:
    """Every check against the day the file was received (SUB-H08, SUB-H09), in one place, so that
    `nq57 validate` and ingestion (which runs them outside the cache, at every refresh) run the same."""
    check_period_started(result, received_at)
    check_period_ended(result, received_at)


def validate_bytes(
    file_name: str, data: bytes, reference: ReferenceData, history: DisbursementHistory | None = None
) -> ValidationResult:
    """Validate one file's content; an unreadable file gives a result with its one fatal finding."""
    try:
        raw = read_submission(file_name, data, layout.REQUIRED_SHEETS)
    except SubmissionReadError as error:
        result = ValidationResult(file_name)
        from_name = layout.parse_file_name(Path(file_name).stem)
        result.agency_code_from_name = from_name.agency_code if from_name else None
        result.period_from_name = from_name.period if from_name else None
        _Checker(result, reference).add(error.rule_id, value=error.detail)
        return result
    return validate_raw(file_name, raw, reference, history)


def validate_file(
    path: Path,
    reference: ReferenceData,
    history: DisbursementHistory | None = None,
    received_at: datetime | date | None = None,
) -> ValidationResult:
    """One file as ``nq57 validate`` checks it, SUB-H08 and SUB-H09 included.

    ``received_at``: when the file was received. ``nq57 validate FILE`` has no receipt date (the
    file is not received, only checked): it is checked as if received today in Vietnam, which is
    what receiving it now would give.
    """
    result = validate_bytes(Path(path).name, Path(path).read_bytes(), reference, history)
    check_receipt_day(result, today_in_vietnam() if received_at is None else received_at)
    return result
