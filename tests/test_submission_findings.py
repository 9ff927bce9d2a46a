"""What a finding tells the department at its cell: the value exactly as typed, and what to write
instead (department review of the error reports)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.submissions.layout import Period
from pipelines.submissions.readers import read_submission
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.rules import RULES
from pipelines.submissions.samples import filled_content
from pipelines.submissions.template import SubmissionContent, write_csv, write_plain_xlsx
from pipelines.submissions.validator import (
    BLANK_SHOWN,
    EXCEL_ERRORS,
    ValidationResult,
    cell_text,
    validate_file,
)

CORPUS = Path(__file__).parent / "submissions_corpus"
# Findings whose value is not a cell's text by design: a formula's cell shows its cached result or
# says it is a formula (SUB-V03); the Excel error value is read from the sheet XML (SUB-V13).
NOT_A_TYPED_CELL = {"SUB-V03", "SUB-V13"}


def _validate(
    tmp_path: Path, change: Callable[[SubmissionContent], None], suffix: str = ".xlsx"
) -> tuple[ValidationResult, Path]:
    reference = default_reference_data()
    content = filled_content(reference, "SYT", Period(2026, 2))
    change(content)
    path = tmp_path / f"SYT_2026-Q2{suffix}"
    if suffix == ".csv":
        write_csv(content, path)
    else:
        write_plain_xlsx(content, path)
    return validate_file(path, reference), path


def _typed(path: Path, sheet_name: str, cell_ref: str) -> str:
    """The cell's text as read from the file, whatever the validator made of it."""
    raw = read_submission(path.name, path.read_bytes())
    sheet = raw.sheet(sheet_name)
    assert sheet is not None
    letters, row_no = re.fullmatch(r"([A-Z]+)(\d+)", cell_ref).groups()  # type: ignore[union-attr]
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    cells = next((cells for n, cells in sheet.rows if n == int(row_no)), [])
    return cell_text(cells[column - 1]) if column - 1 < len(cells) else ""


def _assert_values_as_typed(result: ValidationResult, path: Path) -> None:
    for finding in result.findings:
        if finding.cell_ref is None or finding.sheet is None or finding.rule_id in NOT_A_TYPED_CELL:
            continue
        typed = _typed(path, finding.sheet, finding.cell_ref)
        assert finding.value == (typed or BLANK_SHOWN), (finding.rule_id, finding.cell_ref, finding.value)


# ── 2. "Giá trị đã ghi" is what the department typed ─────────────────────────────────────────────
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_task_number_written_with_words_is_shown_as_typed(tmp_path: Path, suffix: str) -> None:
    """It was shown 'I-Nhiệm vụ 65': the appendix glued onto what the department wrote."""
    result, path = _validate(tmp_path, lambda c: c.budget[0].update(item_no="Nhiệm vụ 65"), suffix)
    (finding,) = [f for f in result.findings if f.column == "item_no"]
    assert (finding.sheet, finding.value) == ("KinhPhi", "Nhiệm vụ 65")
    assert finding.cell_ref == ("B3" if suffix == ".xlsx" else "B13")  # a CSV row: its line number
    _assert_values_as_typed(result, path)


@pytest.mark.parametrize("column", ["appendix", "item_no"])
def test_a_blank_key_cell_is_shown_as_left_empty(tmp_path: Path, column: str) -> None:
    """It was shown '?-65' or 'I-?'."""
    result, path = _validate(tmp_path, lambda c: c.budget[0].update({column: None}))
    assert result.findings and not any("?" in (f.value or "") for f in result.findings)
    _assert_values_as_typed(result, path)
    if column == "item_no":
        (finding,) = [f for f in result.findings if f.column == "item_no"]
        assert (finding.cell_ref, finding.value) == ("B3", "(để trống)")


def test_a_second_row_of_a_task_shows_its_own_cell_and_says_the_key_in_words(tmp_path: Path) -> None:
    def twice(c: SubmissionContent) -> None:
        c.progress.append(dict(c.progress[0], item_no="39."))  # 39 again, written '39.'

    result, path = _validate(tmp_path, twice)
    (finding,) = result.findings
    assert (finding.rule_id, finding.value) == ("SUB-C05", "39.")
    assert finding.expected == "chỉ một dòng cho Phụ lục I, STT 39 (đã có ở dòng 3)"
    _assert_values_as_typed(result, path)


SINGLE_FILE_RULES = sorted(set(RULES) - {"SUB-A01", "SUB-X01", "SUB-F04"})


@pytest.mark.parametrize("rule_id", SINGLE_FILE_RULES)
def test_every_corpus_finding_at_a_cell_shows_the_cell_as_typed(rule_id: str) -> None:
    (path,) = [p for p in (CORPUS / rule_id).iterdir() if p.name != "manifest.csv"]
    result = validate_file(path, default_reference_data())
    if path.suffix in (".xlsx", ".csv") and result.file_format:
        _assert_values_as_typed(result, path)
    assert all(f.value not in EXCEL_ERRORS or f.rule_id == "SUB-V13" for f in result.findings)
