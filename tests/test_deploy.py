"""The unattended deployment (deploy/): the Dagster instance settings and the services, and the real
daemon running them: the input sensor starts a refresh, a killed run is recorded with the signal and
retried once, and both ends are written down for `nq57 status`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import dagster_launcher

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def instance_home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME made the way `make dagster-home` makes it (the real make target)."""
    home = tmp_path / "dagster_home"
    subprocess.run(
        ["make", "--no-print-directory", "-s", "dagster-home", f"DAGSTER_HOME={home}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return home


def test_make_links_the_shipped_settings_into_the_instance(tmp_path):
    home = instance_home(tmp_path)
    settings = home / "dagster.yaml"
    # A link, not a copy: a change to deploy/dagster.yaml reaches the instance at its next start.
    assert settings.is_symlink() and settings.resolve() == (DEPLOY / "dagster.yaml").resolve()


def test_the_instance_queues_retries_killed_runs_and_watches_for_stuck_ones(tmp_path):
    with dg.DagsterInstance.from_config(str(instance_home(tmp_path))) as instance:
        assert not instance.telemetry_enabled  # no internet on the warehouse machine
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert coordinator.get_run_queue_config().max_concurrent_runs == 1
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 1
        # A run that failed on its own (a dbt test, a fatal check) would fail the same way again.
        assert not instance.run_retries_retry_on_asset_or_op_failure
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_max_runtime_seconds == 7200


@pytest.mark.parametrize(
    ("unit", "make_target", "command"),
    [
        ("nq57-dagster-daemon.service", "daemon", "dagster-daemon run -m pipelines.definitions"),
        (
            "nq57-dagster-webserver.service",
            "webserver",
            "dagster-webserver -m pipelines.definitions -h 127.0.0.1 -p 3000",  # never on every interface
        ),
    ],
)
def test_each_service_runs_its_make_target_command_on_the_same_instance(unit, make_target, command):
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    home = settings["Environment"].removeprefix("DAGSTER_HOME=")
    assert settings["ExecStartPre"].endswith(f"dagster-home DAGSTER_HOME={home}")
    assert settings["ExecStart"] == f"{settings['WorkingDirectory']}/.venv/bin/{command}"
    assert (BIN / command.split()[0]).is_file()  # the pinned packages install it
    # The make target runs that command through the launcher that makes it stop on SIGINT/SIGTERM.
    launched = dagster_launcher.command(make_target)
    assert [Path(launched[0]).name, *launched[1:]] == command.split()
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", make_target],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"exec .venv/bin/python -m pipelines.dagster_launcher {make_target}" in dry_run
    assert "DAGSTER_HOME=" in dry_run


# The real daemon, as the service runs it.

STATE = Path("state")


def wait_for(condition: Callable[[], object], what: str, log: Path, timeout: float = 300) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; daemon log:\n{log.read_text(errors='replace')[-4000:]}")


def log_lines(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def published_submission_files(warehouse: Path) -> set[str]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{warehouse / 'warehouse.duckdb'}' as w (read_only)")
        return {row[0] for row in con.execute("select file_name from w.marts.dim_submission").fetchall()}
    finally:
        con.close()


@pytest.mark.slow
def test_the_daemon_refreshes_on_new_input_and_retries_a_killed_run_once(tmp_path):
    home = instance_home(tmp_path)
    warehouse = tmp_path / "warehouse"
    submissions = tmp_path / "submissions"
    shutil.copytree(ROOT / "raw" / "submissions", submissions)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NQ57_WAREHOUSE_DIR": str(warehouse),
        "NQ57_SUBMISSIONS_DIR": str(submissions),
        "NQ57_SENSOR_INTERVAL_S": "2",  # the service's 30 s would make this test wait minutes
    }
    for variable in ("NQ57_DUCKDB_PATH", "NQ57_RAW_DIR"):
        env.pop(variable, None)
    log = tmp_path / "daemon.log"
    successes = warehouse / STATE / "refresh_successes.jsonl"
    failures = warehouse / STATE / "refresh_failures.jsonl"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.definitions"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server, run workers, dbt and kernels: one group to stop
        )
    try:
        # Nothing published yet: the sensor's first look starts the whole refresh.
        (first,) = wait_for(lambda: log_lines(successes), "the first refresh to be recorded", log)
        assert first["kind"] == "full" and first["version"]
        assert "SYT_2026-Q1.xlsx" in published_submission_files(warehouse)

        # A department's new file: the sensor starts a submissions refresh; kill its process mid-dbt.
        new_file = submissions / "SYT_2026-Q1_v9.xlsx"
        shutil.copy(submissions / "SYT_2026-Q1.xlsx", new_file)
        new_bytes = hashlib.sha256(new_file.read_bytes()).hexdigest()
        builds = log.read_text(errors="replace").count("nq57_dbt_models - STEP_START")
        wait_for(
            lambda: log.read_text(errors="replace").count("nq57_dbt_models - STEP_START") > builds,
            "the second run's dbt step",
            log,
        )
        pid = int(
            re.findall(r"Executing steps in process \(pid: (\d+)\)", log.read_text(errors="replace"))[-1]
        )
        os.kill(pid, signal.SIGKILL)

        (failure,) = wait_for(lambda: log_lines(failures), "the killed run to be recorded", log)
        assert failure["stage"] == "nq57_dbt_models"
        assert "bị dừng đột ngột" in failure["reason"] and "SIGKILL" in failure["reason"]
        # The instance retries it once, as a new run of every step; it publishes the new file.
        wait_for(lambda: len(log_lines(successes)) == 2, "the retried run to be recorded", log)
        retried = log_lines(successes)[-1]
        assert retried["kind"] == "submissions" and retried["version"] != first["version"]
        assert "SYT_2026-Q1_v9.xlsx" in published_submission_files(warehouse)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            run = instance.get_run_by_id(retried["run_id"])
            assert run.tags["dagster/parent_run_id"] == failure["run_id"]
            assert run.tags["dagster/retry_strategy"] == "ALL_STEPS"
        # Nothing in the inbox was lost or changed by the kill.
        assert hashlib.sha256(new_file.read_bytes()).hexdigest() == new_bytes
        # The morning check: the retry worked after the failure, so nobody has to act.
        status = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "status", "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert status.returncode == 0, status.stdout + status.stderr
        assert "ST-03" not in {f["rule_id"] for f in json.loads(status.stdout)["findings"]}
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait(timeout=30)
