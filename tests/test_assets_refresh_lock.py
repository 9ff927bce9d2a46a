"""The refresh lock as a Dagster resource: a run holds it from its first step to its end."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.refresh_lock import RefreshBusyError, RefreshLock


@dg.asset(required_resource_keys={"refresh_lock"})
def lock_probe(context) -> dg.MaterializeResult:
    # While the run holds the lock, nobody else gets it.
    other = RefreshLock()
    try:
        other.acquire(timeout=0.2)
        held_by_run = False
    except RefreshBusyError:  # only "busy" means held: any other error must fail the probe
        held_by_run = True
    finally:
        other.release()
    return dg.MaterializeResult(metadata={"held_by_run": held_by_run})


def test_a_run_holds_the_lock_and_lets_it_go_at_its_end(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    resources = {"refresh_lock": RefreshLockResource()}
    result = dg.materialize([lock_probe], resources=resources, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    [materialization] = result.get_asset_materialization_events()
    assert materialization.materialization.metadata["held_by_run"].value is True
    RefreshLock().acquire(timeout=0.2)  # released with the run


def test_a_run_that_cannot_get_the_lock_fails_saying_why(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("NQ57_REFRESH_LOCK_TIMEOUT_S", "0.5")
    holder = RefreshLock()
    holder.acquire()
    try:
        result = dg.materialize(
            [lock_probe],
            resources={"refresh_lock": RefreshLockResource()},
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    finally:
        holder.release()
    assert not result.success
    messages = " ".join(str(e.event_specific_data.error) for e in result.all_events if e.is_failure)
    assert "another refresh is still running" in messages
