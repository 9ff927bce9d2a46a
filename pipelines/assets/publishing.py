"""Dagster asset: publish the finished build atomically onto warehouse/warehouse.duckdb.

It runs after every mart is built and dbt's tests passed (a failing dbt test fails the
dbt step, so this step never runs and the previous warehouse stays published). The
fatal checks below run once more on exactly the bytes being published.
"""

import shutil

import dagster as dg

from pipelines.assets.dbt_assets import (
    DOCS_STAMP,
    dbt_docs_dir,
    dbt_docs_site,
    duckdb_build_path,
    nq57_dbt_models,
    published_docs_dir,
)
from pipelines.paths import raw_tables_dir
from pipelines.publish import FatalCheck, publish_build
from pipelines.refresh_state import built_inputs

# Each selects failing rows; any row refuses the publish.
FATAL_CHECKS = [
    FatalCheck(
        name="dim_task_has_the_plan",
        sql="select 1 where (select count(*) from marts.dim_task where appendix = 'I') = 0",
    ),
    FatalCheck(
        name="budget_plan_amounts_are_exact",
        sql=(
            "select task_key from marts.fct_budget_plan "
            "where amount_mvnd is null or amount_mvnd <> round(amount_mvnd, 3)"
        ),
    ),
    FatalCheck(
        name="reconciliation_has_rows",
        sql="select 1 where (select count(*) from marts.rpt_reconciliation) = 0",
    ),
]


@dg.asset(
    key=["warehouse", "published"],
    group_name="publish",
    # Every dbt model and the docs site: the published file holds them all, and a run that builds
    # only some of them (submissions only) must still publish after the last of them.
    deps=[*nq57_dbt_models.keys, dbt_docs_site.key],
    kinds={"duckdb"},
    description="Bản kho dữ liệu đã công bố (the published warehouse: atomic replace, last versions kept).",
)
def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    result = publish_build(
        duckdb_build_path(),
        run_id=context.run.run_id,
        input_hashes=built_inputs(raw_tables_dir()),
        fatal_checks=FATAL_CHECKS,
    )
    for warning in result.warnings:
        context.log.warning(warning)
    # A run that did not write the docs site (submissions only: same code, same site) keeps the one
    # published; the build folder may hold an older run's site.
    docs = publish_dbt_docs() if _run_includes(context, dbt_docs_site.key) else None
    return dg.MaterializeResult(
        metadata={
            "version": result.version,
            "path": str(result.published_path),
            "sha256": result.sha256,
            "rows": dg.MetadataValue.json(result.row_counts),
            "seconds": round(result.seconds, 2),
            "dbt_docs": str(docs) if docs else "—",
        }
    )


def _run_includes(context: dg.AssetExecutionContext, key: dg.AssetKey) -> bool:
    selection = context.run.asset_selection
    return not selection or key in selection  # None or empty: the whole job


def publish_dbt_docs() -> str | None:
    """Keep the static dbt docs site of the published build beside the warehouse (warehouse/dbt_docs)."""
    built = dbt_docs_dir() / "index.html"
    if not built.exists():
        return None
    published = published_docs_dir()
    published.mkdir(parents=True, exist_ok=True)
    # Stamp out, site in, stamp back: a site is never reused under another site's stamp.
    (published / DOCS_STAMP).unlink(missing_ok=True)
    for name in ("index.html", DOCS_STAMP):
        source = dbt_docs_dir() / name
        if source.exists():
            tmp = published / f".{name}.tmp"
            shutil.copyfile(source, tmp)
            tmp.replace(published / name)
    return str(published / "index.html")
