"""Where things live. Every location can be moved with an environment variable.

Defaults are folders of the project checkout, so `make run` works from a fresh clone.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def documents_dir() -> Path:
    """Source documents as received (raw/documents)."""
    return _env_path("NQ57_DOCUMENTS_DIR", PROJECT_ROOT / "raw" / "documents")


def submissions_dir() -> Path:
    """Departmental submissions as received (raw/submissions)."""
    return _env_path("NQ57_SUBMISSIONS_DIR", PROJECT_ROOT / "raw" / "submissions")


def warehouse_dir() -> Path:
    """Published warehouse, its previous versions, briefings."""
    return _env_path("NQ57_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")


def raw_tables_dir() -> Path:
    """Parquet raw tables written by the extraction and ingestion assets, read by dbt."""
    return _env_path("NQ57_RAW_DIR", warehouse_dir() / "raw")


def duckdb_build_path() -> Path:
    """The DuckDB file dbt builds into (never the published one: publishing replaces it atomically)."""
    value = os.environ.get("NQ57_DUCKDB_PATH")
    return Path(value).resolve() if value else warehouse_dir() / "build" / "warehouse.duckdb"


def dbt_environment() -> dict[str, str]:
    """The environment variables dbt reads (profiles.yml, the sources' external_location)."""
    return {"NQ57_RAW_DIR": str(raw_tables_dir()), "NQ57_DUCKDB_PATH": str(duckdb_build_path())}
