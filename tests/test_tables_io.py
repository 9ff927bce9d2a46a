"""Raw tables written and read back: exact decimals and dates survive, CSV cells stay plain text."""

from __future__ import annotations

import shutil
from decimal import Decimal

from pipelines.extract.records import PlanItem
from pipelines.extract.run import extract_folder, write_raw_tables
from pipelines.extract.tables_io import format_csv_value, read_parquet_records


def test_plan_items_read_back_as_written(resolution_txt, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    run = extract_folder(docs)
    write_raw_tables(run, tmp_path / "raw")
    back = read_parquet_records(tmp_path / "raw" / "plan_items.parquet", PlanItem)
    assert back == run.results[0].plan_items
    task_10 = next(i for i in back if i.appendix == "I" and i.item_no == "10")
    assert (task_10.state_budget_mvnd, task_10.deadline_date.isoformat()) == (Decimal("200"), "2026-03-31")


def test_csv_values_are_plain():
    assert format_csv_value(Decimal("5861734.000")) == "5861734"
    assert format_csv_value(Decimal("43.350")) == "43.35"
    assert format_csv_value(None) == ""
    assert format_csv_value("=1+1") == "'=1+1"
