"""``nq57 query``: a result as an aligned table or CSV, read-only, with clear errors."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from publish_helpers import make_build

from pipelines.cli import main
from pipelines.commands.query import display_width, format_table
from pipelines.publish import publish_build


@pytest.fixture(scope="module")
def warehouse_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query")
    build = make_build(root / "build.duckdb", 1, rows=5)
    publish_build(build, run_id="run-1", input_hashes={}, warehouse_dir=root / "wh", code_version="test")
    return root / "wh"


@pytest.fixture
def env(warehouse_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(warehouse_dir))
    return warehouse_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_output_is_aligned_with_nulls_and_a_row_count(env: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "SELECT item_no, item_name, amount_mvnd, CASE WHEN item_no = 1 THEN NULL ELSE item_no END AS maybe "
        "FROM marts.fct_amounts WHERE item_no < 3 ORDER BY item_no",
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split(" | ")[0].strip() == "item_no"
    assert set(lines[1]) <= {"-", "+"}
    assert lines[2:5] == [
        "      0 | Nhiệm vụ số 0 |       0.500 |     0",
        "      1 | Nhiệm vụ số 1 |       1.500 |  NULL",
        "      2 | Nhiệm vụ số 2 |       2.500 |     2",
    ]
    assert lines[-1] == "(3 dòng) (3 rows)"
    assert len({len(line) for line in lines[:5]}) == 1  # every row as wide as the header


def test_csv_output_is_plain_and_complete(env: Path, capsys) -> None:
    code, out, _err = run(
        capsys,
        "SELECT item_no, amount_mvnd, NULL AS unknown_mvnd, item_name FROM marts.fct_amounts ORDER BY 1",
        "--csv",
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["item_no", "amount_mvnd", "unknown_mvnd", "item_name"]
    assert rows[1:3] == [["0", "0.500", "", "Nhiệm vụ số 0"], ["1", "1.500", "", "Nhiệm vụ số 1"]]
    assert len(rows) == 6  # header + every row, no footer


def test_max_rows_cuts_the_table_and_says_so(env: Path, capsys) -> None:
    code, out, _err = run(capsys, "SELECT * FROM marts.fct_amounts", "--max-rows", "2")
    assert code == 0
    assert len(out.splitlines()) == 2 + 2 + 1
    assert "chỉ hiện 2 dòng đầu" in out


def test_publish_log_is_queryable(env: Path, capsys) -> None:
    code, out, _err = run(capsys, "SELECT publish_no, run_id, row_counts FROM meta.publish_log")
    assert code == 0 and "run-1" in out and "'marts.fct_amounts': 5" in out


def test_sql_error_is_reported_in_vietnamese(env: Path, capsys) -> None:
    code, out, err = run(capsys, "SELECT no_such_column FROM marts.fct_amounts")
    assert code == 1 and out == ""
    assert err.startswith("Lỗi SQL (SQL error):") and "no_such_column" in err


def test_writes_are_refused(env: Path, capsys) -> None:
    code, _out, err = run(capsys, "DELETE FROM marts.fct_amounts")
    assert code == 1
    assert err.startswith("Kho dữ liệu chỉ cho phép đọc") and "read-only" in err
    code, out, _err = run(capsys, "SELECT count(*) AS n FROM marts.fct_amounts", "--csv")
    assert out == "n\n5\n"


@pytest.mark.parametrize("sql", ["", "   ", "-- chỉ có chú thích"])
def test_text_with_no_statement_is_said_not_a_traceback(env: Path, capsys, sql: str) -> None:
    code, out, err = run(capsys, sql)
    assert code == 1 and out == ""
    assert err.strip() == "Không có câu lệnh SQL nào để chạy (no SQL statement)"


def test_a_reader_that_stops_reading_is_no_error(env: Path) -> None:
    """`nq57 query … | head -1`: the pipe closes early; that is not a failure, and no traceback."""
    query = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "query", "SELECT * FROM range(200000) t(i)", "--csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NQ57_WAREHOUSE_DIR": str(env)},
    )
    assert query.stdout.readline() == b"i\n"
    query.stdout.close()  # what `head` does once it has its line
    _, err = query.communicate(timeout=120)
    assert query.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


def test_no_warehouse_yet(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    code, out, err = run(capsys, "SELECT 1")
    assert code == 2 and out == ""
    assert err.startswith("Chưa có kho dữ liệu đã công bố") and "nq57 refresh" in err


def test_sql_from_stdin_and_the_db_option(warehouse_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT version FROM marts.dim_totals"))
    code, out, _err = run(capsys, "-", "--csv", "--db", str(warehouse_dir / "warehouse.duckdb"))
    assert code == 0 and out == "version\n1\n"


def test_the_installed_command_in_a_real_process(env: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "query",
            "SELECT 'Sở Khoa học và Công nghệ' AS co_quan",
            "--csv",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NQ57_WAREHOUSE_DIR": str(env)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "co_quan\nSở Khoa học và Công nghệ\n"


def test_format_table_counts_display_width_not_code_points() -> None:
    decomposed = unicodedata.normalize("NFD", "Sở")  # combining marks take no column
    assert display_width(decomposed) == 2 and display_width("Sở") == 2
    table = format_table(["tên", "số"], [[decomposed, Decimal("1.5")], ["ab", None], ["x" * 80, 10]])
    lines = table.splitlines()
    assert [display_width(line) for line in lines] == [display_width(lines[0])] * 5
    assert lines[4].startswith("x" * 59 + "…")
    assert lines[3].endswith("NULL")
