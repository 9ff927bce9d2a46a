"""Reference data from the shipped document and seeds, and THE YEAR SPLIT RULE."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

from pipelines.submissions.reference import (
    default_reference_data,
    load_reference_data,
    plan_years,
    split_amount_by_year,
)

DOCUMENTS = Path(__file__).resolve().parents[1] / "raw" / "documents"


def test_year_split_whole_amount_remainder_to_earliest_years() -> None:
    parts = split_amount_by_year(Decimal(47000), list(range(2025, 2031)))
    assert parts == {2025: 7834, 2026: 7834, 2027: 7833, 2028: 7833, 2029: 7833, 2030: 7833}
    assert sum(parts.values()) == 47000


def test_year_split_fractional_amount_in_thousandths() -> None:
    parts = split_amount_by_year(Decimal("10.001"), [2026, 2027, 2028])
    assert parts == {2026: Decimal("3.334"), 2027: Decimal("3.334"), 2028: Decimal("3.333")}
    assert sum(parts.values()) == Decimal("10.001")


def test_plan_years_clamped_and_defaulted() -> None:
    assert plan_years(2026, 2030) == [2026, 2027, 2028, 2029, 2030]
    assert plan_years(2024, 2026) == [2025, 2026]
    assert plan_years(None, None) == list(range(2025, 2031))
    assert plan_years(2031, 2035) == list(range(2025, 2031))


def test_reference_data_from_document_and_seeds() -> None:
    reference = default_reference_data()
    tasks = [t for t in reference.tasks.values() if t.appendix == "I"]
    assert len(tasks) == 85
    assert reference.tasks[("I", "39")].lead_agency_code == "SYT"
    assert reference.plan_for("I", "39", True, 2025) == Decimal(7834)
    assert reference.plan_for("I", "1", True, 2025) is None  # task 1 runs 2026–2030
    # to be determined ('-') is no plan, not a zero plan
    assert all(reference.plan_for("I", n, True, 2026) is None for n in ("57", "58", "59", "78"))
    state_total = sum(
        v for (a, _, kind, _), v in reference.plan_by_task_year.items() if a == "I" and kind == "state"
    )
    assert state_total == Decimal(5_861_734)
    # Appendix II: a unit's plan is the sum of its items (the unit row itself disagrees, GUIDE §2)
    assert reference.plan_for("II", "1", True, 2025) == Decimal(6600)
    assert {"PII_SCORE", "DTI_RANK"} <= set(reference.indicators)
    assert reference.funding_source_code("NSNN - Ngân sách nhà nước") == "NSNN"
    assert reference.funding_source_code("ngân sách nhà nước") == "NSNN"


def _with_revision(tmp_path: Path, text: str, date: str) -> Path:
    """The shipped documents and manifest, plus a plan ``text`` listed as "NQ sua doi.txt" dated ``date``."""
    docs = tmp_path / "documents"
    shutil.copytree(DOCUMENTS, docs)
    (docs / "NQ sua doi.txt").write_text(text, encoding="utf-8")
    with (docs / "manifest.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["NQ sua doi.txt", "resolution", "", "Long An", date, "", "", "", ""])
    return docs


def test_validate_and_template_use_the_plan_the_refresh_uses(tmp_path: Path) -> None:
    """Operator review (session 14): with an amended plan (task 68: 258.983 → 288.983) beside the first,
    the refresh used the amendment and `nq57 validate` the first by file name, telling a department
    its allocation was above a plan no longer in force (SUB-X03)."""
    text = (DOCUMENTS / "000_a74ee38357d31740.txt").read_text(encoding="utf-8")
    assert text.count("\t258.983") == 1  # task 68's state budget (Appendix I)
    amended = _with_revision(tmp_path / "amended", text.replace("\t258.983", "\t288.983"), "2025-09")
    reference = load_reference_data(amended)
    assert reference.document_id == "NQ sua doi"
    # 288.983 over 2025-2030 by the year split rule: 48.164 in 2026 (the first plan's 258.983: 43.164).
    assert reference.plan_for("I", "68", True, 2026) == Decimal(48164)
    # A later copy cut short is not the plan: the refresh sets it aside, so does this.
    cut = _with_revision(
        tmp_path / "cut", text[: text.index("\n\t40\n", text.index("Phụ lục I\n"))], "2025-10"
    )
    assert load_reference_data(cut).document_id == "000_a74ee38357d31740"
