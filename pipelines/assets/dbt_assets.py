"""Dagster assets for the dbt project: raw Parquet tables → staging → intermediate → marts.

Every dbt model and seed is an asset (key ``[<schema>, <name>]``: ``["marts", "dim_task"]``,
``["reference", "ref_agency"]``); the dbt sources are the extraction's raw assets
(``["raw", <table>]``), so one graph runs from the documents to the marts. dbt tests on a model
become Dagster asset checks on it.

dbt reads the raw tables from ``$NQ57_RAW_DIR`` and writes the DuckDB file named by
``$NQ57_DUCKDB_PATH`` (profiles.yml reads the same variable); both are set from
``pipelines.paths`` before dbt starts, so Dagster and dbt always agree.
"""

import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.paths import DBT_PROJECT_DIR, raw_tables_dir, warehouse_dir

DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"


def duckdb_build_path() -> Path:
    """The DuckDB file dbt builds into (never the published one: publishing replaces it atomically)."""
    value = os.environ.get("NQ57_DUCKDB_PATH")
    return Path(value).resolve() if value else warehouse_dir() / "build" / "warehouse.duckdb"


def dbt_docs_dir() -> Path:
    """Where the static dbt docs site is written: beside the built warehouse file."""
    return duckdb_build_path().parent / "dbt_docs"


def dbt_environment() -> dict[str, str]:
    """The environment variables dbt reads (profiles.yml, the sources' external_location)."""
    return {"NQ57_RAW_DIR": str(raw_tables_dir()), "NQ57_DUCKDB_PATH": str(duckdb_build_path())}


def apply_dbt_environment() -> dict[str, str]:
    """Export the dbt variables into this process (dbt runs as a child process and inherits them)."""
    env = dbt_environment()
    os.environ.update(env)
    duckdb_build_path().parent.mkdir(parents=True, exist_ok=True)
    return env


nq57_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
    target_path=DBT_TARGET_DIR,
)


def dbt_executable() -> str:
    """The dbt of this interpreter's environment (the venv need not be on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for this project (bind it as ``dbt`` in Definitions)."""
    return DbtCliResource(
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
    """`dbt parse` when the manifest is missing or stale, or under `dagster dev`; returns its path."""
    if project.preparer.using_dagster_dev() or _manifest_is_stale(project):
        dbt_resource().cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path


prepare_manifest()


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
def nq57_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build`: seeds, models, unit tests and data tests (reported as asset checks)."""
    env = apply_dbt_environment()
    fresh_build_file()
    context.log.info(f"dbt: raw tables {env['NQ57_RAW_DIR']} → {env['NQ57_DUCKDB_PATH']}")
    yield from dbt.cli(["build"], context=context).stream()


def fresh_build_file() -> None:
    """Every build starts from an empty file, so no object of an older project version lingers."""
    path = duckdb_build_path()
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


@dg.asset(
    key=["docs", "dbt_docs_site"],
    group_name="docs",
    deps=[dg.AssetKey(["marts", "rpt_reconciliation"])],
    kinds={"dbt", "html"},
    description="Static dbt documentation site (`dbt docs generate --static`) beside the built warehouse.",
)
def dbt_docs_site(context: AssetExecutionContext, dbt: DbtCliResource) -> dg.MaterializeResult:
    path = write_dbt_docs(dbt)
    return dg.MaterializeResult(metadata={"path": str(path)})


def write_dbt_docs(dbt: DbtCliResource | None = None, out_dir: Path | None = None) -> Path:
    """`dbt docs generate --static --no-compile` on the built warehouse; copies the one-file site to
    ``out_dir`` and returns its path. --no-compile reuses the parsed manifest (saves ~10 s)."""
    apply_dbt_environment()
    dbt = dbt or dbt_resource()
    manifest = prepare_manifest()
    with tempfile.TemporaryDirectory(prefix="nq57_dbt_docs_") as scratch:
        target = Path(scratch)
        shutil.copyfile(manifest, target / "manifest.json")
        dbt.cli(
            ["docs", "generate", "--static", "--no-compile"], manifest=manifest, target_path=target
        ).wait()
        out_dir = out_dir or dbt_docs_dir()
        out_dir.mkdir(parents=True, exist_ok=True)
        site = out_dir / "index.html"
        shutil.copyfile(target / "static_index.html", site)
    return site


DBT_ASSETS = [nq57_dbt_models, dbt_docs_site]
