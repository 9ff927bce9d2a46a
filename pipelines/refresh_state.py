"""What a refresh knows about its inputs and its failures, kept between runs.

- ``input_hashes``: content hash of every input file (recorded in the publish log, and the
  sensor's fingerprint of "something was added or changed").
- ``record_failure``: why a refresh failed, appended to warehouse/state/refresh_failures.jsonl
  so that the morning after, somebody can read it without digging in logs.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pipelines.manifest import sha256_of
from pipelines.paths import warehouse_dir
from pipelines.source_fingerprint import source_fingerprint

_IGNORED = {".gitkeep", "README.md"}


def input_files(*directories: Path) -> list[Path]:
    files = []
    for directory in directories:
        if directory.exists():
            files.extend(
                p
                for p in sorted(directory.rglob("*"))
                if p.is_file() and p.name not in _IGNORED and not p.name.startswith(".")
            )
    return files


def input_hashes(*directories: Path) -> dict[str, str]:
    """'<folder>/<relative path>' → sha256, for every input file."""
    hashes = {}
    for directory in directories:
        for path in input_files(directory):
            hashes[f"{directory.name}/{path.relative_to(directory).as_posix()}"] = sha256_of(path)
    return hashes


def fingerprint(*directories: Path) -> str:
    """A short hash of every input's name, size and mtime: cheap enough for a sensor every 30 s."""
    digest = hashlib.sha256()
    for path in input_files(*directories):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def state_dir() -> Path:
    return warehouse_dir() / "state"


def record_failure(run_id: str, stage: str, reason: str) -> Path:
    path = state_dir() / "refresh_failures.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"at": datetime.now(UTC).isoformat(), "run_id": run_id, "stage": stage, "reason": reason}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path


# Code whose change must rebuild the warehouse even when no input file changed.
_CODE_PARTS = [
    ("pipelines", "**/*.py"),
    ("dbt_project/models", "**/*"),
    ("dbt_project/macros", "**/*"),
    ("dbt_project/seeds", "**/*"),
    ("dbt_project/tests", "**/*"),
    ("dbt_project", "*.yml"),
]
CODE_KEY = "code/fingerprint"


def code_fingerprint() -> str:
    """A hash of the extraction, validation and dbt code (file names and contents)."""
    from pipelines.paths import PROJECT_ROOT

    return source_fingerprint(PROJECT_ROOT, _CODE_PARTS)


def current_inputs() -> dict[str, str]:
    """Everything a build depends on: every input file's hash and the code fingerprint."""
    from pipelines.paths import documents_dir, submissions_dir

    return {**input_hashes(documents_dir(), submissions_dir()), CODE_KEY: code_fingerprint()}


def published_inputs() -> dict[str, str] | None:
    """The inputs the published warehouse was built from (its sidecar), or None when there is none."""
    from pipelines.warehouse_access import published_path

    sidecar = published_path().with_name(published_path().name + ".json")
    if not published_path().exists() or not sidecar.exists():
        return None
    try:
        return json.loads(sidecar.read_text(encoding="utf-8")).get("input_hashes")
    except (OSError, ValueError):
        return None


def inputs_unchanged() -> bool:
    """True when the published warehouse was built from exactly the current files and code."""
    return published_inputs() == current_inputs()
