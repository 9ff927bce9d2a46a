"""The submission layout: sheets, columns and their codes, status values, periods and file names.

The same layout is used by the template writer, both readers, the validator and docs/submissions.md.
Each data sheet has a row of Vietnamese labels and, under it, a row of column codes; the readers find
columns by their codes (never by position), so a department that reorders or inserts columns is
still read correctly. A CSV file holds the same sheets as sections, each opened by a ``[SheetName]``
line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

TEMPLATE_VERSION = "NQ57-BC-1.0"
SUPPORTED_TEMPLATE_VERSIONS = frozenset({TEMPLATE_VERSION})

SHEET_INSTRUCTIONS = "HuongDan"
SHEET_INFO = "ThongTin"
SHEET_BUDGET = "KinhPhi"
SHEET_PROGRESS = "TienDo"
SHEET_KPI = "ChiTieu"
SHEET_LISTS = "DanhMuc"
DATA_SHEETS = (SHEET_BUDGET, SHEET_PROGRESS, SHEET_KPI)
REQUIRED_SHEETS = (SHEET_INFO, *DATA_SHEETS)


def is_form_sheet(name: str) -> bool:
    """Whether a sheet (or CSV section) is one of the form's, matched as RawSubmission.sheet matches."""
    return fold_key(name).replace(" ", "") in {
        fold_key(n).replace(" ", "") for n in (*REQUIRED_SHEETS, SHEET_INSTRUCTIONS, SHEET_LISTS)
    }


# How far down a sheet (or a CSV section) the row of column codes may be.
HEADER_SEARCH_ROWS = 6

# Info sheet: label | key | value. Keys are what the validator reads.
INFO_TEMPLATE_VERSION = "template_version"
INFO_AGENCY = "agency_code"
INFO_AGENCY_NAME = "agency_name"
INFO_PERIOD = "period"
INFO_IS_SAMPLE = "is_sample"
INFO_PREPARED_BY = "prepared_by"
INFO_CONTACT = "contact"
INFO_FIELDS: tuple[tuple[str, str], ...] = (
    (INFO_TEMPLATE_VERSION, "Phiên bản biểu mẫu (không sửa)"),
    (INFO_AGENCY, "Mã cơ quan báo cáo"),
    (INFO_AGENCY_NAME, "Tên cơ quan báo cáo"),
    (INFO_PERIOD, "Kỳ báo cáo (năm-quý, ví dụ 2026-Q2)"),
    (INFO_IS_SAMPLE, "Dữ liệu mẫu? (CÓ = mẫu, không phải số liệu thật)"),
    (INFO_PREPARED_BY, "Người lập biểu"),
    (INFO_CONTACT, "Điện thoại / thư điện tử"),
)
INFO_COLUMNS = ("label", "key", "value")
_TRUE_WORDS = {"có", "co", "x", "1", "true", "yes", "mẫu", "mau"}


@dataclass(frozen=True)
class Column:
    code: str
    label_vi: str
    label_en: str
    kind: str  # 'key' | 'text' | 'amount' | 'percent' | 'number' | 'choice' | 'info'
    required: bool = True  # the column must be present in the sheet
    width: int = 14


BUDGET_COLUMNS = (
    Column("appendix", "Phụ lục (I/II)", "Appendix", "key", width=9),
    Column("item_no", "STT nhiệm vụ", "Task number", "key", width=10),
    Column("task_name", "Tên nhiệm vụ (để tham khảo)", "Task name (for reference)", "info", False, 60),
    Column("funding_source", "Nguồn vốn", "Funding source", "choice", width=18),
    Column(
        "allocated_mvnd",
        "Dự toán được giao trong năm (triệu đồng)",
        "Allocated for the year (million VND)",
        "amount",
        width=20,
    ),
    Column(
        "disbursed_cumulative_mvnd",
        "Giải ngân lũy kế từ đầu năm đến hết kỳ (triệu đồng)",
        "Disbursed, cumulative year to date (million VND)",
        "amount",
        width=22,
    ),
    Column("note", "Ghi chú", "Note", "text", False, 40),
)
PROGRESS_COLUMNS = (
    Column("appendix", "Phụ lục (I/II)", "Appendix", "key", width=9),
    Column("item_no", "STT nhiệm vụ", "Task number", "key", width=10),
    Column("task_name", "Tên nhiệm vụ (để tham khảo)", "Task name (for reference)", "info", False, 60),
    Column("status", "Tình trạng", "Status", "choice", width=18),
    Column(
        "percent_complete", "Tỷ lệ hoàn thành (%, 0–100)", "Percent complete (0–100)", "percent", width=16
    ),
    Column("note", "Kết quả / khó khăn, vướng mắc", "Result / obstacles", "text", False, 50),
)
KPI_COLUMNS = (
    Column("indicator_code", "Mã chỉ tiêu", "Indicator code", "key", width=26),
    Column(
        "indicator_name", "Tên chỉ tiêu (để tham khảo)", "Indicator name (for reference)", "info", False, 50
    ),
    Column("unit", "Đơn vị tính (để tham khảo)", "Unit (for reference)", "info", False, 12),
    Column("value", "Giá trị thực hiện trong kỳ", "Actual value for the period", "number", width=16),
    Column("note", "Nguồn số liệu / ghi chú", "Data source / note", "text", False, 40),
)
SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {
    SHEET_BUDGET: BUDGET_COLUMNS,
    SHEET_PROGRESS: PROGRESS_COLUMNS,
    SHEET_KPI: KPI_COLUMNS,
}
# The columns that identify a row; a second row with the same key is a duplicate.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    SHEET_BUDGET: ("appendix", "item_no", "funding_source"),
    SHEET_PROGRESS: ("appendix", "item_no"),
    SHEET_KPI: ("indicator_code",),
}
# The columns that carry what is reported; a row where all are empty is "not reported" (skipped).
VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    SHEET_BUDGET: ("allocated_mvnd", "disbursed_cumulative_mvnd"),
    SHEET_PROGRESS: ("status", "percent_complete"),
    SHEET_KPI: ("value",),
}

_COLUMN_LABELS: dict[tuple[str, str], str] = {
    (sheet, column.code): column.label_vi for sheet, columns in SHEET_COLUMNS.items() for column in columns
} | {(SHEET_INFO, key): label for key, label in INFO_FIELDS}


def column_label(sheet: str | None, code: str | None) -> str:
    """The Vietnamese label the template prints for a column code (a data sheet's row 1, the info
    sheet's column A): what a civil servant sees, where the code is what the readers match.

    '' without a column; an unknown code comes back as it is rather than be dropped."""
    if not code:
        return ""
    # Sheets are found ignoring case, accents and spacing ('Kinh phi'): a finding names the sheet as written.
    wanted = fold_key(sheet or "").replace(" ", "")
    canonical = next((s for s in REQUIRED_SHEETS if fold_key(s).replace(" ", "") == wanted), sheet or "")
    return _COLUMN_LABELS.get((canonical, code), code)


# Task status: code → label shown in the dropdown. Either is accepted on reading.
STATUSES: dict[str, str] = {
    "not_started": "Chưa triển khai",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "suspended": "Tạm dừng",
}
STATUS_DONE = "done"


@functools.lru_cache(maxsize=65536)
def fold_key(text: str) -> str:
    """Case-, accent- and spacing-insensitive form, for matching what people type to a code.

    Cached: the same few hundred strings (codes, labels, statuses) come back in every file.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", stripped).strip().casefold()


_STATUS_LOOKUP = {fold_key(k): k for k in STATUSES} | {fold_key(v): k for k, v in STATUSES.items()}


def status_code(text: str) -> str | None:
    return _STATUS_LOOKUP.get(fold_key(text))


def is_true(text: str) -> bool:
    return text.strip().casefold() in _TRUE_WORDS


# ── Periods ──────────────────────────────────────────────────────────────────────────────────
PLAN_FIRST_YEAR = 2025
PLAN_LAST_YEAR = 2030
# A quarter's report is due this many days after the quarter ends. Neither source document sets a
# deadline: this is the warehouse's convention, awaiting Sở KH&CN's confirmation. The same number is
# the default of dbt's var submission_deadline_days (rpt_submission_status; a test keeps them equal).
SUBMISSION_DEADLINE_DAYS = 15

_PERIOD_PATTERNS = (
    re.compile(r"^(20\d\d)\s*[-_/ ]?\s*q\s*([1-4])$"),  # 2026-Q2, 2026Q2
    re.compile(r"^q\s*([1-4])\s*[-_/ ]?\s*(20\d\d)$"),  # Q2/2026
    re.compile(r"^quy\s*([1-4]|i{1,3}|iv)\s*(?:/|-|nam)?\s*(20\d\d)$"),  # Quý 2/2026, Quý II năm 2026
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        return date(self.year + self.quarter // 4, 3 * self.quarter % 12 + 1, 1) - timedelta(days=1)

    @property
    def deadline(self) -> date:
        """The day a report for this quarter is due (see SUBMISSION_DEADLINE_DAYS)."""
        return self.end + timedelta(days=SUBMISSION_DEADLINE_DAYS)

    def __str__(self) -> str:
        return self.code


def parse_period(text: str) -> Period | None:
    """'2026-Q2' and the ways people write it ('Q2/2026', 'Quý II năm 2026'); None if not a period."""
    folded = fold_key(str(text)).replace(" ", "")
    for index, pattern in enumerate(_PERIOD_PATTERNS):
        match = pattern.match(folded)
        if not match:
            continue
        if index == 0:
            year, quarter = match.group(1), match.group(2)
        else:
            quarter, year = match.group(1), match.group(2)
        number = int(quarter) if quarter.isdigit() else _ROMAN[quarter]
        return Period(int(year), number)
    return None


# ── File names: <AGENCY>_<YYYY>-Q<n>[_anything].xlsx|csv ────────────────────────────────────
_FILE_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9]*)[_\-. ]+(20\d\d)[_\-]?[Qq]([1-4])(?:[_\-. ].*)?$")


@dataclass(frozen=True)
class FileNameParts:
    agency_code: str
    period: Period


def parse_file_name(stem: str) -> FileNameParts | None:
    match = _FILE_NAME.match(stem)
    if not match:
        return None
    return FileNameParts(match.group(1).upper(), Period(int(match.group(2)), int(match.group(3))))


def suggested_file_name(agency_code: str, period: Period, suffix: str = ".xlsx") -> str:
    return f"{agency_code}_{period.code}{suffix}"
