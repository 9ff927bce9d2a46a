"""The dbt project as Dagster assets: one graph from the raw tables to the marts, tests as checks."""

from __future__ import annotations

import os

import dagster as dg
import pytest

from pipelines.assets import dbt_assets
from pipelines.assets.refresh_lock import RefreshLockResource


def _keys(assets_def) -> set[str]:
    return {spec.key.to_user_string() for spec in assets_def.specs}


def test_models_and_seeds_are_assets_keyed_by_schema():
    keys = _keys(dbt_assets.nq57_dbt_models)
    for expected in (
        "marts/dim_task",
        "marts/fct_budget_plan",
        "marts/rpt_reconciliation",
        "reference/ref_agency",
        "reference/map_task_classification",
        "staging/stg_extraction__plan_items",
    ):
        assert expected in keys


def test_dbt_sources_are_the_extraction_raw_assets():
    upstream = {k.to_user_string() for k in dbt_assets.nq57_dbt_models.dependency_keys}
    assert {"raw/plan_items", "raw/stated_totals", "raw/documents"} <= upstream


def test_dbt_tests_are_asset_checks():
    checks = {(c.asset_key.to_user_string(), c.name) for c in dbt_assets.nq57_dbt_models.check_specs}
    assert any(key == "marts/fct_budget_plan" for key, _ in checks)
    assert any(key == "marts/rpt_reconciliation" and "unique" in name for key, name in checks)


def test_definitions_load_with_the_extraction_assets():
    from pipelines.assets import extraction

    defs = dg.Definitions(
        assets=[extraction.extracted_documents, *dbt_assets.DBT_ASSETS],
        resources={
            "dbt": dbt_assets.dbt_resource(),
            "dbt_worker": dbt_assets.DbtWorkerResource(),
            "docs_site": dbt_assets.docs_site_builder(),
            "refresh_lock": RefreshLockResource(),
        },
    )
    graph = defs.resolve_asset_graph()
    assert (
        dg.AssetKey(["raw", "plan_items"])
        in graph.get(dg.AssetKey(["staging", "stg_extraction__plan_items"])).parent_keys
    )


def test_environment_for_dbt(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    env = dbt_assets.dbt_environment()
    assert env == {
        "NQ57_RAW_DIR": str(tmp_path / "raw"),
        "NQ57_DUCKDB_PATH": str(tmp_path / "build" / "w.duckdb"),
    }
    assert dbt_assets.dbt_docs_dir() == tmp_path / "build" / "dbt_docs"


def test_published_docs_site_keeps_its_code_stamp(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    assert dbt_assets.publish_dbt_docs() is None  # no site built: nothing published
    built = tmp_path / "build" / "dbt_docs"
    built.mkdir(parents=True)
    (built / "index.html").write_text("<html>new site</html>")
    (built / dbt_assets.DOCS_STAMP).write_text("code-2\n")
    published = tmp_path / "warehouse" / "dbt_docs"
    published.mkdir(parents=True)
    (published / "index.html").write_text("<html>old site</html>")
    (published / dbt_assets.DOCS_STAMP).write_text("code-1\n")
    assert dbt_assets.publish_dbt_docs() == str(published / "index.html")
    assert (published / "index.html").read_text() == "<html>new site</html>"
    assert (published / dbt_assets.DOCS_STAMP).read_text() == "code-2\n"
    assert not list(published.glob(".*.tmp"))
    # The next refresh with the same code reuses it.
    assert dbt_assets.docs_site_is_current("code-2")


def test_dbt_resource_knows_the_version_without_running_dbt():
    import re
    import subprocess

    resource = dbt_assets.dbt_resource()
    printed = subprocess.run(
        [dbt_assets.dbt_executable(), "--version"], capture_output=True, text=True
    ).stdout
    installed = re.search(r"installed:\s*(\d+\.\d+\.\d+)", printed)
    assert installed, printed
    # The version dagster-dbt would have asked `dbt --version` for is the installed dbt-core's.
    assert str(resource._cli_version) == installed.group(1)
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_the_overridden_private_methods_still_exist_in_dagster_dbt():
    """Nq57DbtCliResource replaces two private methods of dagster-dbt (pinned 0.29): if an upgrade
    renames them, the overrides silently stop saving ≈6 s per dbt call. This fails instead."""
    import inspect

    from dagster_dbt import DbtCliResource

    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), f"dagster-dbt no longer has DbtCliResource.{name}"
    assert "_initialize_dbt_core_adapter" in inspect.getsource(DbtCliResource.cli)


def _blocked_on_a_lock(pid: int) -> bool:
    from pathlib import Path

    return any(
        "->" in line and line.split()[-4] == str(pid) for line in Path("/proc/locks").read_text().splitlines()
    )


def test_a_second_process_waits_for_the_manifest_being_prepared_then_finds_it_fresh(tmp_path):
    """Every process loading the definitions prepares the manifest (the UI, the daemon, a refresh,
    the test workers): one parses at a time, so none reads a manifest another is still writing."""
    import fcntl
    import subprocess
    import sys
    import time

    target = tmp_path / "target"
    target.mkdir()
    prepare = (
        "from pathlib import Path; from dagster_dbt import DbtProject; "
        "from pipelines.assets import dbt_assets; "
        f"project = DbtProject(project_dir=dbt_assets.DBT_PROJECT_DIR, "
        f"profiles_dir=dbt_assets.DBT_PROJECT_DIR, target_path=Path({str(target)!r})); "
        "print(dbt_assets.prepare_manifest(project))"
    )
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse")}
    with open(target / ".prepare_manifest.lock", "w") as held:  # as a process in the middle of a parse
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = subprocess.Popen(
            [sys.executable, "-c", prepare],
            cwd=dbt_assets.DBT_PROJECT_DIR.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The kernel lists a process blocked on a lock in /proc/locks, its line marked "->".
        deadline = time.monotonic() + 120
        while not _blocked_on_a_lock(waiting.pid):
            assert waiting.poll() is None, waiting.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "the second process never waited for the lock"
            time.sleep(0.2)
        assert not (target / "manifest.json").exists()
    out, err = waiting.communicate(timeout=180)
    assert waiting.returncode == 0, err[-2000:]
    manifest = target / "manifest.json"
    assert out.strip().endswith("manifest.json") and manifest.is_file()
    parsed_at = manifest.stat().st_mtime_ns
    again = subprocess.run([sys.executable, "-c", prepare], cwd=dbt_assets.DBT_PROJECT_DIR.parent, env=env)
    assert again.returncode == 0
    assert manifest.stat().st_mtime_ns == parsed_at  # fresh: not parsed a second time


def test_the_manifest_parse_is_reused_by_the_next_build(monkeypatch, tmp_path):
    """On a fresh clone the manifest is parsed at start-up; dbt keeps that parse for the build only
    when the profile (the build's DuckDB path) is the same, else it parses the project again."""
    import subprocess

    from dagster_dbt import DbtProject

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.delenv("NQ57_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("NQ57_RAW_DIR", raising=False)
    target = tmp_path / "target"
    project = DbtProject(
        project_dir=dbt_assets.DBT_PROJECT_DIR, profiles_dir=dbt_assets.DBT_PROJECT_DIR, target_path=target
    )
    assert dbt_assets.prepare_manifest(project).exists()
    # The parse's paths are not left in the process: a later test on another warehouse folder read
    # this one's raw tables through them (session 16, a test_definitions failure in combined runs).
    assert "NQ57_RAW_DIR" not in os.environ and "NQ57_DUCKDB_PATH" not in os.environ
    # What the refresh's dbt step does next, in the environment it sets for dbt.
    proc = subprocess.run(
        [
            *(dbt_assets.dbt_executable(), "parse", "--profiles-dir", "."),
            *("--target-path", str(target), "--log-path", str(tmp_path / "logs")),
            *("--log-level-file", "debug"),  # the project keeps only warnings in the file
        ],
        cwd=dbt_assets.DBT_PROJECT_DIR,
        env={**os.environ, **dbt_assets.dbt_environment()},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log
    assert "no changes found, skipping parsing" in log


def test_dbt_file_log_keeps_warnings_in_text_even_under_dagster(tmp_path):
    """dagster-dbt sets DBT_LOG_FORMAT=json for the console; the project's flags keep the file log
    at warn, in text, so a build does not serialise every debug event to disk (≈1 s of 10)."""
    import subprocess

    logs = tmp_path / "logs"
    proc = subprocess.run(
        [
            dbt_assets.dbt_executable(),
            "parse",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=dbt_assets.DBT_PROJECT_DIR,
        env={
            **os.environ,
            **dbt_assets.dbt_environment(),
            "DBT_LOG_FORMAT": "json",
            "DBT_LOG_PATH": str(logs),
        },
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    console = [line for line in proc.stdout.splitlines() if line.strip()]
    assert console and all(line.startswith("{") for line in console)  # what dagster-dbt parses
    file_log = (logs / "dbt.log").read_text(encoding="utf-8")
    assert '"level": "debug"' not in file_log and "[debug]" not in file_log
    assert not any(line.startswith("{") for line in file_log.splitlines())


def _published_with_inputs(tmp_path, monkeypatch, published_inputs: dict[str, str]):
    """A published warehouse (the real publish, a small synthetic build) built from these inputs,
    and raw tables whose snapshots say they come from the current input folders."""
    from pipelines.publish import publish_build
    from pipelines.refresh_state import input_hashes, save_input_snapshot
    from tests.publish_helpers import make_build

    warehouse = tmp_path / "warehouse"
    documents, submissions = tmp_path / "documents", tmp_path / "submissions"
    documents.mkdir()
    submissions.mkdir()
    (documents / "nq57.txt").write_text("nghị quyết", encoding="utf-8")
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    for name, value in {
        "NQ57_WAREHOUSE_DIR": warehouse,
        "NQ57_DOCUMENTS_DIR": documents,
        "NQ57_SUBMISSIONS_DIR": submissions,
    }.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("NQ57_DUCKDB_PATH", raising=False)
    monkeypatch.delenv("NQ57_RAW_DIR", raising=False)
    publish_build(
        make_build(tmp_path / "b" / "warehouse.duckdb", 1, rows=10),
        run_id="earlier",
        input_hashes=published_inputs,
        warehouse_dir=warehouse,
    )
    raw = warehouse / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    save_input_snapshot(raw, "documents", input_hashes(documents, "documents"))
    save_input_snapshot(raw, "submissions", input_hashes(submissions, "submissions"))
    return warehouse


def test_a_partial_build_starts_from_a_writable_copy_of_the_published_warehouse(tmp_path, monkeypatch):
    import hashlib

    from pipelines.refresh_state import CODE_KEY, code_fingerprint

    # Published before the new report arrived: same document, same code.
    document = {"documents/nq57.txt": hashlib.sha256("nghị quyết".encode()).hexdigest()}
    warehouse = _published_with_inputs(tmp_path, monkeypatch, {**document, CODE_KEY: code_fingerprint()})
    dbt_assets.build_on_published()
    copy = dbt_assets.duckdb_build_path()
    assert copy.read_bytes() == (warehouse / "warehouse.duckdb").read_bytes()
    assert os.access(copy, os.W_OK)


def test_a_partial_build_is_refused_when_a_document_changed(tmp_path, monkeypatch):
    import pytest

    from pipelines.refresh_state import CODE_KEY, code_fingerprint

    changed = {"documents/nq57.txt": "0" * 64, CODE_KEY: code_fingerprint()}
    _published_with_inputs(tmp_path, monkeypatch, changed)
    with pytest.raises(RuntimeError, match="nq57 refresh --full"):
        dbt_assets.build_on_published()
    assert not dbt_assets.duckdb_build_path().exists()


def test_a_partial_build_is_refused_without_a_published_warehouse(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("NQ57_DUCKDB_PATH", raising=False)
    with pytest.raises(FileNotFoundError, match="nq57 refresh --full"):
        dbt_assets.build_on_published()


def test_docs_of_a_warehouse_that_does_not_exist_say_so(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    with pytest.raises(FileNotFoundError, match="no warehouse to document"):
        dbt_assets.write_dbt_docs(copy_of=tmp_path / "warehouse" / "warehouse.duckdb")


def _run_with(selection):
    """What DocsSiteBuilder.start reads of a step's context: the run's asset selection."""
    from types import SimpleNamespace

    return SimpleNamespace(run=SimpleNamespace(asset_selection=selection))


def test_the_publish_starts_the_docs_site_only_for_runs_that_make_it(monkeypatch, tmp_path):
    """The site is made beside the briefing when the run makes it and it does not describe this
    code yet; a submissions-only run or a current site starts nothing."""
    import threading

    made, release = [], threading.Event()

    def fake_write(dbt, copy_of=None):
        release.wait(10)
        made.append((threading.current_thread().name, copy_of))
        return tmp_path / "index.html"

    monkeypatch.setattr(dbt_assets, "write_dbt_docs", fake_write)
    current = {"value": False}
    monkeypatch.setattr(dbt_assets, "docs_site_is_current", lambda fingerprint=None: current["value"])
    builder = dbt_assets.docs_site_builder()
    assert not builder.start(_run_with({dg.AssetKey(["briefing", "nightly"])}))
    current["value"] = True
    assert not builder.start(_run_with(None))
    current["value"] = False
    assert builder.start(_run_with({dbt_assets.dbt_docs_site.key}))
    assert builder.start(_run_with(None))  # the same run asking again: still the one site
    assert made == []  # made in the background: the publish step does not wait for it
    release.set()
    assert builder.site() == tmp_path / "index.html"
    assert made == [("nq57-docs-site", None)]


def test_the_docs_site_step_makes_the_site_itself_when_the_publish_did_not(monkeypatch, tmp_path):
    import threading

    made = []
    monkeypatch.setattr(
        dbt_assets,
        "write_dbt_docs",
        lambda dbt, copy_of=None: made.append((threading.current_thread().name, copy_of)) or tmp_path,
    )
    published = tmp_path / "warehouse.duckdb"
    assert dbt_assets.docs_site_builder().site(copy_of=published) == tmp_path
    assert made == [(threading.current_thread().name, published)]


def test_a_docs_site_that_failed_in_the_background_fails_the_docs_site_step(monkeypatch):
    def broken(dbt, copy_of=None):
        raise RuntimeError("dbt docs generate failed")

    monkeypatch.setattr(dbt_assets, "write_dbt_docs", broken)
    monkeypatch.setattr(dbt_assets, "docs_site_is_current", lambda fingerprint=None: False)
    builder = dbt_assets.docs_site_builder()
    assert builder.start(_run_with(None))
    with pytest.raises(RuntimeError, match="dbt docs generate failed"):
        builder.site()


class FakeWorker:
    def __init__(self, alive: bool = True) -> None:
        self.alive, self.discarded = alive, False

    def is_alive(self) -> bool:
        return self.alive

    def discard(self) -> None:
        self.discarded = True


def test_the_run_takes_the_dbt_worker_the_refresh_started_before_dagster(monkeypatch):
    early, own = FakeWorker(), FakeWorker()
    monkeypatch.setattr(dbt_assets, "take_early", lambda: early)
    monkeypatch.setattr(dbt_assets, "start_for_build", lambda run_id: own)
    resource = dbt_assets.DbtWorkerResource()
    resource.setup_for_execution(dg.build_init_resource_context())
    assert resource.take() is early
    assert resource.take() is None  # one build per worker


def test_a_run_without_an_early_worker_starts_its_own(monkeypatch):
    own = FakeWorker()
    monkeypatch.setattr(dbt_assets, "take_early", lambda: None)
    monkeypatch.setattr(dbt_assets, "start_for_build", lambda run_id: own)
    resource = dbt_assets.DbtWorkerResource()
    resource.setup_for_execution(dg.build_init_resource_context())
    assert resource.take() is own


def test_a_worker_that_died_or_never_started_is_not_used(monkeypatch):
    dead = FakeWorker(alive=False)
    monkeypatch.setattr(dbt_assets, "take_early", lambda: dead)
    resource = dbt_assets.DbtWorkerResource()
    resource.setup_for_execution(dg.build_init_resource_context())
    assert resource.take() is None and dead.discarded  # the build then runs dbt as dagster-dbt does

    def cannot_start(run_id):
        raise OSError("no more processes")

    monkeypatch.setattr(dbt_assets, "take_early", lambda: None)
    monkeypatch.setattr(dbt_assets, "start_for_build", cannot_start)
    resource.setup_for_execution(dg.build_init_resource_context())
    assert resource.take() is None


def test_a_worker_the_run_never_used_is_ended_with_the_run(monkeypatch):
    """A run that failed before its build (or ran no build) leaves no dbt process waiting."""
    unused = FakeWorker()
    monkeypatch.setattr(dbt_assets, "take_early", lambda: unused)
    resource = dbt_assets.DbtWorkerResource()
    resource.setup_for_execution(dg.build_init_resource_context())
    resource.teardown_after_execution(dg.build_init_resource_context())
    assert unused.discarded


def test_every_dbt_data_test_is_an_asset_check_on_a_model():
    """A singular test that reads several models becomes a bare observation in Dagster (a warning
    in every night's log, not listed among the checks) unless it names its model in
    meta.dagster.ref; this fails when a new one forgets."""
    import json

    manifest = json.loads(dbt_assets.nq57_dbt_project.manifest_path.read_text(encoding="utf-8"))
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    checks = {spec.name for spec in dbt_assets.nq57_dbt_models.check_specs}
    assert tests and tests <= checks, sorted(tests - checks)
