"""The Dagster code location: every asset, check, job, schedule and sensor of the warehouse.

`make dev` serves it (`dagster dev -m pipelines.definitions -h 127.0.0.1`).
"""

import dagster as dg

from pipelines.assets.briefing import nightly_briefing
from pipelines.assets.dbt_assets import DBT_ASSETS, dbt_resource
from pipelines.assets.extraction import extracted_documents
from pipelines.assets.publishing import published_warehouse
from pipelines.assets.submissions import ingested_submissions
from pipelines.paths import documents_dir, submissions_dir
from pipelines.refresh_state import fingerprint, inputs_unchanged, record_failure

ALL_ASSETS = [extracted_documents, ingested_submissions, *DBT_ASSETS, published_warehouse, nightly_briefing]

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Làm mới toàn bộ: tài liệu → bảng thô → marts → công bố (full refresh).",
)

BRIEFING_KEY = nightly_briefing.key


@dg.schedule(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every night at 02:00: the whole refresh, or only the new day's briefing when no input file
    and no code changed since the published warehouse was built (the same rule as `nq57 refresh`)."""
    if inputs_unchanged():
        return dg.RunRequest(asset_selection=[BRIEFING_KEY], tags={"nq57/refresh": "briefing_only"})
    return dg.RunRequest(tags={"nq57/refresh": "full"})


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def new_input_sensor(context: dg.SensorEvaluationContext):
    """Start a refresh when a file in raw/documents or raw/submissions is added or changed."""
    current = fingerprint(documents_dir(), submissions_dir())
    if context.cursor == current:
        return dg.SkipReason("Không có tệp mới hoặc thay đổi (no new or changed input)")
    context.update_cursor(current)
    return dg.RunRequest(run_key=f"inputs-{current}")


@dg.run_failure_sensor(monitored_jobs=[refresh_job], default_status=dg.DefaultSensorStatus.RUNNING)
def record_refresh_failure(context: dg.RunFailureSensorContext):
    """Write down why a refresh failed (warehouse/state/refresh_failures.jsonl)."""
    failed_steps = [event.step_key for event in context.get_step_failure_events()]
    record_failure(
        context.dagster_run.run_id,
        ", ".join(s for s in failed_steps if s) or "run",
        context.failure_event.message or "unknown",
    )


defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[refresh_job],
    schedules=[nightly_schedule],
    sensors=[new_input_sensor, record_refresh_failure],
    resources={"dbt": dbt_resource()},
)
