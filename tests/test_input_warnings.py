"""The input warnings of a run, from the events of real (small) Dagster runs shaped like the refresh's
ingestion (``raw/submission_files`` with ``warnings`` metadata) and document checks."""

from __future__ import annotations

import dagster as dg

from pipelines.input_rules import input_warning
from pipelines.input_warnings import input_warnings

# Lines as the producers make them (pipelines.input_rules): the ID first.
MANIFEST_LINE = input_warning(
    "IN-S04", "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: received_at 'ngày 12 tháng 1'"
)
COPY = input_warning(
    "IN-D12",
    "bản sao.txt: cùng nội dung với 000_a74ee38357d31740.txt (duplicate of 000_a74ee38357d31740.txt)",
)
BROKEN = input_warning("IN-D16", "broken.pdf: không phải tệp PDF (not a PDF file)")
EMPTY = input_warning("IN-D16", "rong.txt: tệp rỗng (empty file)")
PART = input_warning("IN-D17", "plan.docx: Bảng table 4 … không được đọc")


@dg.asset(key=["raw", "submission_files"])
def submission_files() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"warnings": dg.MetadataValue.json([MANIFEST_LINE, MANIFEST_LINE])})


@dg.asset(
    key=["raw", "documents"],
    check_specs=[
        dg.AssetCheckSpec("every_document_extracted", asset=["raw", "documents"]),
        dg.AssetCheckSpec("every_document_listed_once", asset=["raw", "documents"]),
        dg.AssetCheckSpec("plan_items_present", asset=["raw", "documents"]),
    ],
)
def documents():
    yield dg.MaterializeResult()
    yield dg.AssetCheckResult(
        check_name="every_document_extracted",
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed": f"{BROKEN}\n{EMPTY}", "issues": PART},
    )
    yield dg.AssetCheckResult(
        check_name="every_document_listed_once",
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        # metadata_issues: each document's copy of a warning listed already, not listed again.
        metadata={"manifest": "—", "not_loaded": COPY, "metadata_issues": "bản sao.txt: chưa có dòng\n"},
    )
    # A failing check that is not about input files says nothing here.
    yield dg.AssetCheckResult(check_name="plan_items_present", passed=False, metadata={"rows": 0})


def test_the_warnings_of_a_run_submissions_first_each_once():
    result = dg.materialize([submission_files, documents], raise_on_error=False)
    warnings = input_warnings(result.all_events)
    assert warnings == [MANIFEST_LINE, BROKEN, EMPTY, PART, COPY]
    assert [warning[:6] for warning in warnings] == ["IN-S04", "IN-D16", "IN-D16", "IN-D17", "IN-D12"]


@dg.asset(
    key=["raw", "documents"],
    check_specs=[dg.AssetCheckSpec("every_document_listed_once", asset=["raw", "documents"])],
)
def clean_documents():
    yield dg.MaterializeResult()
    yield dg.AssetCheckResult(
        check_name="every_document_listed_once",
        passed=True,
        metadata={"manifest": "—", "not_loaded": "—", "metadata_issues": "—"},
    )


def test_a_clean_run_has_none():
    assert input_warnings(dg.materialize([clean_documents]).all_events) == []
