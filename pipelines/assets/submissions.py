"""Dagster asset: departmental submissions in raw/submissions → archive, error reports, raw tables.

Every file is archived unchanged, validated against the rule catalogue and, when it has
no fatal finding, loaded as a new version. A bad file is answered with its error report
and never stops the others. The five raw tables are written on every refresh (empty
when nothing arrived) so dbt's sources always exist.
"""

import dagster as dg

from pipelines.assets.refresh_lock import REFRESH_LOCK_KEY
from pipelines.extract.records import PlanItem, PlanTable
from pipelines.extract.tables_io import read_parquet_records
from pipelines.fault_points import pause_point
from pipelines.paths import DBT_PROJECT_DIR, raw_tables_dir, submissions_dir
from pipelines.refresh_state import input_hashes, save_input_snapshot
from pipelines.submissions.archive import archive_dir
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.raw_tables import TABLES
from pipelines.submissions.reference import ReferenceData, build_reference_data


@dg.multi_asset(
    required_resource_keys={REFRESH_LOCK_KEY},
    specs=[
        dg.AssetSpec(
            ["raw", table],
            group_name="raw",
            kinds={"parquet"},
            description=f"Raw table `{table}` from raw/submissions (lineage: file, sheet, row).",
            # Reference data (tasks, plan by year) comes from the extracted resolution.
            deps=[dg.AssetKey(["raw", "plan_items"])],
        )
        for table in TABLES
    ],
    can_subset=False,
)
def ingested_submissions(context: dg.AssetExecutionContext):
    # Hashed before reading: a file that arrives meanwhile is for the next refresh.
    snapshot = input_hashes(submissions_dir(), "submissions")
    summary = ingest_submissions(
        submissions_dir(), raw_tables_dir(), archive_dir(), reference_from_raw_tables()
    )
    # A file that could not be archived was not loaded: left out of the inputs the raw tables were
    # made from, it still counts as new, so the next refresh reads the submissions and tries again.
    for path in summary.not_archived:
        snapshot.pop(f"submissions/{path}", None)
    save_input_snapshot(raw_tables_dir(), "submissions", snapshot)
    pause_point("submissions_ingested")  # fault tests drop a new file here, mid-refresh
    context.log.info(f"submissions: {summary.text()}")
    for warning in summary.warnings:  # manifest.csv problems, copies not written: the operator acts
        context.log.warning(warning)  # starts with its ID (IN-S…): no prefix
    for table in TABLES:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table]),
            metadata={
                "rows": summary.rows.get(table, 0),
                "files": summary.files,
                # unchanged files are not validated again (validation cache, issue 5)
                "files_validated": summary.validated,
                "files_from_cache": summary.from_cache,
                "by_status": dg.MetadataValue.json(summary.by_status),
                # Named in the refresh summary with their error reports: someone sends each one back.
                "rejected": dg.MetadataValue.json(
                    [{"file": path, "report": report} for path, report in summary.rejected]
                ),
                "warnings": dg.MetadataValue.json(summary.warnings),
            },
        )


# Recorded as is in the failures log and `nq57 status` (ST-03): describe_failure keeps the innermost
# error's message, so this sentence is the whole reason a civil servant reads, and it names what to
# check rather than an internal folder. Kept short: describe_failure cuts a reason at 500 characters,
# class name included.
NO_PLAN_DOCUMENT = (
    "Chưa trích xuất được Nghị quyết có Phụ lục I từ raw/documents nên không kiểm tra được báo cáo; "
    "hãy xem tệp Nghị quyết có ở đó, được khai trong manifest.csv, đọc được, và trạng thái trích "
    "xuất của các tài liệu. Kho đã công bố vẫn giữ nguyên. (No plan document with Appendix I "
    "was extracted from raw/documents; check the file is there, listed in manifest.csv, readable, "
    "and the documents' extraction status. The published warehouse is kept.)"
)


class NoPlanDocumentError(Exception):
    """No extracted resolution has Appendix I tasks: the refresh must stop, nothing can be validated."""


def reference_from_raw_tables() -> ReferenceData:
    """Reference data from the plan the extraction asset just wrote, not a second extraction.

    The raw tables hold the plan in force only (the extraction sets the others aside), as
    load_reference_data picks it for `nq57 validate` and `nq57 template`.
    """
    items = read_parquet_records(raw_tables_dir() / "plan_items.parquet", PlanItem)
    tables = read_parquet_records(raw_tables_dir() / "plan_tables.parquet", PlanTable)
    with_tasks = sorted({i.document_id for i in items if i.appendix == "I" and i.item_level == "task"})
    if not with_tasks:
        raise NoPlanDocumentError(NO_PLAN_DOCUMENT)
    document_id = with_tasks[0]
    return build_reference_data(
        [i for i in items if i.document_id == document_id],
        [t for t in tables if t.document_id == document_id],
        DBT_PROJECT_DIR / "seeds",
        document_id,
    )
