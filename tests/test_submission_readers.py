"""Readers: xlsx cells and formulas, CSV in UTF-8 and Windows-1258, sections, unreadable files."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from pipelines.submissions import layout
from pipelines.submissions.readers import SubmissionReadError, read_submission
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.samples import filled_content
from pipelines.submissions.template import to_cp1258, write_csv, write_plain_xlsx
from pipelines.submissions.validator import validate_bytes
from pipelines.submissions.xlsx_writer import Formula, xlsx_bytes


def _content():
    return filled_content(default_reference_data(), "SNNMT", layout.Period(2026, 1))


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
def test_csv_in_both_encodings_reads_the_same_as_xlsx(encoding: str) -> None:
    content = _content()
    csv_buffer, xlsx_buffer = io.BytesIO(), io.BytesIO()
    write_csv(content, csv_buffer, encoding)
    write_plain_xlsx(content, xlsx_buffer)
    reference = default_reference_data()
    from_csv = validate_bytes("SNNMT_2026-Q1.csv", csv_buffer.getvalue(), reference)
    from_xlsx = validate_bytes("SNNMT_2026-Q1.xlsx", xlsx_buffer.getvalue(), reference)
    assert from_csv.findings == [] and from_xlsx.findings == []
    assert from_csv.encoding == ("utf-8" if encoding == "utf-8" else "windows-1258")

    def strip(rows):
        return [(r.appendix, r.item_no, r.allocated_mvnd, r.disbursed_cumulative_mvnd) for r in rows]

    assert strip(from_csv.budget_rows) == strip(from_xlsx.budget_rows)
    assert [r.status_text for r in from_csv.progress_rows] == [r.status_text for r in from_xlsx.progress_rows]


def test_cp1258_writes_tone_marks_as_combining_characters_and_reads_back_as_nfc() -> None:
    data = to_cp1258("Sở Nông nghiệp và Môi trường")
    assert b"\xcc" in data or b"\xd2" in data or b"\xf2" in data  # a combining tone mark byte
    raw = read_submission(
        "x.csv", b"[ThongTin]\r\n" + to_cp1258("Nội dung,Mã,Giá trị\r\nTên,agency_name,Sở Y tế\r\n")
    )
    assert raw.encoding == "windows-1258"
    assert raw.sheets["ThongTin"].rows[1][1][2] == "Sở Y tế"


def test_csv_numbers_in_vietnamese_format() -> None:
    text = (
        "[KinhPhi]\nappendix,item_no,funding_source,allocated_mvnd,disbursed_cumulative_mvnd\n"
        'I,68,NSNN,"43.164","1.250,5"\n'
    )
    raw = read_submission("x.csv", text.encode())
    assert raw.sheets["KinhPhi"].rows[-1] == (3, ["I", "68", "NSNN", "43.164", "1.250,5"])


def test_semicolon_csv_is_read() -> None:
    raw = read_submission("x.csv", b"[ChiTieu]\nindicator_code;value\nPII_SCORE;45,3\n")
    assert raw.sheets["ChiTieu"].rows[-1][1] == ["PII_SCORE", "45,3"]


def test_formula_cells_are_found() -> None:
    data = xlsx_bytes([("KinhPhi", [["a", "b"], [1, Formula("A2*2", 2)]])])
    raw = read_submission("x.xlsx", data)
    assert raw.sheets["KinhPhi"].formula_cells == {(2, 2)}
    assert raw.sheets["KinhPhi"].rows[1][1] == [1, 2]


def test_xlsx_numbers_become_exact_decimals() -> None:
    content = _content()
    content.budget[0]["allocated_mvnd"] = Decimal("1234.567")
    buffer = io.BytesIO()
    write_plain_xlsx(content, buffer)
    result = validate_bytes("SNNMT_2026-Q1.xlsx", buffer.getvalue(), default_reference_data())
    assert result.budget_rows[0].allocated_mvnd == Decimal("1234.567")


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("a.xlsx", b"", "SUB-F01"),
        ("a.xlsx", b"PK\x03\x04broken", "SUB-F01"),
        ("a.xlsx", b"just text", "SUB-F03"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "SUB-F03"),
        ("a.pdf", b"%PDF-1.4", "SUB-F03"),
        ("a.csv", b"\x81\x8d\x90", "SUB-E01"),
    ],
)
def test_unreadable_files_raise_their_rule(name: str, data: bytes, rule: str) -> None:
    with pytest.raises(SubmissionReadError) as error:
        read_submission(name, data)
    assert error.value.rule_id == rule


def test_sheet_names_match_without_accents_or_case() -> None:
    raw = read_submission("x.xlsx", xlsx_bytes([("kinh phi", [["x"]])]))
    assert raw.sheet("KinhPhi") is not None
