"""Tables the analysis notebooks display: Vietnamese headers and cells in Vietnamese format.

Display only: the DataFrames analysts work with keep their raw columns and values. NULL shows as
'—', never as 0; a moment (a timestamp with a time zone) is shown in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.formatting import STATUS_VI as STATUS_VI  # re-exported: the notebooks import it from here
from pipelines.formatting import vn_number, vn_percent

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


# Whether a figure is there, for the KPI value_status columns: fct_kpi_baseline.value_status
# (stated / not_published / year_not_stated), fct_kpi_target.value_status (stated / not_set, a '-'
# printed) and fct_kpi_actual.value_status (stated / blank, the department left the cell empty).
VALUE_STATUS_VI = {
    "stated": "có số liệu",
    "not_published": "chưa công bố",
    "year_not_stated": "có số liệu, không ghi năm",
    "not_set": "không đặt chỉ tiêu (ghi '-')",
    "blank": "để trống",
}

# How a plan amount was put on a year: fct_budget_plan.allocation_method.
ALLOCATION_METHOD_VI = {
    "stated": "số ghi cho năm đó trong văn bản",
    "even_split": "chia đều theo thời gian thực hiện của nhiệm vụ",
    "even_split_default_period": "chia đều cho cả giai đoạn (nhiệm vụ không ghi thời gian thực hiện)",
}

# How serious a rule hit is: the rule catalogue's severities (pipelines/submissions/rules.py, FATAL and
# WARNING), as stored in stg_submissions__findings.severity and counted by dim_submission.fatal_count
# and dim_submission.warning_count.
SEVERITY_VI = {
    "fatal": "lỗi nghiêm trọng (tệp bị từ chối)",
    "warning": "cảnh báo (tệp vẫn được nạp)",
}

# One header per column of a submission file, whichever notebook lists the files (the briefing's
# section 7, submission_quality): a reader who has seen one table recognises the other.
SUBMISSION_FILE_COLUMNS_VI = {
    "file_name": "Tệp",
    "agency_code": "Sở, ngành",
    "period": "Kỳ",
    "version": "Phiên bản",
    "status": "Trạng thái",
    "is_sample": "Dữ liệu mẫu",
    "received_at": "Nhận lúc",
}


def in_vietnamese(values: pd.Series, words: dict[str, str]) -> pd.Series:
    """Codes replaced by their Vietnamese words (for display); an unknown code or NULL stays as it is."""
    return values.map(lambda v: words.get(v, v) if isinstance(v, str) else v)


def file_status_words(files: pd.DataFrame) -> pd.Series:
    """Each file's status (dim_submission.status) in words, a withdrawn file with the operator's reason,
    "đã rút (lý do: …)": whoever reads the list asks why a report they sent is not in the figures.
    A warehouse built before withdrawals has no withdraw_reason column: the status words alone."""
    words = in_vietnamese(files["status"], STATUS_VI)
    if "withdraw_reason" not in files.columns:
        return words
    withdrawn = (files["status"] == "withdrawn") & files["withdraw_reason"].notna()
    because = STATUS_VI["withdrawn"] + " (lý do: " + files["withdraw_reason"].astype(str) + ")"
    return words.where(~withdrawn, because)


def unaccented(text: object) -> str:
    """``text`` without its Vietnamese tone and vowel marks, lower case (đ as d): a sort key that puts
    "Ủy ban" among the u and "Đài" among the d, as a Vietnamese reader looks for them."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
# The locators the extraction writes (lineage: "line 1074", "lines 513-518", "page 3"), one match each.
_LOCATOR = re.compile(r"\b(lines?|pages?)\s+(\d+)(?:\s*-\s*(\d+))?")


def vn_period(value: object) -> object:
    """A reporting period as people write it: '2026-Q2' → 'Quý 2/2026'; anything else as it is."""
    if not isinstance(value, str):
        return value
    found = _QUARTER.fullmatch(value.strip())
    return f"Quý {found.group(2)}/{found.group(1)}" if found else value


def vn_period_range(earliest: object, latest: object) -> object:
    """The quarters a row's year-to-date figures reach: "Quý 2/2026", or "Quý 1/2026 – Quý 2/2026" when
    its tasks (or departments) were reported up to different quarters."""
    return vn_period(latest) if earliest == latest else f"{vn_period(earliest)} – {vn_period(latest)}"


def vn_rate(disbursed: object, allocated: object) -> str | None:
    """Disbursed over allocated as a Vietnamese percentage, exact; None ("—") when either is unknown or
    the allocation is not above 0 (unknown is no 0 %; pandas hands DECIMAL sums over as floats too)."""
    if disbursed is None or allocated is None or pd.isna(disbursed) or pd.isna(allocated) or allocated <= 0:
        return None
    return vn_percent(Decimal(str(disbursed)) * 100 / Decimal(str(allocated)))


def vn_locator(text: object) -> object:
    """A lineage locator in Vietnamese words: 'line 1074' → 'dòng 1074', 'lines 513-518' →
    'dòng 513–518' ('lines 1077-1077' → 'dòng 1077'), 'page 3' → 'trang 3'. Display only: the
    marts keep the locator as the extraction wrote it. NULL and non-text stay as they are."""
    if not isinstance(text, str):
        return text

    def words(found: re.Match) -> str:
        unit = "dòng" if found.group(1).startswith("line") else "trang"
        first, last = found.group(2), found.group(3)
        return f"{unit} {first}" if last in (None, first) else f"{unit} {first}–{last}"

    return _LOCATOR.sub(words, text)


# An English gloss the warehouse's messages end with, for analysts ("(scale word repeated)"): lower
# case English words only, so "(TFP)", "(1.1…4.4)" or "(năm cuối)" are never taken for one.
_ENGLISH_GLOSS = re.compile(r"\s*\((?:[a-z]+[ -])*[a-z]+\)")


def without_english_gloss(text: object) -> object:
    """A message as a leader's briefing shows it: Vietnamese, its English glosses left out."""
    return _ENGLISH_GLOSS.sub("", text) if isinstance(text, str) else text


def fmt_cell(value: object) -> str:
    """One cell as the briefing writes it: 12.500; 43,35; có/không; 02/12/2026; '—' for NULL."""
    if isinstance(value, np.generic):  # numpy scalars from pandas → plain Python values
        value = value.item()
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        # Years and small counts stay as typed (2026, not 2.026).
        return vn_number(value) if abs(value) >= 10000 or value < 0 else str(value)
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        return vn_number(number, 0 if number == number.to_integral_value() else 2)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date | dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def formatted(df: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """The columns named in ``columns`` (those present), renamed to their Vietnamese headers, as text;
    every column as it is named when ``columns`` is None (a table already given Vietnamese headers)."""
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]].rename(columns=columns)
    return df.astype(object).map(fmt_cell)


SHORT_TABLE_ROWS = 5

# Section 4's disbursement tables have ten columns on a portrait A4 page: printed, "Ngân sách nhà
# nước" wrapped over four lines and the departments' names over three. The funding cell is shortened
# as Vietnamese readers know it, the unit leaves the money headers, and a legend line under the table
# says both (nothing the table showed is lost). The class lets the stylesheet keep figures, years,
# quarters and these short words on one line, the names taking the width left.
FUNDING_SHORT = {"Ngân sách nhà nước": "NSNN", "Nguồn khác (ngoài NSNN)": "Khác"}
DISBURSEMENT_LEGEND = (
    "Số tiền: triệu đồng. Tỷ lệ giải ngân: số đã giải ngân so với dự toán. Nguồn kinh phí: NSNN là ngân "
    "sách nhà nước; Khác là các nguồn ngoài ngân sách nhà nước (doanh nghiệp, tư nhân, quỹ phát triển "
    "khoa học và công nghệ của doanh nghiệp …)."
)
DISBURSEMENT_TABLE_CLASS = "nq57-disbursement"


def quarters_unbroken(values: pd.Series) -> pd.Series:
    """Quarters that a narrow cell wraps only between them: "Quý 1/2026 –" and "Quý 2/2026" on two
    lines, never "Quý" on one and "1/2026" on the next (no-break spaces inside a quarter and before
    the dash)."""
    return values.map(
        lambda v: v.replace("Quý ", "Quý\u00a0").replace(" – ", "\u00a0– ") if isinstance(v, str) else v
    )


def funding_short(values: pd.Series) -> pd.Series:
    """Funding words as the disbursement tables print them ("NSNN"); other values as they are."""
    return values.map(lambda v: FUNDING_SHORT.get(v, v) if isinstance(v, str) else v)


def show(
    df: pd.DataFrame,
    columns: dict[str, str] | None = None,
    empty: str = "Không có dòng nào.",
    total_rows: Collection[int] = (),
    table_class: str | None = None,
) -> None:
    """Display ``df`` with Vietnamese headers and formatted cells (``empty`` when it has no rows).

    The table has the class ``nq57`` that the briefing's stylesheet draws borders for (and
    ``table_class`` besides, for a table laid out on its own); the rows at the positions
    ``total_rows`` (0 = the first row of ``df``) have the class ``nq57-total``, set apart from the
    rows they add up."""
    from IPython.display import HTML, Markdown, display

    if df.empty:
        display(Markdown(f"*{empty}*"))
        return
    shown = df[[c for c in columns if c in df.columns]] if columns is not None else df
    # A short table is kept on one printed page (a three-row table was cut between pages 1 and 2).
    classes = "nq57 nq57-short" if len(df) <= SHORT_TABLE_ROWS else "nq57"
    if table_class:
        classes += f" {table_class}"
    html = with_numbers_aligned(
        formatted(df, columns).to_html(index=False, escape=True, classes=classes), numeric_positions(shown)
    )
    if total_rows:
        # One piece after each bare "<tr>" per row of df, in order (the header row's tag has a style
        # attribute; cells are escaped, so "<tr>" is only a tag).
        pieces = html.split("<tr>")
        html = pieces[0] + "".join(
            ('<tr class="nq57-total">' if position in total_rows else "<tr>") + piece
            for position, piece in enumerate(pieces[1:])
        )
    display(HTML(html))


def numeric_positions(df: pd.DataFrame) -> set[int]:
    """The positions of the columns holding figures (numbers, Decimals; NULLs aside)."""
    positions = set()
    for position, column in enumerate(df.columns):
        values = df[column].dropna()
        if not values.empty and all(
            isinstance(v, (int, float, Decimal, np.number)) and not isinstance(v, bool) for v in values
        ):
            positions.add(position)
    return positions


def with_numbers_aligned(html: str, positions: set[int]) -> str:
    """``html`` (a DataFrame.to_html table) with the cells of those columns of class "num": figures
    right-aligned, so thousands stand under thousands. Cells are escaped, so "<td>" is only a tag."""
    if not positions:
        return html
    rows = html.split("<tr>")
    for index, row in enumerate(rows):
        cells = row.split("<td>")
        rows[index] = cells[0] + "".join(
            ('<td class="num">' if position in positions else "<td>") + cell
            for position, cell in enumerate(cells[1:])
        )
    return "<tr>".join(rows)


# ── tables that grow with the years ──────────────────────────────────────────────────────────────
# By 2030 the warehouse holds ~21 departments × 20 quarters of reports (bench/scale.py): a table or
# grid with a row or column for each of them ran to pages (the briefing went from 22 to 50 printed
# pages). What grows is cut to what a leader reads, and the rest is counted, never dropped silently.

GRID_QUARTERS = 4  # the late-report grid's quarters shown one by one: the last year
FILES_LISTED = 30  # section 7's submission files listed one by one: the latest received
DISBURSEMENT_YEARS_IN_FULL = 2  # the latest year and the one before: its full-year figures
TASK_NUMBERS_LISTED = 12  # task numbers written out in a sentence


def task_numbers(stts: list[str], limit: int = TASK_NUMBERS_LISTED) -> str:
    """Task numbers for a sentence, in the order given: "STT 1, 6, 7" or, beyond ``limit``,
    "STT 1, 6, …, 17 và 49 nhiệm vụ khác" (61 numbers in a banner read as a wall of digits)."""
    shown = ", ".join(stts[:limit])
    rest = len(stts) - limit
    return f"STT {shown}" + (f" và {vn_number(rest)} nhiệm vụ khác" if rest > 0 else "")


# A new year's chart once at least this share of the departments that reported the year before has
# reported on it: in April one early Q1 report made a chart of the new year with one bar.
CHART_YEAR_MIN_SHARE = Fraction(1, 2)


def chart_year(departments_by_year: Mapping[int, int]) -> tuple[int, str | None]:
    """The year the disbursement chart draws, and why it is not the latest one (or None).

    ``departments_by_year``: how many departments reported each year's disbursement. The latest
    year, unless fewer than half the departments that reported the year before have reported on it
    yet: then the year before, whose year-to-date figures say more (the new year's rows stay in the
    table)."""
    counts = {int(year): int(count) for year, count in departments_by_year.items()}  # numpy ints too
    years = sorted(counts)
    latest = years[-1]
    if len(years) == 1:
        return latest, None
    before = years[-2]
    if counts[latest] >= CHART_YEAR_MIN_SHARE * counts[before]:
        return latest, None
    return before, (
        f"năm {latest} mới có {vn_number(counts[latest])} sở, ngành báo cáo (năm {before}: "
        f"{vn_number(counts[before])}), số của năm {latest} ở bảng dưới"
    )


def _earlier_quarters_cell(rows: pd.DataFrame) -> str:
    """A department's quarters before the grid's, in a few words: how many were late, missing or had a
    rejected file (a quarter can be both late and have one), or that every one was on time."""
    submitted = rows["submission_state"] == "submitted"
    counts = (
        (int((submitted & rows["is_late"]).sum()), "nộp chậm"),
        (int(((rows["submission_state"] == "missing") & rows["is_late"]).sum()), "chưa nộp"),
        (int((rows["submission_state"] == "rejected_only").sum()), "chỉ có tệp bị từ chối"),
        (int((rows["submission_state"] == "withdrawn_only").sum()), "chỉ có tệp đã rút"),
        (int((submitted & rows["has_fatal_errors"]).sum()), "có tệp bị từ chối"),
    )
    parts = [f"{count} {words}" for count, words in counts if count]
    text = f"{len(rows)} quý: " + "; ".join(parts) if parts else f"đúng hạn cả {len(rows)} quý"
    return text + ("; dữ liệu mẫu" if rows["is_sample"].astype(bool).any() else "")


def late_report_grid(status: pd.DataFrame, quarters: int = GRID_QUARTERS) -> pd.DataFrame:
    """One row per department ("Sở, ngành"), one column per quarter of the last ``quarters`` (each
    department's ``cell``), and before them one column for every earlier quarter together, counted
    (``_earlier_quarters_cell``): 20 quarter columns three letters wide could not be read.

    ``status``: one row per department and quarter, with ``agency_name``, ``period`` ('2026-Q2'),
    ``cell``, ``submission_state``, ``is_late``, ``has_fatal_errors`` and ``is_sample``. Rows in the
    order of the departments' first appearance."""
    periods = sorted(status["period"].unique())
    recent, earlier = periods[-quarters:], periods[:-quarters]
    grid = status[status["period"].isin(recent)].pivot(index="agency_name", columns="period", values="cell")
    grid = grid.reindex(index=list(dict.fromkeys(status["agency_name"])), columns=recent)
    grid.columns = [vn_period(p) for p in recent]
    if earlier:
        heading = f"Các quý trước ({vn_period(earlier[0])} – {vn_period(earlier[-1])})"
        before = status[status["period"].isin(earlier)].groupby("agency_name", sort=False)
        grid.insert(0, heading, before.apply(_earlier_quarters_cell, include_groups=False))
    grid.columns.name = None
    return grid.rename_axis("Sở, ngành").reset_index()


def latest_received(files: pd.DataFrame, limit: int = FILES_LISTED) -> tuple[pd.DataFrame, int]:
    """The ``limit`` files received last (by ``received_at``), in the rows' own order, and how many
    files were left out: section 7 says how fresh the figures are, and 500 files after five years
    took 25 printed pages (the full list: notebook submission_quality, marts.dim_submission)."""
    if len(files) <= limit:
        return files, 0
    kept = files["received_at"].rank(method="first", ascending=False) <= limit
    return files[kept], int((~kept).sum())


def _sum_or_unknown(values: pd.Series) -> object:
    """The sum, or None when a value is unknown: a year's total over a department's blank cell is not
    the year's total (unknown is NULL, never 0)."""
    if any(v is None or pd.isna(v) for v in values):
        return None
    # A column a SQL sum gave as a float (a department's NULLs aside) is added as the decimals shown.
    return sum((v if isinstance(v, Decimal) else Decimal(str(v)) for v in values), Decimal(0))


def disbursement_years(
    disb: pd.DataFrame, years_in_full: int = DISBURSEMENT_YEARS_IN_FULL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``disb`` (one row per department × year × funding × sample) cut in two: the rows of the latest
    ``years_in_full`` years as they are, and the earlier years added over the departments, one row
    per year × funding (``funding``, ``is_state_budget``) × sample. Year-to-date figures of one year
    may be added across departments; two years never are. Sample rows stay apart from real ones.

    As the latest years' total rows do, a year's sums take the departments that give both an
    allocation and a disbursement (``departments``), and name the others (``left_out``, their
    ``agency_name`` or code): a department's blank is unknown, so it is neither a 0 in the sum nor a
    reason to hide the others' figures. The reported quarters' range (``earliest_period``,
    ``latest_period``) is the counted departments'."""
    years = sorted(disb["year"].unique(), reverse=True)
    full = disb[disb["year"].isin(years[:years_in_full])]
    earlier = disb[~disb["year"].isin(years[:years_in_full])]
    keys = ["year", "funding", "is_state_budget", "is_sample"]
    columns = [*keys, "departments", "left_out", "earliest_period", "latest_period"]
    columns += ["plan_mvnd", "allocated_mvnd", "disbursed_mvnd"]
    if earlier.empty:
        return full, pd.DataFrame(columns=columns)
    rows = []
    for key, group in earlier.groupby(keys, sort=False, dropna=False):
        known = group[group["allocated_mvnd"].notna() & group["disbursed_mvnd"].notna()]
        names = group["agency_name"] if "agency_name" in group else group["agency_code"]
        left_out = sorted(set(names[~group.index.isin(known.index)]) - set(names[known.index]))
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "departments": known["agency_code"].nunique(),
                "left_out": left_out,
                "earliest_period": (known if not known.empty else group)["earliest_period"].min(),
                "latest_period": (known if not known.empty else group)["latest_period"].max(),
                "plan_mvnd": _sum_or_unknown(known["plan_mvnd"]) if not known.empty else None,
                "allocated_mvnd": _sum_or_unknown(known["allocated_mvnd"]) if not known.empty else None,
                "disbursed_mvnd": _sum_or_unknown(known["disbursed_mvnd"]) if not known.empty else None,
            }
        )
    summed = pd.DataFrame(rows, columns=columns).sort_values(
        ["year", "is_state_budget", "is_sample"], ascending=[False, False, True]
    )
    return full, summed.reset_index(drop=True)
