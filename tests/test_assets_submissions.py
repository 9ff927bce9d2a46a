"""The submissions asset takes its reference data from the raw tables, without a second extraction."""

from __future__ import annotations

import csv
import shutil

import pytest
from dagster._utils.error import serializable_error_info_from_exc_info

from pipelines.assets.submissions import NoPlanDocumentError, reference_from_raw_tables
from pipelines.extract.run import extract_folder, write_raw_tables
from pipelines.paths import DBT_PROJECT_DIR, documents_dir
from pipelines.run_failure import REASON_LIMIT
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


def test_no_plan_document_fails_with_a_reason_a_person_can_act_on(tmp_path, monkeypatch):
    """Only the slide deck extracted (the resolution missing): the refresh must stop, and the reason
    the failures log and `nq57 status` record says in Vietnamese + English what to check."""
    documents = tmp_path / "documents"
    documents.mkdir()
    with (documents_dir() / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    deck = [r for r in rows if r["kind"] == "slide_deck"]
    with (documents / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(deck)
    for row in deck:
        shutil.copy(documents_dir() / row["file_name"], documents / row["file_name"])
    raw = tmp_path / "raw"
    monkeypatch.setenv("NQ57_RAW_DIR", str(raw))
    write_raw_tables(extract_folder(documents), raw)
    with pytest.raises(NoPlanDocumentError) as caught:
        reference_from_raw_tables()
    error = serializable_error_info_from_exc_info((caught.type, caught.value, caught.tb))
    reason = error.message.strip()
    assert "Nghị quyết có Phụ lục I" in reason and "raw/documents" in reason
    assert "manifest.csv" in reason and "Kho đã công bố vẫn giữ nguyên" in reason
    assert "(No plan document with Appendix I was extracted" in reason
    assert str(raw) not in reason  # no internal folder
    # describe_failure keeps 500 characters: the whole sentence must survive, English part included
    assert len(reason) <= REASON_LIMIT and reason.endswith("The published warehouse is kept.)")
