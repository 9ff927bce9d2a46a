"""Resources set up again after their run ended start nothing and take no lock (a real lock file,
the real resources; only the process starters are replaced, to see whether they are called)."""

from __future__ import annotations

import pytest
from dagster._core.execution.context.init import InitResourceContext
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus

from pipelines.assets import briefing as briefing_asset
from pipelines.assets import dbt_assets
from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.assets.resource_setup import run_is_over
from pipelines.refresh_lock import RefreshLock


def context_for(status: DagsterRunStatus) -> InitResourceContext:
    run = DagsterRun(job_name="refresh", run_id="0123456789abcdef", status=status)
    return InitResourceContext(
        resource_config=None, resources=None, resource_def=None, all_resource_defs={}, dagster_run=run
    )


def test_a_run_is_over_once_it_succeeded_failed_or_was_canceled():
    assert not run_is_over(context_for(DagsterRunStatus.STARTED))
    for status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
        assert run_is_over(context_for(status))


def test_resources_set_up_after_the_run_start_no_process_and_take_no_lock(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))

    def must_not_start(*args, **kwargs):
        raise AssertionError("started a process for a run that is over")

    monkeypatch.setattr(briefing_asset, "WarmKernel", must_not_start)
    monkeypatch.setattr(briefing_asset, "WarmPrinter", must_not_start)
    monkeypatch.setattr(briefing_asset, "preload_renderer", must_not_start)
    monkeypatch.setattr(dbt_assets, "take_early", must_not_start)
    monkeypatch.setattr(dbt_assets, "start_for_build", must_not_start)
    other = RefreshLock()
    other.acquire()  # another refresh is running: a finished run must not wait for it
    try:
        over = context_for(DagsterRunStatus.SUCCESS)
        briefing_asset.BriefingWarmUp().setup_for_execution(over)
        dbt_assets.DbtWorkerResource().setup_for_execution(over)
        RefreshLockResource().setup_for_execution(over)
    finally:
        other.release()


def test_resources_of_a_running_run_do_start(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    started: list[str] = []
    monkeypatch.setattr(dbt_assets, "take_early", lambda: None)
    monkeypatch.setattr(dbt_assets, "start_for_build", lambda run_id: started.append(run_id))
    dbt_assets.DbtWorkerResource().setup_for_execution(context_for(DagsterRunStatus.STARTED))
    assert started == ["0123456789abcdef"]
    lock = RefreshLockResource()
    lock.setup_for_execution(context_for(DagsterRunStatus.STARTED))
    with pytest.raises(Exception, match="another refresh"):
        RefreshLock().acquire(timeout=0.2)
    lock.teardown_after_execution(context_for(DagsterRunStatus.STARTED))
