"""The Dagster code location: every asset, check, job, schedule and sensor of the warehouse.

`make dev` serves it (`dagster dev -m pipelines.definitions -h 127.0.0.1`); unattended, the
services in deploy/systemd run the daemon and the UI on the instance settings of deploy/dagster.yaml.
"""

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import dagster as dg

from pipelines.assets.briefing import BriefingWarmUp, nightly_briefing
from pipelines.assets.dbt_assets import (
    DBT_ASSETS,
    DbtWorkerResource,
    dbt_docs_site,
    dbt_resource,
    docs_site_builder,
)
from pipelines.assets.extraction import extracted_documents
from pipelines.assets.publishing import REQUESTED_AT_TAG, published_warehouse
from pipelines.assets.refresh_lock import REFRESH_LOCK_KEY, RefreshLockResource
from pipelines.assets.submissions import ingested_submissions
from pipelines.input_warnings import input_warnings
from pipelines.paths import documents_dir, submissions_dir
from pipelines.refresh_state import (
    RebuildScope,
    docs_site_is_current,
    fingerprint,
    rebuild_scope,
    record_failure,
    record_success,
)
from pipelines.run_failure import describe_failure, failure_details

ALL_ASSETS = [extracted_documents, ingested_submissions, *DBT_ASSETS, published_warehouse, nightly_briefing]

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Làm mới toàn bộ: tài liệu → bảng thô → marts → công bố (full refresh).",
    # Every step in the run's own process, as `nq57 refresh` runs it. Dagster's default for runs the
    # schedule, the sensor or the UI launch is one process per step, each loading this code location
    # again (≈4 s each): 50 s for the 25 s refresh, and the briefing's warm kernel would go unused.
    executor_def=dg.in_process_executor,
    # A run the instance retries (its process was killed: deploy/dagster.yaml) is a whole refresh
    # again, inputs read afresh, not a resume of the killed one's remaining steps.
    tags={"dagster/retry_strategy": "ALL_STEPS"},
)

BRIEFING_KEY = nightly_briefing.key

DEFAULT_SENSOR_INTERVAL_S = 30


def sensor_interval_seconds(environ: Mapping[str, str] = os.environ) -> int:
    """How often the daemon evaluates the sensors: $NQ57_SENSOR_INTERVAL_S, default 30 s.

    A value that is not a whole number of seconds ≥ 1 falls back to the default: a typo in a
    service file must not stop the code location from loading (no schedule, no sensor at all)."""
    try:
        seconds = int(environ.get("NQ57_SENSOR_INTERVAL_S", DEFAULT_SENSOR_INTERVAL_S))
    except ValueError:
        return DEFAULT_SENSOR_INTERVAL_S
    return seconds if seconds >= 1 else DEFAULT_SENSOR_INTERVAL_S


SENSOR_INTERVAL_S = sensor_interval_seconds()

# A refresh when only submissions changed: the documents' raw tables again (from the extraction
# cache: the submissions' reference data must be today's plan), the submissions and every model
# downstream of them, built on top of the published warehouse, then publish and briefing. Not the
# dbt docs site: it describes code, and only files changed (unless the published site is not
# current: see run_request_for).
SUBMISSIONS_REBUILD = (
    dg.AssetSelection.assets(extracted_documents)
    | dg.AssetSelection.assets(ingested_submissions).downstream()
    | dg.AssetSelection.assets(published_warehouse, nightly_briefing)
) - dg.AssetSelection.assets(dbt_docs_site)


def run_request_for(scope: RebuildScope, run_key: str | None = None, briefing: bool = True) -> dg.RunRequest:
    """The refresh run for a rebuild scope (nq57/refresh tag: briefing_only, submissions or full).

    Nothing to rebuild: the briefing (``briefing``: unless today's is already rendered) and the dbt
    docs site when the published one does not describe this code (a refresh published, then failed
    or was killed making the site). Only submissions: their models, and the docs site in that same
    case (the code is the published warehouse's, so the site of this build is the one to publish)."""
    stale_docs = [] if docs_site_is_current() else [dbt_docs_site.key]
    if scope == "nothing":
        keys = ([BRIEFING_KEY] if briefing else []) + stale_docs
        return dg.RunRequest(run_key=run_key, asset_selection=keys, tags=_tags("briefing_only"))
    if scope == "submissions":
        return dg.RunRequest(
            run_key=run_key,
            asset_selection=submissions_rebuild_keys() + stale_docs,
            tags=_tags("submissions"),
        )
    return dg.RunRequest(run_key=run_key, tags=_tags("full"))


def _tags(kind: str) -> dict[str, str]:
    # requested_at: a rollback made after it is not published over (pipelines.assets.publishing).
    return {"nq57/refresh": kind, REQUESTED_AT_TAG: datetime.now(UTC).isoformat()}


def submissions_rebuild_keys() -> list[dg.AssetKey]:
    return sorted(SUBMISSIONS_REBUILD.resolve(defs.resolve_asset_graph()), key=lambda k: k.to_string())


@dg.schedule(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Ho_Chi_Minh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every night at 02:00: only what changed since the published warehouse was built (the same
    rule as `nq57 refresh`): the new day's briefing when nothing did, the submission models on top
    of the published warehouse when only submissions did, else the whole refresh."""
    return run_request_for(rebuild_scope())


@dg.sensor(
    job=refresh_job, minimum_interval_seconds=SENSOR_INTERVAL_S, default_status=dg.DefaultSensorStatus.RUNNING
)
def new_input_sensor(context: dg.SensorEvaluationContext):
    """Start a refresh when a file in raw/documents or raw/submissions is added or changed."""
    current = fingerprint(documents_dir(), submissions_dir())
    if context.cursor == current:
        return dg.SkipReason("Không có tệp mới hoặc thay đổi (no new or changed input)")
    context.update_cursor(current)
    scope = rebuild_scope()
    if scope == "nothing":
        # Touched or copied again with the same bytes: the published warehouse is already built from it.
        return dg.SkipReason("Tệp được ghi lại nhưng nội dung không đổi (same content as published)")
    return run_request_for(scope, run_key=f"inputs-{current}")


@dg.run_failure_sensor(
    monitored_jobs=[refresh_job],
    minimum_interval_seconds=SENSOR_INTERVAL_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def record_refresh_failure(context: dg.RunFailureSensorContext):
    """Write down why a refresh failed (warehouse/state/refresh_failures.jsonl)."""
    events = _run_events(context) or [context.failure_event]
    stage, reason = describe_failure(events)
    record_failure(context.dagster_run.run_id, stage, reason, failure_details(events))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[refresh_job],
    minimum_interval_seconds=SENSOR_INTERVAL_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def record_refresh_success(context: dg.RunStatusSensorContext):
    """Write down that a refresh worked (warehouse/state/refresh_successes.jsonl), for `nq57 status`."""
    run = context.dagster_run
    events = _run_events(context)
    record_success(
        run.run_id,
        run.tags.get("nq57/refresh", "full"),
        published_version(events),
        warnings=input_warnings(events),
    )


def published_version(events: Iterable[dg.DagsterEvent]) -> str | None:
    """The version a finished run published (its warehouse/published materialization), or None."""
    for event in events:
        if event.is_step_materialization:
            materialization = event.event_specific_data.materialization
            if materialization.asset_key == published_warehouse.key and "version" in materialization.metadata:
                return materialization.metadata["version"].value
    return None


def _run_events(context: dg.RunStatusSensorContext) -> list[dg.DagsterEvent]:
    run_id = context.dagster_run.run_id
    return [entry.dagster_event for entry in context.instance.all_logs(run_id) if entry.dagster_event]


defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[refresh_job],
    schedules=[nightly_schedule],
    sensors=[new_input_sensor, record_refresh_failure, record_refresh_success],
    resources={
        "dbt": dbt_resource(),
        "dbt_worker": DbtWorkerResource(),
        "docs_site": docs_site_builder(),
        "briefing_warm_up": BriefingWarmUp(),
        REFRESH_LOCK_KEY: RefreshLockResource(),
    },
)
