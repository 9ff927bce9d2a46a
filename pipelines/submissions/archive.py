"""The archive of received files: an unchanged copy of every file, its sha256 and its received date.

The archive, not raw/submissions, is the record of what was received: a file removed from the inbox
later is still loaded, and its received date never changes. ``registry.csv`` lists every file:
sha256, where it came from, when it was received and where its copy is.

Received date: the ``received_at`` column of ``raw/submissions/manifest.csv`` when the file is
listed there (the shipped samples, or a clerk recording the e-mail's date), else the file's
modification time when the archive first saw it. It is fixed at that moment. The manifest is typed
by people and saved by Excel: what it cannot give (an unreadable file, a missing column, a broken
line, a date that is no date) is a warning naming the line, and the file falls back to its
modification time; a bad manifest never stops the refresh.

Names are compared in Unicode NFC: macOS writes file names decomposed (NFD), the manifest is typed
composed. The registry stores the NFC form; the file in the inbox is left as it is on disk.

A registry that cannot be read (not its header, a row that does not parse), or that is gone while the
archive holds copies the inbox no longer has, is never taken for an empty archive: ingestion stops with
``RegistryDamagedError`` and the registry is never rewritten. Why not rebuild it from the copies: the
registry holds what the copies cannot give back (the received time of day and its source, which order
versions and the cumulative check; the inbox path, part of every submission_id; the full name of a
shortened copy), so a rebuilt one would publish other versions and ids. The refresh fails, the last good
warehouse stays published, and ``nq57 status`` says why (ST-15) until the registry is restored.

A report found wrong after it arrived (another department's figures, a test file, figures the
department disowns) is withdrawn, never deleted: ``nq57 withdraw`` marks its entry (``withdrawn_at``,
``withdrawn_by``, ``withdraw_reason``), the copy stays, and ingestion records it without loading it
(status 'withdrawn'). A registry written before these columns existed loads as one with none withdrawn.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from pipelines.input_rules import input_warning
from pipelines.manifest import OFFICE_OWNER_PREFIX
from pipelines.submissions.filewriter import FileWriter
from pipelines.submissions.inbox_manifest import (
    MANIFEST_NAME,
    VIETNAM,
    InboxManifest,
    _manifest_row,
    _received,
    _rows_for_no_file,
    load_inbox_manifest,
)

REGISTRY_NAME = "registry.csv"
# Files in the inbox that are not submissions: the manifest (read as such) and notes for people.
NOT_SUBMISSIONS = {MANIFEST_NAME, "README.md", ".gitkeep"}
# NAME_MAX of ext4, xfs and btrfs is 255 bytes. The longest name made from an archive copy's name is
# its Excel report, '<name>.errors.xlsx' (the writer's temporary '.<name>.tmp' is shorter).
ARCHIVE_NAME_MAX_BYTES = 255 - len(".errors.xlsx")
# A longer "extension" is no extension (a dot inside a sentence): it is shortened with the rest.
_EXTENSION_MAX_BYTES = 16
log = logging.getLogger(__name__)


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
    received_at_source: str  # 'manifest' | 'file_mtime' | 'first_seen' (see _after_the_earlier_version)
    archive_path: str  # relative to the archive folder
    size_bytes: int
    # Set by `nq57 withdraw` (all three, or none): kept in the archive, never loaded into the figures.
    withdrawn_at: str = ""  # ISO 8601 with offset
    withdrawn_by: str = ""  # the operator's login
    withdraw_reason: str = ""

    @property
    def received(self) -> datetime:
        return datetime.fromisoformat(self.received_at).astimezone(UTC)

    @property
    def withdrawn(self) -> bool:
        return bool(self.withdrawn_at)


def received_order(entry: ArchiveEntry) -> tuple[datetime, str]:
    """The order files are validated and versioned in: received time, then inbox path."""
    return entry.received, entry.source_path


def nfc(name: str) -> str:
    """A name in composed Unicode (NFC), the form names are stored and compared in."""
    return unicodedata.normalize("NFC", name)


def archive_file_name(sha256: str, name: str) -> str:
    """'<sha256[:12]>_<name>', the name of a file's archived copy, at most ARCHIVE_NAME_MAX_BYTES.

    A longer name is shortened on a UTF-8 character boundary, keeping its extension; the sha256
    prefix keeps shortened names apart, and the registry keeps the full name."""
    full = f"{sha256[:12]}_{name}"
    if len(full.encode()) <= ARCHIVE_NAME_MAX_BYTES:
        return full
    stem, extension = name, ""
    dot = name.rfind(".")
    if dot > 0 and len(name[dot:].encode()) <= _EXTENSION_MAX_BYTES:
        stem, extension = name[:dot], name[dot:]
    room = ARCHIVE_NAME_MAX_BYTES - len(f"{sha256[:12]}_{extension}".encode())
    # Cutting the bytes may split the last character: 'ignore' drops that partial character.
    short = stem.encode()[:room].decode("utf-8", errors="ignore")
    return f"{sha256[:12]}_{short}{extension}"


class RegistryDamagedError(RuntimeError):
    """``registry.csv`` cannot be trusted: ingestion must stop rather than take it for empty."""

    def __init__(self, path: Path, problem: str, kept_aside: Path | None = None) -> None:
        super().__init__(path, problem)
        self.path, self.problem, self.kept_aside = path, problem, kept_aside

    def __str__(self) -> str:
        # Built when shown: the copy kept aside is known only after the error was raised.
        # The refresh's failure log keeps the first 500 characters (run_failure.REASON_LIMIT): what to
        # do comes before the copy kept aside.
        aside = f" Bản sao sổ hỏng: {self.kept_aside.name}." if self.kept_aside else ""
        return (
            f"Sổ đăng ký kho lưu trữ {self.path} hỏng: {self.problem}. Đã dừng nạp báo cáo, sổ không bị ghi "
            f"đè, kho đang công bố giữ nguyên. Hãy khôi phục {REGISTRY_NAME} từ bản sao lưu rồi chạy `nq57 "
            f"refresh` (không xoá sổ hay thư mục files/).{aside} (archive registry unusable: ingestion "
            f"stopped, nothing overwritten; restore it from a backup)"
        )


_SHA256 = re.compile(r"[0-9a-f]{64}")
_REGISTRY_COLUMNS = [f.name for f in fields(ArchiveEntry)]
# Added with `nq57 withdraw`: a registry saved before has none of them, and is read as nothing withdrawn.
_WITHDRAWAL_COLUMNS = ["withdrawn_at", "withdrawn_by", "withdraw_reason"]
_REGISTRY_COLUMNS_BEFORE_WITHDRAWAL = [c for c in _REGISTRY_COLUMNS if c not in _WITHDRAWAL_COLUMNS]


def load_registry(folder: Path) -> list[ArchiveEntry]:
    """Every entry of ``registry.csv`` ([] when there is none yet).

    RegistryDamagedError when the file is there but is not a registry: a wrong header (text typed
    over it), a row of the wrong length or with a value that does not parse. Read as empty, the
    files no longer in the inbox would silently leave the warehouse and the next save would erase them."""
    path = folder / REGISTRY_NAME
    if not path.exists():
        return []
    try:
        # utf-8-sig: a registry opened and saved again in Excel ("CSV UTF-8") gains a BOM, nothing else.
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as error:
        raise RegistryDamagedError(path, f"không đọc được / unreadable: {error}") from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    entries: list[ArchiveEntry] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if not cells:
                continue
            if header is None:
                header = cells
                if sorted(header) not in (
                    sorted(_REGISTRY_COLUMNS),
                    sorted(_REGISTRY_COLUMNS_BEFORE_WITHDRAWAL),
                ):
                    raise RegistryDamagedError(
                        path,
                        f"dòng tiêu đề {','.join(header)[:60]!r} không phải của sổ đăng ký / wrong header",
                    )
                continue
            entries.append(_registry_entry(path, reader.line_num, header, cells))
    except csv.Error as error:
        raise RegistryDamagedError(path, f"dòng {reader.line_num}: CSV hỏng / malformed: {error}") from error
    if header is None:  # save_registry always writes the header: an empty file was cut short
        raise RegistryDamagedError(path, "tệp rỗng, không có dòng tiêu đề / empty, no header")
    return entries


def _registry_entry(path: Path, line: int, header: list[str], cells: list[str]) -> ArchiveEntry:
    def damaged(why: str) -> RegistryDamagedError:
        return RegistryDamagedError(path, f"dòng {line}: {why}")

    if len(cells) != len(header):
        raise damaged(
            f"có {len(cells)} ô, phải có {len(header)} / {len(cells)} cells, {len(header)} expected"
        )
    row = dict(zip(header, cells, strict=True))
    if not _SHA256.fullmatch(row["sha256"]):
        raise damaged(f"sha256 {row['sha256'][:80]!r} không hợp lệ / not a sha256")
    if not re.fullmatch(r"[0-9]+", row["size_bytes"]):
        raise damaged(f"size_bytes {row['size_bytes'][:80]!r} không phải số / not a size")
    empty = [
        name for name in ("file_name", "source_path", "received_at_source", "archive_path") if not row[name]
    ]
    if empty:
        raise damaged(f"trống cột {', '.join(empty)} / empty {', '.join(empty)}")
    _check_time(row, "received_at", damaged)  # received times are compared in UTC
    _check_withdrawal(row, damaged)
    return ArchiveEntry(**{**row, "size_bytes": int(row["size_bytes"])})


def _check_withdrawal(row: dict[str, str], damaged: Callable[[str], RegistryDamagedError]) -> None:
    """A withdrawal is its time, who and why, all three or none: a time that is no time, or a
    withdrawal without its reason (a hand edit), would load or drop a report on a guess."""
    given = [name for name in _WITHDRAWAL_COLUMNS if row.get(name)]
    if not given:
        return
    missing = [name for name in _WITHDRAWAL_COLUMNS if name not in given]
    if missing:
        raise damaged(f"rút tệp thiếu cột {', '.join(missing)} / withdrawal without {', '.join(missing)}")
    _check_time(row, "withdrawn_at", damaged)


def _check_time(row: dict[str, str], column: str, damaged: Callable[[str], RegistryDamagedError]) -> None:
    """A registry time is ISO 8601 with its offset: a naive one would be read as the server's local
    time, and one at the edge of the calendar fails when turned to UTC."""
    try:
        value = datetime.fromisoformat(row[column])
        value.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise damaged(f"{column} {row[column][:80]!r} không phải ngày giờ / not a date") from error
    if value.tzinfo is None:
        raise damaged(f"{column} {row[column][:80]!r} thiếu múi giờ / no UTC offset")


def keep_registry_aside(folder: Path) -> Path | None:
    """A copy of the registry as found, ``registry.csv.damaged-<UTC time>``, so that nothing a person
    does next (deleting it, saving over it) loses it; None when it cannot be copied. Once per content:
    a refresh stopped every night does not pile up copies."""
    path = folder / REGISTRY_NAME
    try:
        data = path.read_bytes()
        for earlier in folder.glob(f"{REGISTRY_NAME}.damaged-*"):
            if earlier.read_bytes() == data:
                return earlier
        aside = folder / f"{REGISTRY_NAME}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
        aside.write_bytes(data)
    except OSError:
        return None
    return aside


def archived_copies(folder: Path) -> list[str]:
    """Archive paths of the copies on disk under ``files/`` (not the reports beside them, nor the
    writer's hidden temporary files)."""
    root = folder / "files"
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(folder).as_posix()
        for path in root.glob("*/*")
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith((".errors.csv", ".errors.xlsx"))
    )


def _copies_without_entry(folder: Path, names_known: set[str]) -> list[str]:
    """Copies on disk whose name no entry has (compared by name: the date folder may differ)."""
    return [copy for copy in archived_copies(folder) if PurePosixPath(copy).name not in names_known]


def _registry_lost(folder: Path, orphans: list[str]) -> RegistryDamagedError:
    return RegistryDamagedError(
        folder / REGISTRY_NAME,
        f"không có {REGISTRY_NAME} nhưng kho còn {len(orphans)} bản lưu của tệp không còn trong thư mục "
        f"nhận, ví dụ {orphans[0]} / missing while the archive holds {len(orphans)} copies the inbox lacks",
    )


def registry_problem(folder: Path, inbox: Path) -> str | None:
    """Why ingestion would stop on the registry (``RegistryDamagedError``), or None. Read-only."""
    try:
        load_registry(folder)
    except RegistryDamagedError as error:
        return f"{error.path}: {error.problem}"
    if (folder / REGISTRY_NAME).exists() or not archived_copies(folder):
        return None
    from pipelines.manifest import sha256_of

    in_inbox = {archive_file_name(sha256_of(p), nfc(p.name)) for p in inbox_files(inbox)}
    orphans = _copies_without_entry(folder, in_inbox)
    if not orphans:
        return None
    lost = _registry_lost(folder, orphans)
    return f"{lost.path}: {lost.problem}"


def save_registry(folder: Path, entries: list[ArchiveEntry]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (REGISTRY_NAME + ".tmp")
    names = [f.name for f in fields(ArchiveEntry)]
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([getattr(e, name) for name in names] for e in entries)
    os.replace(tmp, folder / REGISTRY_NAME)


def ignored_by_ingestion(path: Path) -> bool:
    """True for a file of the inbox that ingestion never reads: a note for people, a hidden file, or
    the owner file Excel keeps beside a workbook while it is open (``~$SYT_2026-Q3.xlsx``: a few
    bytes naming who opened it, no report). Whatever says what the inbox holds (``nq57 status``, the
    refresh's input hashes) asks this, so that it counts what ingestion loads and nothing else."""
    return path.name in NOT_SUBMISSIONS - {MANIFEST_NAME} or path.name.startswith((".", OFFICE_OWNER_PREFIX))


def inbox_files(inbox: Path) -> list[Path]:
    if not inbox.exists():
        return []
    return sorted(
        p for p in inbox.rglob("*") if p.is_file() and p.name != MANIFEST_NAME and not ignored_by_ingestion(p)
    )


def broken_links(inbox: Path) -> list[str]:
    """Inbox paths that are links to nothing (a share unmounted, a file moved): skipped by
    ``inbox_files`` as no file, so the operator must hear of them (the refresh counts them as
    inputs through the same walk, ``refresh_state.broken_links``)."""
    from pipelines.refresh_state import broken_links as links_to_nothing

    return [p.relative_to(inbox).as_posix() for p in links_to_nothing(inbox) if not ignored_by_ingestion(p)]


def archive_inbox(inbox: Path, folder: Path) -> list[ArchiveEntry]:
    """Copy every file not yet archived (same bytes at the same inbox path) and return all entries.

    A file whose copy could not be written is left out (logged): the next call tries again."""
    with FileWriter() as writer:
        scan = archive_new_files(inbox, folder, writer)
        problems = list(scan.warnings)
        for entry in scan.new_entries():
            problem = copy_failure(folder, entry, writer)
            if problem:
                problems.append(problem)
                scan.drop(entry)
    for problem in problems:
        log.warning("%s", problem)
    if scan.registry_changed() or not (folder / REGISTRY_NAME).exists():
        save_registry(folder, scan.entries)
    return scan.entries


@dataclass
class InboxScan:
    """What ``archive_new_files`` found: every entry, which are new, what the operator must know."""

    entries: list[ArchiveEntry]  # the registry's entries, then the new ones in received order
    new: dict[tuple[str, str], Path]  # (sha256, source_path) of each new entry → its file in the inbox
    mended: list[str]  # archive paths of damaged copies queued for rewriting from the inbox
    warnings: list[str]  # input warnings (pipelines.input_rules)
    moved: bool = False  # an entry recorded under a name too long moved to its shortened name

    def registry_changed(self) -> bool:
        return bool(self.new) or self.moved

    def is_new(self, entry: ArchiveEntry) -> bool:
        return (entry.sha256, entry.source_path) in self.new

    def new_entries(self) -> list[ArchiveEntry]:
        return [e for e in self.entries if self.is_new(e)]

    def drop(self, entry: ArchiveEntry) -> None:
        """Forget a new entry (its copy is not on disk): it is not listed, and is found new next time."""
        self.entries = [e for e in self.entries if e is not entry]
        del self.new[(entry.sha256, entry.source_path)]


def _after_the_earlier_version(
    path: Path, relative: str, received: datetime, source: str, earlier: datetime, warnings: list[str]
) -> tuple[datetime, str]:
    """The received time of new bytes under a name that brought other bytes before (a corrected
    report re-sent as the same file). The manifest's row was written for the earlier file: its date,
    given to the correction, would put it in force before it existed and erase the first version
    from every date. A time after the earlier version is kept; else the file's modification time
    when it is after, else now, when the archive first sees these bytes; and the operator is told."""
    if received.astimezone(UTC) > earlier:
        return received, source
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    if modified > earlier:
        fallback, fallback_source = modified.astimezone(VIETNAM), "file_mtime"
    else:
        fallback, fallback_source = datetime.now(UTC).astimezone(VIETNAM), "first_seen"
    given = "ghi trong " + MANIFEST_NAME if source == "manifest" else "thời điểm sửa tệp"
    taken = "thời điểm sửa tệp" if fallback_source == "file_mtime" else "lúc thấy tệp lần đầu"
    warnings.append(
        input_warning(
            "IN-S10",
            f"{relative}: bản trước nhận lúc {_vn(earlier)}; ngày nhận {_vn(received)} ({given}) không "
            f"dùng, lấy {_vn(fallback)} ({taken})",
        )
    )
    return fallback, fallback_source


def _vn(moment: datetime) -> str:
    return f"{moment.astimezone(VIETNAM):%d/%m/%Y %H:%M}"


def archive_new_files(inbox: Path, folder: Path, writer: FileWriter) -> InboxScan:
    """Every entry, and which are new: the copies of new files are queued on ``writer``, in the
    order the files are validated (``received_order``), so that waiting for one rarely blocks.

    The caller checks each new copy (``copy_failure``) before it lists or loads the file, and saves
    the registry only once every copy it lists is on disk, so the registry never lists a file the
    archive does not hold.
    """
    registry_existed = (folder / REGISTRY_NAME).exists()
    try:
        entries = load_registry(folder)
    except RegistryDamagedError as error:
        error.kept_aside = keep_registry_aside(folder)
        raise
    warnings: list[str] = [input_warning("IN-S09", link) for link in broken_links(inbox)]
    moved = _shorten_long_archive_names(entries, folder, warnings)
    # Entries recorded before names were normalised may hold a decomposed name: compared in NFC too.
    known = {(e.sha256, nfc(e.source_path)): e for e in entries}
    # The last time each inbox path brought bytes: a path that brings other bytes is a new version.
    last_under_path: dict[str, datetime] = {}
    for e in entries:
        path_key = nfc(e.source_path)
        last_under_path[path_key] = max(e.received, last_under_path.get(path_key, e.received))
    queued: set[str] = set()  # copies queued in this run (two inbox paths may hold the same bytes)
    manifest: InboxManifest | None = None  # read when the first new file needs it
    mended: list[str] = []
    new: list[tuple[ArchiveEntry, bytes, Path]] = []
    for path in inbox_files(inbox):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        relative = nfc(path.relative_to(inbox).as_posix())
        archived = known.get((sha, relative))
        if archived is not None:
            # Received before. The archive is the record: a copy gone or changed since (disk damage,
            # a hand edit) is mended now, from these very bytes, whether or not the file is read again.
            if archived.archive_path not in queued and _sha256_of(folder / archived.archive_path) != sha:
                writer.write(folder / archived.archive_path, data, atomic=True, checked=True)
                queued.add(archived.archive_path)
                mended.append(archived.archive_path)
            continue
        if manifest is None:
            manifest = load_inbox_manifest(inbox)
            warnings.extend(manifest.problems)
        received, source = _received(path, relative, _manifest_row(manifest, relative, warnings), warnings)
        if relative in last_under_path:
            received, source = _after_the_earlier_version(
                path, relative, received, source, last_under_path[relative], warnings
            )
        last_under_path[relative] = max(received.astimezone(UTC), last_under_path.get(relative, received))
        name = nfc(path.name)
        target = f"files/{received.strftime('%Y-%m-%d')}/{archive_file_name(sha, name)}"
        entry = ArchiveEntry(sha, name, relative, received.isoformat(), source, target, len(data))
        known[(sha, relative)] = entry
        new.append((entry, data, path))
    if not registry_existed:
        # No registry, yet copies of files the inbox no longer holds: the registry was deleted, not
        # never written (a first run that crashed leaves only copies of files still in the inbox).
        orphans = _copies_without_entry(folder, {PurePosixPath(e.archive_path).name for e, _d, _p in new})
        if orphans:
            raise _registry_lost(folder, orphans)
    new.sort(key=lambda item: received_order(item[0]))
    for entry, data, _path in new:
        if entry.archive_path not in queued and not writer.exists(folder / entry.archive_path):
            writer.write(folder / entry.archive_path, data, atomic=True, checked=True)
            queued.add(entry.archive_path)
    entries.extend(entry for entry, _data, _path in new)
    if manifest is not None:
        warnings.extend(_rows_for_no_file(manifest, inbox, entries))
    new_paths = {(e.sha256, e.source_path): p for e, _data, p in new}
    return InboxScan(entries, new_paths, mended, warnings, moved)


def _shorten_long_archive_names(entries: list[ArchiveEntry], folder: Path, warnings: list[str]) -> bool:
    """Move entries recorded before archive names were shortened to their shortened name; True when
    any moved (the registry must be saved).

    Such a name (over ARCHIVE_NAME_MAX_BYTES) left reports that could not be written and perhaps no
    copy at all, and every refresh that read it failed. A copy that exists is renamed; one that
    never got written is then missing under the new name, and mended from the inbox like any other."""
    moved = False
    for entry in entries:
        current = PurePosixPath(entry.archive_path)
        if len(current.name.encode()) <= ARCHIVE_NAME_MAX_BYTES:
            continue
        shorter = (current.parent / archive_file_name(entry.sha256, nfc(entry.file_name))).as_posix()
        try:
            if os.path.isfile(folder / entry.archive_path):  # False, not an error, for a name too long
                os.replace(folder / entry.archive_path, folder / shorter)
        except OSError as error:
            warnings.append(input_warning("IN-S13", f"{entry.archive_path} → {shorter}: {error}"))
            continue
        entry.archive_path = shorter
        moved = True
    return moved


def copy_failure(folder: Path, entry: ArchiveEntry, writer: FileWriter) -> str | None:
    """Why the copy of ``entry`` queued in this run is not on disk (waits for it), or None."""
    error = writer.failure(folder / entry.archive_path)
    if error is None:
        return None
    return input_warning("IN-S11", f"{entry.source_path}: {error}")


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
    on_disk: dict[str, Path] | None = None
    for entry in load_registry(folder):
        copy = folder / entry.archive_path
        if not copy.is_file():
            problem = "missing"
        elif _sha256_of(copy) != entry.sha256:
            problem = "changed"
        else:
            continue
        if on_disk is None:  # inbox names as on disk, by NFC name: the registry stores NFC
            on_disk = {nfc(p.relative_to(inbox).as_posix()): p for p in inbox_files(inbox)}
        original = on_disk.get(nfc(entry.source_path))
        in_inbox = original is not None and _sha256_of(original) == entry.sha256
        damaged.append(DamagedCopy(entry, problem, in_inbox))
    return damaged


def _sha256_of(path: Path) -> str | None:
    from pipelines.manifest import sha256_of

    try:
        return sha256_of(path)
    except OSError:
        return None
