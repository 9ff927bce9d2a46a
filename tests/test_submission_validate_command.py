"""``nq57 validate FILE``: prints the report, loads nothing, exits 0 / 1 / 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.submissions import validator

CORPUS = Path(__file__).parent / "submissions_corpus"
SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (SAMPLES / "SYT_2026-Q1.xlsx", 0),
        (SAMPLES / "SNNMT_2026-Q1.csv", 0),
        (SAMPLES / "SYT_2026-Q2.xlsx", 1),
        (CORPUS / "SUB-V02" / "SYT_2026-Q2.xlsx", 2),
        (CORPUS / "SUB-F02" / "SYT_2026-Q2.xlsx", 2),
        # a figure decimal(18,3) cannot hold: once called accepted, then stopped the refresh
        (CORPUS / "SUB-V11" / "SYT_2026-Q2.xlsx", 2),
        (CORPUS / "SUB-V12" / "SYT_2026-Q2.xlsx", 2),
        # an Excel error (#N/A) in a figure: once read as empty and called accepted
        (CORPUS / "SUB-V13" / "SYT_2026-Q2.xlsx", 2),
    ],
)
def test_exit_codes(path: Path, code: int, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(path)]) == code
    out = capsys.readouterr().out
    assert path.name in out
    assert not (tmp_path / "raw").exists()  # loads nothing
    # ... and says so: it printed "Đạt — đã nạp" (loaded) of a file it had only checked.
    first_line = out.splitlines()[0]
    assert "đã nạp" not in first_line
    assert ("sẽ không được nạp" in first_line) == (code == 2)
    assert ("sẽ được nạp" in first_line) == (code < 2)


def test_a_sample_is_said_in_vietnamese(tmp_path: Path, monkeypatch, capsys) -> None:
    """The sample mark read "mẫu: True", Python's word, to a civil servant."""
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    main(["validate", str(SAMPLES / "SYT_2026-Q1.xlsx")])
    assert "mẫu: CÓ " in capsys.readouterr().out  # marked a sample on ThongTin (docs/submissions.md)


def test_report_written_on_request(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(CORPUS / "SUB-V10" / "SYT_2026-Q2.xlsx"), "--report", str(tmp_path)]) == 1
    assert "SUB-V10" in capsys.readouterr().out
    csv_text = (tmp_path / "SYT_2026-Q2.xlsx.errors.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text  # neutralised: never a live formula in the report
    assert (tmp_path / "SYT_2026-Q2.xlsx.errors.xlsx").exists()


def test_the_written_report_says_what_a_refresh_would_do(tmp_path: Path, monkeypatch, capsys) -> None:
    """README walk (session 16): the printed text said "sẽ được nạp" but the workbook written with
    --report still read "Đạt — đã nạp" (loaded) of a file only checked."""
    import openpyxl

    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(CORPUS / "SUB-V02" / "SYT_2026-Q2.xlsx"), "--report", str(tmp_path)]) == 2
    summary = openpyxl.load_workbook(tmp_path / "SYT_2026-Q2.xlsx.errors.xlsx")["TomTat"]
    result = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}["Kết quả"]
    assert result.startswith("Tệp sẽ không được nạp"), result


def test_a_finding_about_the_whole_file_shows_no_python_word(tmp_path: Path, monkeypatch, capsys) -> None:
    """SUB-C01 (nothing filled in) printed "đã ghi: None" to a civil servant."""
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(CORPUS / "SUB-C01" / "SYT_2026-Q2.xlsx")]) == 2
    out = capsys.readouterr().out
    assert "đã ghi: (không có)  cần: ít nhất một dòng có số liệu" in out
    assert "None" not in out


def test_too_many_decimals_is_named_in_the_printed_report(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(CORPUS / "SUB-V11" / "SYT_2026-Q2.xlsx")]) == 2
    out = capsys.readouterr().out
    assert "SUB-V11" in out and "F3" in out and "698.0125" in out


def test_excel_error_is_named_in_the_printed_report(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    assert main(["validate", str(CORPUS / "SUB-V13" / "SYT_2026-Q2.xlsx")]) == 2
    out = capsys.readouterr().out
    assert "SUB-V13" in out and "E3" in out and "#N/A" in out


def test_a_future_period_is_checked_against_today_in_vietnam(tmp_path: Path, monkeypatch, capsys) -> None:
    """No receipt date for a file only checked: today in Vietnam stands for it."""
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    path = CORPUS / "SUB-H08" / "SYT_2026-Q3.xlsx"
    monkeypatch.setattr(validator, "today_in_vietnam", lambda: date(2026, 6, 20))
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "SUB-H08" in out and "2026-Q3" in out
    monkeypatch.setattr(validator, "today_in_vietnam", lambda: date(2026, 7, 1))
    assert main(["validate", str(path)]) == 1  # begun, not ended: a warning (SUB-H09)
    capsys.readouterr()
    monkeypatch.setattr(validator, "today_in_vietnam", lambda: date(2026, 10, 1))
    assert main(["validate", str(path)]) == 0


def test_a_report_for_the_running_quarter_is_a_warning_against_today_in_vietnam(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """The department checking its Q2 report on 30/06/2026, before sending it: told it is early."""
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    path = CORPUS / "SUB-H09" / "SYT_2026-Q2.xlsx"
    monkeypatch.setattr(validator, "today_in_vietnam", lambda: date(2026, 6, 30))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    # Received on the last day itself: not "before 30/06", which a sender takes for a mistake.
    assert "SUB-H09" in out
    assert "nhận ngày 30/06/2026, khi quý chưa kết thúc (quý kết thúc hết ngày 30/06/2026)" in out
    monkeypatch.setattr(validator, "today_in_vietnam", lambda: date(2026, 7, 1))
    assert main(["validate", str(path)]) == 0


def test_missing_file(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope.xlsx")]) == 2
