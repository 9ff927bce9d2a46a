"""Dagster asset: publish the finished build atomically onto warehouse/warehouse.duckdb.

It runs after every mart is built and dbt's tests passed (a failing dbt test fails the
dbt step, so this step never runs and the previous warehouse stays published). The
fatal checks below run once more on exactly the bytes being published.
"""

from contextlib import suppress
from datetime import datetime

import dagster as dg

from pipelines.assets.dbt_assets import DocsSiteBuilder, duckdb_build_path, nq57_dbt_models
from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.paths import raw_tables_dir
from pipelines.publish import FatalCheck, publish_build
from pipelines.refresh_state import built_inputs

# Each selects failing rows; any row refuses the publish.
FATAL_CHECKS = [
    FatalCheck(
        name="dim_task_has_the_plan",
        sql="select 1 where (select count(*) from marts.dim_task where appendix = 'I') = 0",
        message_vi=(
            "Kho mới dựng không có nhiệm vụ nào của Phụ lục I (văn bản Đề án không được đọc). Kho đang công "
            "bố giữ nguyên; hãy kiểm tra văn bản Đề án trong raw/documents rồi chạy lại `nq57 refresh`."
        ),
    ),
    FatalCheck(
        name="budget_plan_amounts_are_exact",
        sql=(
            "select task_key from marts.fct_budget_plan "
            "where amount_mvnd is null or amount_mvnd <> round(amount_mvnd, 3)"
        ),
        message_vi=(
            "Có số tiền kế hoạch bị trống hoặc không chính xác đến nghìn đồng: lỗi tính toán của kho, không "
            "phải của văn bản. Kho đang công bố giữ nguyên; hãy báo bộ phận kỹ thuật của kho dữ liệu."
        ),
    ),
    FatalCheck(
        name="reconciliation_has_rows",
        sql="select 1 where (select count(*) from marts.rpt_reconciliation) = 0",
        message_vi=(
            "Kho mới dựng không có bảng đối chiếu số liệu nên các chỗ văn bản tự mâu thuẫn sẽ không hiện ra. "
            "Kho đang công bố giữ nguyên; hãy báo bộ phận kỹ thuật của kho dữ liệu."
        ),
    ),
]


# When the command or the sensor that asked for the run decided on it (ISO 8601 with an offset):
# the run itself is created a few seconds later, once Dagster has loaded.
REQUESTED_AT_TAG = "nq57/requested_at"


def run_began(context: dg.AssetExecutionContext) -> datetime | None:
    """When the refresh began: its request's time, else the run's creation, else unknown (None)."""
    tagged = context.run.tags.get(REQUESTED_AT_TAG)
    if tagged:
        with suppress(ValueError):
            return datetime.fromisoformat(tagged)
    record = context.instance.get_run_record_by_id(context.run.run_id)
    return record.create_timestamp if record is not None else None


@dg.asset(
    key=["warehouse", "published"],
    group_name="publish",
    # Every dbt model: the published file holds them all, and a run that builds only some of them
    # (submissions only) must still publish after the last of them. The docs site follows the publish.
    deps=nq57_dbt_models.keys,
    kinds={"duckdb"},
    description="Bản kho dữ liệu đã công bố (the published warehouse: atomic replace, last versions kept).",
)
def published_warehouse(
    context: dg.AssetExecutionContext, docs_site: DocsSiteBuilder, refresh_lock: RefreshLockResource
) -> dg.MaterializeResult:
    result = publish_build(
        duckdb_build_path(),
        run_id=context.run.run_id,
        input_hashes=built_inputs(raw_tables_dir()),
        fatal_checks=FATAL_CHECKS,
        not_over_rollbacks_since=run_began(context),
    )
    for warning in result.warnings:
        context.log.warning(warning)
    # The build file is free again (the publish works on its own copy): its docs site can be made
    # now, beside the briefing, instead of after it. The docs site step waits for it.
    if docs_site.start(context):
        context.log.info("Đang dựng trang tài liệu dbt song song với bản tin (docs site started)")
    return dg.MaterializeResult(
        metadata={
            "version": result.version,
            "path": str(result.published_path),
            "sha256": result.sha256,
            "rows": dg.MetadataValue.json(result.row_counts),
            "seconds": round(result.seconds, 2),
        }
    )
