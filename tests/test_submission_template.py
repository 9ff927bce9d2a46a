"""``nq57 template``: prefilled tasks, stamped identity, locked headers, dropdowns, and it validates."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pipelines.cli import main
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.submissions import layout
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.samples import filled_content
from pipelines.submissions.template import SAMPLE_BANNER, write_plain_xlsx, write_template_xlsx
from pipelines.submissions.validator import validate_file


def test_template_command_writes_a_prefilled_workbook(tmp_path: Path) -> None:
    out = tmp_path / "SYT_2026-Q2.xlsx"
    assert main(["template", "--agency", "SYT", "--period", "2026-Q2", "--out", str(out)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[:5] == ["HuongDan", "ThongTin", "KinhPhi", "TienDo", "ChiTieu"]
    info = {row[1]: row[2] for row in workbook["ThongTin"].iter_rows(min_row=2, values_only=True)}
    assert info["template_version"] == layout.TEMPLATE_VERSION
    assert info["agency_code"] == "SYT" and info["period"] == "2026-Q2" and info["is_sample"] == "KHÔNG"
    budget = workbook["KinhPhi"]
    assert [c.value for c in budget[2]] == [c.code for c in layout.BUDGET_COLUMNS]
    tasks = {(r[0], r[1]) for r in budget.iter_rows(min_row=3, values_only=True) if r[0]}
    assert tasks == {("I", "39"), ("I", "71"), ("I", "82")}
    # header locked, input cells unlocked, the sheet protected
    assert budget.protection.sheet and budget["A1"].protection.locked and not budget["E3"].protection.locked
    assert budget["E3"].number_format == "#,##0.###"
    ranges = {str(v.sqref): v.formula1 for v in budget.data_validations.dataValidation}
    assert any("DanhMuc" in (f or "") for f in ranges.values())  # funding source dropdown
    assert any("DanhMuc" in (v.formula1 or "") for v in workbook["TienDo"].data_validations.dataValidation)
    # an untouched template is an empty submission, and says so
    assert validate_file(out, default_reference_data()).rule_ids() == ["SUB-C01"]


def test_template_rejects_unknown_agency_and_period(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["template", "--agency", "XYZ", "--period", "2026-Q2", "--out", str(out)]) == 2
    assert main(["template", "--agency", "SYT", "--period", "2026-13", "--out", str(out)]) == 2
    # A real quarter, but outside the plan's 2025–2030: its form would be rejected on arrival (SUB-H04).
    assert main(["template", "--agency", "SYT", "--period", "2031-Q1", "--out", str(out)]) == 2
    assert main(["template", "--agency", "SYT", "--period", "2024-Q4", "--out", str(out)]) == 2
    assert not out.exists()


def _kpi_sheet(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path)["ChiTieu"].iter_rows(values_only=True))


def test_indicator_reporting_agency_gets_the_indicators(tmp_path: Path) -> None:
    out = tmp_path / "SKHCN_2026-Q2.xlsx"
    assert main(["template", "--agency", "SKHCN", "--period", "2026-Q2", "--out", str(out)]) == 0
    codes = [r[0] for r in _kpi_sheet(out)[2:] if r[0]]
    assert codes == ["PII_SCORE", "ST_HIGHTECH_ENTERPRISES", "DTI_RANK", "DIGITAL_ECONOMY_SHARE",
                     "ADULT_DIGITAL_SKILLS"]  # fmt: skip
    workbook = openpyxl.load_workbook(out)
    # the indicator dropdown lists exactly the prefilled indicators
    assert [c.value for c in workbook["DanhMuc"]["C"] if c.value] == codes


def test_another_agency_gets_the_indicators_it_reports(tmp_path: Path) -> None:
    """Sở Tài chính reports TFP (map_indicator_agency), named and with its unit as in ref_indicator."""
    out = tmp_path / "STC_2026-Q2.xlsx"
    assert main(["template", "--agency", "STC", "--period", "2026-Q2", "--out", str(out)]) == 0
    rows = _kpi_sheet(out)
    assert rows[1][:3] == ("indicator_code", "indicator_name", "unit")
    assert [r[:3] for r in rows[2:] if r[0]] == [
        ("TFP_CONTRIBUTION", "Đóng góp của năng suất nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế", "%")
    ]
    # STC leads tasks too; a filled-in copy with the TFP value validates clean and loads the KPI row
    content = filled_content(default_reference_data(), "STC", layout.Period(2026, 2))
    assert [r["indicator_code"] for r in content.kpi] == ["TFP_CONTRIBUTION"]
    filled = tmp_path / "filled" / "STC_2026-Q2.xlsx"
    filled.parent.mkdir()
    write_template_xlsx(content, filled)
    result = validate_file(filled, default_reference_data())
    assert result.findings == []
    assert [(k.indicator_code, k.value) for k in result.kpi_rows] == [("TFP_CONTRIBUTION", Decimal("44.6"))]


def test_agency_reporting_no_indicator_gets_an_empty_kpi_sheet_with_its_headers(tmp_path: Path) -> None:
    out = tmp_path / "SYT_2026-Q2.xlsx"
    assert main(["template", "--agency", "SYT", "--period", "2026-Q2", "--out", str(out)]) == 0
    rows = [r for r in _kpi_sheet(out) if any(v is not None for v in r)]
    assert rows == [
        tuple(c.label_vi for c in layout.KPI_COLUMNS),
        tuple(c.code for c in layout.KPI_COLUMNS),
    ]
    assert rows[1] == ("indicator_code", "indicator_name", "unit", "value", "note")
    sheet = openpyxl.load_workbook(out)["ChiTieu"]
    assert sheet.protection.sheet and sheet["A2"].protection.locked and not sheet["A3"].protection.locked


def test_every_indicator_has_one_reporting_agency_from_the_seed() -> None:
    reference = default_reference_data()
    assert set(reference.indicator_agency) == set(reference.indicators)
    assert reference.indicator_agency["TFP_CONTRIBUTION"] == "STC"
    assert reference.indicator_agency["DTI_RANK"] == "SKHCN"
    assert set(reference.indicator_agency.values()) <= set(reference.agencies)
    reported = [i.indicator_code for a in reference.agencies for i in reference.indicators_reported_by(a)]
    assert sorted(reported) == sorted(reference.indicators)  # each indicator in exactly one template
    # the seed says where each mapping came from; a judgement is never labelled as from the document
    with (DBT_PROJECT_DIR / "seeds" / "map_indicator_agency.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["source"] == "curated" and r["review_note"].strip() for r in rows)
    assert all("names no reporting agency" in r["review_note"] for r in rows)


def test_sample_workbook_is_marked_inside_and_valid(tmp_path: Path) -> None:
    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    out = tmp_path / "SYT_2026-Q2.xlsx"
    write_template_xlsx(content, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook["HuongDan"]["A1"].value == SAMPLE_BANNER
    result = validate_file(out, default_reference_data())
    assert result.findings == [] and result.is_sample is True
    assert len(result.budget_rows) == 3 and len(result.progress_rows) == 3


def test_instruction_8_says_plainly_how_to_send_a_correction() -> None:
    """It said "gửi lại bản sửa với cùng tên (thêm _v2, _v3 …)": the same name, or a new one?"""
    from pipelines.submissions.template import instruction_lines

    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    (line,) = [line for line in instruction_lines(content) if line.startswith("8. ")]
    assert "cùng tên (thêm" not in line
    assert "SYT_2026-Q2.xlsx" in line and "SYT_2026-Q2_v2.xlsx" in line and "_v3" in line
    assert "gửi lại cả tệp" in line and "giữ nguyên tên như lần đầu cũng được" in line
    assert "Bản nhận sau cùng được dùng thay cho các bản trước" in line


@pytest.mark.parametrize(("period", "due"), [((2026, 2), "15/07/2026"), ((2026, 4), "15/01/2027")])
def test_instruction_9_gives_the_deadline_the_status_view_judges_by(period, due) -> None:
    """Department review (session 13): neither the docs nor the form said when a report was due, yet
    rpt_submission_status marked reports late after the quarter's last day + 15."""
    from pipelines.submissions.template import instruction_lines

    content = filled_content(default_reference_data(), "SYT", layout.Period(*period))
    (line,) = [line for line in instruction_lines(content) if line.startswith("9. ")]
    assert f"đến hết ngày {due} (15 ngày sau khi hết quý)" in line and "nộp chậm" in line
    # The view's default is the same number of days (one convention, said in two languages).
    sql = (DBT_PROJECT_DIR / "models" / "marts" / "submissions" / "rpt_submission_status.sql").read_text()
    assert sql.count("var('submission_deadline_days', 15)") == 2 and layout.SUBMISSION_DEADLINE_DAYS == 15


def test_a_correction_loads_under_a_v2_name_and_under_the_same_name(tmp_path: Path) -> None:
    """What instruction 8 promises: both ways of naming a corrected file are taken as the next version."""
    import os
    from datetime import datetime

    import pyarrow.parquet as pq

    from pipelines.submissions.ingest import ingest_submissions

    reference = default_reference_data()
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    def send(name: str, disbursed: int, day: int) -> None:
        content = filled_content(reference, "SYT", layout.Period(2026, 2))
        content.budget[0]["disbursed_cumulative_mvnd"] = Decimal(disbursed)
        path = inbox / name
        write_plain_xlsx(content, path)
        stamp = datetime(2026, 7, day, 9).timestamp()
        os.utime(path, (stamp, stamp))  # received at its modification time (no manifest)
        ingest_submissions(inbox, tmp_path / "raw", tmp_path / "archive", reference)

    send("SYT_2026-Q2.xlsx", 100, 10)
    send("SYT_2026-Q2_v2.xlsx", 200, 11)  # the correction, named _v2
    send("SYT_2026-Q2.xlsx", 300, 12)  # a further correction under the first name
    files = pq.read_table(tmp_path / "raw" / "submission_files.parquet").to_pylist()
    versions = sorted((r["version"], r["file_name"], r["status"], r["is_current"]) for r in files)
    assert versions == [
        (1, "SYT_2026-Q2.xlsx", "accepted", False),
        (2, "SYT_2026-Q2_v2.xlsx", "accepted", False),
        (3, "SYT_2026-Q2.xlsx", "accepted", True),
    ]
    budget = pq.read_table(tmp_path / "raw" / "submission_budget_rows.parquet").to_pylist()
    current = [r for r in budget if r["is_current"] and r["row_no"] == 3]
    assert [r["disbursed_cumulative_mvnd"] for r in current] == [Decimal(300)]


def test_the_template_command_gives_the_deadline_and_warns_of_a_quarter_not_begun(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """Department review (session 13): a form for 2027-Q3 was written without a word, and the file
    made from it rejected on arrival (SUB-H08)."""
    import datetime as dt

    import pipelines.commands.template as command

    monkeypatch.setattr(command, "today_in_vietnam", lambda: dt.date(2026, 10, 12))
    assert (
        main(["template", "--agency", "SYT", "--period", "2027-Q3", "--out", str(tmp_path / "a.xlsx")]) == 0
    )
    out, err = capsys.readouterr()
    assert "hạn nộp 15/10/2027" in out
    assert "kỳ 2027-Q3 chưa bắt đầu (bắt đầu ngày 01/07/2027)" in err and "SUB-H08" in err
    assert (
        main(["template", "--agency", "SYT", "--period", "2026-Q3", "--out", str(tmp_path / "b.xlsx")]) == 0
    )
    out, err = capsys.readouterr()
    assert "hạn nộp 15/10/2026" in out and err == ""
    # The running quarter on 12/10/2026: a report sent before 31/12/2026 is early (SUB-H09).
    assert (
        main(["template", "--agency", "SYT", "--period", "2026-Q4", "--out", str(tmp_path / "c.xlsx")]) == 0
    )
    out, err = capsys.readouterr()
    assert "hạn nộp 15/01/2027" in out
    assert "kỳ 2026-Q4 chưa kết thúc (kết thúc hết ngày 31/12/2026)" in err and "SUB-H09" in err
    assert "báo cáo gửi đến hết ngày đó chỉ có số liệu đến ngày gửi" in err  # the 31st is early too
    assert "gửi lại số liệu cả quý từ ngày 01/01/2027" in err
