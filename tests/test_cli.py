"""The `nq57` entry point: sub-commands wired, exit code passed through, quick exit prepared."""

from __future__ import annotations

import gc
import subprocess
import sys
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
    assert {"refresh", "query", "sql", "briefing", "status", "rollback", "withdraw"} <= set(choices)


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


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code`` (in the project folder)."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print('\\n'.join(sys.modules))"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_a_command_line_naming_its_command_loads_that_command_alone() -> None:
    # `nq57 refresh` must start its dbt worker before anything heavy loads (pipelines.cli.build_parser).
    loaded = _modules_after("from pipelines import cli; cli.build_parser(only='refresh')")
    assert "pipelines.commands.refresh" in loaded
    assert not {"pipelines.commands.query", "pipelines.commands.extract", "duckdb", "pyarrow"} & loaded
    every = _modules_after("from pipelines import cli; cli.build_parser()")
    assert {f"pipelines.commands.{name}" for name in cli.command_modules()} <= every


def test_the_one_command_parser_parses_like_the_whole_one(capsys: pytest.CaptureFixture) -> None:
    for argv in (["refresh", "--full"], ["query", "--csv", "select 1"], ["status", "--json"]):
        alone = cli.build_parser(only=argv[0]).parse_args(argv)
        whole = cli.build_parser().parse_args(argv)
        assert {k: v for k, v in vars(alone).items() if k != "handler"} == {
            k: v for k, v in vars(whole).items() if k != "handler"
        }
        assert alone.handler.__module__ == whole.handler.__module__ == f"pipelines.commands.{argv[0]}"
    # A word that is no command: argparse's message still lists every command.
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["refrehs"])
    assert exit_info.value.code == 2
    message = capsys.readouterr().err
    assert "invalid choice: 'refrehs'" in message
    assert all(f"'{name}'" in message for name in cli.command_modules())
