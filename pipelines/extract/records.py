"""Records the document logic extracts, and the raw tables they become.

Every record carries ``document_id`` and ``source_locator`` (lines for txt, page for
pdf, table/row/cell for docx) so each figure can be traced to the cell it came from.
Amounts are ``Decimal`` in million VND (suffix ``_mvnd``); an amount that is absent or
"to be determined" is ``None`` with a status column saying which.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

# Status of an amount cell, as printed.
AMOUNT_STATED = "stated"  # digits printed (including a printed 0)
AMOUNT_TBD = "to_be_determined"  # "-": to be determined, never zero
AMOUNT_BLANK = "blank"  # empty cell: no amount from this source


@dataclass
class PlanGroup:
    document_id: str
    appendix: str  # 'I'
    group_code: str  # 'I'..'XII' as printed
    group_kind: str  # 'nhiệm vụ' | 'giải pháp' (from "Nhóm nhiệm vụ…" / "Nhóm giải pháp…")
    name: str
    sequence: int  # order in the appendix, 1-based
    source_locator: str


@dataclass
class PlanItem:
    """One task (Appendix I) or one unit / item (Appendix II)."""

    document_id: str
    appendix: str  # 'I' | 'II'
    item_level: str  # 'task' | 'unit' | 'item'
    group_code: str | None  # Appendix I group ('VII'); None for Appendix II
    item_no: str  # as printed: '32', '1.4'
    parent_item_no: str | None  # Appendix II items: the unit number ('1')
    name: str
    period_text: str | None
    period_start_year: int | None  # parsed from period_text
    period_end_year: int | None
    deadline_date: date | None  # "hoàn thành Quý 1 năm 2026" → 2026-03-31
    deadline_text: str | None
    milestone_date: date | None  # other dated milestones ("dự kiến hoạt động Quý 1 năm 2027")
    milestone_text: str | None
    frequency_text: str | None  # "mỗi năm ít nhất 2 lần"
    state_budget_mvnd: Decimal | None
    state_budget_status: str | None  # stated | to_be_determined | blank (Appendix I)
    state_budget_text: str | None  # the cell as printed
    other_budget_mvnd: Decimal | None
    other_budget_status: str | None
    other_budget_text: str | None
    budget_2025_mvnd: Decimal | None  # Appendix II
    budget_2025_status: str | None
    budget_2026_2030_mvnd: Decimal | None
    budget_2026_2030_status: str | None
    total_mvnd: Decimal | None
    total_status: str | None
    note: str | None
    lead_agency: str | None  # from a "Cơ quan chủ trì" column when the document has one
    cooperating_agencies: str | None  # from a "Cơ quan phối hợp" column when present
    sequence: int  # order within its appendix, 1-based
    source_locator: str


@dataclass
class PlanTable:
    """One recognised table: what it is, its title and unit, and the periods its labels name.

    Kept so reconciliation can compare labels that should agree (Appendix II's title says
    2025–2028 while its column says 2026–2030).
    """

    document_id: str
    appendix: str  # 'I' | 'II' | 'KPI'
    table_kind: str  # 'task_budget' | 'unit_budget' | 'kpi_roadmap'
    title: str | None  # the title paragraphs above the table, joined
    title_period_text: str | None  # "2025 - 2028" when the title names a period
    title_period_start: int | None
    title_period_end: int | None
    title_period_locator: str | None  # the line that names the title's period
    unit_text: str | None  # "triệu đồng" from "ĐVT: triệu đồng"
    header_text: str  # header cells joined with " | "
    column_period_text: str | None  # a period named by a column header ("2026-2030")
    column_period_start: int | None
    column_period_end: int | None
    column_period_locator: str | None  # the header cell that names the column's period
    row_count: int  # data rows (excluding header)
    source_locator: str


@dataclass
class StatedTotal:
    """A figure the document states about other figures: a total row, a unit row, Part IV.

    ``scope``/``measure`` say what it totals (e.g. scope 'appendix_I', measure
    'state_budget'); reconciliation compares it with the sum it claims to be.
    """

    document_id: str
    total_id: str  # stable id, e.g. 'appendix_I.total.state_budget'
    scope: str  # 'appendix_I' | 'appendix_II' | 'appendix_II.unit.1' | 'part_IV'
    measure: str  # 'state_budget' | 'other_sources' | 'budget_2025' | 'budget_2026_2030' | 'total' | ...
    label: str  # the row or sentence label as printed ("Tổng cộng:", "Ngân sách nhà nước")
    amount_mvnd: Decimal | None
    amount_text: str | None  # digits as printed ("5.861.734", "6.529.164.000.000 đồng")
    words_text: str | None  # the amount in words as printed, when the document gives one
    words_amount_mvnd: Decimal | None  # what the words say, in million VND
    words_parse_error: str | None  # why the words could not be read as a number
    words_locator: str | None  # where the words are printed (a row below a table's total row)
    period_label: str | None  # a period the document attaches to this figure ("2025 - 2028")
    source_locator: str


@dataclass
class ContentCount:
    """'(9 nội dung)' stated in Part III.VII for one task/solution group."""

    document_id: str
    section_no: str  # '1.2', '2.4' as printed
    section_title: str
    stated_count: int
    count_text: str  # "9 nội dung", "10 chính sách"
    listed_count: int  # how many "(n)" entries follow in the prose
    appendix_group_code: str | None  # the Appendix I group this section corresponds to ('II')
    source_locator: str


@dataclass
class HeadlineTarget:
    """A numbered target of Part III.IV ("Chỉ tiêu cụ thể thực hiện đột phá"), as printed.

    Kept so reconciliation can say which of them the KPI roadmap table (Part III.V) leaves out: the
    seventh, "tối thiểu 05 cơ chế, chính sách đặc thù", has no roadmap row and no figures to follow.
    """

    document_id: str
    target_no: int  # the number printed before it (1…7)
    text: str  # the target as printed, on one line
    source_locator: str


@dataclass
class KpiTarget:
    document_id: str
    indicator_no: str  # as printed
    indicator_name: str
    column_label: str  # header of the column the value is in ('2025', ..., '2030')
    year: int | None  # the year the value is for, when it is for one year
    period_start: int | None  # period values such as TFP's "55% (Giai đoạn 2026 - 2030)"
    period_end: int | None
    target_text: str  # as printed ("≥50", "10%", "15", "-")
    comparator: str | None  # '>=', '<=', '=', '>' ; None when no value
    value: Decimal | None
    unit: str | None  # '%' when printed; else None (indicator metadata supplies it)
    value_status: str  # 'stated' | 'not_set' ("-")
    source_locator: str


@dataclass
class KpiBaseline:
    """One observation inside the KPI table's baseline text ('Năm 2023 đạt 44,95 điểm (hạng 12)')."""

    document_id: str
    indicator_no: str
    indicator_name: str
    baseline_text: str  # the whole cell as printed
    year: int | None
    period_start: int | None
    period_end: int | None
    value: Decimal | None
    unit: str | None
    rank: int | None
    rank_of: int | None  # "hạng 17/63" → 63
    is_approximate: bool  # "khoảng 50%"
    value_status: str  # 'stated' | 'not_published' ("chưa công bố") | 'year_not_stated'
    source_locator: str


@dataclass
class SlideIndicator:
    document_id: str
    section: str  # heading the indicator sits under ('1. CHÍNH QUYỀN SỐ')
    kind: str  # 'target_2025' | 'status'
    indicator_text: str  # the sentence as printed, hard line breaks joined
    scope: str | None  # a sub-scope within one sentence ('cấp huyện')
    comparator: str | None  # as printed: 'đạt' | 'trên' | 'ít nhất' | ...
    value: Decimal | None
    unit: str | None
    year: int | None
    source_locator: str


@dataclass
class ExtractionIssue:
    """Something the extraction noticed and could not or would not resolve silently."""

    document_id: str
    severity: str  # 'error' | 'warning' | 'info'
    code: str
    message: str
    source_locator: str | None = None


@dataclass
class ExtractionResult:
    document_id: str
    document_kind: str  # 'resolution' | 'slide_deck' | 'unknown'
    source_format: str
    plan_tables: list[PlanTable] = field(default_factory=list)
    plan_groups: list[PlanGroup] = field(default_factory=list)
    plan_items: list[PlanItem] = field(default_factory=list)
    stated_totals: list[StatedTotal] = field(default_factory=list)
    content_counts: list[ContentCount] = field(default_factory=list)
    headline_targets: list[HeadlineTarget] = field(default_factory=list)
    kpi_targets: list[KpiTarget] = field(default_factory=list)
    kpi_baselines: list[KpiBaseline] = field(default_factory=list)
    slide_indicators: list[SlideIndicator] = field(default_factory=list)
    issues: list[ExtractionIssue] = field(default_factory=list)

    def records(self, table: str) -> list[Any]:
        return getattr(self, _RESULT_ATTRIBUTES[table])


# Raw table name → the ExtractionResult attribute holding its records.
_RESULT_ATTRIBUTES = {
    "plan_tables": "plan_tables",
    "plan_groups": "plan_groups",
    "plan_items": "plan_items",
    "stated_totals": "stated_totals",
    "content_counts": "content_counts",
    "headline_targets": "headline_targets",
    "kpi_targets": "kpi_targets",
    "kpi_baselines": "kpi_baselines",
    "slide_indicators": "slide_indicators",
    "extraction_issues": "issues",
}


RECORD_TYPES: dict[str, type] = {
    "plan_tables": PlanTable,
    "plan_groups": PlanGroup,
    "plan_items": PlanItem,
    "stated_totals": StatedTotal,
    "content_counts": ContentCount,
    "headline_targets": HeadlineTarget,
    "kpi_targets": KpiTarget,
    "kpi_baselines": KpiBaseline,
    "slide_indicators": SlideIndicator,
    "extraction_issues": ExtractionIssue,
}


def column_names(table: str) -> list[str]:
    return [f.name for f in fields(RECORD_TYPES[table])]


def as_dict(record: Any) -> dict[str, Any]:
    return asdict(record)
