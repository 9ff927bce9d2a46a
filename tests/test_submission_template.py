"""``nq57 template``: prefilled tasks, stamped identity, locked headers, dropdowns, and it validates."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from pipelines.cli import main
from pipelines.submissions import layout
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.samples import filled_content
from pipelines.submissions.template import SAMPLE_BANNER, write_template_xlsx
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
    assert not out.exists()


def test_indicator_reporting_agency_gets_the_indicators(tmp_path: Path) -> None:
    out = tmp_path / "SKHCN_2026-Q2.xlsx"
    assert main(["template", "--agency", "SKHCN", "--period", "2026-Q2", "--out", str(out)]) == 0
    codes = [
        r[0] for r in openpyxl.load_workbook(out)["ChiTieu"].iter_rows(min_row=3, values_only=True) if r[0]
    ]
    assert codes[:2] == ["TFP_CONTRIBUTION", "PII_SCORE"] and len(codes) == 6


def test_sample_workbook_is_marked_inside_and_valid(tmp_path: Path) -> None:
    content = filled_content(default_reference_data(), "SYT", layout.Period(2026, 2))
    out = tmp_path / "SYT_2026-Q2.xlsx"
    write_template_xlsx(content, out)
    workbook = openpyxl.load_workbook(out)
    assert workbook["HuongDan"]["A1"].value == SAMPLE_BANNER
    result = validate_file(out, default_reference_data())
    assert result.findings == [] and result.is_sample is True
    assert len(result.budget_rows) == 3 and len(result.progress_rows) == 3
