"""Dagster assets for the dbt project: raw Parquet tables → staging → intermediate → marts.

Every dbt model and seed is an asset (key ``[<schema>, <name>]``: ``["marts", "dim_task"]``,
``["reference", "ref_agency"]``); the dbt sources are the extraction's raw assets
(``["raw", <table>]``), so one graph runs from the documents to the marts. dbt tests on a model
become Dagster asset checks on it.

dbt reads the raw tables from ``$NQ57_RAW_DIR`` and writes the DuckDB file named by
``$NQ57_DUCKDB_PATH`` (profiles.yml reads the same variable); both are set from
``pipelines.paths`` before dbt starts, so Dagster and dbt always agree.
"""

import contextlib
import fcntl
import importlib.metadata
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import (  # without dbt-core: pipelines/assets/__init__.py imported it first
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging import version
from pydantic import PrivateAttr

from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.assets.resource_setup import run_is_over
from pipelines.dbt_targets import (
    DBT_TARGET_DIR,
    keep_parse_state,
    prune_run_targets,
    run_target_path,
)
from pipelines.dbt_worker import DbtWorker, dbt_invocation, start_for_build, take_early
from pipelines.paths import DBT_PROJECT_DIR, dbt_environment, duckdb_build_path, raw_tables_dir
from pipelines.refresh_state import DOCS_STAMP, docs_site_is_current, published_docs_dir


def dbt_docs_dir() -> Path:
    """Where the static dbt docs site is written: beside the built warehouse file."""
    return duckdb_build_path().parent / "dbt_docs"


def apply_dbt_environment() -> dict[str, str]:
    """Export the dbt variables into this process (dbt runs as a child process and inherits them)."""
    env = dbt_environment()
    os.environ.update(env)
    duckdb_build_path().parent.mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def dbt_environment_applied() -> Iterator[dict[str, str]]:
    """apply_dbt_environment for the time of a block, then the variables as they were.

    The manifest's parse at import time must not leave them behind: they are paths computed from
    the warehouse folder of that moment (NQ57_RAW_DIR, NQ57_DUCKDB_PATH), and a process that later
    works on another folder (the tests, one folder each) read the first one's through them."""
    env = dbt_environment()
    before = {key: os.environ.get(key) for key in env}
    try:
        yield apply_dbt_environment()
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


nq57_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=DBT_TARGET_DIR,
)


def dbt_executable() -> str:
    """The dbt of this interpreter's environment (the venv need not be on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


class Nq57DbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs this project never uses.

    On every ``cli()`` call dagster-dbt 0.29 (pinned) runs ``dbt --version`` in a subprocess to learn
    the version (≈2.4 s here), and imports dbt in-process to open a read-only adapter handle (≈3.7 s),
    used only to fetch row counts or column metadata afterwards, which this project does not ask for.
    Measured with cProfile on `nq57 refresh --full`: 6.1 s of a 16 s dbt step. The version comes from
    the installed dbt-core package instead (the dbt executable is this venv's, see dbt_executable()).
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for this project (bind it as ``dbt`` in Definitions)."""
    return Nq57DbtCliResource(
        project_dir=nq57_dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )


def _manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing (a fresh clone) or older than any file of the dbt project."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [project.project_dir / "dbt_project.yml", project.project_dir / "profiles.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        sources.extend(p for p in (project.project_dir / folder).rglob("*") if p.is_file())
    return any(path.stat().st_mtime > built for path in sources)


def prepare_manifest(project: DbtProject = nq57_dbt_project) -> Path:
    """`dbt parse` when the manifest is missing or stale, or under `dagster dev`; returns its path.

    One process at a time: every process that loads the definitions comes here (the UI, the daemon,
    `nq57 refresh`, the two workers of `make test`), and two dbt parses writing the same target
    folder at once can leave a manifest half written. The second waits, then finds it fresh."""
    if not (project.preparer.using_dagster_dev() or _manifest_is_stale(project)):
        return project.manifest_path
    project.target_path.mkdir(parents=True, exist_ok=True)
    with open(project.target_path / ".prepare_manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when the process dies
        if project.preparer.using_dagster_dev() or _manifest_is_stale(project):
            # With the build's own profile (its DuckDB path): dbt keeps this parse for the next build
            # only if the profile is the same, else the first build of a fresh clone parses again (≈4 s).
            with dbt_environment_applied():
                dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path


prepare_manifest()


class DbtWorkerResource(dg.ConfigurableResource):
    """The dbt process the run's build will use, started before the run's first step.

    ``nq57 refresh`` starts it even before it loads Dagster (pipelines.dbt_worker.start_early);
    runs the schedule, the sensor or the UI launch start it here, when Dagster sets up the run's
    resources. Only runs with the dbt build set it up. A worker that failed to start or died is not
    used: the build then runs dbt as dagster-dbt does.
    """

    _worker: DbtWorker | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if run_is_over(context):
            return
        try:
            run_id = context.run.run_id if context.run is not None else "worker"
            self._worker = take_early() or start_for_build(run_id)
        except Exception as error:
            if context.log is not None:
                context.log.warning(f"Không khởi động trước được dbt (no warm dbt worker): {error}")
            self._worker = None

    def take(self) -> DbtWorker | None:
        worker, self._worker = self._worker, None
        if worker is not None and not worker.is_alive():
            worker.discard()
            return None
        return worker

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._worker is not None:
            self._worker.discard()
            self._worker = None


class Nq57DbtTranslator(DagsterDbtTranslator):
    """Asset keys ``[schema, name]``; dbt sources map onto the extraction's ``["raw", table]`` assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
        return dg.AssetKey([schema or "main", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        schema = dbt_resource_props.get("config", {}).get("schema")
        return f"dbt_{schema}" if schema else "dbt"


dbt_translator = Nq57DbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(
    manifest=nq57_dbt_project.manifest_path,
    project=nq57_dbt_project,
    dagster_dbt_translator=dbt_translator,
)
def nq57_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    dbt_worker: DbtWorkerResource,
    refresh_lock: RefreshLockResource,  # held by Dagster for the whole run: see the resource
):
    """`dbt build`: seeds, models, unit tests and data tests (reported as asset checks).

    All of them into an empty file; or, when the run selects only some models (only submissions
    changed: see pipelines.definitions.SUBMISSIONS_REBUILD), those into a copy of the published
    warehouse, whose other tables are what a full build would make again from the same inputs.
    dbt runs in the worker process the run started first thing (pipelines.dbt_worker), dbt loaded
    and the project parsed while Dagster started and the documents were extracted.
    """
    env = apply_dbt_environment()
    # context.assets_def is already the subset: compare with the whole dbt project's assets.
    if context.selected_asset_keys >= set(nq57_dbt_models.keys):
        fresh_build_file()
    else:
        base = build_on_published()
        context.log.info(f"dbt: {len(context.selected_asset_keys)} mô hình, dựng trên bản đã công bố {base}")
    context.log.info(f"dbt: raw tables {env['NQ57_RAW_DIR']} → {env['NQ57_DUCKDB_PATH']}")
    worker = dbt_worker.take()
    if worker is not None:
        invocation = dbt_invocation(worker, dbt, ["build"], context)
    else:  # no worker (it failed to start or died): dbt as dagster-dbt runs it, loaded and parsed now
        invocation = dbt.cli(["build"], context=context, target_path=run_target_path(context.run.run_id))
    yield from invocation.stream()
    keep_parse_state(invocation.target_path)
    prune_run_targets()


def build_on_published() -> Path:
    """Start the build from a writable copy of the published warehouse; returns the copied file.

    Only valid when the published warehouse was built from the same documents and code as the raw
    tables this build reads (only submissions differ): its tables the build does not redo must be
    the ones a full build would make. Anything else is refused with the way out, never built wrong.
    """
    from pipelines.publish import repair_published
    from pipelines.refresh_state import built_inputs, published_inputs, scope_of_changes
    from pipelines.warehouse_access import published_path

    status, restored = repair_published()  # a damaged file is never the base of a build
    published = published_path()
    if not published.is_file() or (not status.ok and restored is None):
        raise FileNotFoundError(
            f"Chưa có kho dữ liệu đã công bố dùng được ({published}: {status.problem or status.status}) "
            "để dựng thêm một phần lên trên; hãy chạy `nq57 refresh --full` "
            "(no usable published warehouse to build a subset on)"
        )
    if scope_of_changes(published_inputs(), built_inputs(raw_tables_dir())) == "everything":
        raise RuntimeError(
            "Tài liệu nguồn hoặc mã nguồn đã khác so với kho đã công bố: phải dựng lại toàn bộ, "
            "hãy chạy `nq57 refresh --full` (documents or code changed since the published build: "
            "a partial build on top of it would mix old and new tables)"
        )
    fresh_build_file()
    path = duckdb_build_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(published, path)
    path.chmod(0o644)  # published files are read-only
    return published


def fresh_build_file() -> None:
    """Every build starts from an empty file, so no object of an older project version lingers."""
    path = duckdb_build_path()
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


class DocsSiteBuilder(dg.ConfigurableResource):
    """Makes the run's dbt docs site in the background, beside the briefing.

    The site's `dbt docs generate` (≈2.5 s, a child process) and the briefing (≈3 s, a Jupyter
    kernel and Chromium) both wait for the publish and need nothing from each other, and the
    run's steps go one after another. So the publish step starts the site (``start``) as soon as
    the build file is copied, and the docs site step only waits for it (``site``). On this 2-core
    machine the two then share the wall time instead of adding up. A run whose publish did not
    start it (a run that only remakes the site) makes it in the docs site step itself.
    """

    dbt: dg.ResourceDependency[DbtCliResource]

    _thread: threading.Thread | None = PrivateAttr(default=None)
    _outcome: list[Path | BaseException] = PrivateAttr(default_factory=list)
    _seconds: float | None = PrivateAttr(default=None)

    @property
    def seconds(self) -> float | None:
        """How long the last site took to make (in the background or not), or None."""
        return self._seconds

    def start(self, context: AssetExecutionContext) -> bool:
        """Start the site of this run's build, when the run makes the docs site and it is not
        current; returns whether it started."""
        selection = context.run.asset_selection
        if (selection and dbt_docs_site.key not in selection) or docs_site_is_current():
            return False
        if self._thread is None:
            self._thread = threading.Thread(target=self._make, name="nq57-docs-site", daemon=True)
            self._thread.start()
        return True

    def _make(self, copy_of: Path | None = None) -> None:
        started = time.perf_counter()
        try:
            self._outcome.append(write_dbt_docs(self.dbt, copy_of=copy_of))
        except BaseException as error:  # raised again in the docs site step
            self._outcome.append(error)
        finally:
            self._seconds = time.perf_counter() - started

    def site(self, copy_of: Path | None = None) -> Path:
        """The site the publish started, once made; or, when none was started, make it now (of the
        build, or of a copy of ``copy_of`` put in its place: see write_dbt_docs)."""
        if self._thread is None:
            self._make(copy_of)
        else:
            self._thread.join()
        self._thread = None
        outcome = self._outcome.pop()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        # A run that ended before its docs site step (failed or stopped): let the site's dbt finish
        # rather than leave it writing into a folder the next run cleans up.
        if self._thread is not None:
            self._thread.join(timeout=120)


def docs_site_builder(dbt: DbtCliResource | None = None) -> DocsSiteBuilder:
    """The docs site resource (bind it as ``docs_site``), on the project's dbt resource."""
    return DocsSiteBuilder(dbt=dbt or dbt_resource())


@dg.asset(
    key=["docs", "dbt_docs_site"],
    group_name="docs",
    # After the publish, not before it: analysts get the new warehouse without waiting for the site
    # (≈3 s when the code changed), and a site that fails to build never holds back the data.
    deps=[dg.AssetKey(["warehouse", "published"])],
    kinds={"dbt", "html"},
    description=(
        "Static dbt documentation site (`dbt docs generate --static`), written after the publish from "
        "the published warehouse and kept beside it (warehouse/dbt_docs); reused when no code changed "
        "(the site describes code, not data)."
    ),
)
def dbt_docs_site(
    context: AssetExecutionContext, docs_site: DocsSiteBuilder, refresh_lock: RefreshLockResource
) -> dg.MaterializeResult:
    from pipelines.refresh_state import code_fingerprint
    from pipelines.warehouse_access import published_path

    fingerprint = code_fingerprint()
    if docs_site_is_current(fingerprint):
        # The site shows models, columns, descriptions, tests and lineage: all from the code, none
        # from the rows, so a refresh that only brings new files keeps the published one.
        context.log.info("Mã nguồn không đổi: dùng lại trang tài liệu dbt đã công bố (docs site reused)")
        site = published_docs_dir() / "index.html"
        return dg.MaterializeResult(metadata={"path": str(site), "published": str(site), "reused": True})
    # A run that built the models documents its build (the file it just published); the publish
    # step started that in the background. A run that only remakes a site that failed after an
    # earlier publish (see docs_site_is_current) documents the published file, copied to the
    # build's path: dbt keeps its parse only for the same profile.
    selection = context.run.asset_selection
    built_here = not selection or bool(selection & set(nq57_dbt_models.keys))
    path = docs_site.site(copy_of=None if built_here else published_path())
    (path.parent / DOCS_STAMP).write_text(fingerprint + "\n", encoding="utf-8")
    site = publish_dbt_docs()
    return dg.MaterializeResult(
        metadata={
            "path": str(path),
            "published": site or "—",
            "reused": False,
            # The step itself may take no time: the site was made beside the briefing.
            "seconds": round(docs_site.seconds or 0.0, 2),
        }
    )


def publish_dbt_docs() -> str | None:
    """Put the built docs site beside the published warehouse (warehouse/dbt_docs); returns its path."""
    built = dbt_docs_dir() / "index.html"
    if not built.exists():
        return None
    published = published_docs_dir()
    published.mkdir(parents=True, exist_ok=True)
    # Stamp out, site in, stamp back: a site is never reused under another site's stamp.
    (published / DOCS_STAMP).unlink(missing_ok=True)
    for name in ("index.html", DOCS_STAMP):
        source = dbt_docs_dir() / name
        if source.exists():
            tmp = published / f".{name}.tmp"
            shutil.copyfile(source, tmp)
            tmp.replace(published / name)
    return str(published / "index.html")


def write_dbt_docs(
    dbt: DbtCliResource | None = None, out_dir: Path | None = None, copy_of: Path | None = None
) -> Path:
    """`dbt docs generate --static --no-compile` on the build file, or on a copy of ``copy_of`` put
    in its place; copies the one-file site to ``out_dir`` and returns its path. --no-compile reuses
    the parsed manifest (saves ~10 s)."""
    apply_dbt_environment()
    if copy_of is not None:
        if not copy_of.is_file():
            raise FileNotFoundError(
                f"Không có kho dữ liệu {copy_of} để dựng trang tài liệu dbt (no warehouse to document)"
            )
        fresh_build_file()
        shutil.copyfile(copy_of, duckdb_build_path())
        duckdb_build_path().chmod(0o644)  # published files are read-only; dbt opens it for writing
    dbt = dbt or dbt_resource()
    manifest = prepare_manifest()
    target = run_target_path(uuid.uuid4().hex, prefix="docs")
    try:
        shutil.copyfile(manifest, target / "manifest.json")
        dbt.cli(
            ["docs", "generate", "--static", "--no-compile"], manifest=manifest, target_path=target
        ).wait()
        out_dir = out_dir or dbt_docs_dir()
        out_dir.mkdir(parents=True, exist_ok=True)
        site = out_dir / "index.html"
        shutil.copyfile(target / "static_index.html", site)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return site


DBT_ASSETS = [nq57_dbt_models, dbt_docs_site]
