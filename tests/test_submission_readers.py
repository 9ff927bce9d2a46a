"""Readers: xlsx cells and formulas, CSV in UTF-8 and Windows-1258, unreadable and encrypted files."""

from __future__ import annotations

import codecs
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.submissions import layout
from pipelines.submissions.readers import (
    SubmissionReadError,
    is_encrypted_ooxml,
    ole_stream_names,
    read_submission,
    wide_encoding,
)
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.rules import RULES
from pipelines.submissions.samples import (
    CORPUS_PASSWORD,
    decrypt_workbook,
    encrypt_workbook,
    filled_content,
    write_corpus,
    zip_members,
)
from pipelines.submissions.template import to_cp1258, write_csv, write_plain_xlsx
from pipelines.submissions.validator import validate_bytes, validate_file
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


# ── the password-protected workbook (SUB-F02) ──────────────────────────────────────────────────
ENCRYPTED = Path(__file__).parent / "submissions_corpus" / "SUB-F02" / "SYT_2026-Q2.xlsx"


def test_password_fixture_is_really_encrypted_and_decrypts_to_a_valid_workbook() -> None:
    """The committed file is a real encrypted workbook, not a stand-in: msoffcrypto opens it."""
    import msoffcrypto.exceptions
    import olefile
    from msoffcrypto.format.ooxml import OOXMLFile

    data = ENCRYPTED.read_bytes()
    assert OOXMLFile(io.BytesIO(data)).is_encrypted()
    ole = olefile.OleFileIO(data)
    assert ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
    assert ole.get_size("EncryptedPackage") > 10_000  # the whole workbook is inside, encrypted
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        decrypt_workbook(data, "sai-mat-khau")
    plain = decrypt_workbook(data, CORPUS_PASSWORD)
    assert plain.startswith(b"PK") and b"xl/workbook.xml" in plain
    # With the password removed it is the clean corpus workbook of SYT for 2026-Q2, and validates clean.
    result = validate_bytes("SYT_2026-Q2.xlsx", plain, default_reference_data())
    assert result.findings == [] and result.agency_code == "SYT" and str(result.period) == "2026-Q2"
    assert [(r.appendix, r.item_no) for r in result.progress_rows] == [("I", "39"), ("I", "71"), ("I", "82")]
    assert result.budget_rows[0].allocated_mvnd is not None and result.is_sample is True


def test_password_protected_workbook_is_read_as_encrypted() -> None:
    data = ENCRYPTED.read_bytes()
    assert {"EncryptionInfo", "EncryptedPackage"} <= ole_stream_names(data)
    assert is_encrypted_ooxml(data)
    with pytest.raises(SubmissionReadError) as error:
        read_submission(ENCRYPTED.name, data)
    assert error.value.rule_id == "SUB-F02"


def test_password_protected_workbook_fires_sub_f02_with_its_vietnamese_message() -> None:
    result = validate_file(ENCRYPTED, default_reference_data())
    (finding,) = result.findings
    assert finding.rule_id == "SUB-F02" and finding.severity == "fatal" and result.exit_code == 2
    assert finding.message_vi == RULES["SUB-F02"].message_vi
    assert finding.message_vi.startswith("Tệp có đặt mật khẩu. Vui lòng bỏ mật khẩu")
    assert result.budget_rows == [] and result.status == "rejected"


def test_the_generator_encrypts_and_keeps_the_committed_file(tmp_path: Path) -> None:
    """The corpus script can make the file again (new salts), and leaves an equivalent one alone."""
    workbook = (ENCRYPTED.parent.parent / "SUB-F04" / "SYT_2026-Q2.xlsx").read_bytes()  # a clean workbook
    encrypted = encrypt_workbook(workbook, CORPUS_PASSWORD)
    assert is_encrypted_ooxml(encrypted) and not is_encrypted_ooxml(workbook)
    assert decrypt_workbook(encrypted, CORPUS_PASSWORD) == workbook
    assert encrypt_workbook(workbook, CORPUS_PASSWORD) != encrypted  # random salts: kept, not rewritten
    with pytest.raises(ValueError, match="too small"):
        encrypt_workbook(xlsx_bytes([("KinhPhi", [["appendix"], ["I"]])]), CORPUS_PASSWORD)
    folder = tmp_path / "corpus"
    (folder / "SUB-F02").mkdir(parents=True)
    (folder / "SUB-F02" / ENCRYPTED.name).write_bytes(ENCRYPTED.read_bytes())
    write_corpus(default_reference_data(), folder)
    assert (folder / "SUB-F02" / ENCRYPTED.name).read_bytes() == ENCRYPTED.read_bytes()
    assert validate_file(folder / "SUB-F02" / ENCRYPTED.name, default_reference_data()).rule_ids() == [
        "SUB-F02"
    ]


def test_a_compound_file_without_the_encryption_streams_is_not_called_encrypted() -> None:
    # The old stand-in: an OLE signature and the stream names in a directory the header does not point
    # to. It is not an encrypted workbook; it is answered as a legacy/unknown compound file.
    stand_in = bytearray(1024)
    stand_in[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    stand_in[512 + 128 : 512 + 128 + 34] = "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
    assert not is_encrypted_ooxml(bytes(stand_in))
    with pytest.raises(SubmissionReadError) as error:
        read_submission("a.xlsx", bytes(stand_in))
    assert error.value.rule_id == "SUB-F03"


def test_formula_cells_are_found_in_a_compressed_workbook(tmp_path: Path) -> None:
    """What Excel writes: deflated parts. The quick zip reading gives what zipfile gives."""
    import zipfile

    import openpyxl

    from pipelines.submissions.readers import _zip_parts

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KinhPhi"
    sheet.append(["allocated_mvnd", "disbursed_cumulative_mvnd"])
    sheet.append([1000, "=A2*0.4"])
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        expected = {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/")}
    assert _zip_parts(data) == expected
    assert read_submission("x.xlsx", data).sheets["KinhPhi"].formula_cells == {(2, 2)}
    # something the quick reading does not handle is left to zipfile, which reports it
    assert _zip_parts(data[:-10]) is None
    with pytest.raises(SubmissionReadError) as error:
        read_submission("x.xlsx", data[:-10])
    assert error.value.rule_id == "SUB-F01"


# ── CSV saved in the wrong encoding or with the wrong extension ──────────────────────────────────
def _csv_text() -> str:
    buffer = io.BytesIO()
    write_csv(_content(), buffer, "utf-8")
    return buffer.getvalue().decode("utf-8")


@pytest.mark.parametrize(
    ("codec", "bom", "wide"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),  # Excel 'Unicode Text'
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
        ("utf-16-le", b"", "UTF-16"),  # no byte order mark: found by its NUL bytes
        ("utf-16-be", b"", "UTF-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
        ("utf-32-le", b"", "UTF-32"),
    ],
)
def test_utf16_and_utf32_csv_are_refused_with_sub_e01(codec: str, bom: bytes, wide: str) -> None:
    data = bom + _csv_text().encode(codec)
    assert wide_encoding(data) == wide
    with pytest.raises(SubmissionReadError) as error:
        read_submission("SNNMT_2026-Q1.csv", data)
    assert error.value.rule_id == "SUB-E01" and wide in error.value.detail
    # one clear answer, not four 'missing sheet' findings from reading it as Windows-1258
    result = validate_bytes("SNNMT_2026-Q1.csv", data, default_reference_data())
    (finding,) = result.findings
    assert finding.rule_id == "SUB-E01" and "gửi chính tệp .xlsx của biểu mẫu" in finding.message_vi
    # Another Save As from Excel would keep one sheet again (SUB-F03): the form's .xlsx is the answer.
    assert "không phải CSV UTF-8: hãy gửi chính tệp .xlsx của biểu mẫu" in (finding.value or "")


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
def test_utf8_and_windows_1258_are_not_taken_for_wide_text(encoding: str) -> None:
    buffer = io.BytesIO()
    write_csv(_content(), buffer, encoding)
    assert wide_encoding(buffer.getvalue()) is None
    assert wide_encoding(codecs.BOM_UTF8 + buffer.getvalue()) is None


def test_an_xlsx_named_csv_is_answered_as_a_wrong_extension() -> None:
    workbook = io.BytesIO()
    write_plain_xlsx(_content(), workbook)
    with pytest.raises(SubmissionReadError) as error:
        read_submission("SNNMT_2026-Q1.csv", workbook.getvalue())
    assert error.value.rule_id == "SUB-F03" and ".xlsx" in error.value.detail
    result = validate_bytes("SNNMT_2026-Q1.csv", workbook.getvalue(), default_reference_data())
    assert result.rule_ids() == ["SUB-F03"]
    assert "đổi đuôi thành .csv" in result.findings[0].message_vi
    # the same bytes named .xlsx are a clean workbook
    assert validate_bytes("SNNMT_2026-Q1.xlsx", workbook.getvalue(), default_reference_data()).findings == []


# ── what calamine does not tell: error values (SUB-V13) and formulas however the XML is written ─────────
def _rewrite_sheet(data: bytes, sheet: str, change) -> bytes:
    """The workbook with one worksheet part's XML changed, as another program would have written it."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, change(part) if info.filename == f"xl/worksheets/{sheet}" else part)
    return out.getvalue()


def _with_openpyxl(content, edit) -> bytes:
    """A submission from the project's template code, then edited and saved by openpyxl."""
    import openpyxl

    buffer = io.BytesIO()
    write_plain_xlsx(content, buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_error_values_are_found_with_the_text_excel_shows() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KinhPhi"
    sheet.append(["allocated_mvnd", "disbursed_cumulative_mvnd"])
    sheet.append([1000, "#N/A"])  # openpyxl stores Excel's error codes as error values (t="e")
    sheet.append(["#DIV/0!", "#REF!"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert b't="e"><v>#N/A</v>' in zip_members(buffer.getvalue())["xl/worksheets/sheet1.xml"]
    raw = read_submission("x.xlsx", buffer.getvalue())
    kinh_phi = raw.sheets["KinhPhi"]
    assert kinh_phi.error_cells == {(2, 2): "#N/A", (3, 1): "#DIV/0!", (3, 2): "#REF!"}
    assert kinh_phi.rows[1][1][1] in ("", None)  # what calamine alone gives: an empty cell
    assert kinh_phi.formula_cells == set()


def test_error_values_are_rejected_kept_as_text_and_never_blank() -> None:
    def errors(workbook) -> None:
        workbook["KinhPhi"]["E3"] = "#N/A"  # a VLOOKUP that found nothing, pasted as a value
        workbook["KinhPhi"]["F4"] = "#DIV/0!"
        # a row whose only figures are errors: it reports something, it is not a row left empty
        workbook["KinhPhi"]["E5"] = "#VALUE!"
        workbook["KinhPhi"]["F5"] = "#VALUE!"

    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    result = validate_bytes("SYT_2026-Q2.xlsx", _with_openpyxl(content, errors), default_reference_data())
    assert [(f.rule_id, f.severity, f.cell_ref, f.value) for f in result.findings] == [
        ("SUB-V13", "fatal", "E3", "#N/A"),
        ("SUB-V13", "fatal", "F4", "#DIV/0!"),
        ("SUB-V13", "fatal", "E5", "#VALUE!"),
        ("SUB-V13", "fatal", "F5", "#VALUE!"),
    ]
    assert result.status == "rejected" and result.exit_code == 2
    first, second, third = result.budget_rows[:3]
    assert (first.allocated_mvnd, first.allocated_status, first.allocated_text) == (None, "invalid", "#N/A")
    assert first.disbursed_status == "stated" and first.has_fatal  # the other figure is still read
    assert second.disbursed_cumulative_mvnd is None
    assert (second.disbursed_status, second.disbursed_text) == ("invalid", "#DIV/0!")
    assert (third.row_no, third.allocated_text, third.disbursed_text) == (5, "#VALUE!", "#VALUE!")


def test_an_error_typed_as_text_or_saved_to_csv_is_the_same_finding(tmp_path: Path) -> None:
    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    content.budget[0]["allocated_mvnd"] = "#N/A"
    buffer = io.BytesIO()
    write_csv(content, buffer, "utf-8")
    result = validate_bytes("SYT_2026-Q2.csv", buffer.getvalue(), default_reference_data())
    # a CSV's row numbers are its line numbers
    assert [(f.rule_id, f.cell_ref, f.value) for f in result.findings] == [("SUB-V13", "E13", "#N/A")]
    assert result.budget_rows[0].allocated_status == "invalid"


def test_a_failed_formula_names_the_formula_and_the_error() -> None:
    def failed_formula(workbook) -> None:
        workbook["KinhPhi"]["E3"] = "=VLOOKUP(B3,DanhMuc!A:B,2,FALSE)"

    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    # As Excel saves it: the formula and its cached result, the error #N/A.
    data = _rewrite_sheet(
        _with_openpyxl(content, failed_formula),
        "sheet3.xml",
        lambda xml: xml.replace(b"</f><v></v></c>", b"</f><v>#N/A</v></c>").replace(
            b'<c r="E3"><f>', b'<c r="E3" t="e"><f>'
        ),
    )
    raw = read_submission("SYT_2026-Q2.xlsx", data)
    assert raw.sheets["KinhPhi"].error_cells == {(3, 5): "#N/A"}
    result = validate_bytes("SYT_2026-Q2.xlsx", data, default_reference_data())
    assert [(f.rule_id, f.cell_ref, f.value) for f in result.findings] == [
        ("SUB-V03", "E3", "#N/A"),
        ("SUB-V13", "E3", "#N/A"),
    ]
    assert result.budget_rows[0].allocated_status == "formula"


def test_an_error_in_a_key_or_text_cell_is_one_finding_at_that_cell() -> None:
    """#N/A in the task number reads as empty: SUB-V13 there, not SUB-C02 "unknown task" as well."""

    def errors(workbook) -> None:
        budget, progress, kpi = workbook["KinhPhi"], workbook["TienDo"], workbook["ChiTieu"]
        budget["B3"] = "#N/A"  # item_no: a VLOOKUP of the task number that found nothing
        budget["B4"] = "#N/A"  # the same in the next row: two errors, not two rows of one task
        budget["D5"] = "#REF!"  # funding_source
        budget["A6"] = "#N/A"  # appendix
        budget["G7"] = "#VALUE!"  # note
        budget["C8"] = "#N/A"  # task_name is for reference only, never read: no finding
        progress["B3"] = "#N/A"
        progress["D4"] = "#DIV/0!"  # status
        kpi["A3"] = "#N/A"  # indicator_code
        kpi["A4"] = "#N/A"

    reference = default_reference_data()
    content = filled_content(reference, "SKHCN", layout.Period(2026, 2))
    data = _with_openpyxl(content, errors)
    assert (
        validate_bytes("SKHCN_2026-Q2.xlsx", _with_openpyxl(content, lambda w: None), reference).findings
        == []
    )
    result = validate_bytes("SKHCN_2026-Q2.xlsx", data, reference)
    assert [(f.rule_id, f.sheet, f.cell_ref, f.column, f.value) for f in result.findings] == [
        ("SUB-V13", "KinhPhi", "B3", "item_no", "#N/A"),
        ("SUB-V13", "KinhPhi", "B4", "item_no", "#N/A"),
        ("SUB-V13", "KinhPhi", "D5", "funding_source", "#REF!"),
        ("SUB-V13", "KinhPhi", "A6", "appendix", "#N/A"),
        ("SUB-V13", "KinhPhi", "G7", "note", "#VALUE!"),
        ("SUB-V13", "TienDo", "B3", "item_no", "#N/A"),
        ("SUB-V13", "TienDo", "D4", "status", "#DIV/0!"),
        ("SUB-V13", "ChiTieu", "A3", "indicator_code", "#N/A"),
        ("SUB-V13", "ChiTieu", "A4", "indicator_code", "#N/A"),
    ]
    assert "STT nhiệm vụ" in result.findings[0].expected
    # the error text is kept as provided, and the row is marked as the reason the file is rejected
    budget = {row.row_no: row for row in result.budget_rows}
    assert (budget[3].item_no, budget[3].has_fatal, budget[3].allocated_status) == ("#N/A", True, "stated")
    assert (budget[5].funding_source_code, budget[5].funding_source_text) == (None, "#REF!")
    assert (budget[7].note, budget[7].has_fatal, budget[8].has_fatal) == ("#VALUE!", True, False)
    progress = {row.row_no: row for row in result.progress_rows}
    assert (progress[4].status_code, progress[4].status_text, progress[4].has_fatal) == (
        None,
        "#DIV/0!",
        True,
    )
    assert [(row.indicator_code, row.indicator_text) for row in result.kpi_rows[:2]] == [
        (None, "#N/A"),
        (None, "#N/A"),
    ]


def test_an_error_typed_in_a_key_cell_of_a_csv_is_the_same_finding() -> None:
    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    content.budget[0]["item_no"] = "#N/A"
    buffer = io.BytesIO()
    write_csv(content, buffer, "utf-8")
    result = validate_bytes("SYT_2026-Q2.csv", buffer.getvalue(), default_reference_data())
    assert [(f.rule_id, f.cell_ref, f.value) for f in result.findings] == [("SUB-V13", "B13", "#N/A")]


@pytest.mark.parametrize(
    ("written_as", "description"),
    [
        (b'<c s="0" t="n" r="B2"><f>A2*2</f><v>2</v></c>', "r after the other attributes"),
        (b"<c r='B2' t='n'><f>A2*2</f><v>2</v></c>", "single quotes"),
        (b"<c><f>A2*2</f><v>2</v></c>", "no r: the cell after A2"),
        (b'<x:c r="B2"><x:f>A2*2</x:f><x:v>2</x:v></x:c>', "a namespace prefix"),
    ],
)
def test_formula_cells_are_found_however_the_cell_is_written(written_as: bytes, description: str) -> None:
    data = xlsx_bytes([("KinhPhi", [["a", "b"], [1, Formula("A2*2", 2)]])])
    data = _rewrite_sheet(
        data, "sheet1.xml", lambda xml: xml.replace(b'<c r="B2"><f>A2*2</f><v>2</v></c>', written_as)
    )
    if b"x:c" in written_as:
        data = _rewrite_sheet(
            data,
            "sheet1.xml",
            lambda xml: xml.replace(
                b"<worksheet ",
                b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
            ),
        )
    raw = read_submission("x.xlsx", data)
    assert raw.sheets["KinhPhi"].formula_cells == {(2, 2)}, description
    if b"x:c" not in written_as:
        assert raw.sheets["KinhPhi"].rows[1][1] == [1, 2]  # calamine puts the value where we look


def test_cells_and_rows_without_r_take_the_next_position() -> None:
    data = xlsx_bytes([("KinhPhi", [["a", "b", "c"], [1, 2, Formula("A2*2", 2)], [3, Formula("A3", 3)]])])
    data = _rewrite_sheet(
        data,
        "sheet1.xml",
        lambda xml: (
            xml.replace(b'<row r="3">', b"<row>")
            .replace(b' r="A3"', b"")
            .replace(b' r="B3"', b"")
            .replace(b' r="B2"', b"")
            .replace(b' r="C2"', b"")
        ),
    )
    assert b' r="C2"' not in zip_members(data)["xl/worksheets/sheet1.xml"]
    raw = read_submission("x.xlsx", data)
    assert raw.sheets["KinhPhi"].formula_cells == {(2, 3), (3, 2)}
    assert [r for _, r in raw.sheets["KinhPhi"].rows] == [["a", "b", "c"], [1, 2, 2], [3, 3, ""]]


def test_regenerating_the_corpus_leaves_unchanged_workbooks_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zip entries carry their write time: without the comparison every bad file changed on every run."""
    import time

    folder = tmp_path / "corpus"
    write_corpus(default_reference_data(), folder)
    first = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86_400)  # regenerated the next day
    write_corpus(default_reference_data(), folder)
    changed = sorted(p.parent.name for p, data in first.items() if p.read_bytes() != data)
    assert changed in ([], ["SUB-F01"])  # the cut file cannot be compared part by part


# ── percentages typed in Excel ("50%" is stored as 0.5 under a percent format) ────────────────────────
SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"


def _typed_as_percentages(
    source: Path, target: Path, cells: dict[tuple[str, str], tuple[float, str]]
) -> None:
    """A copy of a shipped sample where a department typed percentages: Excel keeps the fraction (0.5
    for "50%") and gives the cell a percent number format, which openpyxl writes as Excel does."""
    import openpyxl

    workbook = openpyxl.load_workbook(source)
    for (sheet, ref), (value, number_format) in cells.items():
        workbook[sheet][ref].value = value
        workbook[sheet][ref].number_format = number_format
    workbook.save(target)


def test_percent_complete_typed_as_a_percentage_reads_as_excel_shows_it(tmp_path: Path) -> None:
    """An operator review: "50%" typed in TienDo loaded as percent_complete 0.5, stated, no warning."""
    path = tmp_path / "SYT_2026-Q2.xlsx"
    _typed_as_percentages(
        SAMPLES / "SYT_2026-Q2.xlsx",
        path,
        {
            ("TienDo", "E3"): (0.5, "0%"),  # "50%"
            ("TienDo", "E4"): (0.123, "0.0%"),  # "12.3%": 0.123 * 100 is 12.299999999999999 in binary
            ("TienDo", "E5"): (1, "0%"),  # "100%", on the row whose status is Hoàn thành
        },
    )
    assert read_submission(path.name, path.read_bytes()).sheets["TienDo"].percent_cells == {
        (3, 5),
        (4, 5),
        (5, 5),
    }
    result = validate_file(path, default_reference_data())
    assert [(r.percent_complete, r.percent_status, r.percent_text) for r in result.progress_rows] == [
        (Decimal("50"), "stated", "50%"),
        (Decimal("12.3"), "stated", "12,3%"),
        (Decimal("100"), "stated", "100%"),
    ]
    # The shipped file's SUB-V06 (Hoàn thành at 95) is gone with the 100 typed over it; read as 1, it stayed.
    assert [(f.rule_id, f.cell_ref) for f in result.findings] == [("SUB-X02", "F3")]


def test_a_percentage_in_excel_is_the_same_as_one_typed_in_a_csv() -> None:
    """A CSV has no number formats: "50%" is its text, read as 50 (nothing more to do). The workbook's
    0.5 under '0%' is the same cell, and gives the same row."""
    import openpyxl

    content = _content()
    content.progress[0]["percent_complete"] = "50%"
    csv_buffer, xlsx_buffer = io.BytesIO(), io.BytesIO()
    write_csv(content, csv_buffer, "cp1258")
    content.progress[0]["percent_complete"] = 0.5
    write_plain_xlsx(content, xlsx_buffer)
    workbook = openpyxl.load_workbook(xlsx_buffer)
    workbook["TienDo"]["E3"].number_format = "0%"
    out = io.BytesIO()
    workbook.save(out)
    reference = default_reference_data()
    from_csv = validate_bytes("SNNMT_2026-Q1.csv", csv_buffer.getvalue(), reference)
    from_xlsx = validate_bytes("SNNMT_2026-Q1.xlsx", out.getvalue(), reference)
    assert from_csv.findings == [] and from_xlsx.findings == []
    assert from_xlsx.progress_rows[0].percent_complete == Decimal("50")
    # the same row but for its number (a CSV's rows are its line numbers)
    assert [replace(r, row_no=0) for r in from_xlsx.progress_rows] == [
        replace(r, row_no=0) for r in from_csv.progress_rows
    ]


def test_only_cells_excel_shows_as_percentages_are_percent_cells() -> None:
    """A '%' in quotes or escaped is a literal (50 shown as "50 %", not multiplied); text and empty cells
    under a percent format hold no number; a colour or condition in brackets does not hide the '%'."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "TienDo"
    cells = [
        (0.5, "0%"),  # A1: built-in format 9
        (0.5, "0.00%"),  # B1: built-in format 10
        (50, '0" %"'),  # C1: a literal %, in quotes
        (50, "0\\%"),  # D1: a literal %, escaped
        ("50%", "0%"),  # E1: text under a percent format
        (None, "0%"),  # F1: an empty cell of a formatted range
        (0.5, "[Red]0.0%;[Blue]-0.0%"),  # G1: a custom percent format, two sections
        (0.5, "General"),  # H1
        (1250.5, "#,##0.###"),  # I1: the template's amount format
    ]
    for column, (value, number_format) in enumerate(cells, 1):
        cell = sheet.cell(row=1, column=column, value=value)
        cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    tien_do = read_submission("x.xlsx", buffer.getvalue()).sheets["TienDo"]
    assert tien_do.percent_cells == {(1, 1), (1, 2), (1, 7)}
    assert tien_do.rows[0][1][:2] == [0.5, 0.5]  # what calamine alone gives: the fraction


def test_a_percentage_where_an_amount_or_a_count_is_due_is_rejected_never_guessed(tmp_path: Path) -> None:
    """A KPI in % reads as shown (44,6% is 44.6); an amount or a KPI in points shown as a percentage is
    SUB-V01, NULL: 0.5 or 50 million, 0.453 or 45.3 points, nobody can tell."""
    path = tmp_path / "SKHCN_2026-Q2.xlsx"
    _typed_as_percentages(
        SAMPLES / "SKHCN_2026-Q2.xlsx",
        path,
        {
            ("KinhPhi", "E3"): (0.5, "0%"),  # allocated_mvnd
            ("ChiTieu", "D3"): (0.446, "0.0%"),  # TFP_CONTRIBUTION, unit %
            ("ChiTieu", "D4"): (0.453, "0%"),  # PII_SCORE, unit điểm
        },
    )
    result = validate_file(path, default_reference_data())
    assert (result.budget_rows[0].allocated_mvnd, result.budget_rows[0].allocated_status) == (None, "invalid")
    kpi = {r.indicator_code: (r.value, r.value_status, r.value_text) for r in result.kpi_rows}
    assert kpi["TFP_CONTRIBUTION"] == (Decimal("44.6"), "stated", "44,6%")
    assert kpi["PII_SCORE"] == (None, "invalid", "45,3%")
    assert [(f.rule_id, f.sheet, f.cell_ref, f.value, f.expected) for f in result.findings] == [
        (
            "SUB-V01",
            "KinhPhi",
            "E3",
            "50%",
            "số tiền bằng triệu đồng, không phải tỷ lệ %; ô đang có định dạng Tỷ lệ phần trăm "
            "(Percentage): chọn Định dạng Ô (Format Cells) > Số (Number) rồi ghi lại số tiền",
        ),
        ("SUB-C06", "ChiTieu", "A3", "TFP_CONTRIBUTION", "cơ quan được giao báo cáo: STC (Sở Tài chính)"),
        (
            "SUB-V01",
            "ChiTieu",
            "D4",
            "45,3%",
            "giá trị theo đơn vị tính của chỉ tiêu (điểm), không phải tỷ lệ %; ô đang có định dạng Tỷ lệ "
            "phần trăm (Percentage): chọn Định dạng Ô (Format Cells) > Số (Number) rồi ghi lại giá trị",
        ),
    ]
