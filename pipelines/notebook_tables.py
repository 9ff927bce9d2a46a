"""Tables the analysis notebooks display: Vietnamese headers and cells in Vietnamese format.

Display only: the DataFrames analysts work with keep their raw columns and values. NULL shows as
'—', never as 0; a moment (a timestamp with a time zone) is shown in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.formatting import STATUS_VI as STATUS_VI  # re-exported: the notebooks import it from here
from pipelines.formatting import vn_number

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


def show(
    df: pd.DataFrame,
    columns: dict[str, str] | None = None,
    empty: str = "Không có dòng nào.",
    total_rows: Collection[int] = (),
) -> None:
    """Display ``df`` with Vietnamese headers and formatted cells (``empty`` when it has no rows).

    The table has the class ``nq57`` that the briefing's stylesheet draws borders for; the rows at
    the positions ``total_rows`` (0 = the first row of ``df``) have the class ``nq57-total``, set
    apart from the rows they add up."""
    from IPython.display import HTML, Markdown, display

    if df.empty:
        display(Markdown(f"*{empty}*"))
        return
    shown = df[[c for c in columns if c in df.columns]] if columns is not None else df
    # A short table is kept on one printed page (a three-row table was cut between pages 1 and 2).
    classes = "nq57 nq57-short" if len(df) <= SHORT_TABLE_ROWS else "nq57"
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
