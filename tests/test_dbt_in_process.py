"""dbt run inside the process, read by dagster-dbt: a tiny real dbt project on a real DuckDB file.

The warehouse's own build goes this way in every refresh test (tests/dbt_warehouse.py,
test_commands_refresh.py); these tests pin down what those cannot show quickly: the return
codes, the errors, the closed file, the untouched environment, the interrupt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipelines.dbt_in_process import InProcessDbt, _duckdb_environment, dbt_cli_in_process

PROFILE = """\
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
      threads: 1
"""


def tiny_project(root: Path, models: dict[str, str], schema_yml: str = "") -> Path:
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\nmodel-paths: [models]\n", encoding="utf-8"
    )
    (project / "profiles.yml").write_text(PROFILE.format(path=root / "tiny.duckdb"), encoding="utf-8")
    for name, sql in models.items():
        (project / "models" / f"{name}.sql").write_text(sql, encoding="utf-8")
    if schema_yml:
        (project / "models" / "schema.yml").write_text(schema_yml, encoding="utf-8")
    return project


def args_for(project: Path, command: str = "build") -> list[str]:
    target = project.parent / "target"
    return [
        command,
        *("--project-dir", str(project), "--profiles-dir", str(project)),
        *("--target-path", str(target), "--log-path", str(target), "--log-level", "none"),
        "--no-send-anonymous-usage-stats",
    ]


def run(args: list[str]) -> tuple[int | None, list[dict]]:
    dbt = InProcessDbt(args)
    with dbt.stdout:
        events = [json.loads(line) for line in dbt.stdout]
    return dbt.wait(timeout=120), events


def test_a_build_reports_its_results_and_leaves_the_file_closed(tmp_path):
    project = tiny_project(tmp_path, {"plan": "select 6529164::decimal(18,3) as total_mvnd"})
    environment = dict(os.environ)
    code, events = run(args_for(project))
    assert code == 0
    results = [e for e in events if e["info"]["name"] == "LogModelResult"]
    assert [e["data"]["node_info"]["unique_id"] for e in results] == ["model.tiny.plan"]
    assert {e["info"]["level"] for e in events} <= {"info", "warn", "error"}  # what the CLI prints
    assert dict(os.environ) == environment
    # Closed: this process opens it again with another configuration, another process for writing.
    with duckdb.connect(str(tmp_path / "tiny.duckdb"), read_only=True) as con:
        assert str(con.execute("select total_mvnd from main.plan").fetchone()[0]) == "6529164.000"
    writer = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(tmp_path / 'tiny.duckdb')!r}).close()"],
        capture_output=True,
        text=True,
    )
    assert writer.returncode == 0, writer.stderr


def test_a_failing_model_gives_return_code_1_and_the_error(tmp_path):
    project = tiny_project(tmp_path, {"broken": "select * from bang_khong_co"})
    code, events = run(args_for(project))
    assert code == 1
    errors = " ".join(e["info"]["msg"] for e in events if e["info"]["level"] == "error")
    assert "bang_khong_co" in errors


def test_a_command_dbt_refuses_gives_return_code_2_and_says_why(tmp_path):
    project = tiny_project(tmp_path, {"plan": "select 1 as x"})
    code, events = run([*args_for(project), "--no-such-flag"])
    assert code == 2
    assert any("no-such-flag" in e["info"]["msg"] for e in events if e["info"]["level"] == "error")


def test_two_commands_at_once_run_one_after_the_other(tmp_path):
    """dbt's state is per process: a second command waits for the first instead of mixing with it."""
    first = tiny_project(tmp_path / "a", {"one": "select 1 as x"})
    second = tiny_project(tmp_path / "b", {"two": "select 2 as x"})
    runs = [InProcessDbt(args_for(first)), InProcessDbt(args_for(second))]
    for dbt in runs:
        with dbt.stdout:
            list(dbt.stdout)
    assert [dbt.wait(timeout=120) for dbt in runs] == [0, 0]


def test_an_interrupt_stops_a_long_query(tmp_path):
    """What dagster-dbt sends when a run is stopped: the query is interrupted and dbt fails fast."""
    project = tiny_project(
        tmp_path,
        {"slow": "{{ config(materialized='table') }} select sum(i * i) as s from range(100000000000) t(i)"},
    )
    dbt = InProcessDbt(args_for(project))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until DuckDB is running the model's query
        time.sleep(0.2)
        if getattr(_duckdb_environment()[1], "conn", None) is not None:
            break
    time.sleep(0.5)
    started = time.monotonic()
    dbt.send_signal(2)
    with dbt.stdout:
        list(dbt.stdout)
    assert dbt.wait(timeout=60) == 1
    assert time.monotonic() - started < 30


def test_dagster_gets_materializations_and_checks_from_an_in_process_build(tmp_path):
    schema = (
        "version: 2\nmodels:\n  - name: plan\n    columns:\n      - name: total_mvnd\n"
        "        data_tests: [not_null]\n"
    )
    project = tiny_project(tmp_path, {"plan": "select 6529164 as total_mvnd"}, schema)
    parse, _ = run(args_for(project, "parse"))
    assert parse == 0
    manifest = tmp_path / "target" / "manifest.json"

    @dbt_assets(manifest=manifest)
    def tiny(context, dbt: DbtCliResource):
        yield from dbt_cli_in_process(dbt, ["build"], context=context, target_path=tmp_path / "run").stream()

    from pipelines.assets.dbt_assets import dbt_executable

    resource = DbtCliResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=dbt_executable()
    )
    result = dg.materialize([tiny], resources={"dbt": resource}, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [dg.AssetKey(["plan"])]
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.asset_key == dg.AssetKey(["plan"])

    (project / "models" / "plan.sql").write_text("select null as total_mvnd", encoding="utf-8")
    (tmp_path / "run").mkdir(exist_ok=True)
    failed = dg.materialize(
        [tiny], resources={"dbt": resource}, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not failed.success
    [failure] = failed.get_step_failure_events()
    assert DagsterDbtCliRuntimeError.__name__ in str(failure.event_specific_data.error)
    [check] = failed.get_asset_check_evaluations()
    assert not check.passed
