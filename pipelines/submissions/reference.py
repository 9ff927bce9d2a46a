"""What a submission is checked against, behind one small interface: ``ReferenceData``.

Built from the plan document (tasks, their periods and planned amounts, via the document
extraction) and the curated dbt seeds (agencies, lead agency per task, indicators and the agency that
reports each, funding sources).
Tests build it the same way from the shipped document and seeds, or by hand.

``split_amount_by_year`` is THE YEAR SPLIT RULE, the same rule the dbt model
``int_budget_plan__year_split`` implements in SQL: one function here, so the "allocated above plan"
check (SUB-X03) and the marts never disagree about a task's plan for a year.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipelines.submissions.layout import PLAN_FIRST_YEAR, PLAN_LAST_YEAR

STATE_BUDGET = "state"  # NSNN
OTHER_BUDGET = "other"  # every non-state source together (the plan gives one "other" figure)
# Lead agency codes meaning "several agencies": any agency may report such a task without a warning.
SHARED_LEAD_CODES = frozenset({"NHIEU"})


def plan_years(start_year: int | None, end_year: int | None) -> list[int]:
    """The years a task's money covers: its period clamped to the plan years; no period → all of them."""
    if start_year is not None and end_year is not None:
        first, last = max(start_year, PLAN_FIRST_YEAR), min(end_year, PLAN_LAST_YEAR)
        if first <= last:
            return list(range(first, last + 1))
    return list(range(PLAN_FIRST_YEAR, PLAN_LAST_YEAR + 1))


def split_amount_by_year(amount: Decimal, years: list[int]) -> dict[int, Decimal]:
    """THE YEAR SPLIT RULE: floor(A/n) per year, the remainder one unit each to the earliest years.

    The unit is one million VND for a whole amount, else 0.001 million, so the parts are exact
    decimals that sum to the amount.
    """
    step = Decimal(1) if amount == amount.to_integral_value() else Decimal("0.001")
    units = int(amount / step)
    base, remainder = divmod(units, len(years))
    return {year: (base + (1 if index < remainder else 0)) * step for index, year in enumerate(years)}


@dataclass(frozen=True)
class TaskRef:
    appendix: str  # 'I' | 'II'
    item_no: str
    item_level: str  # 'task' | 'unit' | 'item'
    name: str
    lead_agency_code: str | None
    period_text: str | None
    deadline_date: date | None
    state_budget_mvnd: Decimal | None
    other_budget_mvnd: Decimal | None
    other_funding_source_code: str | None  # kind of the "other" money, from the note (template prefill)
    source_locator: str | None


@dataclass(frozen=True)
class IndicatorRef:
    indicator_no: str
    indicator_code: str
    name_vi: str
    unit: str | None
    direction: str | None
    valid_min: Decimal | None
    valid_max: Decimal | None


@dataclass(frozen=True)
class FundingSourceRef:
    code: str
    name_vi: str
    is_state_budget: bool
    note_pattern: str | None


@dataclass
class ReferenceData:
    tasks: dict[tuple[str, str], TaskRef]
    agencies: dict[str, str]  # code → name
    indicators: dict[str, IndicatorRef]  # indicator_code → indicator
    funding_sources: dict[str, FundingSourceRef]
    # (appendix, item_no, STATE_BUDGET | OTHER_BUDGET, year) → planned million VND
    plan_by_task_year: dict[tuple[str, str, str, int], Decimal] = field(default_factory=dict)
    document_id: str | None = None
    # indicator_code → the agency that reports it (seed map_indicator_agency; curated, see its review notes)
    indicator_agency: dict[str, str] = field(default_factory=dict)

    def tasks_led_by(self, agency_code: str) -> list[TaskRef]:
        return [
            t for t in self.tasks.values() if t.lead_agency_code == agency_code and t.item_level != "unit"
        ]

    def indicators_reported_by(self, agency_code: str) -> list[IndicatorRef]:
        """The indicators an agency reports (map_indicator_agency), in roadmap order; often none."""
        codes = {code for code, agency in self.indicator_agency.items() if agency == agency_code}
        chosen = [i for i in self.indicators.values() if i.indicator_code in codes]
        return sorted(chosen, key=lambda i: int(i.indicator_no) if i.indicator_no.isdigit() else 0)

    def plan_for(self, appendix: str, item_no: str, is_state_budget: bool, year: int) -> Decimal | None:
        """Planned amount for a task, source kind and year; None when the plan gives none (e.g. '-')."""
        kind = STATE_BUDGET if is_state_budget else OTHER_BUDGET
        return self.plan_by_task_year.get((appendix, item_no, kind, year))

    def funding_source_code(self, text: str) -> str | None:
        """A funding source as people write it: the code, the name, or 'CODE - name'."""
        from pipelines.submissions.layout import fold_key

        wanted = fold_key(text)
        head = fold_key(text.split(" - ")[0]) if " - " in text else wanted
        for source in self.funding_sources.values():
            if wanted in (fold_key(source.code), fold_key(source.name_vi)) or head == fold_key(source.code):
                return source.code
        return None


# ── Building it from the plan document and the seeds ────────────────────────────────────────
def _decimal(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


def _read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    with (seeds_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {k: unicodedata.normalize("NFC", v or "") for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def _other_source(note: str | None, sources: dict[str, FundingSourceRef]) -> str | None:
    """Same as the dbt model int_plan_items__other_funding: longest matching note pattern wins."""
    folded = unicodedata.normalize("NFC", note or "").casefold()
    matches = [
        s
        for s in sources.values()
        if not s.is_state_budget and s.note_pattern and s.note_pattern.casefold() in folded
    ]
    if matches:
        return max(matches, key=lambda s: (len(s.note_pattern or ""), s.code)).code
    catch_all = [s.code for s in sources.values() if not s.is_state_budget and not s.note_pattern]
    return min(catch_all) if catch_all else None


def _add_split(plan: dict, key: tuple[str, str, str], amount: Decimal | None, years: list[int]) -> None:
    if amount is None:
        return
    for year, part in split_amount_by_year(amount, years).items():
        full_key = (*key, year)
        plan[full_key] = plan.get(full_key, Decimal(0)) + part


def build_reference_data(
    plan_items: list, plan_tables: list, seeds_dir: Path, document_id: str | None = None
):
    """ReferenceData from extracted PlanItem / PlanTable records and the seed CSV files."""
    agencies = {r["agency_code"]: r["agency_name"] for r in _read_seed(seeds_dir, "ref_agency")}
    leads = {
        (r["appendix"], r["item_no"]): r["lead_agency_code"] or None
        for r in _read_seed(seeds_dir, "map_task_classification")
    }
    indicators = {
        r["indicator_code"]: IndicatorRef(
            r["indicator_no"],
            r["indicator_code"],
            r["name_vi"],
            r["unit"] or None,
            r["direction"] or None,
            _decimal(r["valid_min"]),
            _decimal(r["valid_max"]),
        )
        for r in _read_seed(seeds_dir, "ref_indicator")
    }
    indicator_agency = {
        r["indicator_code"]: r["agency_code"]
        for r in _read_seed(seeds_dir, "map_indicator_agency")
        if r["indicator_code"] and r["agency_code"]
    }
    sources = {
        r["funding_source_code"]: FundingSourceRef(
            r["funding_source_code"],
            r["name_vi"],
            r["is_state_budget"].strip().lower() == "true",
            r["note_pattern"] or None,
        )
        for r in _read_seed(seeds_dir, "ref_funding_source")
    }
    column_period = [(t.column_period_start, t.column_period_end) for t in plan_tables if t.appendix == "II"]
    ii_start, ii_end = column_period[0] if column_period and column_period[0][0] else (2026, 2030)

    tasks: dict[tuple[str, str], TaskRef] = {}
    plan: dict[tuple[str, str, str, int], Decimal] = {}
    units_with_items = {i.parent_item_no for i in plan_items if i.appendix == "II" and i.item_level == "item"}
    for item in plan_items:
        key = (item.appendix, item.item_no)
        tasks[key] = TaskRef(
            item.appendix,
            item.item_no,
            item.item_level,
            item.name,
            leads.get(key),
            item.period_text,
            item.deadline_date,
            item.state_budget_mvnd,
            item.other_budget_mvnd,
            _other_source(item.note, sources) if item.other_budget_mvnd is not None else None,
            item.source_locator,
        )
        if item.appendix == "I":
            years = plan_years(item.period_start_year, item.period_end_year)
            _add_split(plan, (*key, STATE_BUDGET), item.state_budget_mvnd, years)
            _add_split(plan, (*key, OTHER_BUDGET), item.other_budget_mvnd, years)
        elif item.item_level == "item" or item.item_no not in units_with_items:
            # Appendix II: the 2025 column is that year's amount; the 2026–2030 column is split.
            targets = [key] + ([("II", item.parent_item_no)] if item.parent_item_no else [])
            for target in targets:
                _add_split(plan, (*target, STATE_BUDGET), item.budget_2025_mvnd, [2025])
                _add_split(
                    plan, (*target, STATE_BUDGET), item.budget_2026_2030_mvnd, plan_years(ii_start, ii_end)
                )
    return ReferenceData(tasks, agencies, indicators, sources, plan, document_id, indicator_agency)


def load_reference_data(documents_dir: Path | None = None, seeds_dir: Path | None = None) -> ReferenceData:
    """From the plan document in force in raw/documents and dbt_project/seeds.

    The plan is chosen as the refresh chooses it (``extract.run.extract_folder``: the manifest, the
    document dates, a copy cut short set aside), so ``nq57 validate`` and ``nq57 template`` check a
    file against the plan the refresh will check it against: with an amended plan beside the first,
    they took the first by file name and told a department its allocation was above a superseded plan.
    """
    from pipelines.extract.plan_document import RESOLUTION
    from pipelines.extract.run import extract_folder
    from pipelines.paths import DBT_PROJECT_DIR
    from pipelines.paths import documents_dir as default_documents_dir

    documents_dir = documents_dir or default_documents_dir()
    seeds_dir = seeds_dir or DBT_PROJECT_DIR / "seeds"
    run = extract_folder(documents_dir)  # no cache: reading it must not write the refresh's state
    for result in run.results:
        if result.document_kind == RESOLUTION and any(i.appendix == "I" for i in result.plan_items):
            return build_reference_data(result.plan_items, result.plan_tables, seeds_dir, result.document_id)
    raise FileNotFoundError(f"{documents_dir}: no plan document in force with Appendix I tasks")


@functools.cache
def default_reference_data() -> ReferenceData:
    """The shipped document and seeds, read once per process (tests, benchmark)."""
    return load_reference_data()
