"""A dbt process started ahead of the build, dbt already loaded and the project already parsed.

Before the refresh's dbt step can build anything, dbt must load (Python, dbt-core, the DuckDB
adapter: ≈2 s) and parse the project (≈1 s from its last parse, ≈3.5 s from scratch). Neither
needs the raw tables. So the refresh starts this process first thing (``DbtWorker.start``), and it
does both on the machine's other core while Dagster starts and the documents are extracted; then
it waits on stdin for the build command. The build runs on that parse (dbt's Python API,
``dbtRunner(manifest=...)``) and prints each dbt event of level info or above as the JSON line
`dbt --log-format json` prints, so dagster-dbt reads it exactly as it reads a dbt child process:
same materializations, asset checks, console lines and errors. Exit codes are the dbt CLI's: 0
success, 1 dbt failed, 2 dbt could not run.

Run as ``python -m pipelines.dbt_worker --project-dir D --profiles-dir P --target-path T``; the
command is one JSON line on stdin: ``{"args": [...], "env": {...}, "project_dir": ...}``. An
empty stdin (the run ended without a build, or the refresh died) ends the worker without running
anything, and on Linux the kernel stops it if the refresh process dies mid-build.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

# What a dbt child process prints with its default console level: dagster-dbt reads these lines.
PRINTED_LEVELS = frozenset({"info", "warn", "error"})
# The environment variables the project's dbt reads (profiles.yml, the sources): a parse made
# under other values is not the build's parse.
PARSE_ENV_KEYS = ("NQ57_RAW_DIR", "NQ57_DUCKDB_PATH")


class DbtWorker:
    """The refresh's side of one worker process: start it, give it the build, or let it go."""

    def __init__(self, process: subprocess.Popen, target_path: Path) -> None:
        self.process = process
        self.target_path = target_path
        self._sent = False

    @classmethod
    def start(
        cls, project_dir: Path, profiles_dir: Path, target_path: Path, env: Mapping[str, str]
    ) -> DbtWorker:
        """Start a worker that loads dbt and parses the project under ``env`` into ``target_path``."""
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipelines.dbt_worker",
                *("--project-dir", str(project_dir)),
                *("--profiles-dir", str(profiles_dir)),
                *("--target-path", str(target_path)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
        return cls(process, target_path)

    def is_alive(self) -> bool:
        return not self._sent and self.process.poll() is None

    def run(
        self, args: Sequence[str], env: Mapping[str, str], project_dir: Path | None = None
    ) -> subprocess.Popen:
        """Hand the worker its one dbt command (in ``project_dir`` when not the project it parsed);
        returns the process whose stdout carries the events."""
        assert self.process.stdin is not None
        self._sent = True
        command = {
            "args": list(args),
            "env": dict(env),
            "project_dir": str(project_dir) if project_dir else None,
        }
        self.process.stdin.write(json.dumps(command).encode() + b"\n")
        self.process.stdin.close()
        return self.process

    def discard(self, timeout: float = 10) -> None:
        """End a worker that was not given a command (closing stdin ends it), or one still running."""
        if self.process.poll() is not None:
            return
        if not self._sent and self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_for_build(run_id: str) -> DbtWorker:
    """A worker for the warehouse's build: the project, its profile, the build's environment, a
    target folder of its own seeded with the project's last parse."""
    from pipelines.dbt_targets import run_target_path
    from pipelines.paths import DBT_PROJECT_DIR, dbt_environment, duckdb_build_path

    duckdb_build_path().parent.mkdir(parents=True, exist_ok=True)
    return DbtWorker.start(DBT_PROJECT_DIR, DBT_PROJECT_DIR, run_target_path(run_id), dbt_environment())


# A worker started by `nq57 refresh` before it loads Dagster (≈2 s earlier than the run's resources
# could), handed to the run's dbt worker resource in the same process.
_early: list[DbtWorker] = []


def start_early() -> None:
    """Start the build's worker now; the refresh run about to start in this process takes it."""
    import uuid

    _early.append(start_for_build(uuid.uuid4().hex))


def take_early() -> DbtWorker | None:
    """The worker start_early started, if it is still waiting (each is taken once)."""
    while _early:
        worker = _early.pop()
        if worker.is_alive():
            return worker
        worker.discard()
    return None


def dbt_invocation(worker: DbtWorker, dbt: Any, args: Sequence[str], context: Any) -> Any:
    """``dbt.cli(args, context=context)`` run by ``worker``: a dagster-dbt ``DbtCliInvocation`` on
    the worker's process, with dagster-dbt's own selection of the run's assets."""
    import importlib.metadata

    from dagster_dbt import DagsterDbtTranslator
    from dagster_dbt.asset_utils import (
        DBT_INDIRECT_SELECTION_ENV,
        extract_runtime_selection_from_args,
        get_updated_cli_invocation_params_for_context,
    )
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
    from packaging import version

    from pipelines.paths import dbt_environment

    command, selects, excludes = extract_runtime_selection_from_args(args)
    params = get_updated_cli_invocation_params_for_context(
        context=context,
        manifest={},
        dagster_dbt_translator=DagsterDbtTranslator(),
        runtime_selects=selects,
        runtime_excludes=excludes,
    )
    env = dbt_environment()
    if params.indirect_selection:
        env[DBT_INDIRECT_SELECTION_ENV] = params.indirect_selection
    full_args = [*command, *params.selection_args]
    # dagster-dbt runs a selection of more than 200 models in a copy of the project with a generated
    # selector: the worker then builds in that copy (and parses it again).
    project_dir = Path(params.dbt_project.project_dir) if params.dbt_project else Path(dbt.project_dir)
    context.log.info(f"dbt (tiến trình dbt dựng sẵn, warm dbt worker): dbt {' '.join(full_args)}")
    process = worker.run(full_args, env, project_dir=project_dir)
    return DbtCliInvocation(
        process=process,
        manifest=params.manifest,
        dagster_dbt_translator=params.dagster_dbt_translator,
        project_dir=project_dir,
        target_path=worker.target_path,
        raise_on_error=True,
        cli_version=version.parse(importlib.metadata.version("dbt-core")),
        project=params.dbt_project,
        context=context,
    )


# The worker process itself.


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this process when the refresh that started it dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except OSError:
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(0)


def _common_flags(options: argparse.Namespace) -> list[str]:
    return [
        *("--project-dir", options.project_dir, "--profiles-dir", options.profiles_dir),
        *("--target-path", options.target_path, "--log-path", options.target_path),
        *("--log-level", "none"),  # dbt's own console stays silent: the events go out as JSON lines
        "--no-use-colors",  # their messages end up in log files too: no terminal escape codes
        "--no-send-anonymous-usage-stats",
    ]


def _parse_ahead(options: argparse.Namespace) -> Any:
    """The project's manifest, parsed now (before the build is asked for), or None if that failed."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["parse", *_common_flags(options)])
    return result.result if result.success else None


def _emit(out: IO[bytes], level: str, name: str, message: str) -> None:
    line = {"info": {"level": level, "msg": message, "name": name}, "data": {}}  # a dbt event's shape
    out.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    out.flush()


def close_duckdb() -> None:
    """Close the DuckDB file dbt had open, so its last changes are checkpointed into the file.

    dbt-duckdb closes it with its last handle; this is the guarantee for a command that ended
    without closing its handles. dbt-duckdb (pinned 1.11) keeps the open database in a class
    attribute; a version that renames it makes this a no-op, and the tests check the file is
    closed after a build."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    if environment is not None:
        environment.close()
        DuckDBConnectionManager._ENV = None


def worker_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dbt started ahead of the refresh's build")
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--profiles-dir", required=True)
    parser.add_argument("--target-path", required=True)
    options = parser.parse_args(argv)
    stdin, out = sys.stdin, sys.stdout.buffer
    _die_with_parent()

    started = time.perf_counter()
    parse_env = {key: os.environ.get(key, "") for key in PARSE_ENV_KEYS}
    manifest = _parse_ahead(options)
    ready = time.perf_counter() - started

    line = stdin.readline()
    if not line.strip():
        return 0  # the run ended without asking for a build
    command = json.loads(line)
    os.environ.update(command.get("env", {}))
    if manifest is not None and {key: os.environ.get(key, "") for key in PARSE_ENV_KEYS} != parse_env:
        manifest = None  # parsed under another warehouse path: dbt must parse again
    project_dir = command.get("project_dir") or options.project_dir
    if Path(project_dir).resolve() != Path(options.project_dir).resolve():
        manifest = None  # another project (a copy with a generated selector): dbt parses that one
        options.project_dir = project_dir
    _emit(
        out,
        "info",
        "Nq57DbtWorker",
        f"dbt đã nạp sẵn (dbt loaded ahead, {ready:.1f} s): "
        + (
            "dùng bản phân tích dự án có sẵn (parsed ahead)"
            if manifest is not None
            else "phân tích lại dự án (parsing)"
        ),
    )

    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_json

    def print_event(event: Any) -> None:
        if event.info.level in PRINTED_LEVELS:
            out.write(msg_to_json(event).encode() + b"\n")
            out.flush()

    try:
        result = dbtRunner(manifest=manifest, callbacks=[print_event]).invoke(
            [*command["args"], *_common_flags(options)]
        )
    finally:
        close_duckdb()
    if result.exception is not None:
        _emit(out, "error", "Nq57DbtWorkerError", f"dbt dừng vì lỗi (dbt raised): {result.exception!r}")
        return 2
    return 0 if result.success else 1


if __name__ == "__main__":
    import gc

    code = worker_main()
    gc.freeze()  # the interpreter's exit need not walk dbt's objects once more (≈0.5 s)
    sys.exit(code)
