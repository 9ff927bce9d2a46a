"""Extracting a whole folder: a bad document is recorded with its reason, the rest still load."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pyarrow.parquet as pq

from pipelines.extract.run import extract_folder, write_raw_tables


def test_a_bad_document_does_not_stop_the_others(resolution_txt, slides_txt, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    shutil.copy(slides_txt, docs)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "minutes.txt").write_text("Biên bản cuộc họp.\n", encoding="utf-8")

    run = extract_folder(docs)
    status = {d.file_name: (d.extraction_status, d.extraction_error) for d in run.documents}
    assert status["000_a74ee38357d31740.txt"] == ("ok", None)
    assert status["004_373ec9bcf51e9bdb.txt"] == ("ok", None)
    assert status["broken.pdf"][0] == "failed" and status["broken.pdf"][1]
    assert status["minutes.txt"][0] == "failed" and "not a plan document" in status["minutes.txt"][1]
    # Nothing in raw/ is touched: the bad files are still there, unchanged.
    assert (docs / "broken.pdf").read_bytes() == b"%PDF-1.4 this is not really a pdf"

    counts = write_raw_tables(run, tmp_path / "raw")
    assert counts["documents"] == 4
    assert counts["plan_items"] == 85 + 26
    documents = pq.read_table(tmp_path / "raw" / "documents.parquet").to_pylist()
    assert {d["file_name"] for d in documents if d["extraction_status"] == "failed"} == {
        "broken.pdf",
        "minutes.txt",
    }


def test_raw_tables_keep_exact_decimals_and_lineage(resolution_txt, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    shutil.copy(resolution_txt, docs)
    write_raw_tables(extract_folder(docs), tmp_path / "raw")
    table = pq.read_table(tmp_path / "raw" / "plan_items.parquet")
    assert str(table.schema.field("state_budget_mvnd").type) == "decimal128(18, 3)"
    rows = table.to_pylist()
    assert sum(r["state_budget_mvnd"] or 0 for r in rows if r["appendix"] == "I") == Decimal("5861734")
    assert all(r["document_id"] == "000_a74ee38357d31740" and r["source_locator"] for r in rows)
