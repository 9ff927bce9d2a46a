"""Dagster assets: the source documents → raw tables (Parquet) with lineage.

(No `from __future__ import annotations` here: Dagster inspects the `context` type hint.)

One multi-asset reads every document in raw/documents and writes one Parquet file per
raw table; dbt reads those files as sources. A document that cannot be read becomes a
'failed' row in ``raw/documents`` with the reason, and the others still load; so do a copy of
another document ('duplicate'), a file the manifest does not list ('not_listed') and a plan
document another one supersedes ('superseded': one plan document is in force, see
pipelines.extract.run). What could not be read in the manifest, and each document not loaded,
is in the run's log and in a warning check.
Checks run on what was written: row counts, and whether stated totals match their rows.
"""

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import dagster as dg

from pipelines.assets.refresh_lock import REFRESH_LOCK_KEY
from pipelines.extract.cache import ExtractionCache
from pipelines.extract.records import RECORD_TYPES, ExtractionResult
from pipelines.extract.run import ExtractionRun, extract_folder, write_raw_tables
from pipelines.formatting import vn_number
from pipelines.paths import documents_dir, raw_tables_dir, warehouse_dir
from pipelines.refresh_state import input_hashes, save_input_snapshot

RAW_TABLES = ["documents", *RECORD_TYPES]


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


_CHECKS = [
    dg.AssetCheckSpec(
        "every_document_extracted",
        asset=raw_key("documents"),
        description=(
            "Mọi tài liệu trong raw/documents đều trích xuất được, không bảng nào bị bỏ sót "
            "(every document was read, and read whole)."
        ),
    ),
    dg.AssetCheckSpec(
        "every_document_listed_once",
        asset=raw_key("documents"),
        description=(
            "Mỗi tài liệu có một dòng đọc được trong manifest.csv, không là bản sao của tệp khác và "
            "không bị văn bản kế hoạch khác thay thế (every document has a readable manifest row, is "
            "not a copy and is not superseded by another plan document)."
        ),
    ),
    dg.AssetCheckSpec(
        "plan_items_present",
        asset=raw_key("plan_items"),
        description="Mỗi nghị quyết có bảng nhiệm vụ với ít nhất một dòng (each resolution yields tasks).",
    ),
    dg.AssetCheckSpec(
        "stated_totals_match_rows",
        asset=raw_key("stated_totals"),
        description=(
            "Dòng tổng cộng của mỗi phụ lục bằng tổng các dòng (each appendix total row equals the sum "
            "of its rows). Sai lệch là của tài liệu gốc; xem rpt_reconciliation."
        ),
    ),
]


@dg.multi_asset(
    required_resource_keys={REFRESH_LOCK_KEY},
    specs=[
        dg.AssetSpec(
            raw_key(table),
            group_name="raw",
            kinds={"parquet"},
            description=f"Raw table `{table}` from raw/documents (lineage: document_id, source_locator).",
        )
        for table in RAW_TABLES
    ],
    check_specs=_CHECKS,
    can_subset=False,
)
def extracted_documents(context: dg.AssetExecutionContext):
    """Extract every document in raw/documents and write the raw tables.

    A document whose content and extraction code are unchanged since it was last extracted is
    taken from the extraction cache (warehouse/state/extraction_cache), not read again.
    """
    cache = ExtractionCache(extraction_cache_dir())
    # Hashed before reading: a document that arrives meanwhile is for the next refresh.
    snapshot = input_hashes(documents_dir(), "documents")
    run = extract_folder(documents_dir(), cache)
    counts = write_raw_tables(run, raw_tables_dir())
    save_input_snapshot(raw_tables_dir(), "documents", snapshot)
    context.log.info(
        f"tài liệu đọc lại: {cache.misses}, lấy từ bộ nhớ đệm: {cache.hits} (extracted / cached)"
    )
    # What the manifest could not say (each document's metadata_issue comes from one of these).
    for warning in run.warnings:
        context.log.warning(warning)
    if any(d.extraction_status == "superseded" for d in run.documents):
        context.log.info(f"văn bản kế hoạch được dùng (plan document in force): {run.plan_document}")
    # Each document not read or not loaded, as the input warning the check and the summary carry.
    for warning in [*run.failed_warnings(), *run.not_loaded_warnings()]:
        context.log.warning(warning)
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_key(table),
            metadata={
                "rows": counts[table],
                "path": str(raw_tables_dir() / f"{table}.parquet"),
                "documents_extracted": cache.misses,
                "documents_from_cache": cache.hits,
            },
        )
    yield from _checks(run)


def extraction_cache_dir() -> Path:
    """Where extraction results of unchanged documents are kept between refreshes."""
    return warehouse_dir() / "state" / "extraction_cache"


def _checks(run: ExtractionRun) -> list[dg.AssetCheckResult]:
    results, failed = run.results, run.failed()
    not_loaded = run.not_loaded()
    # Documents the manifest does not (fully) describe: unlisted, or listed in a row it could not use.
    undescribed = [d for d in run.documents if d.metadata_issue]
    names = {d.document_id: d.file_name for d in run.documents}
    errors = run.issue_warnings()
    checks = [
        dg.AssetCheckResult(
            check_name="every_document_extracted",
            asset_key=raw_key("documents"),
            # A document read only in part (a table it found and could not place) is not "extracted":
            # its rows are missing from the marts, and only this says so before the figures do.
            passed=not failed and not errors,
            severity=dg.AssetCheckSeverity.WARN,
            # One input warning a line (pipelines.input_warnings reads them): IN-D16, IN-D17.
            metadata={
                "failed": "\n".join(run.failed_warnings()) or "—",
                "issues": "\n".join(errors) or "—",
            },
        ),
        dg.AssetCheckResult(
            check_name="every_document_listed_once",
            asset_key=raw_key("documents"),
            passed=not (run.warnings or not_loaded or undescribed),
            severity=dg.AssetCheckSeverity.WARN,
            # The manifest's input warnings (IN-D01…D10) and the documents not loaded (IN-D11…D15)
            # are read by pipelines.input_warnings; metadata_issues repeats, document by document,
            # what those say, for whoever reads this check in Dagster.
            metadata={
                "manifest": "\n".join(run.warnings) or "—",
                "not_loaded": "\n".join(run.not_loaded_warnings()) or "—",
                "plan_document": run.plan_document or "—",
                "metadata_issues": "\n".join(f"{d.file_name}: {d.metadata_issue}" for d in undescribed)
                or "—",
            },
        ),
    ]
    resolutions = [r for r in results if r.document_kind == "resolution"]
    missing = [
        names.get(r.document_id, r.document_id)
        for r in resolutions
        if not any(i.item_level == "task" for i in r.plan_items)
    ]
    if not resolutions:
        problem = (
            "Trong raw/documents không có văn bản nghị quyết nào nên kho không có nhiệm vụ nào. Hãy chép "
            "văn bản Đề án vào raw/documents rồi chạy lại `nq57 refresh` (no resolution among the documents)."
        )
    elif missing:
        problem = (
            f"Nghị quyết không có dòng nhiệm vụ nào: {', '.join(missing)}. Hãy kiểm tra bảng Phụ lục I của "
            "văn bản (resolution without task rows)."
        )
    else:
        problem = "—"
    checks.append(
        dg.AssetCheckResult(
            check_name="plan_items_present",
            asset_key=raw_key("plan_items"),
            passed=problem == "—",
            # Not WARN like the checks above: without the plan's tasks every figure of the warehouse
            # (plan amounts, risks, the briefing) is missing, so somebody must act before it is read.
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"documents_without_tasks": ", ".join(missing) or "—", "problem": problem},
        )
    )
    mismatches = list(_total_mismatches(resolutions))
    checks.append(
        dg.AssetCheckResult(
            check_name="stated_totals_match_rows",
            asset_key=raw_key("stated_totals"),
            passed=not mismatches,
            # The documents themselves disagree (GUIDE §2): warn, never block the refresh.
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"mismatches": "\n".join(mismatches) or "—"},
        )
    )
    return checks


# A total row's column as rpt_reconciliation's descriptions name it, for a reader of the check's text.
_MEASURE_VI = {
    "state_budget": "kinh phí NSNN",
    "other_sources": "kinh phí nguồn khác",
    "budget_2025": "dự toán năm 2025",
    "budget_2026_2030": "dự toán giai đoạn 2026-2030",
    "total": "tổng kinh phí",
}


def _total_mismatches(results: list[ExtractionResult]):
    """'document: the total row of an appendix (column) stated X, rows sum to Y (its check_id in
    rpt_reconciliation)' for every appendix total row that disagrees."""
    for result in results:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for item in result.plan_items:
            prefix = f"appendix_{item.appendix}.total."
            if item.item_level == "task":
                sums[prefix + "state_budget"] += item.state_budget_mvnd or 0
                sums[prefix + "other_sources"] += item.other_budget_mvnd or 0
            elif item.item_level == "unit":
                sums[prefix + "budget_2025"] += item.budget_2025_mvnd or 0
                sums[prefix + "budget_2026_2030"] += item.budget_2026_2030_mvnd or 0
                sums[prefix + "total"] += item.total_mvnd or 0
        for total in result.stated_totals:
            computed = sums.get(total.total_id)
            if computed is not None and total.amount_mvnd is not None and computed != total.amount_mvnd:
                # Named as the document prints it; the check_id leads to the same row of rpt_reconciliation.
                appendix = total.scope.removeprefix("appendix_")
                measure = total.measure.upper()
                check_id = {"I": f"A1.TOTAL.{measure}", "II": f"A2.TOTAL.{measure}.UNITS"}.get(
                    appendix, total.total_id
                )
                yield (
                    f"{result.document_id}: Phụ lục {'2' if appendix == 'II' else appendix}, dòng Tổng cộng "
                    f"({_MEASURE_VI.get(total.measure, total.measure)}) ghi {vn_number(total.amount_mvnd)}, "
                    f"cộng các dòng được {vn_number(computed)} ({check_id})"
                )
