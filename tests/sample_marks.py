"""Copies of sample submissions retyped as a department's own report, made at test time only.

Every committed submission is marked as a sample (house rule); the checks that treat a real report
differently (SUB-X01's separate histories, SUB-X04) need one, so a test makes it in its tmp folder.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl


def retyped_as_real(source: Path, target: Path) -> None:
    """A copy of a sample whose info sheet was retyped to say it is no sample (is_sample = KHÔNG)."""
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["ThongTin"]
    cell = next(row[2] for row in sheet.iter_rows() if row[1].value == "is_sample")
    assert cell.value == "CÓ"
    cell.value = "KHÔNG"
    workbook.save(target)
