"""Read-only access to the published warehouse, and what DuckDB 2.0.1 does across os.replace."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from publish_helpers import make_build, wait_for

from pipelines.publish import publish_build
from pipelines.warehouse_access import (
    WarehouseUnavailableError,
    connect_readonly,
    file_identity,
    published_path,
    read_sql,
)


def publish(tmp_path: Path, version: int) -> Path:
    build = make_build(tmp_path / "builds" / f"v{version}.duckdb", version)
    result = publish_build(
        build, run_id=f"run-{version}", input_hashes={}, warehouse_dir=tmp_path / "wh", code_version="test"
    )
    return result.published_path


def version_of(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT version FROM marts.dim_totals").fetchone()
    assert row is not None
    return row[0]


def test_published_path_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "elsewhere"))
    assert published_path() == (tmp_path / "elsewhere" / "warehouse.duckdb").resolve()
    assert published_path(tmp_path) == tmp_path / "warehouse.duckdb"
    monkeypatch.delenv("NQ57_WAREHOUSE_DIR")
    assert published_path().parent.name == "warehouse"


def test_connect_readonly_reads_and_refuses_writes(tmp_path: Path, monkeypatch) -> None:
    path = publish(tmp_path, 1)
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "wh"))
    with connect_readonly() as con:
        assert version_of(con) == 1
        # Same names as in dbt, and local time for publish times.
        assert con.execute("SELECT count(*) FROM marts.dim_totals").fetchone() == (1,)
        assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("Asia/Ho_Chi_Minh",)
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM marts.fct_amounts")
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("CREATE TABLE marts.scratch (a INTEGER)")
        # Scratch work goes to the in-memory catalog, which is allowed.
        con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS a")
    assert file_identity(path) is not None


def test_a_reader_can_neither_write_nor_read_any_other_file(tmp_path: Path) -> None:
    """READ_ONLY guards the published file alone: `COPY … TO` once overwrote a kept version and the
    submissions registry (an adversarial probe), and `read_csv` read any file the user could."""
    path = publish(tmp_path, 3)
    kept = tmp_path / "wh" / "published" / "kept.duckdb"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(b"a kept version")
    outside = tmp_path / "secret.csv"
    outside.write_text("a,b\n1,2\n", encoding="utf-8")
    with connect_readonly(path) as con:
        for statement in (
            f"COPY (SELECT 'oops' AS x) TO '{kept}' (FORMAT csv)",
            f"ATTACH '{tmp_path / 'new.duckdb'}' AS other",
            f"EXPORT DATABASE '{tmp_path / 'export'}'",
            f"SELECT * FROM read_csv('{outside}')",
            "SET GLOBAL enable_external_access = true",
            "SET enable_external_access = true",
        ):
            with pytest.raises(duckdb.Error):
                con.execute(statement)
        # What readers do still works: queries, temp tables, the as-of date variable.
        con.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS a")
        con.execute("SET VARIABLE nq57_as_of = DATE '2026-06-30'")
        assert con.execute("SELECT getvariable('nq57_as_of')").fetchone() == (dt.date(2026, 6, 30),)
        assert version_of(con) == 3
    assert kept.read_bytes() == b"a kept version"
    assert not (tmp_path / "new.duckdb").exists() and not (tmp_path / "export").exists()


def test_read_sql_returns_a_dataframe(tmp_path: Path) -> None:
    path = publish(tmp_path, 2)
    frame = read_sql("SELECT version, row_count FROM marts.dim_totals WHERE version = ?", [2], path=path)
    assert frame.to_dict("records") == [{"version": 2, "row_count": 52_000}]


def test_read_sql_keeps_money_exact_and_unknown_as_none(tmp_path: Path) -> None:
    from decimal import Decimal

    path = publish(tmp_path, 2)
    frame = read_sql(
        "SELECT sum(x) AS total_mvnd, max(x) AS largest_mvnd, NULL::DECIMAL(18, 3) AS unknown_mvnd, "
        "DATE '2026-04-15' AS day, count(*) AS n "
        "FROM (VALUES (864296.326::DECIMAL(18, 3)), (0.000), (0.001)) t(x)",
        path=path,
    )
    row = frame.iloc[0]
    # As float64 it would be the binary fraction nearest 864296.327; as Decimal it is the figure itself.
    assert row["total_mvnd"] == Decimal("864296.327") and isinstance(row["total_mvnd"], Decimal)
    assert row["largest_mvnd"] == Decimal("864296.326")
    assert row["unknown_mvnd"] is None  # unknown, never 0 or NaN
    # The other columns as DuckDB gives them to pandas.
    assert row["day"] == pd.Timestamp("2026-04-15") and row["n"] == 3
    assert frame["total_mvnd"].sum() == Decimal("864296.327")


def test_as_of_sets_the_date_of_the_date_dependent_views(tmp_path: Path) -> None:
    import datetime as dt

    path = publish(tmp_path, 3)
    query = "SELECT getvariable('nq57_as_of') AS as_of"
    assert read_sql(query, path=path)["as_of"].isna().all()  # unset: the views use today in Vietnam
    with connect_readonly(path, as_of=dt.date(2026, 4, 15)) as con:
        assert con.execute(query).fetchone() == (dt.date(2026, 4, 15),)
    assert read_sql(query, path=path, as_of="2026-03-01")["as_of"].iloc[0].date() == dt.date(2026, 3, 1)
    with pytest.raises(ValueError):
        connect_readonly(path, as_of="1/3/2026")  # only ISO dates: never a guess at d/m or m/d


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseUnavailableError) as caught:
        connect_readonly(tmp_path / "warehouse.duckdb")
    assert caught.value.reason.startswith("Chưa có kho dữ liệu đã công bố")
    assert "nq57 refresh" in caught.value.reason


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "warehouse.duckdb"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(WarehouseUnavailableError, match="Không mở được kho dữ liệu") as caught:
        connect_readonly(bad)
    # What to do next, not only what went wrong.
    assert "`nq57 refresh` khôi phục bản tốt gần nhất" in caught.value.args[0]


def test_each_connection_is_a_snapshot_and_a_new_one_sees_the_new_publish(tmp_path: Path) -> None:
    path = publish(tmp_path, 1)
    old = connect_readonly(path)
    identity = file_identity(path)
    assert version_of(old) == 1

    publish(tmp_path, 2)

    assert file_identity(path) != identity  # a publish is a new inode, not a rewrite
    new = connect_readonly(path)
    assert version_of(new) == 2  # even though `old` is still open in this process
    assert version_of(old) == 1  # and the old one keeps its complete snapshot
    old.close()
    new.close()


def test_measured_plain_duckdb_connect_is_stale_within_a_process(tmp_path: Path) -> None:
    """Why connect_readonly ATTACHes instead of duckdb.connect(path, read_only=True).

    DuckDB 2.0.1 caches database instances by path: while one connection is open, a
    second duckdb.connect to the same path returns the OLD file after a replace. If a
    DuckDB upgrade changes this, this test says so; connect_readonly is right either way.
    """
    path = publish(tmp_path, 1)
    first = duckdb.connect(str(path), read_only=True)
    publish(tmp_path, 2)
    second = duckdb.connect(str(path), read_only=True)
    assert version_of(second) == 1, "DuckDB no longer reuses the cached instance: update the docstring"
    first.close()
    second.close()
    with duckdb.connect(str(path), read_only=True) as third:
        assert version_of(third) == 2  # all closed: the cache is gone


def test_a_reader_process_keeps_its_file_across_os_replace(tmp_path: Path) -> None:
    """The measured behaviour the publish relies on, with the reader in another process."""
    path = publish(tmp_path, 1)
    go, ready, out = tmp_path / "go", tmp_path / "ready", tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from publish_helpers import answer
        from pipelines.warehouse_access import connect_readonly
        con = connect_readonly(Path({str(path)!r}))
        before = answer(con)["v_min"]
        Path({str(ready)!r}).touch()
        while not Path({str(go)!r}).exists():
            time.sleep(0.01)
        after = answer(con)["v_min"]
        fresh = answer(connect_readonly(Path({str(path)!r})))["v_min"]
        Path({str(out)!r}).write_text(f"{{before}} {{after}} {{fresh}}")
        """
    )
    reader = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for(ready.exists, message="reader ready")
        publish(tmp_path, 2)
        go.touch()
        assert reader.wait(timeout=60) == 0
    finally:
        reader.kill()
    assert out.read_text() == "1 1 2"


def test_readers_do_not_block_a_replace_nor_each_other(tmp_path: Path) -> None:
    path = publish(tmp_path, 1)
    readers = [connect_readonly(path) for _ in range(3)]
    plain = duckdb.connect(str(path), read_only=True)
    tmp = tmp_path / "wh" / "next.duckdb"
    shutil.copy(make_build(tmp_path / "builds" / "v9.duckdb", 9), tmp)
    os.replace(tmp, path)  # no error while four readers hold the old file
    assert [version_of(r) for r in readers] == [1, 1, 1] and version_of(plain) == 1
    with connect_readonly(path) as fresh:
        assert version_of(fresh) == 9
    for con in [*readers, plain]:
        con.close()
