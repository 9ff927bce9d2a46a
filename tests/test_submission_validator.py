"""The validator's own workings: what it costs per row does not grow with the findings already made."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipelines.submissions.layout import Period
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.rules import FATAL
from pipelines.submissions.samples import pasted_sheet_workbook
from pipelines.submissions.validator import ValidationResult, check_receipt_day, validate_bytes

PASTED_ROWS = 20_000


def test_a_large_pasted_sheet_is_validated_without_recounting_the_findings_per_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Operator review: each row asked ``fatal_count``, which counts every finding so far, so a sheet
    of 50.000 pasted rows (one fatal finding a row) took 8 minutes in ``nq57 validate``. No timed
    assert (speed is bench/submissions.py's): the count is asked a fixed number of times, whatever
    the rows, and every row still says whether it has a fatal finding."""
    reference = default_reference_data()
    data = pasted_sheet_workbook(reference, PASTED_ROWS)
    counted = {"calls": 0}
    recount = ValidationResult.fatal_count.fget
    assert recount is not None

    def counting(result: ValidationResult) -> int:
        counted["calls"] += 1
        return recount(result)

    monkeypatch.setattr(ValidationResult, "fatal_count", property(counting))
    result = validate_bytes("SYT_2026-Q2.xlsx", data, reference)

    assert counted["calls"] <= 3  # was 2 per row: 40.006 here
    assert len(result.budget_rows) == PASTED_ROWS
    fatal_rows = {(f.sheet, f.row_no) for f in result.findings if f.severity == FATAL}
    assert len(fatal_rows) > PASTED_ROWS - 10  # every repeat of the agency's rows is a duplicate
    # The same answer as counting: a row has a fatal finding exactly when one is at that row.
    assert [r.has_fatal for r in result.budget_rows] == [
        (r.sheet, r.row_no) in fatal_rows for r in result.budget_rows
    ]
    assert result.status == "rejected"


# ── the checks against the day a file was received (SUB-H08, SUB-H09) ─────────────────────────────
@pytest.mark.parametrize(
    ("received", "rule_ids"),
    [
        (date(2026, 12, 20), ["SUB-H09"]),  # the brief's case: SYT_2026-Q4.xlsx sent on 20/12/2026
        (date(2026, 12, 31), ["SUB-H09"]),
        (date(2027, 1, 1), []),
        (date(2026, 9, 30), ["SUB-H08"]),
    ],
)
def test_a_q4_report_is_early_up_to_the_31st_of_december(received: date, rule_ids: list[str]) -> None:
    """Q4 ends in another month and year than it began: 31/12, the next quarter begins on 1 January."""
    result = ValidationResult("SYT_2026-Q4.xlsx", period=Period(2026, 4), period_cell=(5, 3))
    check_receipt_day(result, received)
    assert result.rule_ids() == rule_ids
    if rule_ids == ["SUB-H09"]:
        (finding,) = result.findings
        assert finding.cell_ref == "C5" and finding.expected == (
            f"số liệu cả quý, gửi lại từ ngày 01/01/2027: báo cáo Quý 4/2026 nhận ngày {received:%d/%m/%Y}, "
            "khi quý chưa kết thúc (quý kết thúc hết ngày 31/12/2026)"
        )


def test_without_a_period_no_receipt_day_check_is_made() -> None:
    """An unreadable file or a period already fatal (SUB-H03/H04): nothing to compare the day with."""
    result = ValidationResult("SYT_2026-Q4.xlsx")
    check_receipt_day(result, datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
    assert result.findings == []
