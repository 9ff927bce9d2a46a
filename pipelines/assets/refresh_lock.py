"""Dagster resource: the warehouse's refresh lock (pipelines.refresh_lock), held for a whole run.

Every asset of the refresh requires it, so Dagster takes it before a run's first step and lets it
go after its last: a run started while another one is working on the same warehouse waits (its
log says so) instead of overwriting the other's raw tables or build file.
"""

import dagster as dg
from pydantic import PrivateAttr

from pipelines.assets.resource_setup import run_is_over
from pipelines.refresh_lock import RefreshLock

REFRESH_LOCK_KEY = "refresh_lock"


class RefreshLockResource(dg.ConfigurableResource):
    """Holds the refresh lock of ``$NQ57_WAREHOUSE_DIR`` from the run's start to its end."""

    _lock: RefreshLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if run_is_over(context):
            return
        lock = RefreshLock()
        waited = lock.acquire(on_wait=context.log.warning if context.log is not None else None)
        if waited >= 1 and context.log is not None:
            context.log.info(f"Đã chờ {waited:.0f} giây cho lần làm mới trước (waited for the last refresh)")
        self._lock = lock

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
