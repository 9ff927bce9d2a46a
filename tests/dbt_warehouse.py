"""Build the warehouse once per test session, the way production does, into a temp dir.

The shipped documents → the extraction asset (raw Parquet) → the dbt assets (`dbt build`, tests as
asset checks) → the static docs site, all materialised in-process by Dagster. Test modules share the
result through ``built_warehouse()`` (a helper module, not a conftest, so it needs no fixture wiring).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_ENV_VARS = (
    "NQ57_RAW_DIR",
    "NQ57_DUCKDB_PATH",
    "NQ57_WAREHOUSE_DIR",
    "NQ57_DOCUMENTS_DIR",
    "NQ57_SUBMISSIONS_DIR",
    "NQ57_SUBMISSION_ARCHIVE_DIR",
)


@dataclass(frozen=True)
class BuiltWarehouse:
    root: Path
    raw_dir: Path
    duckdb_path: Path
    docs_index: Path
    check_results: dict[str, bool]  # "<asset key>:<check name>" → passed
    seconds: float
    # The manifest and run results of this build's dbt invocation: they hold the compiled SQL of every
    # dbt test exactly as this build ran it (tests/test_dbt_data_tests.py runs it on altered copies).
    dbt_target: Path

    def manifest(self) -> dict:
        """This build's dbt manifest (models, columns, contracts, exposures, tests), parsed."""
        import json

        return json.loads((self.dbt_target / "manifest.json").read_text(encoding="utf-8"))


def _without_dbt_worker():
    from pipelines.assets import dbt_assets

    class WithoutDbtWorker(dbt_assets.DbtWorkerResource):
        """No worker started ahead: the build runs dbt as dagster-dbt does, the way it does when a
        worker failed to start or died (every `nq57 refresh` test goes through a worker)."""

        def setup_for_execution(self, context) -> None:
            return None

    return WithoutDbtWorker


@functools.cache
def built_warehouse() -> BuiltWarehouse:
    import dagster as dg

    from pipelines.assets import dbt_assets, extraction, submissions
    from pipelines.assets.refresh_lock import RefreshLockResource
    from pipelines.dbt_targets import DBT_TARGET_DIR

    WithoutDbtWorker = _without_dbt_worker()
    root = Path(tempfile.mkdtemp(prefix="nq57_dbt_"))
    atexit.register(shutil.rmtree, root, True)
    saved = {name: os.environ.get(name) for name in _ENV_VARS}
    os.environ["NQ57_WAREHOUSE_DIR"] = str(root / "warehouse")
    os.environ["NQ57_RAW_DIR"] = str(root / "raw")
    os.environ["NQ57_DUCKDB_PATH"] = str(root / "build" / "warehouse.duckdb")
    os.environ["NQ57_SUBMISSION_ARCHIVE_DIR"] = str(root / "warehouse" / "submissions")
    os.environ.pop("NQ57_DOCUMENTS_DIR", None)
    os.environ.pop("NQ57_SUBMISSIONS_DIR", None)
    started = time.perf_counter()
    try:
        result = dg.materialize(
            [extraction.extracted_documents, submissions.ingested_submissions, *dbt_assets.DBT_ASSETS],
            resources={
                "dbt": dbt_assets.dbt_resource(),
                "dbt_worker": WithoutDbtWorker(),
                "docs_site": dbt_assets.docs_site_builder(),
                "refresh_lock": RefreshLockResource(),
            },
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=True,
        )
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    checks = {
        f"{e.asset_key.to_user_string()}:{e.check_name}": e.passed
        for e in result.get_asset_check_evaluations()
    }
    # One folder per dbt invocation, named after the run (pipelines.dbt_targets.run_target_path).
    # Its two files are kept with the build: a refresh of another test prunes old target folders.
    [run_target] = DBT_TARGET_DIR.glob(f"run-{result.run_id[:8]}-*")
    dbt_target = root / "dbt_target"
    dbt_target.mkdir()
    for name in ("manifest.json", "run_results.json"):
        shutil.copyfile(run_target / name, dbt_target / name)
    return BuiltWarehouse(
        root=root,
        raw_dir=root / "raw",
        duckdb_path=root / "build" / "warehouse.duckdb",
        docs_index=root / "build" / "dbt_docs" / "index.html",
        check_results=checks,
        seconds=time.perf_counter() - started,
        dbt_target=dbt_target,
    )


def connect(warehouse: BuiltWarehouse):
    import duckdb

    return duckdb.connect(str(warehouse.duckdb_path), read_only=True)


def altered_copy(warehouse: BuiltWarehouse, folder: Path, *statements: str) -> Path:
    """A copy of the build in ``folder``, changed by ``statements`` (DuckDB SQL), closed and checkpointed.

    The copy keeps the build's file name, so its catalog is still "warehouse": dbt's compiled SQL
    names relations as "warehouse"."marts"."dim_task". The shared build itself is never written.
    """
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / warehouse.duckdb_path.name
    shutil.copyfile(warehouse.duckdb_path, copy)
    con = duckdb.connect(str(copy))
    try:
        for statement in statements:
            con.execute(statement)
        con.execute("checkpoint")
    finally:
        con.close()
    return copy
