"""Records from the plan's tables: Appendix I (tasks), Appendix II (units/items), KPI roadmap."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.document_model import DocumentModel, Paragraph, Row, Table
from pipelines.extract.columns import KPI_ROADMAP, TASK_BUDGET, TableLayout, is_column_number_row, recognise
from pipelines.extract.records import (
    AMOUNT_BLANK,
    ExtractionIssue,
    KpiBaseline,
    KpiTarget,
    PlanGroup,
    PlanItem,
    PlanTable,
    StatedTotal,
)
from pipelines.parsing.amount_words import AmountWordsError, parse_amount_words
from pipelines.parsing.numbers import AmountCell, NumberParseError, Target, parse_amount_cell, parse_target
from pipelines.parsing.periods import parse_period
from pipelines.parsing.text import fold, one_line

_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_TASK_NO = re.compile(r"^\d+(\.\d+)*\.?$")
_PERIOD = re.compile(r"(20\d\d)\s*[-–—]\s*(20\d\d)")
_APPENDIX_LABEL = re.compile(r"^ph[uụ] l[uụ]c\s+([IVX]+|\d+)\b", re.IGNORECASE)
_UNIT_LABEL = re.compile(r"^đvt\s*:\s*(.+)$", re.IGNORECASE)
_ROMAN_OF = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}


@dataclass
class TableRecords:
    """What one recognised table yields."""

    table: PlanTable
    groups: list[PlanGroup] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)
    totals: list[StatedTotal] = field(default_factory=list)
    kpi_targets: list[KpiTarget] = field(default_factory=list)
    kpi_baselines: list[KpiBaseline] = field(default_factory=list)
    issues: list[ExtractionIssue] = field(default_factory=list)


@dataclass(frozen=True)
class TableTitle:
    appendix_label: str | None  # 'I', 'II' from "Phụ lục I" / "Phụ lục 2"
    title: str | None
    unit_text: str | None
    locator: str | None
    # The paragraph naming the title's period ("GIAI ĐOẠN 2025 - 2028"), so that a check on the
    # period points at that line, not at the appendix label three lines above it.
    period_locator: str | None = None


def read_title(preceding: list[Paragraph]) -> TableTitle:
    """The appendix label, title and unit from the paragraphs just above a table."""
    start = None
    for index in range(len(preceding) - 1, -1, -1):
        if _APPENDIX_LABEL.match(preceding[index].text):
            start = index
            break
    unit = None
    for paragraph in preceding[-4:]:
        match = _UNIT_LABEL.match(paragraph.text.strip())
        if match:
            unit = match.group(1).strip()
    if start is None:
        return TableTitle(None, None, unit, None)
    label = _APPENDIX_LABEL.match(preceding[start].text).group(1).upper()
    label = _ROMAN_OF.get(label, label)
    title_lines = []
    period_locator = None
    for paragraph in preceding[start + 1 :]:
        text = paragraph.text.strip()
        if text.startswith("(") or _UNIT_LABEL.match(text) or set(text) <= {"_", "-", " "}:
            break
        title_lines.append(text)
        if period_locator is None and _PERIOD.search(text):
            period_locator = paragraph.locator
    return TableTitle(label, " ".join(title_lines) or None, unit, preceding[start].locator, period_locator)


def _period_of(text: str | None) -> tuple[str | None, int | None, int | None]:
    if not text:
        return None, None, None
    match = _PERIOD.search(text)
    if not match:
        return None, None, None
    return match.group(0), int(match.group(1)), int(match.group(2))


def _cell(row: Row, layout: TableLayout, role: str) -> str | None:
    index = layout.columns.get(role)
    if index is None or index >= len(row.cells):
        return None
    return row.cells[index].text


def _cell_locator(row: Row, layout: TableLayout, role: str) -> str:
    index = layout.columns.get(role)
    if index is None or index >= len(row.cells):
        return row.locator
    return row.cells[index].locator


def _amount(
    text: str | None, document_id: str, what: str, locator: str, issues: list[ExtractionIssue]
) -> AmountCell:
    try:
        return parse_amount_cell(text or "")
    except NumberParseError:
        issues.append(
            ExtractionIssue(
                document_id,
                "error",
                "amount_unreadable",
                f"Không đọc được số tiền '{text}' ở cột {what} (amount is not a number)",
                locator,
            )
        )
        return AmountCell(None, "unreadable", text or "")


def _is_total_label(text: str) -> bool:
    return fold(text).rstrip(":").strip() in {"tong cong", "tong", "cong", "tong so", "tong kinh phi"}


def _is_words_row(row: Row) -> bool:
    texts = [t for t in row.texts if t]
    if len(texts) != 1:
        return False
    folded = fold(texts[0])
    return folded.startswith("(") and folded.endswith(")") and ("dong" in folded or "ty" in folded.split())


def _words(text: str) -> tuple[str, object, str | None]:
    """(words as printed, amount in million VND or None, parse error or None)."""
    words = one_line(text).strip()
    try:
        amount = parse_amount_words(words.strip("()"))
    except AmountWordsError as error:
        return words, None, error.reason
    return words, amount / 1_000_000, None


def extract_task_table(
    table: Table, layout: TableLayout, title: TableTitle, document_id: str
) -> TableRecords:
    """Appendix I: groups (roman numerals), tasks (numbers), the total row and its amount in words."""
    appendix = title.appendix_label or "I"
    records = TableRecords(_plan_table(table, layout, title, document_id, appendix))
    group_code: str | None = None
    last_total: StatedTotal | None = None
    for row in table.rows[layout.header_row_index + 1 :]:
        if row.is_empty() or is_column_number_row(row):
            continue
        number = (_cell(row, layout, "item_no") or "").strip()
        name = one_line(_cell(row, layout, "name") or "")
        if _ROMAN.match(number) and name:
            group_code = number.rstrip(".")
            kind = "giải pháp" if fold(name).startswith("nhom giai phap") else "nhiệm vụ"
            records.groups.append(
                PlanGroup(document_id, appendix, group_code, kind, name, len(records.groups) + 1, row.locator)
            )
            last_total = None
        elif _TASK_NO.match(number) and name:
            records.items.append(_task(row, layout, document_id, appendix, group_code, number, name, records))
            last_total = None
        elif _is_total_label(name or number):
            totals = _total_row(row, layout, document_id, appendix, records.issues)
            records.totals.extend(totals)
            last_total = next((t for t in totals if t.measure == "state_budget"), None)
        elif _is_words_row(row) and last_total is not None:
            words, amount, error = _words(next(t for t in row.texts if t))
            last_total.words_text = words
            last_total.words_amount_mvnd = amount
            last_total.words_parse_error = error
            # The digits stay where they are printed; the words' own line is kept apart, so a check
            # of words against digits can point at each.
            last_total.words_locator = row.locator
        else:
            records.issues.append(_unrecognised(row, document_id, appendix))
    records.table.row_count = len(records.items) + len(records.groups)
    return records


def _task(
    row: Row,
    layout: TableLayout,
    document_id: str,
    appendix: str,
    group_code: str | None,
    number: str,
    name: str,
    records: TableRecords,
) -> PlanItem:
    number = number.rstrip(".")
    period_text = one_line(_cell(row, layout, "period") or "") or None
    period = parse_period(period_text or "")
    state = _amount(
        _cell(row, layout, "state_budget"),
        document_id,
        "NSNN",
        _cell_locator(row, layout, "state_budget"),
        records.issues,
    )
    other = _amount(
        _cell(row, layout, "other_budget"),
        document_id,
        "nguồn khác",
        _cell_locator(row, layout, "other_budget"),
        records.issues,
    )
    total = (
        _amount(
            _cell(row, layout, "total"),
            document_id,
            "tổng",
            _cell_locator(row, layout, "total"),
            records.issues,
        )
        if "total" in layout.columns
        else None
    )
    parent = number.rsplit(".", 1)[0] if "." in number else None
    return _plan_item(
        document_id=document_id,
        appendix=appendix,
        item_level="task",
        group_code=group_code,
        item_no=number,
        parent_item_no=parent,
        name=name,
        period_text=period_text,
        period_start_year=period.start_year,
        period_end_year=period.end_year,
        deadline_date=period.deadline,
        deadline_text=period.deadline_text,
        milestone_date=period.milestone,
        milestone_text=period.milestone_text,
        frequency_text=period.frequency_text,
        state_budget_mvnd=state.value,
        state_budget_status=state.status,
        state_budget_text=state.text or None,
        other_budget_mvnd=other.value,
        other_budget_status=other.status,
        other_budget_text=other.text or None,
        total_mvnd=total.value if total else None,
        total_status=total.status if total else None,
        note=one_line(_cell(row, layout, "note") or "") or None,
        lead_agency=one_line(_cell(row, layout, "lead_agency") or "") or None,
        cooperating_agencies=one_line(_cell(row, layout, "cooperating_agencies") or "") or None,
        sequence=len(records.items) + 1,
        source_locator=row.locator,
    )


# The amount columns as the appendices head them: an unreadable amount is reported by these words, not by
# the column's code ("ở cột budget_2025" is nothing a reader of the document recognises).
_COLUMN_VI = {
    "state_budget": "NSNN",
    "other_sources": "nguồn khác",
    "budget_2025": "dự toán năm 2025",
    "budget_2026_2030": "dự toán giai đoạn 2026-2030",
    "total": "tổng",
}

_MEASURES_BY_ROLE = {
    "state_budget": "state_budget",
    "other_budget": "other_sources",
    "budget_2025": "budget_2025",
    "budget_2026_2030": "budget_2026_2030",
    "total": "total",
}


def _total_row(
    row: Row,
    layout: TableLayout,
    document_id: str,
    scope: str,
    issues: list[ExtractionIssue],
    label: str | None = None,
    period_texts: dict[str, str | None] | None = None,
) -> list[StatedTotal]:
    """One StatedTotal per amount column of a total (or unit) row that prints a figure."""
    totals = []
    scope_id = scope if scope.startswith("appendix_") else f"appendix_{scope}"
    label = label or one_line(_cell(row, layout, "name") or _cell(row, layout, "item_no") or "")
    for role, measure in _MEASURES_BY_ROLE.items():
        if role not in layout.columns:
            continue
        text = _cell(row, layout, role)
        amount = _amount(text, document_id, _COLUMN_VI[measure], _cell_locator(row, layout, role), issues)
        if amount.status == AMOUNT_BLANK:
            continue
        totals.append(
            StatedTotal(
                document_id=document_id,
                total_id=f"{scope_id}.total.{measure}" if "unit" not in scope_id else f"{scope_id}.{measure}",
                scope=scope_id,
                measure=measure,
                label=label,
                amount_mvnd=amount.value,
                amount_text=amount.text,
                words_text=None,
                words_amount_mvnd=None,
                words_parse_error=None,
                words_locator=None,
                period_label=(period_texts or {}).get(role),
                source_locator=_cell_locator(row, layout, role),
            )
        )
    return totals


def extract_unit_table(
    table: Table, layout: TableLayout, title: TableTitle, document_id: str
) -> TableRecords:
    """Appendix II: units (1, 2, …) and their items (1.1, …); the total row and unit rows as stated totals."""
    appendix = title.appendix_label or "II"
    records = TableRecords(_plan_table(table, layout, title, document_id, appendix))
    column_periods = {
        "budget_2025": "2025",
        "budget_2026_2030": records.table.column_period_text,
        "total": None,
    }
    for row in table.rows[layout.header_row_index + 1 :]:
        if row.is_empty() or is_column_number_row(row):
            continue
        number = (_cell(row, layout, "item_no") or "").strip().rstrip(".")
        name = one_line(_cell(row, layout, "name") or "")
        if _is_total_label(name) and not number:
            records.totals.extend(
                _total_row(row, layout, document_id, appendix, records.issues, period_texts=column_periods)
            )
            continue
        if not (_TASK_NO.match(number) and name):
            records.issues.append(_unrecognised(row, document_id, appendix))
            continue
        level = "item" if "." in number else "unit"
        parent = number.rsplit(".", 1)[0] if level == "item" else None
        amounts = {
            role: _amount(
                _cell(row, layout, role),
                document_id,
                _COLUMN_VI[role],
                _cell_locator(row, layout, role),
                records.issues,
            )
            for role in ("budget_2025", "budget_2026_2030", "total")
        }
        records.items.append(
            _plan_item(
                document_id=document_id,
                appendix=appendix,
                item_level=level,
                item_no=number,
                parent_item_no=parent,
                name=name,
                budget_2025_mvnd=amounts["budget_2025"].value,
                budget_2025_status=amounts["budget_2025"].status,
                budget_2026_2030_mvnd=amounts["budget_2026_2030"].value,
                budget_2026_2030_status=amounts["budget_2026_2030"].status,
                total_mvnd=amounts["total"].value,
                total_status=amounts["total"].status,
                note=one_line(_cell(row, layout, "note") or "") or None,
                lead_agency=one_line(_cell(row, layout, "lead_agency") or "") or None,
                sequence=len(records.items) + 1,
                source_locator=row.locator,
            )
        )
        if level == "unit":
            # A unit row states the sum of its items: keep it as a stated total too. Its cells were
            # read, and an unreadable one reported, just above: not reported a second time.
            records.totals.extend(
                _total_row(
                    row,
                    layout,
                    document_id,
                    f"appendix_{appendix}.unit.{number}",
                    [],
                    label=name,
                    period_texts=column_periods,
                )
            )
    records.table.row_count = len(records.items)
    return records


def _unrecognised(row: Row, document_id: str, appendix: str) -> ExtractionIssue:
    """A row the extraction does not understand: reported with its cells, never dropped silently."""
    return ExtractionIssue(
        document_id,
        "warning",
        "row_not_recognised",
        f"Dòng không nhận diện được trong Phụ lục {appendix}: {' | '.join(row.texts)[:200]}",
        row.locator,
    )


def _plan_item(**fields: object) -> PlanItem:
    """A PlanItem whose fields not given are None: tasks and Appendix II items fill different columns."""
    return PlanItem(**{name: fields.get(name) for name in PlanItem.__dataclass_fields__})  # type: ignore[arg-type]


def _plan_table(
    table: Table, layout: TableLayout, title: TableTitle, document_id: str, appendix: str
) -> PlanTable:
    title_period, title_start, title_end = _period_of(title.title)
    column_period, column_start, column_end = (None, None, None)
    column_period_locator = None
    if "budget_2026_2030" in layout.columns:
        header = table.rows[layout.header_row_index].cells[layout.columns["budget_2026_2030"]]
        column_period, column_start, column_end = _period_of(header.text)
        column_period_locator = header.locator if column_period else None
    return PlanTable(
        document_id=document_id,
        appendix=appendix,
        table_kind=layout.kind,
        title=title.title,
        title_period_text=title_period,
        title_period_start=title_start,
        title_period_end=title_end,
        title_period_locator=title.period_locator if title_period else None,
        unit_text=title.unit_text,
        header_text=layout.header_text,
        column_period_text=column_period,
        column_period_start=column_start,
        column_period_end=column_end,
        column_period_locator=column_period_locator,
        row_count=0,
        source_locator=f"{title.locator}; {table.locator}" if title.locator else table.locator,
    )


# --- KPI roadmap -------------------------------------------------------------------------------

_OBS_YEAR = re.compile(r"năm\s+(20\d\d)", re.IGNORECASE)
_OBS_RANK = re.compile(r"hạng\s+(\d+)(?:\s*/\s*(\d+))?", re.IGNORECASE)
_OBS_VALUE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(%|điểm)?")
_OBS_PERIOD = re.compile(r"giai đoạn\s*(20\d\d)\s*[-–]\s*(20\d\d)", re.IGNORECASE)


def extract_kpi_table(table: Table, layout: TableLayout, title: TableTitle, document_id: str) -> TableRecords:
    """KPI roadmap: targets per year column as printed, and the observations in the baseline text."""
    records = TableRecords(_plan_table(table, layout, title, document_id, "KPI"))
    for row in table.rows[layout.header_row_index + 1 :]:
        if row.is_empty() or is_column_number_row(row):
            continue
        number = (_cell(row, layout, "item_no") or "").strip().rstrip(".")
        name = one_line(_cell(row, layout, "indicator") or "")
        if not number or not name:
            continue
        for year, column in layout.year_columns():
            cell = row.cells[column] if column < len(row.cells) else None
            text = one_line(cell.text) if cell else ""
            try:
                target = parse_target(text)
            except NumberParseError:
                # Keep the cell as printed and say so; never guess a number out of a sentence.
                target = Target(text, None, None, None, None, None)
                records.issues.append(
                    ExtractionIssue(
                        document_id,
                        "warning",
                        "target_unreadable",
                        f"Không đọc được chỉ tiêu '{text}' (target is not a number)",
                        cell.locator if cell else row.locator,
                    )
                )
            has_period = target.period_start is not None
            records.kpi_targets.append(
                KpiTarget(
                    document_id=document_id,
                    indicator_no=number,
                    indicator_name=name,
                    column_label=str(year),
                    year=None if has_period else year,
                    period_start=target.period_start,
                    period_end=target.period_end,
                    target_text=text,
                    comparator=target.comparator,
                    value=target.value,
                    unit=target.unit,
                    value_status="stated"
                    if target.value is not None
                    else ("not_set" if text in {"", "-", "–", "—"} else "unreadable"),
                    source_locator=cell.locator if cell else row.locator,
                )
            )
        baseline = _cell(row, layout, "baseline")
        if baseline is not None:
            records.kpi_baselines.extend(
                parse_baseline(baseline, document_id, number, name, _cell_locator(row, layout, "baseline"))
            )
    records.table.row_count = len({t.indicator_no for t in records.kpi_targets})
    return records


def parse_baseline(
    text: str, document_id: str, indicator_no: str, indicator_name: str, locator: str
) -> list[KpiBaseline]:
    """Observations in a baseline cell, one per ';'-separated statement.

    "Năm 2023 đạt 44,95 điểm (hạng 12); Năm 2024 đạt 42,05 (hạng 12)" gives two; "Năm 2024
    chưa công bố" gives a year with no value (not published); "23" gives a value whose
    year the document does not state.
    """
    whole = one_line(text)
    observations = []
    for part in [p.strip() for p in whole.split(";") if p.strip()]:
        year_match = _OBS_YEAR.search(part)
        period_match = _OBS_PERIOD.search(part)
        rank_match = _OBS_RANK.search(part)
        rest = part
        for match in (year_match, period_match, rank_match):
            if match:
                rest = rest.replace(match.group(0), " ")
        value_match = _OBS_VALUE.search(rest)
        value = unit = None
        if value_match:
            value = parse_target(value_match.group(1)).value
            unit = value_match.group(2)
        rank = int(rank_match.group(1)) if rank_match else None
        rank_of = int(rank_match.group(2)) if rank_match and rank_match.group(2) else None
        if value is None and rank is not None:
            value, unit = rank, "hạng"
        if "chưa công bố" in part.lower():
            status = "not_published"
        elif year_match is None and period_match is None:
            status = "year_not_stated"
        else:
            status = "stated"
        observations.append(
            KpiBaseline(
                document_id=document_id,
                indicator_no=indicator_no,
                indicator_name=indicator_name,
                baseline_text=whole,
                year=int(year_match.group(1)) if year_match else None,
                period_start=int(period_match.group(1)) if period_match else None,
                period_end=int(period_match.group(2)) if period_match else None,
                value=value,
                unit=unit,
                rank=rank,
                rank_of=rank_of,
                is_approximate="khoảng" in part.lower(),
                value_status=status,
                source_locator=locator,
            )
        )
    return observations


def extract_table(
    table: Table, layout: TableLayout, preceding: list[Paragraph], document_id: str
) -> TableRecords:
    title = read_title(preceding)
    if layout.kind == TASK_BUDGET:
        return extract_task_table(table, layout, title, document_id)
    if layout.kind == KPI_ROADMAP:
        return extract_kpi_table(table, layout, title, document_id)
    return extract_unit_table(table, layout, title, document_id)


# --- Tables cut in two ---------------------------------------------------------------------------
#
# Word users cut a long appendix table (a page break, a "(tiếp theo)" line) and the second part
# often has no header row of its own. Tables are recognised by their header (columns.py), so such
# a part would be no plan table at all and its rows - half of Appendix I - would vanish without a
# word. A part is therefore joined to the plan table just before it when it plainly continues it,
# and a plan-shaped table that cannot be joined is reported, never dropped silently.

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# A short "(tiếp theo)" note may stand between the parts; more prose than this means a new table.
_MAX_PARAGRAPHS_BETWEEN = 3
_CONTINUED = "table_continued"
_NOT_READ = "table_not_read"


@dataclass
class PlanTableBlock:
    """One plan table as the document means it: possibly several tables of the model joined."""

    table: Table
    layout: TableLayout
    preceding: list[Paragraph]


def _roman_value(text: str) -> int:
    values = [_ROMAN_VALUES[letter] for letter in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _row_number(row: Row, layout: TableLayout) -> str:
    return (_cell(row, layout, "item_no") or "").strip().rstrip(".")


def _data_rows(table: Table, start: int) -> list[Row]:
    return [r for r in table.rows[start:] if not r.is_empty() and not is_column_number_row(r)]


def _numbering_follows(previous: Table, layout: TableLayout, first: Row) -> tuple[bool, str]:
    """Whether a part's first row continues the numbering of the table before it; the numbers compared."""
    last_roman: str | None = None
    last_number: list[int] | None = None
    for row in _data_rows(previous, layout.header_row_index + 1):
        number = _row_number(row, layout)
        if _ROMAN.match(number):
            last_roman = number
        elif _TASK_NO.match(number):
            last_number = [int(part) for part in number.split(".")]
    number = _row_number(first, layout)
    last_text = ", ".join(
        t for t in (last_roman, ".".join(map(str, last_number)) if last_number else None) if t
    )
    if not number and _is_total_label(one_line(_cell(first, layout, "name") or "")):
        return True, last_text  # the part holds only the total row (and its amount in words)
    if _ROMAN.match(number):
        expected = _roman_value(last_roman) + 1 if last_roman else 1
        return _roman_value(number) == expected, last_text
    if _TASK_NO.match(number):
        parts = [int(part) for part in number.split(".")]
        if last_number is None:
            return parts == [1], last_text
        # The next sibling at any level (2.4 → 2.5, 3, …) or the first child (12 → 12.1).
        following = [[*last_number[:level], last_number[level] + 1] for level in range(len(last_number))]
        return parts in [*following, [*last_number, 1]], last_text
    return False, last_text


def _why_not_continued(
    previous: PlanTableBlock, table: Table, layout: TableLayout | None, between: list[Paragraph]
) -> tuple[str, str] | None:
    """None when ``table`` continues ``previous``; otherwise why not, in Vietnamese and English."""
    label = next((p.text for p in between if _APPENDIX_LABEL.match(p.text)), None)
    if label:
        return f"có tiêu đề '{label[:40]}' ở giữa", f"a heading '{label[:40]}' stands between"
    prose = [p for p in between if p.text.strip()]
    if len(prose) > _MAX_PARAGRAPHS_BETWEEN:
        return (
            f"có {len(prose)} đoạn văn ở giữa",
            f"{len(prose)} paragraphs stand between it and {previous.table.locator}",
        )
    if table.width != previous.table.width:
        return (
            f"số cột {table.width} khác {previous.table.width} của {previous.table.locator}",
            f"{table.width} columns, {previous.table.locator} has {previous.table.width}",
        )
    if layout is not None and (layout.kind, layout.columns) != (
        previous.layout.kind,
        previous.layout.columns,
    ):
        return "tiêu đề cột khác bảng trước", f"its header differs from {previous.table.locator}"
    start = layout.header_row_index + 1 if layout is not None else 0
    rows = _data_rows(table, start)
    if not rows:
        return "bảng không có dòng dữ liệu", "it has no data row"
    follows, last = _numbering_follows(previous.table, previous.layout, rows[0])
    if not follows:
        first = _row_number(rows[0], previous.layout) or "(trống)"
        return (
            f"số thứ tự đầu tiên '{first}' không nối tiếp '{last}' của {previous.table.locator}",
            f"its first number '{first}' does not follow '{last}' of {previous.table.locator}",
        )
    return None


def _looks_like_plan_rows(table: Table) -> bool:
    """A headerless table holding numbered rows (I, 1, 2.3) or a total row, as a cut-off plan table does."""
    if table.width < 3:
        return False
    for row in table.rows:
        texts = [t.strip() for t in row.texts]
        if not texts or len([t for t in texts if t]) < 2:
            continue
        if _ROMAN.match(texts[0]) or _TASK_NO.match(texts[0]) or _is_total_label(texts[0] or texts[1]):
            return True
    return False


def plan_table_blocks(
    model: DocumentModel, document_id: str
) -> tuple[list[PlanTableBlock], list[ExtractionIssue]]:
    """The document's plan tables, parts of a cut table joined; issues for the join and for tables not read.

    A part joins the plan table just before it when nothing but a short note stands between,
    it has as many columns, its header (if it repeats one) means the same columns, and its first
    row continues the numbering (next group, next task, or the total row). Its rows keep their own
    locators, so every figure still points at the cell it was read from.
    """
    blocks: list[PlanTableBlock] = []
    issues: list[ExtractionIssue] = []
    previous: PlanTableBlock | None = None
    for table, preceding in model.iter_with_preceding_text():
        layout = recognise(table)
        if layout is None and not _looks_like_plan_rows(table):
            previous = None  # another kind of table (a signature block) ends the plan table
            continue
        if previous is not None:
            reason = _why_not_continued(previous, table, layout, preceding)
            if reason is None:
                start = layout.header_row_index + 1 if layout is not None else 0
                issues.append(
                    ExtractionIssue(
                        document_id,
                        "info",
                        _CONTINUED,
                        f"Bảng {table.locator} được đọc tiếp nối {previous.table.locator} "
                        "(table read as the continuation of the table before it)",
                        table.locator,
                    )
                )
                joined = previous.table.rows + table.rows[start:]
                previous.table = Table(joined, f"{previous.table.locator}; {table.locator}")
                continue
        else:
            reason = ("không có bảng kế hoạch nào ngay trước nó", "no plan table right before it")
        if layout is not None:
            previous = PlanTableBlock(table, layout, preceding)
            blocks.append(previous)
            continue
        # Plan-shaped rows that nothing can place: say so, with the cells a person will recognise.
        first = next((r for r in table.rows if not r.is_empty()), None)
        cells = " | ".join(t for t in (first.texts if first else []) if t)[:120]
        issues.append(
            ExtractionIssue(
                document_id,
                "error",
                _NOT_READ,
                f"Bảng {table.locator} ({len(table.rows)} dòng, bắt đầu: {cells}) không có dòng tiêu đề "
                f"và không được đọc: {reason[0]} (table not read: no header row and {reason[1]})",
                table.locator,
            )
        )
        previous = None  # a later part cannot continue a table across rows that were not read
    return blocks, issues
