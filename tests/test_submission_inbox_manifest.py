"""Reading manifest.csv in the submissions inbox: received dates (ISO or day first, Vietnam time),
manifests saved by Excel, and one warning, naming the line, for each thing a manifest cannot give.
Through ``archive_new_files``, as the ingestion reads it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.input_rules import id_and_detail
from pipelines.submissions.archive import archive_inbox, load_registry
from pipelines.submissions.inbox_manifest import parse_received_at
from tests.test_submission_archive import _inbox, _scan


def test_parse_received_at_takes_iso_and_day_first_dates_as_vietnam_time():
    assert parse_received_at("2026-04-12").isoformat() == "2026-04-12T00:00:00+07:00"
    assert parse_received_at(" 2026-04-12 09:30 ").isoformat() == "2026-04-12T09:30:00+07:00"
    assert parse_received_at("2026-04-12T09:30:00+00:00").isoformat() == "2026-04-12T09:30:00+00:00"
    # Day first, as Vietnamese offices write it and Excel set to Vietnamese saves it: 12 January.
    assert parse_received_at("12/01/2026").isoformat() == "2026-01-12T00:00:00+07:00"
    assert parse_received_at("12/01/2026 09:15").isoformat() == "2026-01-12T09:15:00+07:00"
    assert parse_received_at("2/1/2026 9:05:30").isoformat() == "2026-01-02T09:05:30+07:00"
    for text in ("01/13/2026", "31/02/2026", "12/01/26", "2026-10-01,true,unterminated quote", "hôm qua"):
        with pytest.raises(ValueError):
            parse_received_at(text)  # month first, no such day, two-digit year, a broken line, words


def test_a_manifest_saved_as_excel_csv_utf8_with_a_bom_gives_its_dates(tmp_path: Path):
    manifest = "file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08T16:20:00+07:00\n".encode("utf-8-sig")
    scan = _scan(_inbox(tmp_path, manifest, "SYT_2026-Q1.xlsx"), tmp_path / "archive")
    assert [(e.received_at, e.received_at_source) for e in scan.entries] == [
        ("2026-04-08T16:20:00+07:00", "manifest")
    ]
    assert scan.warnings == []


def test_a_manifest_saved_in_windows_1258_gives_its_dates_and_names(tmp_path: Path):
    # Excel's plain "CSV" on a Vietnamese Windows: 'ư' is one byte (0xFD), the tone marks are
    # combining characters ('ả' = 'a' + 0xD2), read back as composed text.
    manifest = (
        b"file_name;received_at;note\n"  # ';': Excel where the decimal separator is ','
        b"STC_2026-Q1_ba\xd2n s\xfd\xd2a.xlsx;09/04/2026 11:05;ba\xd2n s\xfd\xd2a\n"
    )
    inbox = _inbox(tmp_path, manifest, "STC_2026-Q1_bản sửa.xlsx")
    scan = _scan(inbox, tmp_path / "archive")
    assert [(e.file_name, e.received_at, e.received_at_source) for e in scan.entries] == [
        ("STC_2026-Q1_bản sửa.xlsx", "2026-04-09T11:05:00+07:00", "manifest")
    ]
    assert scan.warnings == []


def test_manifest_lines_that_give_no_date_are_reported_and_their_files_still_archive(tmp_path: Path):
    manifest = (
        "file_name,received_at,note\n"
        "SYT_2026-Q1.xlsx,hôm qua,\n"  # line 2: no date
        'STC_2026-Q1.xlsx,"2026-04-09,quote left open\n'  # line 3: swallows nothing below it
        "SGDDT_2026-Q1.xlsx,14/04/2026 10:00,\n"  # line 4: day first
        "VPTU_2026-Q1.xlsx,,no date given\n"  # line 5: empty means no date, silently
    ).encode()
    names = ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx", "SGDDT_2026-Q1.xlsx", "VPTU_2026-Q1.xlsx")
    inbox = _inbox(tmp_path, manifest, *names)
    os.utime(inbox / "SYT_2026-Q1.xlsx", (1767225600, 1767225600))  # 2026-01-01 07:00 Vietnam time
    scan = _scan(inbox, tmp_path / "archive")
    got = {e.file_name: (e.received_at, e.received_at_source) for e in scan.entries}
    assert got["SYT_2026-Q1.xlsx"] == ("2026-01-01T07:00:00+07:00", "file_mtime")
    assert got["STC_2026-Q1.xlsx"][1] == "file_mtime"
    assert got["SGDDT_2026-Q1.xlsx"] == ("2026-04-14T10:00:00+07:00", "manifest")
    assert got["VPTU_2026-Q1.xlsx"][1] == "file_mtime"
    assert list(map(id_and_detail, scan.warnings)) == [
        ("IN-S03", "manifest.csv dòng 3"),
        (
            "IN-S04",
            "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: received_at 'hôm qua'; "
            "ngày nhận lấy 01/01/2026 07:00",
        ),
    ]
    assert [e.file_name for e in load_registry(tmp_path / "archive")] == []  # the caller saves it


def test_a_manifest_without_the_columns_or_unreadable_is_one_warning(tmp_path: Path):
    inbox = _inbox(tmp_path, b"ten_tep,is_sample\nSYT_2026-Q1.xlsx,true\n", "SYT_2026-Q1.xlsx")
    scan = _scan(inbox, tmp_path / "archive")
    assert [e.received_at_source for e in scan.entries] == ["file_mtime"]
    assert list(map(id_and_detail, scan.warnings)) == [
        ("IN-S02", "manifest.csv thiếu cột file_name, received_at (đang có: ten_tep, is_sample)")
    ]
    # Bytes that are neither UTF-8 nor Windows-1258 (0x81 is defined in neither).
    (inbox / "manifest.csv").write_bytes(b"file_name,received_at\nSYT_2026-Q2.xlsx,\x81\n")
    (inbox / "SYT_2026-Q2.xlsx").write_bytes(b"the next quarter")
    scan = _scan(inbox, tmp_path / "archive2")
    assert {e.received_at_source for e in scan.entries} == {"file_mtime"}
    assert list(map(id_and_detail, scan.warnings)) == [
        ("IN-S01", "manifest.csv: không phải mã UTF-8 hay Windows-1258 (byte 0x81 ở vị trí 39)")
    ]


def test_a_manifest_name_in_other_letter_case_still_dates_its_file_and_says_so(tmp_path: Path):
    manifest = b"file_name,received_at\nVPTU_2026-Q2.XLSX,2026-07-10 08:00\n"
    inbox = _inbox(tmp_path, manifest, "VPTU_2026-Q2.xlsx")
    scan = _scan(inbox, tmp_path / "archive")
    (entry,) = scan.entries
    assert (entry.received_at, entry.received_at_source) == ("2026-07-10T08:00:00+07:00", "manifest")
    assert list(map(id_and_detail, scan.warnings)) == [
        ("IN-S05", "manifest.csv dòng 2: ghi 'VPTU_2026-Q2.XLSX', tên tệp là 'VPTU_2026-Q2.xlsx'")
    ]


def test_manifest_rows_naming_no_file_are_reported(tmp_path: Path):
    manifest = (
        b"file_name,received_at\n"
        b"SYT_2026-Q1.xlsx,2026-04-10\n"
        b"SYT_2026-Q1.xslx,2026-04-11\n"  # line 3: a typo, no such file
        b"STC_2026-Q1.xlsx,2026-04-12\n"  # line 4: received by an earlier refresh, since removed
    )
    inbox = _inbox(tmp_path, manifest, "SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx")
    archive = tmp_path / "archive"
    archive_inbox(inbox, archive)
    (inbox / "STC_2026-Q1.xlsx").unlink()  # the archive is the record: the inbox may be tidied
    (inbox / "SGDDT_2026-Q1.xlsx").write_bytes(b"a new report")  # the manifest is read again for it
    scan = _scan(inbox, archive)
    assert list(map(id_and_detail, scan.warnings)) == [("IN-S06", "manifest.csv dòng 3: 'SYT_2026-Q1.xslx'")]


def test_the_manifest_is_sample_column_is_read_as_written(tmp_path: Path):
    from pipelines.submissions.inbox_manifest import load_inbox_manifest

    (tmp_path / "manifest.csv").write_text(
        "file_name,received_at,is_sample,note\nA.xlsx,2026-04-08,true,x\nB.xlsx,2026-04-08,,y\nC.xlsx,2026-04-08\n",
        encoding="utf-8",
    )
    rows = load_inbox_manifest(tmp_path).rows
    assert {name: row.is_sample for name, row in rows.items()} == {
        "A.xlsx": "true",
        "B.xlsx": "",
        "C.xlsx": "",
    }
    (tmp_path / "manifest.csv").write_text("file_name,received_at\nA.xlsx,2026-04-08\n", encoding="utf-8")
    assert load_inbox_manifest(tmp_path).rows["A.xlsx"].is_sample == ""  # the column is optional


@pytest.mark.parametrize(
    ("written", "on_sheet", "carried", "warned"),
    [
        ("true", True, True, False),  # the shipped samples: both marks agree
        ("KHÔNG", False, False, False),  # a real report, both agree
        ("", False, False, False),  # the manifest says nothing: the sheet decides
        ("", True, True, False),
        ("có", False, True, True),  # the sheet lost its mark: still a sample, and the operator is told
        ("false", True, True, True),  # the manifest says real, the sheet says sample: still a sample
        ("Không", True, True, True),
        ("chưa rõ", False, False, False),  # neither yes nor no: says nothing
        ("true", None, True, False),  # the sheet could not be read (a rejected file): the manifest's mark
    ],
)
def test_a_file_is_a_sample_when_either_mark_says_so_and_a_disagreement_is_a_warning(
    written: str, on_sheet: bool | None, carried: bool, warned: bool
):
    from pipelines.submissions.inbox_manifest import ManifestRow, sample_mark

    is_sample, warning = sample_mark(ManifestRow(7, "2026-04-08", written), on_sheet, "SYT_2026-Q1.xlsx")
    assert is_sample is carried
    assert (warning is not None) is warned
    if warning:
        # Sample by the manifest only (IN-S07), or by the sheet against the manifest (IN-S08).
        assert id_and_detail(warning) == (
            "IN-S08" if on_sheet else "IN-S07",
            f"manifest.csv dòng 7, tệp SYT_2026-Q1.xlsx: is_sample = {written}",
        )
        assert "DỮ LIỆU MẪU" in warning
    assert sample_mark(None, on_sheet, "x.xlsx") == (on_sheet, None)  # not listed: the sheet decides
