"""The extraction asset materialised for real into a temporary warehouse folder."""

from __future__ import annotations

import shutil

import dagster as dg

from pipelines.assets.extraction import extracted_documents, raw_key
from pipelines.assets.refresh_lock import RefreshLockResource


def test_materialize_writes_raw_tables_and_runs_checks(resolution_txt, slides_txt, tmp_path, monkeypatch):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    shutil.copy(slides_txt, docs)
    (docs / "scan.pdf").write_bytes(b"not a pdf")
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(docs))
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))

    result = dg.materialize([extracted_documents], resources={"refresh_lock": RefreshLockResource()})
    assert result.success
    assert (tmp_path / "raw" / "plan_items.parquet").exists()
    rows = {
        m.asset_key: m.metadata["rows"].value
        for m in result.asset_materializations_for_node("extracted_documents")
    }
    assert rows[raw_key("documents")] == 3
    assert rows[raw_key("plan_groups")] == 12
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["every_document_extracted"].passed is False  # scan.pdf is reported, not fatal
    assert checks["plan_items_present"].passed is True
    # The source's own disagreements (390.000 vs 420.000, 277.430 vs 279.630) are flagged.
    stated = checks["stated_totals_match_rows"]
    assert stated.passed is False
    mismatches = stated.metadata["mismatches"].value
    assert "appendix_I.total.other_sources ghi 390.000, cộng các dòng được 420.000" in mismatches
    assert "appendix_II.total.total ghi 277.430, cộng các dòng được 279.630" in mismatches
    assert "appendix_I.total.state_budget" not in mismatches
