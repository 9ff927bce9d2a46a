"""Synthetic warehouses and worker processes for the publish and warehouse-access tests.

Imported by the tests (pytest puts tests/ on sys.path) and run as a script for the
process-level tests:

    python tests/publish_helpers.py reader WAREHOUSE_DIR STOP_FILE OUT_JSON MODE
    python tests/publish_helpers.py publish BUILD WAREHOUSE_DIR RUN_ID
    python tests/publish_helpers.py hold-rw DUCKDB_FILE READY_FILE

A synthetic build of version v has `marts.fct_amounts` (rows_for(v) rows, every row
tagged with v) and `marts.dim_totals` (v, the row count and the amount total), so one
query can tell whether everything it read came from one complete warehouse.
"""

from __future__ import annotations

import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

HELPER = Path(__file__).resolve()
BASE_ROWS = 50_000

CONSISTENCY_SQL = """
WITH f AS (
    SELECT min(version) AS v_min, max(version) AS v_max, count(*) AS n_rows, sum(amount_mvnd) AS total
    FROM marts.fct_amounts
),
d AS (SELECT version AS v_dim, row_count AS n_dim, total_mvnd AS total_dim FROM marts.dim_totals),
l AS (SELECT max(publish_no) AS publish_no, count(*) AS log_rows FROM meta.publish_log)
SELECT v_min, v_max, v_dim, n_rows, n_dim, total, total_dim, publish_no, log_rows FROM f, d, l
"""


def rows_for(version: int) -> int:
    return BASE_ROWS + 1000 * version


def make_build(path: Path, version: int, *, rows: int | None = None, checkpoint: bool = True) -> Path:
    """A finished build as dbt would leave it: marts whose totals must agree with each other."""
    n = rows if rows is not None else rows_for(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        f"CREATE TABLE marts.fct_amounts AS SELECT {version} AS version, i AS item_no, "
        f"CAST(i * {version} + 0.5 AS DECIMAL(18, 3)) AS amount_mvnd, 'Nhiệm vụ số ' || i AS item_name "
        f"FROM range({n}) AS t(i)"
    )
    con.execute(
        "CREATE TABLE marts.dim_totals AS SELECT max(version) AS version, count(*) AS row_count, "
        "sum(amount_mvnd) AS total_mvnd FROM marts.fct_amounts"
    )
    # A view and a staging schema, as dbt leaves them: not marts, so not counted.
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE VIEW staging.stg_amounts AS SELECT * FROM marts.fct_amounts")
    if checkpoint:
        con.close()
    return path


def answer(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = con.execute(CONSISTENCY_SQL).fetchone()
    assert row is not None
    names = ["v_min", "v_max", "v_dim", "n_rows", "n_dim", "total", "total_dim", "publish_no", "log_rows"]
    return dict(zip(names, row, strict=True))


def inconsistency(a: dict[str, Any]) -> str | None:
    """Why an answer mixes warehouses or is incomplete; None when it is one complete warehouse."""
    v = a["v_min"]
    if not (v == a["v_max"] == a["v_dim"]):
        return f"versions differ: {a}"
    if not (a["n_rows"] == a["n_dim"] == rows_for(v)):
        return f"row counts differ: {a}"
    if a["total"] != a["total_dim"] or a["total"] != expected_total(v):
        return f"totals differ: {a}"
    if a["publish_no"] != a["log_rows"]:
        return f"publish log incomplete: {a}"
    return None


def expected_total(version: int) -> Decimal:
    n = rows_for(version)
    return Decimal(version * n * (n - 1) // 2) + Decimal("0.5") * n


# ----------------------------------------------------------------------- processes


def reader(warehouse_dir: Path, stop_file: Path, out_json: Path, mode: str) -> None:
    """Query until stop_file exists; record errors, mixed answers and versions seen.

    mode "helper" opens with pipelines.warehouse_access.connect_readonly; "plain" with
    duckdb.connect(path, read_only=True), which is what an analyst might type.
    """
    from pipelines.warehouse_access import connect_readonly, published_path

    path = published_path(warehouse_dir)
    progress = out_json.with_suffix(".progress")
    stats: dict[str, Any] = {"queries": 0, "errors": [], "inconsistent": [], "versions": []}
    seen: set[int] = set()
    iteration = 0
    while not stop_file.exists():
        iteration += 1
        try:
            con = connect_readonly(path) if mode == "helper" else duckdb.connect(str(path), read_only=True)
            try:
                first = None
                for k in range(3):
                    a = answer(con)
                    stats["queries"] += 1
                    problem = inconsistency(a)
                    if problem:
                        stats["inconsistent"].append(problem)
                    if first is None:
                        first = a
                    elif a != first:
                        # One connection is one snapshot, even when a publish happens meanwhile.
                        stats["inconsistent"].append(f"snapshot changed within a connection: {first} → {a}")
                    seen.add(a["v_min"])
                    if iteration % 10 == 0 and k < 2:
                        time.sleep(0.1)  # hold the connection open across a publish now and then
            finally:
                con.close()
        except Exception as error:
            stats["errors"].append(f"{type(error).__name__}: {error}")
        tmp = progress.with_suffix(".tmp")
        tmp.write_text(json.dumps({"queries": stats["queries"], "versions": sorted(seen)}))
        os.replace(tmp, progress)
    stats["versions"] = sorted(seen)
    stats["error_count"] = len(stats["errors"])
    stats["errors"] = stats["errors"][:10]
    stats["inconsistent"] = stats["inconsistent"][:10]
    out_json.write_text(json.dumps(stats, default=str))


def publish(build: Path, warehouse_dir: Path, run_id: str) -> int:
    from pipelines.publish import PublishError, publish_build

    try:
        result = publish_build(
            build,
            run_id=run_id,
            input_hashes={"build": run_id},
            warehouse_dir=warehouse_dir,
            code_version="test",
        )
    except PublishError as error:
        print(error.reason, file=sys.stderr)
        return 3
    print(json.dumps({"version": result.version, "publish_no": result.publish_no}))
    return 0


def hold_rw(db: Path, ready: Path) -> None:
    """Hold a read-write connection (an analyst who forgot read_only) until killed."""
    con = duckdb.connect(str(db))
    con.execute("SELECT 1").fetchall()
    ready.write_text(str(os.getpid()))
    time.sleep(120)


def wait_for(predicate: Any, timeout: float = 30.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {message}")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "reader":
        reader(Path(args[0]), Path(args[1]), Path(args[2]), args[3])
    elif command == "publish":
        sys.exit(publish(Path(args[0]), Path(args[1]), args[2]))
    elif command == "hold-rw":
        hold_rw(Path(args[0]), Path(args[1]))
    else:
        sys.exit(f"unknown command {command}")
