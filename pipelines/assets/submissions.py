"""Dagster asset: departmental submissions in raw/submissions → archive, error reports, raw tables.

Every file is archived unchanged, validated against the rule catalogue and, when it has
no fatal finding, loaded as a new version. A bad file is answered with its error report
and never stops the others. The five raw tables are written on every refresh (empty
when nothing arrived) so dbt's sources always exist.
"""

import dagster as dg

from pipelines.paths import raw_tables_dir, submissions_dir
from pipelines.submissions.archive import archive_dir
from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.raw_tables import TABLES
from pipelines.submissions.reference import load_reference_data


@dg.multi_asset(
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
    summary = ingest_submissions(submissions_dir(), raw_tables_dir(), archive_dir(), load_reference_data())
    context.log.info(f"submissions: {summary.text()}")
    for table in TABLES:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table]),
            metadata={
                "rows": summary.rows.get(table, 0),
                "files": summary.files,
                "by_status": dg.MetadataValue.json(summary.by_status),
            },
        )
