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
from pipelines.submissions.rules import RULES, TEMPLATE_SOURCE_VI
from pipelines.submissions.samples import filled_content
from pipelines.submissions.template import SubmissionContent, write_csv, write_plain_xlsx
from pipelines.submissions.validator import (
    BLANK_SHOWN,
    EXCEL_ERRORS,
    ValidationResult,
    cell_text,
    validate_file,
)
from tests.corpus_rules import CORPUS, SINGLE_FILE_RULES

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


@pytest.mark.parametrize("rule_id", SINGLE_FILE_RULES)
def test_every_corpus_finding_at_a_cell_shows_the_cell_as_typed(rule_id: str) -> None:
    (path,) = [p for p in (CORPUS / rule_id).iterdir() if p.name != "manifest.csv"]
    result = validate_file(path, default_reference_data())
    if path.suffix in (".xlsx", ".csv") and result.file_format:
        _assert_values_as_typed(result, path)
    assert all(f.value not in EXCEL_ERRORS or f.rule_id == "SUB-V13" for f in result.findings)


# ── 3. Advice that says what to write ─────────────────────────────────────────────────────────────
@pytest.mark.parametrize("typed", ["Nhiệm vụ 65", "NV65", "I.65", "Nhiệm vụ số 65", "nv 65"])
def test_a_task_number_with_words_is_answered_with_the_number_to_write(tmp_path: Path, typed: str) -> None:
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(item_no=typed))
    (finding,) = result.findings
    assert (finding.rule_id, finding.cell_ref, finding.value) == ("SUB-C02", "B3", typed)
    assert finding.expected == "ghi số thứ tự bằng số, ví dụ 65 — có phải nhiệm vụ 65?"
    assert "chỉ ghi bằng số" in finding.message_vi and "'Nhiệm vụ'" in finding.message_vi


# The plan's numbers, as the resolution prints them: tasks 1-85 (Appendix I), contents 1.1-4.4 (Appendix 2).
TASK_NUMBERS = "Phụ lục I: 1…85; Phụ lục II: 1.1…4.4"


@pytest.mark.parametrize(
    ("appendix", "typed", "expected"),
    [
        # words around a number the plan does not have: no guess
        ("I", "NV 99", f"ghi số thứ tự bằng số, ví dụ 99; 99 không có trong Đề án ({TASK_NUMBERS})"),
        # no number at all
        ("I", "Nhiệm vụ mới", f"ghi số thứ tự bằng số như trong Đề án ({TASK_NUMBERS})"),
        # a number of the other appendix
        ("I", "1.2", f"{TASK_NUMBERS}; STT 1.2 có trong Phụ lục II"),
        ("I", "99", TASK_NUMBERS),
    ],
)  # fmt: skip
def test_an_unknown_task_number_says_what_the_plan_has(
    tmp_path: Path, appendix: str, typed: str, expected: str
) -> None:
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(appendix=appendix, item_no=typed))
    (finding,) = result.findings
    assert (finding.rule_id, finding.column, finding.value, finding.expected) == (
        "SUB-C02",
        "item_no",
        typed,
        expected,
    )


def test_an_empty_appendix_says_which_appendix_has_the_number(tmp_path: Path) -> None:
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(appendix=None))  # task 39
    (finding,) = result.findings
    assert (finding.rule_id, finding.cell_ref, finding.value) == ("SUB-V15", "A3", "(để trống)")
    assert finding.expected == "chưa ghi Phụ lục; ghi I hoặc II (STT 39 có trong Phụ lục I)"


def test_an_appendix_other_than_i_or_ii_is_pointed_at_in_its_own_cell(tmp_path: Path) -> None:
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(appendix="III", item_no="65"))
    (finding,) = result.findings  # the number 65 is right: not blamed
    assert (finding.rule_id, finding.cell_ref, finding.value) == ("SUB-C02", "A3", "III")
    assert finding.expected == "I hoặc II (STT 65 có trong Phụ lục I)"


def test_an_empty_funding_source_is_said_to_be_empty_with_the_codes_to_choose(tmp_path: Path) -> None:
    """It was told 'Nguồn vốn không đúng danh mục (ví dụ NSNN)' for a cell it had left empty."""
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(funding_source=None))
    (finding,) = result.findings
    assert (finding.rule_id, finding.column, finding.cell_ref, finding.value) == (
        "SUB-V15",
        "funding_source",
        "D3",
        "(để trống)",
    )
    assert finding.expected.startswith("chưa ghi nguồn vốn; chọn một trong: NSNN (Ngân sách nhà nước), ")
    for code in default_reference_data().funding_sources:
        assert code in finding.expected
    assert finding.message_vi.startswith("Chưa ghi ô bắt buộc") and "không đúng" not in finding.message_vi
    # a source that is written but not in the list is still SUB-V08, with the same list
    result, _ = _validate(tmp_path, lambda c: c.budget[0].update(funding_source="Ngân sách tỉnh"))
    (finding,) = result.findings
    assert (finding.rule_id, finding.value) == ("SUB-V08", "Ngân sách tỉnh")
    assert finding.expected.startswith("một trong: NSNN (Ngân sách nhà nước), ")


def _empty(sheet: str, column: str) -> Callable[[SubmissionContent], None]:
    def change(c: SubmissionContent) -> None:
        rows = {"KinhPhi": c.budget, "TienDo": c.progress, "ChiTieu": c.kpi}[sheet]
        rows[0][column] = None
        if sheet == "TienDo":
            rows[0].update(status="Đang thực hiện", percent_complete=20)

    return change


@pytest.mark.parametrize(
    ("sheet", "column", "cell", "expected_start"),
    [
        ("KinhPhi", "appendix", "A3", "chưa ghi Phụ lục; ghi I hoặc II"),
        ("KinhPhi", "item_no", "B3", "chưa ghi STT nhiệm vụ; ghi số thứ tự bằng số"),
        ("KinhPhi", "funding_source", "D3", "chưa ghi nguồn vốn; chọn một trong: "),
        ("TienDo", "appendix", "A3", "chưa ghi Phụ lục; ghi I hoặc II"),
        ("TienDo", "item_no", "B3", "chưa ghi STT nhiệm vụ; ghi số thứ tự bằng số"),
        ("ChiTieu", "indicator_code", "A3", "chưa ghi mã chỉ tiêu; chọn một trong: "),
    ],
)
def test_every_required_cell_left_empty_is_said_to_be_empty(
    tmp_path: Path, sheet: str, column: str, cell: str, expected_start: str
) -> None:
    reference = default_reference_data()
    content = filled_content(reference, "SKHCN", Period(2026, 2))  # SKHCN reports indicators too
    _empty(sheet, column)(content)
    path = tmp_path / "SKHCN_2026-Q2.xlsx"
    write_plain_xlsx(content, path)
    result = validate_file(path, reference)
    findings = [f for f in result.findings if f.rule_id != "SUB-C04"]  # who leads is another matter
    assert [(f.rule_id, f.sheet, f.column, f.cell_ref, f.value) for f in findings] == [
        ("SUB-V15", sheet, column, cell, "(để trống)")
    ]
    assert findings[0].expected.startswith(expected_start)


# ── 5. Where the form comes from ──────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("rule_id", ["SUB-F03", "SUB-T01"])
def test_a_message_sending_the_department_to_the_form_says_who_makes_it(rule_id: str) -> None:
    """SUB-F03 said "dùng biểu mẫu của Sở Khoa học và Công nghệ"; the form is made by the warehouse with
    `nq57 template` for each agency and quarter (docs/submissions.md), and SUB-T01 said "tải" (download)
    from nowhere."""
    message = RULES[rule_id].message_vi
    assert "Sở Khoa học và Công nghệ" not in message and "tải biểu mẫu" not in message
    assert TEMPLATE_SOURCE_VI in message
    assert "Kho dữ liệu Đề án Nghị quyết 57" in TEMPLATE_SOURCE_VI
    docs = (Path(__file__).resolve().parents[1] / "docs" / "submissions.md").read_text(encoding="utf-8")
    assert "**Where a department gets its workbook**: the warehouse team" in docs
    assert "`nq57 template` for each agency and quarter" in docs


# ── 4. A CSV saved from the form by Excel or LibreOffice: one sheet, no [sections] ────────────────
def _one_sheet_csv(sheet: str, delimiter: str, encoding: str) -> bytes:
    import csv
    import io

    from pipelines.submissions.template import sheet_rows, to_cp1258

    content = filled_content(default_reference_data(), "SYT", Period(2026, 2))
    (rows,) = [rows for name, rows in sheet_rows(content) if name == sheet]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else str(v) for v in row] for row in rows]
    )
    return to_cp1258(buffer.getvalue()) if encoding == "cp1258" else buffer.getvalue().encode(encoding)


@pytest.mark.parametrize(
    ("sheet", "delimiter", "encoding"),
    [
        ("KinhPhi", ";", "cp1258"),  # Vietnamese Excel, "CSV (Comma delimited)"
        ("KinhPhi", ",", "utf-8-sig"),  # Excel, "CSV UTF-8"
        ("ThongTin", ",", "utf-8"),  # LibreOffice, the sheet that was open
    ],
)
def test_a_one_sheet_csv_is_one_finding_asking_for_the_xlsx(
    tmp_path: Path, sheet: str, delimiter: str, encoding: str
) -> None:
    """It got four "Thiếu trang tính … Không xóa hoặc đổi tên các trang tính": nothing the department
    had done, nothing it could do."""
    path = tmp_path / "SYT_2026-Q2.csv"
    path.write_bytes(_one_sheet_csv(sheet, delimiter, encoding))
    result = validate_file(path, default_reference_data())
    (finding,) = result.findings
    assert (finding.rule_id, finding.severity, finding.sheet, finding.cell_ref) == (
        "SUB-F03",
        "fatal",
        None,
        None,
    )
    assert "Excel và LibreOffice chỉ lưu một trang tính" in finding.message_vi
    assert "không lưu sang CSV" in finding.message_vi and TEMPLATE_SOURCE_VI in finding.message_vi
    assert finding.value.startswith("tệp CSV không có mục nào của biểu mẫu ([ThongTin], [KinhPhi],")
    assert (
        finding.expected
        == "tệp .xlsx của biểu mẫu, đủ các trang tính ThongTin, KinhPhi, TienDo, ChiTieu (không lưu sang CSV)"
    )
    assert result.exit_code == 2


def test_a_csv_with_some_sections_still_names_each_missing_one(tmp_path: Path) -> None:
    from pipelines.submissions import layout

    content = filled_content(default_reference_data(), "SYT", Period(2026, 2))
    content.omit_sheets = (layout.SHEET_PROGRESS, layout.SHEET_KPI)
    path = tmp_path / "SYT_2026-Q2.csv"
    write_csv(content, path)
    result = validate_file(path, default_reference_data())
    assert [(f.rule_id, f.sheet) for f in result.findings] == [("SUB-T02", "TienDo"), ("SUB-T02", "ChiTieu")]


def test_a_missing_column_is_named_by_its_label_then_the_code_to_restore() -> None:
    """The expected text led with 'disbursed_cumulative_mvnd': the code is what row 2 must hold, the
    label is how the department knows the column."""
    result = validate_file(CORPUS / "SUB-T03" / "SYT_2026-Q2.xlsx", default_reference_data())
    (finding,) = result.findings
    assert finding.expected == (
        "cột 'Giải ngân lũy kế từ đầu năm đến hết kỳ (triệu đồng)', với mã cột disbursed_cumulative_mvnd "
        "ở dòng mã cột"
    )
