"""The earlier cumulative figures `nq57 validate` compares a file with (SUB-X01), read from the raw tables."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl

from pipelines.submissions.history import history_from_raw_tables
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.layout import Period
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.validator import validate_file
from tests.sample_marks import retyped_as_real

CORPUS = Path(__file__).parent / "submissions_corpus"
SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"


def _first_budget_row(path: Path) -> tuple[str, str, str, Decimal]:
    """(appendix, item_no, funding source, cumulative disbursement) of the KinhPhi sheet's first row."""
    sheet = openpyxl.load_workbook(path, read_only=True)["KinhPhi"]
    codes = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))  # row 1: labels, row 2: codes
    first = dict(zip(codes, next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)), strict=False))
    return (
        str(first["appendix"]),
        str(first["item_no"]),
        str(first["funding_source"]),  # the code typed in the sheet, as the validator reads it
        Decimal(str(first["disbursed_cumulative_mvnd"])),
    )


def test_history_keeps_samples_apart_from_real_reports(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(CORPUS / "SUB-X01" / "SYT_2026-Q1.xlsx", inbox)  # a sample (its info sheet says so)
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    history = history_from_raw_tables(tmp_path / "raw")
    appendix, item, source, disbursed = _first_budget_row(CORPUS / "SUB-X01" / "SYT_2026-Q1.xlsx")
    q2 = Period(2026, 2)
    assert history.previous_cumulative("SYT", q2, appendix, item, source, is_sample=True) == (
        disbursed,
        "2026-Q1",
        "SYT_2026-Q1.xlsx",
    )
    assert history.previous_cumulative("SYT", q2, appendix, item, source, is_sample=False) is None
    # `nq57 validate` on the sample Q2 (below Q1) still finds SUB-X01 against the sample Q1.
    result = validate_file(CORPUS / "SUB-X01" / "SYT_2026-Q2.xlsx", default_reference_data(), history)
    assert [f.rule_id for f in result.findings] == ["SUB-X01"]


def test_validate_says_a_sample_would_not_replace_the_departments_own_report(tmp_path: Path) -> None:
    """`nq57 validate` on a sample for a quarter the department has reported: SUB-X04, as ingestion."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    retyped_as_real(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", default_reference_data())
    history = history_from_raw_tables(tmp_path / "raw")
    assert history.real_report("SYT", Period(2026, 1)) == "SYT_2026-Q1.xlsx"
    assert history.real_report("SYT", Period(2026, 2)) is None
    result = validate_file(SAMPLES / "SYT_2026-Q1.xlsx", default_reference_data(), history)
    (finding,) = [f for f in result.findings if f.rule_id == "SUB-X04"]
    assert finding.severity == "fatal" and "SYT_2026-Q1.xlsx" in (finding.expected or "")
    assert result.exit_code == 2
    # A sample with no real report for its quarter is checked as before.
    other = validate_file(SAMPLES / "STC_2026-Q1.xlsx", default_reference_data(), history)
    assert "SUB-X04" not in other.rule_ids()
