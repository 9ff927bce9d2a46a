"""The Dagster code location: the nightly schedule and the input sensor decide what a run does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines import definitions
from pipelines.input_rules import input_warning
from pipelines.refresh_state import current_inputs

MANIFEST_LINE = input_warning("IN-S03", "manifest.csv dòng 2")


@pytest.fixture
def warehouse_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "warehouse"
    folder.mkdir()
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(folder))
    return folder


def _publish_record(folder: Path, input_hashes: dict[str, str]) -> None:
    """What a publish leaves for the next night: the file and its sidecar naming its inputs."""
    (folder / "warehouse.duckdb").write_bytes(b"")
    (folder / "warehouse.duckdb.json").write_text(
        json.dumps({"input_hashes": input_hashes}), encoding="utf-8"
    )


def _tick() -> dg.RunRequest:
    context = dg.build_schedule_context()
    result = definitions.nightly_schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    return result.run_requests[0]


def test_the_code_location_loads_as_dagster_dev_would():
    dg.Definitions.validate_loadable(definitions.defs)


def test_schedule_runs_at_two_in_the_morning_in_vietnam():
    schedule = definitions.defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    assert schedule.job_name == "refresh"


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 30), ("5", 5), ("half a minute", 30), ("0", 30), ("-3", 30)]
)
def test_the_sensors_look_every_30_seconds_unless_the_service_says_otherwise(value, seconds):
    """A typo in a service file must not stop the code location from loading (no sensor at all)."""
    environ = {} if value is None else {"NQ57_SENSOR_INTERVAL_S": value}
    assert definitions.sensor_interval_seconds(environ) == seconds


def test_every_sensor_uses_the_interval():
    for name in ("new_input_sensor", "record_refresh_failure", "record_refresh_success"):
        sensor = definitions.defs.resolve_sensor_def(name)
        assert sensor.minimum_interval_seconds == definitions.SENSOR_INTERVAL_S


def test_a_retried_refresh_runs_every_step_again():
    """A run the instance retries after its process was killed (deploy/dagster.yaml) is a new
    refresh that reads its inputs again, not the killed run's remaining steps."""
    job = definitions.defs.resolve_job_def("refresh")
    assert job.tags["dagster/retry_strategy"] == "ALL_STEPS"


def test_schedule_without_a_published_warehouse_runs_everything(warehouse_dir):
    request = _tick()
    assert request.asset_selection is None
    assert request.tags["nq57/refresh"] == "full"


def _published_docs_site(folder: Path, fingerprint: str) -> None:
    from pipelines.refresh_state import DOCS_STAMP

    (folder / "dbt_docs").mkdir(exist_ok=True)
    (folder / "dbt_docs" / "index.html").write_text("<html>site</html>", encoding="utf-8")
    (folder / "dbt_docs" / DOCS_STAMP).write_text(fingerprint + "\n", encoding="utf-8")


def test_schedule_with_nothing_new_renders_only_the_briefing(warehouse_dir):
    from pipelines.refresh_state import code_fingerprint

    _publish_record(warehouse_dir, current_inputs())
    _published_docs_site(warehouse_dir, code_fingerprint())
    request = _tick()
    assert request.asset_selection == [dg.AssetKey(["briefing", "nightly"])]
    assert request.tags["nq57/refresh"] == "briefing_only"


def test_schedule_with_nothing_new_remakes_a_docs_site_that_failed_after_the_publish(warehouse_dir):
    """A refresh published, then failed or was killed making the docs site: the inputs match the
    published build, yet the next night must remake the site (and only it, with the briefing)."""
    _publish_record(warehouse_dir, current_inputs())
    _published_docs_site(warehouse_dir, "fingerprint of the code before")
    request = _tick()
    assert request.asset_selection == [
        dg.AssetKey(["briefing", "nightly"]),
        dg.AssetKey(["docs", "dbt_docs_site"]),
    ]
    assert definitions.run_request_for("nothing", briefing=False).asset_selection == [
        dg.AssetKey(["docs", "dbt_docs_site"])
    ]


def test_schedule_after_a_changed_file_runs_everything(warehouse_dir):
    inputs = current_inputs()
    changed = {**inputs, next(iter(inputs)): "0" * 64}
    _publish_record(warehouse_dir, changed)
    assert _tick().asset_selection is None


def _current_docs_site(folder: Path) -> None:
    """What a refresh whose docs site step succeeded leaves: the site, stamped with this code."""
    from pipelines.refresh_state import DOCS_STAMP, code_fingerprint

    (folder / "dbt_docs").mkdir()
    (folder / "dbt_docs" / "index.html").write_text("<html>site</html>", encoding="utf-8")
    (folder / "dbt_docs" / DOCS_STAMP).write_text(code_fingerprint() + "\n", encoding="utf-8")


def test_schedule_after_a_new_submission_rebuilds_only_the_submission_models(warehouse_dir):
    _current_docs_site(warehouse_dir)
    inputs = current_inputs()
    without_one = {k: v for k, v in inputs.items() if not k.startswith("submissions/")}
    _publish_record(warehouse_dir, without_one)
    request = _tick()
    assert request.tags["nq57/refresh"] == "submissions"
    selected = {key.to_user_string() for key in request.asset_selection}
    # The documents' raw tables (from the extraction cache), the submissions, their models.
    assert {"raw/documents", "raw/submission_files", "marts/dim_submission"} <= selected
    assert {"marts/fct_budget_execution", "marts/rpt_task_risk", "staging/stg_submissions__files"} <= selected
    assert {"warehouse/published", "briefing/nightly"} <= selected
    # Nothing built from the documents alone, and not the docs site (same code).
    assert not {"marts/dim_task", "marts/fct_budget_plan", "marts/rpt_reconciliation"} & selected
    assert "docs/dbt_docs_site" not in selected


def test_a_new_submission_also_remakes_a_docs_site_that_failed_after_the_last_publish(warehouse_dir):
    inputs = current_inputs()
    _publish_record(warehouse_dir, {k: v for k, v in inputs.items() if not k.startswith("submissions/")})
    request = _tick()  # no docs site stamped with this code: the last refresh's docs step failed
    assert request.tags["nq57/refresh"] == "submissions"
    selected = {key.to_user_string() for key in request.asset_selection}
    assert {"marts/dim_submission", "warehouse/published", "docs/dbt_docs_site"} <= selected
    assert "marts/dim_task" not in selected


def test_publish_waits_for_every_dbt_model():
    """In a run of only some models, the publish step still comes after the dbt step."""
    from pipelines.assets.dbt_assets import nq57_dbt_models

    graph = definitions.defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["warehouse", "published"])).parent_keys
    assert set(nq57_dbt_models.keys) <= parents


def test_sensor_requests_a_run_only_when_the_inputs_change(tmp_path, monkeypatch, warehouse_dir):
    documents = tmp_path / "documents"
    submissions = tmp_path / "submissions"
    documents.mkdir()
    submissions.mkdir()
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    first = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context())
    assert len(first.run_requests) == 1
    cursor = first.cursor
    again = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    assert again.run_requests == [] and again.skip_message
    (submissions / "SKHCN_2026-Q2.xlsx").write_bytes(b"new file")
    changed = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    assert len(changed.run_requests) == 1 and changed.cursor != cursor


def test_sensor_requests_a_run_when_a_report_is_withdrawn(tmp_path, monkeypatch, warehouse_dir):
    """`nq57 withdraw` changes no file in raw/ but what the next build loads: the sensor saw nothing
    and the withdrawal waited for the 02:00 run (helper note, session 16)."""
    from pipelines.submissions.archive import archive_dir, archive_inbox, load_registry
    from pipelines.submissions.withdrawal import withdraw

    documents = tmp_path / "documents"
    submissions = tmp_path / "submissions"
    documents.mkdir()
    submissions.mkdir()
    samples = Path(__file__).resolve().parents[1] / "raw" / "submissions"
    shutil.copy(samples / "SYT_2026-Q1.xlsx", submissions / "SYT_2026-Q1.xlsx")
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    archive_inbox(submissions, archive_dir())
    _publish_record(warehouse_dir, current_inputs())
    first = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context(cursor="older"))
    assert first.run_requests == []  # the published warehouse holds these inputs
    cursor = first.cursor
    (entry,) = load_registry(archive_dir())
    withdraw(archive_dir(), entry, "số liệu của đơn vị khác", by="vanhanh")
    tick = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))
    assert tick.cursor != cursor
    assert len(tick.run_requests) == 1, tick.skip_message
    assert tick.run_requests[0].tags["nq57/refresh"] == "submissions"


def test_sensor_skips_a_file_written_again_with_the_same_content(tmp_path, monkeypatch, warehouse_dir):
    documents = tmp_path / "documents"
    submissions = tmp_path / "submissions"
    documents.mkdir()
    submissions.mkdir()
    (submissions / "SYT_2026-Q2.xlsx").write_bytes(b"report")
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    _publish_record(warehouse_dir, current_inputs())
    # Copied in again by the mail robot: new modification time, same bytes.
    (submissions / "SYT_2026-Q2.xlsx").write_bytes(b"report")
    tick = definitions.new_input_sensor.evaluate_tick(dg.build_sensor_context(cursor="older"))
    assert tick.run_requests == [] and "không đổi" in tick.skip_message
    assert tick.cursor != "older"


def test_the_job_the_schedule_launches_runs_in_one_process(tmp_path):
    """Runs the schedule, the sensor or the UI launch use the job's own executor, not the CLI's:
    the refresh job must run every step in the run's process, as `nq57 refresh` does (Dagster's
    default, a process per step, loads the code location again for each: twice as slow, and the
    briefing's warm kernel would start in a process that never renders it)."""
    import os
    import shutil
    import subprocess
    import sys

    from pipelines.warehouse_access import read_sql

    root = Path(__file__).resolve().parents[1]
    submissions = tmp_path / "submissions"
    shutil.copytree(root / "raw" / "submissions", submissions)
    (tmp_path / "dagster_home").mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "NQ57_SUBMISSIONS_DIR": str(submissions),
    }
    env.pop("NQ57_DUCKDB_PATH", None)
    env.pop("NQ57_RAW_DIR", None)
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.run(
        [str(dagster), "job", "execute", "-m", "pipelines.definitions", "-j", "refresh"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "Executing steps in process" in log and "multiprocess executor" not in log
    assert "RUN_SUCCESS" in log
    # The run's resources started the dbt worker (no `nq57 refresh` started one before Dagster).
    assert "warm dbt worker): dbt build" in log and "dbt loaded ahead" in log
    total = read_sql(
        "select sum(amount_mvnd) as t from marts.fct_budget_plan "
        "where appendix = 'I' and funding_source_code = 'NSNN'",
        path=tmp_path / "warehouse" / "warehouse.duckdb",
    )["t"][0]
    assert total == 5861734  # Appendix I's state-budget rows (GUIDE §1), from the published file
    assert (tmp_path / "warehouse" / "briefings" / "latest" / "briefing.html").is_file()


def test_runs_the_daemon_launches_write_down_how_they_ended(warehouse_dir):
    """The daemon's run-status sensors record every refresh's end for `nq57 status`: a success with
    what it did and the version it published, a failure with the step and its error."""
    from pipelines.refresh_state import FAILURES_LOG, SUCCESSES_LOG, read_log

    @dg.asset(key=definitions.published_warehouse.key)
    def published() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"version": "20261202T020014Z-abc"})

    @dg.asset(key=["raw", "submission_files"])
    def submission_files() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"warnings": dg.MetadataValue.json([MANIFEST_LINE])})

    @dg.asset
    def marts() -> None:
        raise RuntimeError("dbt build: không đọc được bảng thô")

    with dg.instance_for_test() as instance:
        good = dg.materialize(
            [published, submission_files], instance=instance, tags={"nq57/refresh": "submissions"}
        )
        definitions.record_refresh_success(
            dg.build_run_status_sensor_context(
                sensor_name="record_refresh_success",
                dagster_event=good.get_run_success_event(),
                dagster_instance=instance,
                dagster_run=good.dagster_run,
            )
        )
        bad = dg.materialize([marts], instance=instance, raise_on_error=False)
        definitions.record_refresh_failure(
            dg.build_run_status_sensor_context(
                sensor_name="record_refresh_failure",
                dagster_event=bad.get_run_failure_event(),
                dagster_instance=instance,
                dagster_run=bad.dagster_run,
            ).for_run_failure()
        )
    (success,) = read_log(SUCCESSES_LOG)
    assert success["run_id"] == good.run_id
    assert success["kind"] == "submissions" and success["version"] == "20261202T020014Z-abc"
    assert success["input_warnings"] == [MANIFEST_LINE]
    (failure,) = read_log(FAILURES_LOG)
    assert failure["run_id"] == bad.run_id and failure["stage"] == "marts"
    assert failure["reason"] == "marts: RuntimeError: dbt build: không đọc được bảng thô"
