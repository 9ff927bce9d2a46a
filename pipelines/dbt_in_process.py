"""Run a dbt command inside the refresh's own process and hand its events to dagster-dbt.

dagster-dbt runs dbt as a child process, which loads Python, dbt-core and the DuckDB adapter once
more before it builds anything: ≈1.4 s of every `dbt build` here (bench/refresh.py, "bare: dbt
build alone" against the refresh's dbt step). The refresh process already holds dbt-core (dagster-dbt
imports it), so the build runs in a worker thread of this process through dbt's Python API
(``dbtRunner``) instead. Every event dbt fires at info level or above becomes the JSON line the child
process would have printed, read by dagster-dbt's own ``DbtCliInvocation``: the Dagster
materializations, the asset checks, the console lines and the error raised when dbt fails are the
ones dagster-dbt makes from a child process.

dbt keeps process-wide state (flags, adapters, its event manager), so one dbt command runs at a time
per process (``_ONE_AT_A_TIME``). The DuckDB file is closed when the command ends: the publish
copies it next, and a file still open here could hold changes not yet checkpointed.
"""

from __future__ import annotations

import importlib.metadata
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from dagster import AssetExecutionContext
    from dagster_dbt import DbtCliResource
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
    from dbt_common.events.base_types import EventMsg

_ONE_AT_A_TIME = threading.Lock()
# What a dbt child process prints with the default stdout log level: dagster-dbt reads these lines.
_PRINTED_LEVELS = frozenset({"info", "warn", "error"})
_END = None


class _EventLines:
    """The dbt events as a child process's stdout would carry them: an iterable of JSON lines."""

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.closed = False

    def put(self, line: bytes | None) -> None:
        self._lines.put(line)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not _END:
            yield line

    def __enter__(self) -> _EventLines:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.closed = True


class InProcessDbt:
    """A dbt command running in a worker thread, seen through the part of ``subprocess.Popen``
    that dagster-dbt's ``DbtCliInvocation`` uses (``args``, ``stdout``, ``wait``, ``returncode``,
    ``send_signal``). Return code 0 when dbt succeeded, 1 when it failed, 2 when it raised."""

    def __init__(self, args: Sequence[str]) -> None:
        self.args = ["dbt", *args]
        self.stdout = _EventLines()
        self.returncode: int | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._run, args=(list(args),), name="dbt", daemon=True)
        self._thread.start()

    def _run(self, args: list[str]) -> None:
        try:
            with _ONE_AT_A_TIME:
                from dbt.cli.main import dbtRunner

                try:
                    result = dbtRunner(callbacks=[self._on_event]).invoke(args)
                finally:
                    close_duckdb()
            if result.exception is not None:
                self._print_error(f"dbt dừng vì lỗi (dbt raised): {result.exception!r}")
                self.returncode = 2
            else:
                self.returncode = 0 if result.success else 1
        except BaseException as error:  # the caller learns it through the return code
            self._print_error(f"dbt dừng vì lỗi (dbt raised): {error!r}")
            self.returncode = 2
        finally:
            self.stdout.put(_END)

    def _on_event(self, event: EventMsg) -> None:
        from dbt_common.events.functions import msg_to_dict

        if event.info.level in _PRINTED_LEVELS:
            self.stdout.put(orjson.dumps(msg_to_dict(event), default=str))

    def _print_error(self, message: str) -> None:
        line = {"info": {"level": "error", "msg": message, "name": "InProcessDbtError"}, "data": {}}
        self.stdout.put(orjson.dumps(line))

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        return self.returncode

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Stop the build: interrupt the query DuckDB is running, so dbt fails fast and ends."""
        self._cancelled = True
        interrupt_duckdb()


def _duckdb_environment():
    # dbt-duckdb keeps its open database in a class attribute (pinned dbt-duckdb 1.11); a later
    # version that renames it leaves these helpers doing nothing, and the test of
    # dbt_in_process checks the file is closed after a build.
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    return DuckDBConnectionManager, getattr(DuckDBConnectionManager, "_ENV", None)


def close_duckdb() -> None:
    """Close the DuckDB file dbt had open (dbt-duckdb closes it with the last handle; this is the
    guarantee for an invocation that ended before closing its handles)."""
    manager, environment = _duckdb_environment()
    if environment is not None:
        with manager._LOCK:
            environment.close()
            manager._ENV = None


def interrupt_duckdb() -> None:
    _manager, environment = _duckdb_environment()
    connection = getattr(environment, "conn", None)
    if connection is not None:
        connection.interrupt()


def dbt_cli_in_process(
    dbt: DbtCliResource,
    args: Sequence[str],
    *,
    context: AssetExecutionContext,
    target_path: Path,
) -> DbtCliInvocation:
    """``dbt.cli(args, context=context, target_path=target_path)``, with dbt in this process.

    The same selection as dagster-dbt's (only the assets the run selected), the project's profiles
    and target folder, no usage statistics, nothing printed by dbt itself (dagster-dbt prints each
    event's message as it reads it)."""
    from dagster_dbt import DagsterDbtTranslator
    from dagster_dbt.asset_utils import (
        extract_runtime_selection_from_args,
        get_updated_cli_invocation_params_for_context,
    )
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
    from packaging import version

    command, selects, excludes = extract_runtime_selection_from_args(args)
    params = get_updated_cli_invocation_params_for_context(
        context=context,
        manifest={},
        dagster_dbt_translator=DagsterDbtTranslator(),
        runtime_selects=selects,
        runtime_excludes=excludes,
    )
    project_dir = Path(params.dbt_project.project_dir if params.dbt_project else dbt.project_dir)
    full_args = [
        *command,
        *params.selection_args,
        *(["--indirect-selection", params.indirect_selection] if params.indirect_selection else []),
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(dbt.profiles_dir or project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        "--log-level",
        "none",
        "--no-send-anonymous-usage-stats",
    ]
    context.log.info(f"dbt (trong tiến trình này, in this process): dbt {' '.join(full_args)}")
    return DbtCliInvocation(
        process=InProcessDbt(full_args),  # type: ignore[arg-type]
        manifest=params.manifest,
        dagster_dbt_translator=params.dagster_dbt_translator,
        project_dir=project_dir,
        target_path=target_path,
        raise_on_error=True,
        cli_version=version.parse(importlib.metadata.version("dbt-core")),
        project=params.dbt_project,
        context=context,
    )
