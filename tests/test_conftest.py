"""The suite's own set-up: which test modules share a worker under `make test`'s two workers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED_BUILD_MODULES, scheduling_scope

TESTS_DIR = Path(__file__).resolve().parent
# The helpers that build (or render from) the warehouse once per process.
SHARED_BUILD_HELPERS = re.compile(r"from tests\.(dbt_warehouse|fixture_warehouse|briefing_session) import")


def test_every_module_reading_the_shared_build_runs_on_one_worker():
    # A module missing from the set would make its worker build the warehouse a second time (≈40 s);
    # a module left in it after it stopped reading the build would only weigh on that one worker.
    readers = {p.name for p in TESTS_DIR.glob("test_*.py") if SHARED_BUILD_HELPERS.search(p.read_text())}
    assert readers == SHARED_BUILD_MODULES


def test_a_worker_takes_a_module_whole_and_the_shared_build_modules_together():
    assert scheduling_scope("tests/test_cli.py::test_a") == scheduling_scope("tests/test_cli.py::test_b[x]")
    assert scheduling_scope("tests/test_cli.py::test_a") != scheduling_scope("tests/test_run.py::test_a")
    assert scheduling_scope("tests/test_notebooks.py::test_a") == scheduling_scope(
        "tests/test_dbt_marts.py::TestMarts::test_b"
    )


def _run_pytest_on(tmp_path: Path, allow_skips: str | None) -> subprocess.CompletedProcess:
    test = tmp_path / "test_skips.py"
    test.write_text(
        "import pytest\n\n\ndef test_runs():\n    pass\n\n\n"
        "def test_skips():\n    pytest.skip('chromium not installed')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NQ57_ALLOW_SKIPS"}
    if allow_skips is not None:
        env["NQ57_ALLOW_SKIPS"] = allow_skips
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", "-p", "no:cacheprovider", str(test)],
        cwd=TESTS_DIR.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_a_skipped_test_fails_the_suite_with_its_reason(tmp_path: Path) -> None:
    proc = _run_pytest_on(tmp_path, None)
    assert proc.returncode == 1, proc.stdout
    assert "1 failed, 1 passed" in proc.stdout
    assert "chromium not installed" in proc.stdout and "NQ57_ALLOW_SKIPS=1" in proc.stdout


def test_skips_are_allowed_only_when_asked_for(tmp_path: Path) -> None:
    proc = _run_pytest_on(tmp_path, "1")
    assert proc.returncode == 0, proc.stdout
    assert "1 passed, 1 skipped" in proc.stdout
