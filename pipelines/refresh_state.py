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
