"""dbt's target folders: one per dbt invocation, each starting from the project's last parse.

dbt re-parses the whole project (≈3.5 s) unless it finds its previous parse in its target
folder. Runs may overlap, so each dbt invocation gets a folder of its own under
dbt_project/target; the last good parse is kept in dbt_project/target itself and copied into
each new folder. No Dagster or dbt import here: the refresh starts its dbt worker (see
pipelines.dbt_worker) with one of these folders before it loads either.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from pipelines.paths import DBT_PROJECT_DIR

DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
RUN_TARGETS_KEPT = 3
# A folder changed this recently may belong to a dbt still running (another refresh's docs site, a
# build started by hand beside the nightly one): never pruned, however many newer folders exist.
RUN_TARGET_MIN_AGE_S = 3600


def run_target_path(run_id: str, prefix: str = "run") -> Path:
    """A fresh target folder for one dbt invocation, seeded with the last parse of the project."""
    target = DBT_TARGET_DIR / f"{prefix}-{run_id[:8]}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True, exist_ok=True)
    kept = DBT_TARGET_DIR / PARTIAL_PARSE_FILE
    if kept.exists():
        shutil.copyfile(kept, target / PARTIAL_PARSE_FILE)
    return target


def keep_parse_state(target: Path) -> None:
    """Keep this invocation's parse as the starting point of the next one (atomic replace)."""
    produced = target / PARTIAL_PARSE_FILE
    if produced.exists():
        tmp = DBT_TARGET_DIR / f".{PARTIAL_PARSE_FILE}.{uuid.uuid4().hex[:6]}"
        shutil.copyfile(produced, tmp)
        tmp.replace(DBT_TARGET_DIR / PARTIAL_PARSE_FILE)


def prune_run_targets(keep: int = RUN_TARGETS_KEPT, min_age_s: float = RUN_TARGET_MIN_AGE_S) -> None:
    """Delete all but the newest few per-invocation target folders (each holds ~2 MB of artifacts),
    and none changed in the last ``min_age_s`` seconds."""
    cutoff = time.time() - min_age_s
    runs = sorted(
        (
            p
            for p in DBT_TARGET_DIR.iterdir()
            if p.is_dir() and p.name.startswith(("run-", "docs-", "nq57_dbt_models-"))
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in runs[keep:]:
        if old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
