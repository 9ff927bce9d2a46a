"""One rendered briefing per test session, shared by test_briefing.py and test_briefing_browser.py.

The warehouse comes from tests/dbt_warehouse.py (the real documents through the real extraction
and dbt build); it is copied into a temp warehouse folder as the *published* file, and the Dagster
asset ``["briefing", "nightly"]`` renders the briefing there exactly as the nightly run does.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

AS_OF = dt.date(2026, 3, 1)  # fixed, so "due in 90 days" / "overdue" are stable (tasks due 31/03/2026)


@dataclass(frozen=True)
class RenderedBriefing:
    warehouse_dir: Path
    warehouse_file: Path
    folder: Path
    latest: Path


@functools.cache
def rendered_briefing() -> RenderedBriefing:
    import dagster as dg

    from pipelines.assets.briefing import BriefingWarmUp, nightly_briefing
    from pipelines.assets.refresh_lock import RefreshLockResource
    from tests.dbt_warehouse import built_warehouse

    built = built_warehouse()
    root = Path(tempfile.mkdtemp(prefix="nq57_briefing_"))
    atexit.register(shutil.rmtree, root, True)
    warehouse_dir = root / "warehouse"
    warehouse_dir.mkdir()
    shutil.copyfile(built.duckdb_path, warehouse_dir / "warehouse.duckdb")
    saved = os.environ.get("NQ57_WAREHOUSE_DIR")
    os.environ["NQ57_WAREHOUSE_DIR"] = str(warehouse_dir)
    try:
        # The asset renders "today"; pin the date through the module's clock so the test is stable.
        import pipelines.briefing as briefing

        original = briefing.today_vn
        briefing.today_vn = lambda: AS_OF
        try:
            dg.materialize(
                [nightly_briefing],
                instance=dg.DagsterInstance.ephemeral(),
                resources={"briefing_warm_up": BriefingWarmUp(), "refresh_lock": RefreshLockResource()},
                raise_on_error=True,
            )
        finally:
            briefing.today_vn = original
    finally:
        if saved is None:
            os.environ.pop("NQ57_WAREHOUSE_DIR", None)
        else:
            os.environ["NQ57_WAREHOUSE_DIR"] = saved
    return RenderedBriefing(
        warehouse_dir=warehouse_dir,
        warehouse_file=warehouse_dir / "warehouse.duckdb",
        folder=warehouse_dir / "briefings" / AS_OF.isoformat(),
        latest=warehouse_dir / "briefings" / "latest",
    )
