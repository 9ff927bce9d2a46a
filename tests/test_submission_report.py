"""The error report: the xlsx a civil servant opens reads Vietnamese only; the csv analysts script
against keeps its codes and English and gains the Vietnamese words of the xlsx (department review)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from pipelines.submissions import layout
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.report import (
    CSV_COLUMNS,
    XLSX_COLUMNS,
    report_csv_text,
    report_xlsx_bytes,
)
from pipelines.submissions.rules import RULES
from pipelines.submissions.validator import ValidationResult, validate_file
from tests.corpus_rules import CORPUS, SINGLE_FILE_RULES

DOCS = Path(__file__).resolve().parents[1] / "docs" / "submissions.md"
# What an analyst's script read before the department review: kept, in this order.
CSV_COLUMNS_BEFORE = (
    "sheet",
    "row",
    "column",
    "cell",
    "value_provided",
    "expected",
    "rule_id",
    "severity",
    "message_vi",
    "message_en",
)

ALL_CODES = {c.code for columns in layout.SHEET_COLUMNS.values() for c in columns} | {
    key for key, _ in layout.INFO_FIELDS
}


def _corpus_result(rule_id: str) -> ValidationResult:
    (path,) = [p for p in (CORPUS / rule_id).iterdir() if p.name != "manifest.csv"]
    return validate_file(path, default_reference_data())


def _xlsx(result: ValidationResult) -> tuple[list[tuple], list[dict[str, object]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(report_xlsx_bytes(result)))
    assert workbook.sheetnames == ["TomTat", "ChiTiet"]
    summary = list(workbook["TomTat"].iter_rows(values_only=True))
    header, *rows = workbook["ChiTiet"].iter_rows(values_only=True)
    assert header == XLSX_COLUMNS
    return summary, [dict(zip(header, row, strict=True)) for row in rows]


def _csv(result: ValidationResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report_csv_text(result))))


def test_excel_names_the_column_as_the_template_prints_it_with_the_cell() -> None:
    summary, (row,) = _xlsx(_corpus_result("SUB-V11"))
    assert row["Trang tính"] == "KinhPhi" and row["Dòng"] == 3 and row["Ô"] == "F3"
    assert row["Cột"] == "Giải ngân lũy kế từ đầu năm đến hết kỳ (triệu đồng)"
    assert row["Mức độ"] == "nghiêm trọng"
    assert row["Nội dung lỗi"] == RULES["SUB-V11"].message_vi
    assert row["Mã quy tắc"] == "SUB-V11"  # the small reference to docs/submissions.md, last
    assert XLSX_COLUMNS[-1] == "Mã quy tắc"
    assert summary[0] == ("BÁO CÁO KIỂM TRA TỆP BÁO CÁO", None)


@pytest.mark.parametrize(
    ("rule_id", "label", "severity"),
    [
        ("SUB-C02", "STT nhiệm vụ", "nghiêm trọng"),
        ("SUB-X02", "Giải ngân lũy kế từ đầu năm đến hết kỳ (triệu đồng)", "cảnh báo"),
        ("SUB-H03", "Kỳ báo cáo (năm-quý, ví dụ 2026-Q2)", "nghiêm trọng"),  # the info sheet's label
    ],
)
def test_excel_labels_and_severities(rule_id: str, label: str, severity: str) -> None:
    _, (row,) = _xlsx(_corpus_result(rule_id))
    assert (row["Cột"], row["Mức độ"]) == (label, severity)


@pytest.mark.parametrize("rule_id", SINGLE_FILE_RULES)
def test_excel_report_has_no_english_and_no_code_names(rule_id: str) -> None:
    """Every bad file of the corpus: no English message, no severity code, no column code as a header
    or a column name, no English title."""
    result = _corpus_result(rule_id)
    summary, rows = _xlsx(result)
    cells = [str(v) for row in summary for v in row if v is not None]
    cells += [str(v) for row in rows for v in row.values() if v is not None]
    english = {f.message_en for f in result.findings}
    assert not any(message in cell for message in english for cell in cells)
    assert not {"fatal", "warning", "message_en", "value_provided"} & set(cells)
    assert not ALL_CODES & {str(row["Cột"]) for row in rows}
    assert not any("(submission validation report)" in cell for cell in cells)


@pytest.mark.parametrize("rule_id", ["SUB-F01", "SUB-F02", "SUB-F03", "SUB-E01"])
def test_a_file_that_cannot_be_read_is_explained_in_vietnamese_and_kept_whole_in_the_csv(
    rule_id: str,
) -> None:
    result = _corpus_result(rule_id)
    (finding,) = result.findings
    vietnamese, english = finding.value.split(" / ", 1)
    _, (row,) = _xlsx(result)
    assert row["Giá trị đã ghi"] == vietnamese and english not in str(row["Giá trị đã ghi"])
    (line,) = _csv(result)
    assert line["value_provided"] == finding.value  # nothing lost for the analysts


def test_csv_keeps_its_columns_and_adds_the_vietnamese_ones_at_the_end() -> None:
    assert CSV_COLUMNS[: len(CSV_COLUMNS_BEFORE)] == CSV_COLUMNS_BEFORE
    assert CSV_COLUMNS[len(CSV_COLUMNS_BEFORE) :] == ("severity_vi", "column_label_vi")
    result = _corpus_result("SUB-V11")
    (line,) = _csv(result)
    assert tuple(line) == CSV_COLUMNS
    assert (line["column"], line["severity"], line["message_en"]) == (
        "disbursed_cumulative_mvnd",
        "fatal",
        RULES["SUB-V11"].message_en,
    )
    # the same words as the xlsx
    _, (row,) = _xlsx(result)
    assert (line["severity_vi"], line["column_label_vi"]) == (row["Mức độ"], row["Cột"])
    assert (line["cell"], line["value_provided"], line["expected"]) == (
        row["Ô"],
        row["Giá trị đã ghi"],
        row["Giá trị cần có"],
    )


def test_a_clean_file_s_csv_has_the_new_columns_empty() -> None:
    (line,) = _csv(ValidationResult("SYT_2026-Q2.xlsx"))
    assert tuple(line) == CSV_COLUMNS
    assert line["message_vi"].startswith("Không phát hiện lỗi nào")
    assert line["severity_vi"] == line["column_label_vi"] == ""


def test_docs_name_every_csv_column() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert all(f"`{column}`" in docs for column in CSV_COLUMNS)
    assert all(label in docs for label in XLSX_COLUMNS)


def test_a_renamed_sheet_still_gets_the_template_s_labels() -> None:
    assert layout.column_label("Kinh phi", "item_no") == "STT nhiệm vụ"
    assert layout.column_label("ThongTin", "agency_code") == "Mã cơ quan báo cáo"
    assert layout.column_label(None, None) == ""
