"""The suite's own set-up: which test modules share a worker under `make test`'s two workers."""

from __future__ import annotations

import re
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
