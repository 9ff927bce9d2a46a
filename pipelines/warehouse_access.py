"""Read-only access to the published warehouse, for notebooks and the ``nq57`` command.

Readers never hold a lock the nightly run needs: the publisher never opens
``warehouse/warehouse.duckdb`` for writing, it builds a new file and swaps it in with
``os.replace`` (see ``pipelines.publish``). A reader therefore only ever holds a shared
read lock on the inode it opened. Measured with DuckDB 2.0.1 on Linux
(tests/test_warehouse_access.py keeps these facts checked):

* a connection opened before a publish keeps answering from the old file (the old inode
  stays alive until the last reader closes it) — a consistent snapshot, never a mix;
* a new process that connects after the replace sees the new file;
* but ``duckdb.connect(path, read_only=True)`` goes through a per-process instance cache
  keyed by the path: while any earlier connection to that path is still open in the same
  process, a "new" connection silently returns the OLD file, and a read-write connect
  fails with "different configuration". A notebook kernel that keeps a connection open
  would never see the nightly refresh.

So ``connect_readonly`` opens a fresh in-memory DuckDB and ``ATTACH``-es the file
``READ_ONLY``: every call is its own database instance and sees the file published at
that moment. Each connection is a snapshot; open a new one to see a newer publish.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipelines import paths

if TYPE_CHECKING:
    import pandas as pd

PUBLISHED_NAME = "warehouse.duckdb"
# Name under which the published file is attached; `USE` makes it the default catalog,
# so analysts write `marts.fct_budget_plan` exactly as in dbt.
CATALOG = "warehouse"
TIME_ZONE = "Asia/Ho_Chi_Minh"
# DuckDB session variable read by the date-dependent views (dbt macro as_of_date): unset, they
# are as of today in Vietnam.
AS_OF_VARIABLE = "nq57_as_of"


class WarehouseUnavailableError(Exception):
    """The published warehouse cannot be opened; ``reason`` says why in Vietnamese and English."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


def published_path(warehouse_dir: Path | None = None) -> Path:
    """The published warehouse file: ``$NQ57_WAREHOUSE_DIR/warehouse.duckdb``.

    The single place that names it. The folder comes from ``pipelines.paths.warehouse_dir()``
    (env var ``NQ57_WAREHOUSE_DIR``, default ``warehouse/`` in the project root).
    """
    return (warehouse_dir if warehouse_dir is not None else paths.warehouse_dir()) / PUBLISHED_NAME


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file, or None when it is missing.

    A publish replaces the inode, so a change here means "a newer warehouse was published
    since you opened yours" — cheap to check before every statement in the SQL shell.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def connect_readonly(path: Path | None = None, *, as_of: dt.date | None = None) -> duckdb.DuckDBPyConnection:
    """Open the published warehouse read-only (a snapshot of the file as published now).

    Tables are addressed as in dbt (``marts.dim_task``, ``meta.publish_log``). Writing
    fails with DuckDB's read-only error, and no other file can be read or written through the
    connection (export results with ``nq57 query --csv`` or pandas). Close the connection (or use
    ``with``) when done; an open connection never blocks a publish, but it keeps seeing the
    version it opened.
    ``as_of`` sets the date the date-dependent views (``rpt_task_risk``,
    ``rpt_submission_status``) are computed for; by default, today in Vietnam.
    """
    target = Path(path) if path is not None else published_path()
    if not target.is_file():
        raise WarehouseUnavailableError(
            f"Chưa có kho dữ liệu đã công bố tại {target}; hãy chạy `nq57 refresh` "
            f"(no published warehouse at {target} yet; run `nq57 refresh`).",
            target,
        )
    # Spill files of big queries go to the system temp folder, not next to the warehouse or
    # into whatever folder the analyst happens to be in.
    spill_dir = Path(tempfile.gettempdir()) / "nq57-duckdb"
    con = duckdb.connect(":memory:", config={"temp_directory": str(spill_dir)})
    try:
        con.execute(f"ATTACH '{_sql_string(str(target))}' AS {CATALOG} (READ_ONLY)")
        con.execute(f"USE {CATALOG}")
        # Publish times and other TIMESTAMPTZ values read in the province's local time,
        # whatever the machine's time zone is (servers often run on UTC).
        con.execute(f"SET TimeZone = '{TIME_ZONE}'")
        if as_of is not None:
            con.execute(
                f"SET VARIABLE {AS_OF_VARIABLE} = DATE '{dt.date.fromisoformat(str(as_of)).isoformat()}'"
            )
        # READ_ONLY protects the published file only: through this connection `COPY … TO`, `ATTACH`
        # and `EXPORT DATABASE` could still write any file this user may write (a kept version, the
        # submissions registry), and `read_csv` read any. No file access beyond the attached warehouse,
        # and the setting locked so a query cannot turn it back on (session variables still work).
        con.execute("SET GLOBAL enable_external_access = false")
        con.execute("SET GLOBAL lock_configuration = true")
    except duckdb.Error as error:
        con.close()
        raise WarehouseUnavailableError(_open_failure_reason(target, error), target) from error
    return con


def read_sql(
    sql: str, params: Any = None, *, path: Path | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Run one query on the published warehouse and return a DataFrame (for notebooks).

    Opens and closes its own connection, so every call reads the latest published version.
    ``as_of`` as in ``connect_readonly``. Money stays exact: a DECIMAL column (every ``_mvnd``
    amount, and their sums) comes back as Python ``Decimal`` values, NULL as None; pandas'
    usual conversion would give float64 (a sum of 864296.326 read 864296.3260000001). Use
    ``.astype(float)`` only where a chart needs it. Other columns are as DuckDB's ``.df()`` gives.
    """
    import pandas as pd

    with connect_readonly(path, as_of=as_of) as con:
        result = con.sql(sql, params=params)
        decimals = [
            name for name, kind in zip(result.columns, result.types, strict=True) if "DECIMAL" in str(kind)
        ]
        if not decimals:
            return result.df()
        rows = result.to_arrow_table()
        frame = con.from_arrow(rows).df()
        for name in decimals:
            frame[name] = pd.Series(rows.column(name).to_pylist(), index=frame.index, dtype=object)
        return frame


def is_lock_error(error: BaseException) -> bool:
    """DuckDB's "another process holds this file read-write" error."""
    text = str(error)
    return "Could not set lock" in text or "Conflicting lock" in text


def _open_failure_reason(path: Path, error: BaseException) -> str:
    if is_lock_error(error):
        return (
            f"Một chương trình khác đang mở {path} ở chế độ ghi nên không đọc được; hãy đóng chương trình "
            f"đó (another program holds {path} open for writing; close it)."
        )
    return (
        f"Không mở được kho dữ liệu {path}: tệp có thể bị hỏng. `nq57 status` cho biết tình trạng; "
        f"`nq57 refresh` khôi phục bản tốt gần nhất đã giữ lại (cannot open the warehouse, the file may "
        f"be corrupt): {error}"
    )


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
