"""The `nq57` entry point: sub-commands wired, exit code passed through, quick exit prepared."""

from __future__ import annotations

import gc
import tomllib

import pytest

from pipelines import cli
from pipelines.paths import PROJECT_ROOT


def test_installed_script_is_the_entry_point() -> None:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["nq57"] == "pipelines.cli:entry_point"


def test_every_command_module_is_a_sub_command() -> None:
    parser = cli.build_parser()
    choices = parser._subparsers._group_actions[0].choices  # the sub-command table argparse keeps
    assert set(choices) == set(cli.command_modules())
    assert {"refresh", "query", "sql", "briefing", "status", "rollback"} <= set(choices)


def test_entry_point_returns_the_exit_code_and_freezes_the_collector(capsys: pytest.CaptureFixture) -> None:
    assert gc.get_freeze_count() == 0
    try:
        # A query on a warehouse that does not exist: the command's own error code, not a crash.
        code = cli.entry_point(["query", "--db", "/nonexistent/warehouse.duckdb", "select 1"])
        assert code == cli.main(["query", "--db", "/nonexistent/warehouse.duckdb", "select 1"])
        assert code != 0
        assert gc.get_freeze_count() > 0  # the objects alive at exit are left out of the last collections
    finally:
        gc.unfreeze()
