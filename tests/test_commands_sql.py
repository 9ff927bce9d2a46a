"""``nq57 sql``: the read-only shell, driven through a pipe as a script would, and in-process."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from publish_helpers import make_build

from pipelines.commands.sql import Shell, loop
from pipelines.publish import publish_build


def publish(root: Path, version: int) -> Path:
    build = make_build(root / "builds" / f"v{version}.duckdb", version, rows=4)
    publish_build(
        build, run_id=f"run-{version}", input_hashes={}, warehouse_dir=root / "wh", code_version="test"
    )
    return root / "wh"


def nq57_sql(warehouse_dir: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "sql"],
        input=script,
        capture_output=True,
        text=True,
        env={**os.environ, "NQ57_WAREHOUSE_DIR": str(warehouse_dir)},
        timeout=60,
        check=False,
    )


def test_piped_statements_and_dot_commands(tmp_path: Path) -> None:
    wh = publish(tmp_path, 1)
    result = nq57_sql(
        wh,
        "SELECT item_no,\n       item_name\nFROM marts.fct_amounts\nWHERE item_no < 2\nORDER BY 1;\n"
        ".tables\n.schema meta.publish_log\n.mode csv\nSELECT count(*) AS n FROM marts.fct_amounts;\n"
        ".version\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Nhiệm vụ số 1" in out and "(2 dòng)" in out  # a statement over several lines
    assert re.search(r"marts\.fct_amounts +\| table", out)
    assert re.search(r"staging\.stg_amounts +\| view", out)
    assert "run_id" in out and "Mã lần chạy làm mới" in out  # column comments from the publish log
    assert "n\n4\n" in out  # .mode csv
    assert "bản " in out and "giờ Việt Nam" in out
    assert result.stderr == ""


def test_errors_are_reported_and_the_script_exit_code_says_so(tmp_path: Path) -> None:
    wh = publish(tmp_path, 1)
    result = nq57_sql(wh, "SELEC 1;\nDROP TABLE marts.fct_amounts;\n.nonsense\nSELECT 2 AS still_running;\n")
    assert result.returncode == 1
    assert "Lỗi SQL (SQL error)" in result.stderr
    assert "Kho dữ liệu chỉ cho phép đọc" in result.stderr
    assert "Không hiểu lệnh" in result.stderr
    assert "still_running" in result.stdout


def test_no_warehouse_yet(tmp_path: Path) -> None:
    result = nq57_sql(tmp_path, "SELECT 1;\n")
    assert result.returncode == 2 and "Chưa có kho dữ liệu đã công bố" in result.stderr


def test_the_shell_notices_a_newer_publish_and_reopens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wh = publish(tmp_path, 1)
    out, err = io.StringIO(), io.StringIO()
    shell = Shell(wh / "warehouse.duckdb", csv_mode=True, out=out, err=err)
    shell.open()
    publish(tmp_path, 2)
    monkeypatch.setattr(
        sys,
        "stdin",
        io.StringIO(
            "SELECT version FROM marts.dim_totals;\n.reopen\nSELECT version FROM marts.dim_totals;\n"
        ),
    )
    try:
        loop(shell, interactive=False)
    finally:
        shell.close()
    # The open snapshot answered 1 and said a newer warehouse exists; after .reopen, 2.
    assert "Đã có bản kho dữ liệu mới hơn" in err.getvalue()
    assert out.getvalue().count("version\n") == 2
    assert "version\n1\n" in out.getvalue() and "version\n2\n" in out.getvalue()
