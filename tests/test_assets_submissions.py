"""The submissions asset takes its reference data from the raw tables, without a second extraction."""

from __future__ import annotations

import csv

from pipelines.assets.submissions import reference_from_raw_tables
from pipelines.extract.run import extract_folder, write_raw_tables
from pipelines.paths import DBT_PROJECT_DIR, documents_dir
from pipelines.submissions.reference import load_reference_data


def test_reference_from_raw_tables_equals_reading_the_document(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path))
    write_raw_tables(extract_folder(documents_dir()), tmp_path)
    from_raw = reference_from_raw_tables()
    assert from_raw == load_reference_data()
    assert from_raw.document_id == "000_a74ee38357d31740"
    # who reports which indicator (SUB-C06, the template's ChiTieu sheet) comes from the seed here too
    with (DBT_PROJECT_DIR / "seeds" / "map_indicator_agency.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        assert from_raw.indicator_agency == {
            r["indicator_code"]: r["agency_code"] for r in csv.DictReader(handle)
        }
