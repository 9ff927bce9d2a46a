"""Records from the plan's tables: Appendix I (tasks), Appendix II (units/items), KPI roadmap."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.document_model import Paragraph, Row, Table
from pipelines.extract.columns import KPI_ROADMAP, TASK_BUDGET, TableLayout, is_column_number_row
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
    for paragraph in preceding[start + 1 :]:
        text = paragraph.text.strip()
        if text.startswith("(") or _UNIT_LABEL.match(text) or set(text) <= {"_", "-", " "}:
            break
        title_lines.append(text)
    return TableTitle(label, " ".join(title_lines) or None, unit, preceding[start].locator)


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
            last_total.source_locator = f"{last_total.source_locator}; {row.locator}"
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
        amount = _amount(text, document_id, measure, _cell_locator(row, layout, role), issues)
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
                _cell(row, layout, role), document_id, role, _cell_locator(row, layout, role), records.issues
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
            # A unit row states the sum of its items: keep it as a stated total too.
            records.totals.extend(
                _total_row(
                    row,
                    layout,
                    document_id,
                    f"appendix_{appendix}.unit.{number}",
                    records.issues,
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
    if "budget_2026_2030" in layout.columns:
        header = table.rows[layout.header_row_index].cells[layout.columns["budget_2026_2030"]].text
        column_period, column_start, column_end = _period_of(header)
    return PlanTable(
        document_id=document_id,
        appendix=appendix,
        table_kind=layout.kind,
        title=title.title,
        title_period_text=title_period,
        title_period_start=title_start,
        title_period_end=title_end,
        unit_text=title.unit_text,
        header_text=layout.header_text,
        column_period_text=column_period,
        column_period_start=column_start,
        column_period_end=column_end,
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
