"""The dbt worker: a real worker process on a tiny real dbt project and a real DuckDB file.

The warehouse's own build goes through a worker in every `nq57 refresh` test
(test_commands_refresh.py) and in the schedule's run (test_definitions.py); these tests pin down
what those cannot show quickly: the parse made ahead, return codes, errors, the closed file, an
interrupt, a refresh that dies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipelines.dbt_targets import DBT_TARGET_DIR
from pipelines.dbt_worker import DbtWorker, dbt_invocation

# The warehouse's profile reads its file from NQ57_DUCKDB_PATH; so does this one.
PROFILE = """\
tiny:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('NQ57_DUCKDB_PATH') }}"
      threads: 1
"""
SLOW = "{{ config(materialized='table') }} select sum(i * i) as s from range(100000000000) t(i)"


def tiny_project(root: Path, models: dict[str, str], schema_yml: str = "") -> Path:
    project = root / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\nmodel-paths: [models]\n", encoding="utf-8"
    )
    (project / "profiles.yml").write_text(PROFILE, encoding="utf-8")
    for name, sql in models.items():
        (project / "models" / f"{name}.sql").write_text(sql, encoding="utf-8")
    if schema_yml:
        (project / "models" / "schema.yml").write_text(schema_yml, encoding="utf-8")
    return project


def start(project: Path, duckdb_path: Path) -> DbtWorker:
    target = project.parent / "target"
    return DbtWorker.start(project, project, target, {"NQ57_DUCKDB_PATH": str(duckdb_path)})


def events_of(process: subprocess.Popen) -> list[dict]:
    assert process.stdout is not None
    with process.stdout:
        lines = [line.decode().strip() for line in process.stdout]
    return [json.loads(line) for line in lines if line.startswith("{")]


def build(worker: DbtWorker, duckdb_path: Path, *extra: str) -> tuple[int, list[dict]]:
    process = worker.run(["build", *extra], {"NQ57_DUCKDB_PATH": str(duckdb_path)})
    events = events_of(process)
    return process.wait(timeout=120), events


def notes(events: list[dict]) -> str:
    return " ".join(e["info"]["msg"] for e in events if e["info"]["name"] == "Nq57DbtWorker")


def test_the_worker_builds_on_the_parse_it_made_ahead_and_closes_the_file(tmp_path):
    project = tiny_project(tmp_path, {"plan": "select 6529164::decimal(18,3) as total_mvnd"})
    path = tmp_path / "tiny.duckdb"
    environment = dict(os.environ)
    code, events = build(start(project, path), path)
    assert code == 0
    assert "parsed ahead" in notes(events)
    results = [e for e in events if e["info"]["name"] == "LogModelResult"]
    assert [e["data"]["node_info"]["unique_id"] for e in results] == ["model.tiny.plan"]
    assert {e["info"]["level"] for e in events} <= {"info", "warn", "error"}  # what `dbt` prints
    assert not any("\x1b[" in e["info"]["msg"] for e in events)  # no colour codes in the logs
    assert dict(os.environ) == environment
    # Closed and checkpointed: another process opens it for writing, this one reads the table.
    writer = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"],
        capture_output=True,
        text=True,
    )
    assert writer.returncode == 0, writer.stderr
    with duckdb.connect(str(path), read_only=True) as con:
        assert str(con.execute("select total_mvnd from main.plan").fetchone()[0]) == "6529164.000"


def test_a_build_for_another_warehouse_file_parses_again(tmp_path):
    """The parse depends on the profile (the DuckDB path): one made for another file is not used."""
    project = tiny_project(tmp_path, {"plan": "select 1 as x"})
    parsed_for, built = tmp_path / "parsed.duckdb", tmp_path / "built.duckdb"
    code, events = build(start(project, parsed_for), built)
    assert code == 0
    assert "parsing" in notes(events) and "parsed ahead" not in notes(events)
    assert built.exists() and not parsed_for.exists()


def test_a_failing_model_gives_return_code_1_and_the_error(tmp_path):
    project = tiny_project(tmp_path, {"broken": "select * from bang_khong_co"})
    path = tmp_path / "tiny.duckdb"
    code, events = build(start(project, path), path)
    assert code == 1
    assert "bang_khong_co" in " ".join(e["info"]["msg"] for e in events if e["info"]["level"] == "error")


def test_a_command_dbt_refuses_gives_return_code_2_and_says_why(tmp_path):
    project = tiny_project(tmp_path, {"plan": "select 1 as x"})
    path = tmp_path / "tiny.duckdb"
    code, events = build(start(project, path), path, "--no-such-flag")
    assert code == 2
    assert any("no-such-flag" in e["info"]["msg"] for e in events if e["info"]["level"] == "error")


def test_a_worker_never_given_a_build_ends_without_building(tmp_path):
    project = tiny_project(tmp_path, {"plan": "select 1 as x"})
    path = tmp_path / "tiny.duckdb"
    worker = start(project, path)
    worker.discard(timeout=60)
    assert worker.process.returncode == 0
    assert not path.exists()


def test_an_interrupt_stops_a_long_query(tmp_path):
    """What dagster-dbt sends when a run is stopped: dbt cancels the query and the worker ends."""
    project = tiny_project(tmp_path, {"slow": SLOW})
    path = tmp_path / "tiny.duckdb"
    process = start(project, path).run(["build"], {"NQ57_DUCKDB_PATH": str(path)})
    assert process.stdout is not None
    for line in process.stdout:  # until dbt reports the model started
        if b'"NodeStart"' in line or b"START sql table model" in line:
            break
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    # The query would run for hours: ending within the wait at all, with a failure code, is the proof.
    assert process.wait(timeout=60) != 0


def test_the_worker_dies_with_the_refresh_that_started_it(tmp_path):
    """A refresh killed mid-build (kill -9, OOM) leaves no dbt running on, holding the build file."""
    project = tiny_project(tmp_path, {"slow": SLOW})
    path = tmp_path / "tiny.duckdb"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from pipelines.dbt_worker import DbtWorker\n"
            f"w = DbtWorker.start(Path({str(project)!r}), Path({str(project)!r}), "
            f"Path({str(tmp_path / 'target')!r}), {{'NQ57_DUCKDB_PATH': {str(path)!r}}})\n"
            f"w.run(['build'], {{'NQ57_DUCKDB_PATH': {str(path)!r}}})\n"
            "print(w.process.pid, flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    worker_pid = int(parent.stdout.readline())
    time.sleep(8)  # dbt loaded, parsed and running the endless query
    assert Path(f"/proc/{worker_pid}").exists()
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 20
    while Path(f"/proc/{worker_pid}").exists() and time.monotonic() < deadline:
        try:  # reap it if it became our child's orphan handed to us; else just wait
            os.waitpid(worker_pid, os.WNOHANG)
        except ChildProcessError:
            pass
        status = Path(f"/proc/{worker_pid}/status")
        if status.exists() and "zombie" in status.read_text():
            break
        time.sleep(0.2)
    status = Path(f"/proc/{worker_pid}/status")
    assert not status.exists() or "zombie" in status.read_text()


def test_dagster_gets_materializations_and_checks_from_the_worker(tmp_path, monkeypatch):
    from pipelines.assets.dbt_assets import dbt_executable

    schema = (
        "version: 2\nmodels:\n  - name: plan\n    columns:\n      - name: total_mvnd\n"
        "        data_tests: [not_null]\n"
    )
    project = tiny_project(tmp_path, {"plan": "select 6529164 as total_mvnd"}, schema)
    path = tmp_path / "tiny.duckdb"
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(path))  # what dbt_invocation hands the worker
    parse = start(project, path).run(["parse"], {"NQ57_DUCKDB_PATH": str(path)})
    events_of(parse)
    assert parse.wait(timeout=120) == 0
    manifest = tmp_path / "target" / "manifest.json"

    @dbt_assets(manifest=manifest)
    def tiny(context, dbt: DbtCliResource):
        yield from dbt_invocation(start(project, path), dbt, ["build"], context).stream()

    resource = DbtCliResource(
        project_dir=str(project), profiles_dir=str(project), dbt_executable=dbt_executable()
    )
    result = dg.materialize([tiny], resources={"dbt": resource}, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [dg.AssetKey(["plan"])]
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.asset_key == dg.AssetKey(["plan"])

    (project / "models" / "plan.sql").write_text("select null as total_mvnd", encoding="utf-8")
    failed = dg.materialize(
        [tiny], resources={"dbt": resource}, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not failed.success
    [failure] = failed.get_step_failure_events()
    assert DagsterDbtCliRuntimeError.__name__ in str(failure.event_specific_data.error)
    [check] = failed.get_asset_check_evaluations()
    assert not check.passed


def test_the_refresh_starts_a_worker_before_dagster_and_its_run_takes_it_once(tmp_path, monkeypatch):
    from pipelines import dbt_worker

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("NQ57_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("NQ57_RAW_DIR", raising=False)
    dbt_worker.start_early()
    worker = dbt_worker.take_early()
    assert worker is not None and worker.is_alive()
    assert dbt_worker.take_early() is None
    # Started for the warehouse's build: its profile's file, a target folder seeded with the last parse.
    assert (tmp_path / "warehouse" / "build").is_dir()
    assert worker.target_path.parent == DBT_TARGET_DIR
    worker.discard(timeout=60)
    assert worker.process.returncode == 0
    assert not (tmp_path / "warehouse" / "build" / "warehouse.duckdb").exists()


def test_a_build_in_a_copy_of_the_project_parses_the_copy(tmp_path):
    """dagster-dbt builds a selection of more than 200 models in a copy of the project with a
    selector it generates: the worker builds there, on a parse of the copy, not of the original."""
    import shutil

    project = tiny_project(tmp_path, {"plan": "select 1 as x"})
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    (copy / "models" / "plan.sql").write_text("select 2 as x", encoding="utf-8")
    path = tmp_path / "tiny.duckdb"
    process = start(project, path).run(["build"], {"NQ57_DUCKDB_PATH": str(path)}, project_dir=copy)
    events = events_of(process)
    assert process.wait(timeout=120) == 0
    assert "parsing" in notes(events)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select x from main.plan").fetchone()[0] == 2
