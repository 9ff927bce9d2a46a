"""The archive of received files: an unchanged copy of every file, its sha256 and its received date.

The archive, not raw/submissions, is the record of what was received: a file removed from the inbox
later is still loaded, and its received date never changes. ``registry.csv`` lists every file:
sha256, where it came from, when it was received and where its copy is.

Received date: the ``received_at`` column of ``raw/submissions/manifest.csv`` when the file is
listed there (the shipped samples, or a clerk recording the e-mail's date), else the file's
modification time when the archive first saw it. It is fixed at that moment.
"""

from __future__ import annotations

import csv
import hashlib
import os
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from pipelines.submissions.filewriter import FileWriter

REGISTRY_NAME = "registry.csv"
MANIFEST_NAME = "manifest.csv"
# Files in the inbox that are not submissions.
NOT_SUBMISSIONS = {MANIFEST_NAME, "README.md", ".gitkeep"}
VIETNAM = timezone(timedelta(hours=7))


def archive_dir() -> Path:
    """Where received files are archived (env NQ57_SUBMISSION_ARCHIVE_DIR; default warehouse/submissions)."""
    from pipelines.paths import warehouse_dir

    value = os.environ.get("NQ57_SUBMISSION_ARCHIVE_DIR")
    return Path(value).resolve() if value else warehouse_dir() / "submissions"


@dataclass
class ArchiveEntry:
    sha256: str
    file_name: str
    source_path: str  # relative to the inbox
    received_at: str  # ISO 8601 with offset
    received_at_source: str  # 'manifest' | 'file_mtime'
    archive_path: str  # relative to the archive folder
    size_bytes: int

    @property
    def received(self) -> datetime:
        return datetime.fromisoformat(self.received_at).astimezone(UTC)


def parse_received_at(text: str) -> datetime:
    """'2026-04-12', '2026-04-12 09:30', '2026-04-12T09:30:00+07:00'; no offset means Vietnam time."""
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def load_registry(folder: Path) -> list[ArchiveEntry]:
    path = folder / REGISTRY_NAME
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ArchiveEntry(**{**row, "size_bytes": int(row["size_bytes"])}) for row in csv.DictReader(handle)
        ]


def save_registry(folder: Path, entries: list[ArchiveEntry]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (REGISTRY_NAME + ".tmp")
    names = [f.name for f in fields(ArchiveEntry)]
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([getattr(e, name) for name in names] for e in entries)
    os.replace(tmp, folder / REGISTRY_NAME)


def load_inbox_manifest(inbox: Path) -> dict[str, str]:
    """Path relative to the inbox → received_at text."""
    path = inbox / MANIFEST_NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file_name"]: row.get("received_at") or "" for row in csv.DictReader(handle)}


def inbox_files(inbox: Path) -> list[Path]:
    if not inbox.exists():
        return []
    return sorted(
        p
        for p in inbox.rglob("*")
        if p.is_file() and p.name not in NOT_SUBMISSIONS and not p.name.startswith((".", "~$"))
    )


def archive_inbox(inbox: Path, folder: Path) -> list[ArchiveEntry]:
    """Copy every file not yet archived (same bytes at the same inbox path) and return all entries."""
    with FileWriter() as writer:
        entries, added = archive_new_files(inbox, folder, writer)
    if added or not (folder / REGISTRY_NAME).exists():
        save_registry(folder, entries)
    return entries


def archive_new_files(inbox: Path, folder: Path, writer: FileWriter) -> tuple[list[ArchiveEntry], int]:
    """(every entry, how many are new): the copies of new files are queued on ``writer``.

    The caller waits for a copy (``writer.wait``) before reading it back, and saves the registry only
    once every copy is on disk, so the registry never lists a file the archive does not hold.
    """
    entries = load_registry(folder)
    known = {(e.sha256, e.source_path): e for e in entries}
    queued: set[str] = set()  # copies queued in this run (two inbox paths may hold the same bytes)
    manifest = load_inbox_manifest(inbox)
    added = 0
    for path in inbox_files(inbox):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        relative = path.relative_to(inbox).as_posix()
        archived = known.get((sha, relative))
        if archived is not None:
            # Received before. The archive is the record: a copy gone or changed since (disk damage,
            # a hand edit) is mended now, from these very bytes, whether or not the file is read again.
            if archived.archive_path not in queued and _sha256_of(folder / archived.archive_path) != sha:
                writer.write(folder / archived.archive_path, data, atomic=True)
                queued.add(archived.archive_path)
            continue
        listed = manifest.get(relative)  # paths relative to the inbox: a name alone means the top folder
        if listed:
            received, source = parse_received_at(listed), "manifest"
        else:
            received = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).astimezone(VIETNAM)
            source = "file_mtime"
        target = f"files/{received.strftime('%Y-%m-%d')}/{sha[:12]}_{path.name}"
        if target not in queued and not writer.exists(folder / target):
            writer.write(folder / target, data, atomic=True)
            queued.add(target)
        entry = ArchiveEntry(sha, path.name, relative, received.isoformat(), source, target, len(data))
        entries.append(entry)
        known[(sha, relative)] = entry
        added += 1
    return entries, added


@dataclass(frozen=True)
class DamagedCopy:
    entry: ArchiveEntry
    problem: str  # 'missing' | 'changed'
    in_inbox: bool  # the inbox still holds the received bytes: the next read restores the copy


def damaged_copies(folder: Path, inbox: Path) -> list[DamagedCopy]:
    """Archived copies that are gone or no longer the received bytes (their registry sha256).

    The refresh mends such a copy while the inbox still holds the file (``archive_new_files``); once
    the inbox is cleaned, nothing can, and the damage would go unseen until the day the copy is read."""
    damaged = []
    for entry in load_registry(folder):
        copy = folder / entry.archive_path
        if not copy.is_file():
            problem = "missing"
        elif _sha256_of(copy) != entry.sha256:
            problem = "changed"
        else:
            continue
        original = inbox / entry.source_path
        in_inbox = original.is_file() and _sha256_of(original) == entry.sha256
        damaged.append(DamagedCopy(entry, problem, in_inbox))
    return damaged


def _sha256_of(path: Path) -> str | None:
    from pipelines.manifest import sha256_of

    try:
        return sha256_of(path)
    except OSError:
        return None
