"""Atomic publish of a finished build onto ``warehouse/warehouse.duckdb``.

Why it is done this way (GUIDE §4, §6): DuckDB allows one writer or many readers, never
both, and analysts query the published file at any hour. So the published file is never
written in place. A publish

1. copies the build into a staging file inside the warehouse folder (same filesystem as
   the target, so the final rename is atomic; the build itself is left untouched);
2. opens the staging copy, runs the fatal checks on exactly the bytes that will be
   published, counts the rows of every mart and appends a row to ``meta.publish_log``
   (history carried over from the previous published version);
3. closes it, checks there is no WAL left, computes its SHA-256 and re-opens it read-only;
4. keeps a copy in ``published/<version>.duckdb`` with ``<version>.json`` beside it;
5. ``os.replace``-es the staging file onto ``warehouse.duckdb`` (readers that have the old
   file open keep reading the old inode; new readers get the new one, never a mix);
6. writes the sidecar ``warehouse.duckdb.json`` (checksum, version, counts) and prunes old
   versions down to ``keep``.

A crash or kill at any step before 5 leaves the published file untouched; leftovers are
removed by the next publish. A kill between 5 and 6 leaves a complete new publish whose
sidecar is stale: ``verify_published`` recognises it by its checksum in
``published/<version>.json`` and the next publish repairs the sidecar.

Layout of the warehouse folder::

    warehouse.duckdb         the published warehouse (read-only mode 0444)
    warehouse.duckdb.json    sidecar: version, sha256, run id, input hashes, row counts
    published/<v>.duckdb     the last ``keep`` published versions (the current one included)
    published/<v>.json       their sidecars
    corrupt/                 a published file found corrupt, kept for investigation
    .publish.lock            held (flock) by the one publish or restore running
    .staging-*.duckdb        a publish in progress (or the leftover of a killed one)

For fault tests, env var ``NQ57_TEST_PUBLISH_PAUSE_AT=<step>`` (one of ``PAUSE_STEPS``)
makes a publish stop at that step, write its pid to ``NQ57_TEST_PUBLISH_PAUSE_MARKER``
(a file path) if set, and sleep ``NQ57_TEST_PUBLISH_PAUSE_SECONDS`` (default 120) so
the test can kill it there.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from pipelines import paths
from pipelines.fault_points import pause_point
from pipelines.warehouse_access import (
    PUBLISHED_NAME,
    WarehouseUnavailableError,
    connect_readonly,
    is_lock_error,
)

PAUSE_ENV = "NQ57_TEST_PUBLISH_PAUSE_AT"
PAUSE_MARKER_ENV = "NQ57_TEST_PUBLISH_PAUSE_MARKER"
PAUSE_SECONDS_ENV = "NQ57_TEST_PUBLISH_PAUSE_SECONDS"
# In publish order: mid-copy of the build, copied, checks passed, log written and file
# closed, archive copy written, target replaced (sidecar not yet written).
PAUSE_STEPS = ("copying", "copied", "checked", "logged", "archived", "replaced")

ARCHIVE_DIR = "published"
CORRUPT_DIR = "corrupt"
LOCK_NAME = ".publish.lock"
STAGING_PREFIX = ".staging-"
SIDECAR_FORMAT = 1
# Room needed beyond the staging and archive copies: the publish log and DuckDB's
# checkpoint add a few blocks (256 KiB each) to the staging file.
_SPACE_MARGIN = 8 * 1024 * 1024
_KEEP_CORRUPT = 3
_CHUNK = 1024 * 1024
_STAMP = "%Y%m%dT%H%M%S%fZ"
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}

_PUBLISH_LOG_DDL = """
CREATE OR REPLACE TABLE meta.publish_log (
    publish_no       INTEGER NOT NULL,
    version          VARCHAR NOT NULL,
    published_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id           VARCHAR NOT NULL,
    previous_version VARCHAR,
    code_version     VARCHAR,
    code_dirty       BOOLEAN,
    input_hashes     MAP(VARCHAR, VARCHAR),
    row_counts       MAP(VARCHAR, BIGINT),
    build_file       VARCHAR
)
"""
_PUBLISH_LOG_COMMENTS = {
    None: "Nhật ký công bố kho dữ liệu: mỗi lần công bố một dòng (one row per publish of this warehouse)",
    "publish_no": "Số thứ tự lần công bố (publish sequence number)",
    "version": "Mã phiên bản; bản sao nằm ở warehouse/published/<version>.duckdb (version id)",
    "published_at": "Thời điểm công bố (publish time)",
    "run_id": "Mã lần chạy làm mới, ví dụ run id của Dagster (refresh run id)",
    "previous_version": "Phiên bản được thay thế (version this one replaced)",
    "code_version": "Commit git của mã nguồn; NULL khi không xác định (git commit, NULL when unknown)",
    "code_dirty": "Có thay đổi chưa commit khi dựng (uncommitted changes at build time)",
    "input_hashes": "SHA-256 của từng tệp đầu vào (input file → content hash)",
    "row_counts": "Số dòng của từng bảng mart (rows per mart table)",
    "build_file": "Tệp bản dựng được công bố (the build file that was published)",
}


class PublishError(Exception):
    """A publish or restore did not happen; the published warehouse is unchanged.

    ``reason`` is a message for people: Vietnamese first, English in parentheses.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RolledBackMeanwhileError(PublishError):
    """An operator rolled the warehouse back after this refresh began: the build is not published."""


class BuildRejectedError(PublishError):
    """The build is missing, unreadable, not a DuckDB file, or failed a fatal check."""

    def __init__(self, reason: str, failed_checks: Sequence[CheckFailure] = ()) -> None:
        super().__init__(reason)
        self.failed_checks = tuple(failed_checks)


class WarehouseDirError(PublishError):
    """The warehouse folder cannot be written (no permission, read-only, or full)."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.kind = kind  # "unwritable" or "full"


class PublishBusyError(PublishError):
    """Another publish or restore holds the warehouse folder's lock."""


@dataclass(frozen=True)
class FatalCheck:
    """A check that must pass before publishing: ``sql`` selects the failing rows (as a dbt test)."""

    name: str
    sql: str
    # What a failure means and what to do, for the person on duty who reads the refusal (`nq57 status`,
    # ST-03): the name alone is an identifier.
    message_vi: str = ""


@dataclass(frozen=True)
class CheckFailure:
    name: str
    failing_rows: int | None  # None when the check itself could not run
    error: str | None = None
    message_vi: str = ""


@dataclass(frozen=True)
class PublishResult:
    version: str
    publish_no: int
    published_path: Path
    archive_path: Path
    sha256: str
    size_bytes: int
    published_at: datetime
    run_id: str
    previous_version: str | None
    code_version: str | None
    row_counts: dict[str, int]
    pruned_versions: tuple[str, ...]
    warnings: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class PublishedStatus:
    """What ``verify_published`` found. ``status`` is ok, missing, corrupt or locked."""

    status: str
    path: Path
    version: str | None = None
    sha256: str | None = None
    problem: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def needs_restore(self) -> bool:
        # A lock held by someone else is not damage: restoring over it would be wrong.
        return self.status in ("missing", "corrupt")


@dataclass(frozen=True)
class RestoreResult:
    version: str
    restored_from: Path
    previous_status: PublishedStatus
    quarantined_path: Path | None


# --------------------------------------------------------------------------- publish


def publish_build(
    build_path: Path,
    *,
    run_id: str,
    input_hashes: dict[str, str],
    fatal_checks: Sequence[str | FatalCheck] = (),
    warehouse_dir: Path | None = None,
    keep: int = 5,
    mart_schemas: Sequence[str] = ("marts",),
    code_version: str | None = None,
    lock_timeout: float = 600.0,
    not_over_rollbacks_since: datetime | None = None,
) -> PublishResult:
    """Publish a finished DuckDB build as the warehouse, atomically; see the module docstring.

    ``not_over_rollbacks_since``: when the refresh making this build began; an operator's rollback
    (``nq57 rollback``) made after it is not published over (``RolledBackMeanwhileError``): the
    run started before the operator undid a publish, from inputs that may hold what was undone.

    ``fatal_checks`` are SQL queries selecting failing rows (or ``FatalCheck``s naming them);
    any failing row, or a check that cannot run, refuses the publish. ``code_version``
    defaults to the git commit of the checkout. Raises ``BuildRejectedError``,
    ``WarehouseDirError`` or ``PublishBusyError``; in every case the published warehouse
    is unchanged.
    """
    started = time.monotonic()
    if keep < 1:
        raise ValueError("keep must be at least 1: the current version is always kept")
    layout = _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    build_path = Path(build_path)
    _check_build_file(build_path)
    checks = [c if isinstance(c, FatalCheck) else FatalCheck(name=c, sql=c) for c in fatal_checks]
    if code_version is None:
        code_commit, code_dirty = git_code_version()
    else:
        code_commit, code_dirty = code_version, None
    layout.make_dirs()
    warnings: list[str] = []
    with _exclusive_lock(layout, lock_timeout):
        if not_over_rollbacks_since is not None:
            _refuse_over_a_later_rollback(layout, not_over_rollbacks_since)
        warnings.extend(_recover(layout))
        _check_free_space(layout, build_path)
        pointer = _read_json(layout.sidecar)
        published_at, version = _new_version(layout, run_id)
        staging = layout.dir / f"{STAGING_PREFIX}{version}.duckdb"
        archive = layout.archive_dir / f"{version}.duckdb"
        replaced = False
        try:
            _copy_build(build_path, staging, layout)
            _pause_point("copied")
            record: dict[str, Any] = {
                "format": SIDECAR_FORMAT,
                "version": version,
                "published_at": published_at.isoformat(),
                "run_id": run_id,
                "previous_version": pointer.get("version") if pointer else None,
                "code_version": code_commit,
                "code_dirty": code_dirty,
                "input_hashes": dict(sorted(input_hashes.items())),
                "build_file": str(build_path.resolve()),
            }
            history_sources = _history_sources(layout, pointer)
            record.update(
                _finish_staging(staging, build_path, layout, checks, mart_schemas, record, history_sources)
            )
            warnings.extend(record.pop("warnings"))
            _pause_point("logged")
            record["sha256"], record["size_bytes"] = _sha256(staging)
            _make_read_only(staging)
            _reopen_check(staging, build_path)
            _archive(staging, archive, record, layout)
            _pause_point("archived")
            os.replace(staging, layout.target)
            replaced = True
        except BaseException as error:
            _remove_quietly(staging, _wal(staging), *layout.archive_dir.glob(".tmp-*"))
            if not replaced:
                # This version never became the published one: keeping its archive copy would
                # make it look like a version analysts once had.
                _remove_quietly(archive, archive.with_suffix(".json"))
            if isinstance(error, OSError):
                raise _dir_error(error, layout.dir) from error
            raise
        # From here on the new warehouse is published: later failures are warnings, not errors.
        with suppress(OSError):
            _fsync_dir(layout.dir)
        _pause_point("replaced")
        try:
            _write_json_atomic(layout.sidecar, record)
        except OSError as error:
            # The new warehouse is already in place and complete; the sidecar can be rebuilt
            # from published/<version>.json, which the next publish or restore does.
            warnings.append(f"Chưa ghi được tệp kiểm tra {layout.sidecar} (sidecar not written): {error}")
        pruned = _prune(layout, keep, version)
    return PublishResult(
        version=version,
        publish_no=record["publish_no"],
        published_path=layout.target,
        archive_path=archive,
        sha256=record["sha256"],
        size_bytes=record["size_bytes"],
        published_at=published_at,
        run_id=run_id,
        previous_version=record["previous_version"],
        code_version=code_commit,
        row_counts=record["row_counts"],
        pruned_versions=tuple(pruned),
        warnings=tuple(warnings),
        seconds=time.monotonic() - started,
    )


def git_code_version(root: Path = paths.PROJECT_ROOT) -> tuple[str | None, bool | None]:
    """(commit, has uncommitted changes) of the checkout, or (None, None) when git cannot tell."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return head.stdout.strip() or None, dirty


# ------------------------------------------------------------------ verify / restore


def verify_published(warehouse_dir: Path | None = None) -> PublishedStatus:
    """Check the published file: present, matching the checksum in its sidecar, and opening.

    Read-only: it changes nothing. A file held open for writing by another program is
    reported as ``locked`` (not corrupt). A sidecar left stale by a publish killed right
    after its replace is recognised through ``published/<version>.json``.
    """
    layout = _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    target = layout.target
    if not target.is_file():
        return PublishedStatus(
            "missing",
            target,
            problem=f"Không có tệp kho dữ liệu đã công bố {target} (no published warehouse file)",
        )
    notes: list[str] = []
    pointer = _read_json(layout.sidecar)
    try:
        sha, _size = _sha256(target)
    except OSError as error:
        return PublishedStatus(
            "corrupt", target, problem=f"Không đọc được tệp {target} (cannot read the file): {error}"
        )
    expected = pointer.get("sha256") if pointer else None
    version = pointer.get("version") if pointer else None
    if expected != sha:
        completed = _archived_record_with_sha(layout, sha, newer_than=version)
        if completed is not None:
            version = completed["version"]
            notes.append(
                f"Tệp kiểm tra chưa cập nhật; tệp là bản công bố {version} (sidecar stale after an "
                f"interrupted publish; the file is version {version})"
            )
        elif pointer is not None:
            return PublishedStatus(
                "corrupt",
                target,
                version=version,
                sha256=sha,
                problem=(
                    f"Tệp kho dữ liệu không khớp mã kiểm tra đã ghi (checksum mismatch): ghi nhận "
                    f"{expected}, thực tế {sha}"
                ),
            )
        else:
            notes.append(
                f"Không có tệp kiểm tra {layout.sidecar}; chỉ kiểm tra được việc mở tệp "
                f"(no sidecar: only checked that the file opens)"
            )
    try:
        with connect_readonly(target) as con:
            if pointer is None or expected != sha:
                # Without a recorded checksum, read every table so DuckDB verifies each block.
                tables = con.execute(
                    "SELECT schema_name, table_name FROM duckdb_tables() "
                    "WHERE database_name = current_database()"
                ).fetchall()
                for schema, table in tables:
                    con.execute(f'SELECT sum(hash(t)) FROM "{schema}"."{table}" AS t').fetchall()
            else:
                con.execute("SELECT count(*) FROM meta.publish_log").fetchall()
    except WarehouseUnavailableError as error:
        cause = error.__cause__
        if cause is not None and is_lock_error(cause):
            return PublishedStatus("locked", target, version=version, sha256=sha, problem=error.reason)
        return PublishedStatus("corrupt", target, version=version, sha256=sha, problem=error.reason)
    except duckdb.Error as error:
        return PublishedStatus(
            "corrupt",
            target,
            version=version,
            sha256=sha,
            problem=f"Đọc kho dữ liệu bị lỗi, tệp có thể hỏng (reading the warehouse failed): {error}",
        )
    return PublishedStatus("ok", target, version=version, sha256=sha, notes=tuple(notes))


def restore_previous(
    warehouse_dir: Path | None = None,
    *,
    reason: str = "",
    skip_current: bool = False,
    version: str | None = None,
    lock_timeout: float = 600.0,
    rollback: bool = False,
) -> RestoreResult:
    """Put back the newest intact published version from ``published/``, atomically.

    Every published version, the current one included, has a copy in ``published/``. So
    when the published file is damaged, the first candidate is the intact copy of the same
    version (no data is lost); if that copy is damaged too, the version before it, and so
    on. ``skip_current=True`` rolls back to the version before the current one (an
    operator undoing a bad publish); ``version`` puts back that kept version, and only it.
    The damaged file is kept in ``corrupt/``.
    """
    layout = _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    layout.make_dirs()
    with _exclusive_lock(layout, lock_timeout):
        # Versions newer than the published one stay until the next publish (as `nq57 rollback`
        # says): an operator who rolled back one version too far can still go forward again.
        _recover(layout, drop_newer=False)
        status = verify_published(layout.dir)
        pointer = _read_json(layout.sidecar)
        current = status.version or (pointer.get("version") if pointer else None)
        if version is not None:
            candidates = [r for r in _archived_records(layout) if r["version"] == version]
            if not candidates:
                raise PublishError(
                    f"Không có phiên bản {version} trong {layout.archive_dir} (no such kept version)"
                )
        else:
            candidates = [
                r
                for r in _archived_records(layout)
                if (current is None or r["version"] <= current)
                and not (skip_current and r["version"] == current)
            ]
        chosen = None
        for record in reversed(candidates):
            path = layout.archive_dir / f"{record['version']}.duckdb"
            if _intact(path, record):
                chosen = (record, path)
                break
        if chosen is None:
            raise PublishError(
                f"Không còn bản sao tốt nào trong {layout.archive_dir} để khôi phục "
                f"(no intact published version left to restore)"
            )
        record, source = chosen
        quarantined = None
        if status.status == "corrupt" and layout.target.exists():
            quarantined = _quarantine(layout)
        staging = layout.dir / f"{STAGING_PREFIX}restore-{record['version']}.duckdb"
        try:
            try:
                sha = _copy_file(source, staging)
            except _SourceReadError as error:
                raise PublishError(
                    f"Không đọc được bản sao {source} (cannot read the archived copy): {error.__cause__}"
                ) from error
            if sha != record["sha256"]:
                raise PublishError(
                    f"Bản sao {source} thay đổi trong khi chép (the copy changed while copying); "
                    f"hãy chạy lại (run again)"
                )
            _make_read_only(staging)
            os.replace(staging, layout.target)
            _fsync_dir(layout.dir)
        except BaseException as error:
            _remove_quietly(staging)
            if isinstance(error, OSError):
                raise _dir_error(error, layout.dir) from error
            raise
        pointer_record = dict(record)
        pointer_record.update(
            restored_at=datetime.now(UTC).isoformat(),
            restored_from=str(source),
            restore_reason=reason or status.problem or "",
            # An operator's decision (`nq57 rollback`), which a refresh begun before it must not
            # publish over; not a damaged file put back by the refresh itself.
            rolled_back=rollback,
        )
        previous = pointer or {}
        if not rollback and previous.get("rolled_back") and previous.get("version") == record["version"]:
            # The damaged file was the version an operator rolled back to, and that version is what is
            # put back: the rollback's mark, time and reason stay (ST-17 and the guard against a refresh
            # begun before the rollback read them), the repair is recorded beside them. Rewritten as a
            # plain repair, the operator's decision vanished from both.
            pointer_record.update(
                restored_at=previous.get("restored_at"),
                restored_from=previous.get("restored_from"),
                restore_reason=previous.get("restore_reason", ""),
                rolled_back=True,
                repaired_at=pointer_record["restored_at"],
                repaired_from=str(source),
                repair_reason=reason or status.problem or "",
            )
        _write_json_atomic(layout.sidecar, pointer_record)
    return RestoreResult(record["version"], source, status, quarantined)


def repair_published(warehouse_dir: Path | None = None) -> tuple[PublishedStatus, RestoreResult | None]:
    """Verify the published file and restore it when it is missing or corrupt (for the nightly run)."""
    status = verify_published(warehouse_dir)
    if not status.needs_restore:
        return status, None
    layout = _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    if not _archived_records(layout):
        return status, None  # nothing to restore from: the first publish will create it
    return status, restore_previous(warehouse_dir, reason=status.problem or "")


def list_versions(warehouse_dir: Path | None = None) -> list[dict[str, Any]]:
    """Sidecar records of the versions kept in ``published/``, oldest first."""
    return _archived_records(
        _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    )


def published_record(warehouse_dir: Path | None = None) -> dict[str, Any] | None:
    """The published file's sidecar (version, publish time, code version, inputs), or None."""
    return _read_json(
        _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir()).sidecar
    )


@dataclass(frozen=True)
class RestoredVersion:
    """A published warehouse that a restore put back (``nq57 rollback``, or the automatic restore of
    a damaged file): readers of its figures must know they are not the latest refresh's."""

    version: str
    published_at: datetime  # when this version was first published
    restored_at: datetime
    reason: str


def restored_version(warehouse_file: Path) -> RestoredVersion | None:
    """What the sidecar beside ``warehouse_file`` says when the file was put back by a restore; None
    when it was not, or when there is no sidecar or it describes another file (its sha256 differs:
    a sidecar left stale by an interrupted publish must not make a new file look restored)."""
    warehouse_file = Path(warehouse_file)
    record = _read_json(warehouse_file.with_name(warehouse_file.name + ".json"))
    if not record or not record.get("restored_at"):
        return None
    try:
        if record.get("sha256") != _sha256(warehouse_file)[0]:
            return None
        return RestoredVersion(
            version=str(record["version"]),
            published_at=datetime.fromisoformat(record["published_at"]),
            restored_at=datetime.fromisoformat(record["restored_at"]),
            reason=str(record.get("restore_reason") or ""),
        )
    except (OSError, KeyError, TypeError, ValueError):
        return None


def damaged_kept_versions(warehouse_dir: Path | None = None) -> list[str]:
    """The kept versions whose copy in ``published/`` is gone, changed or does not open: a restore
    skips them (``restore_previous`` takes the newest intact one)."""
    layout = _Layout(Path(warehouse_dir) if warehouse_dir is not None else paths.warehouse_dir())
    return [
        record["version"]
        for record in _archived_records(layout)
        if not _intact(layout.archive_dir / f"{record['version']}.duckdb", record)
    ]


# ------------------------------------------------------------------------ internals


@dataclass(frozen=True)
class _Layout:
    dir: Path

    @property
    def target(self) -> Path:
        return self.dir / PUBLISHED_NAME

    @property
    def sidecar(self) -> Path:
        return self.dir / f"{PUBLISHED_NAME}.json"

    @property
    def archive_dir(self) -> Path:
        return self.dir / ARCHIVE_DIR

    @property
    def corrupt_dir(self) -> Path:
        return self.dir / CORRUPT_DIR

    @property
    def lock_path(self) -> Path:
        return self.dir / LOCK_NAME

    def make_dirs(self) -> None:
        try:
            self.archive_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _dir_error(error, self.dir) from error


def _check_build_file(build_path: Path) -> None:
    if not build_path.is_file():
        raise BuildRejectedError(f"Không tìm thấy tệp bản dựng {build_path} (build file not found)")
    try:
        with open(build_path, "rb") as handle:
            header = handle.read(12)
            # DuckDB holds a write lock (fcntl) while a process has the file open read-write:
            # a build dbt is still writing must not be copied half-way.
            try:
                fcntl.lockf(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                raise BuildRejectedError(
                    f"Bản dựng {build_path} vẫn đang được một chương trình khác ghi (dbt chưa xong?) "
                    f"(the build is still open for writing by another process)"
                ) from error
    except OSError as error:
        raise BuildRejectedError(
            f"Không đọc được tệp bản dựng {build_path} (cannot read the build): {error}"
        ) from error
    if header[8:12] != b"DUCK":
        raise BuildRejectedError(
            f"Tệp {build_path} không phải cơ sở dữ liệu DuckDB (the build is not a DuckDB database file)"
        )


@contextmanager
def _exclusive_lock(layout: _Layout, timeout: float) -> Iterator[None]:
    # flock, not a marker file: the kernel releases it when the holder dies, even by kill -9.
    try:
        fd = os.open(layout.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise _dir_error(error, layout.dir) from error
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishBusyError(
                        f"Một lần công bố hoặc khôi phục khác đang chạy trên {layout.dir} "
                        f"(another publish or restore is running)"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def _refuse_over_a_later_rollback(layout: _Layout, since: datetime) -> None:
    pointer = _read_json(layout.sidecar) or {}
    if not pointer.get("rolled_back") or not pointer.get("restored_at"):
        return
    try:
        restored_at = datetime.fromisoformat(pointer["restored_at"])
    except (TypeError, ValueError):
        return
    if restored_at <= since:
        return
    at = restored_at.astimezone(VN_TIME).strftime("%H:%M ngày %d/%m/%Y")
    reason = f" (lý do: {pointer['restore_reason']})" if pointer.get("restore_reason") else ""
    raise RolledBackMeanwhileError(
        f"Kho dữ liệu đã được quay lại phiên bản {pointer.get('version')} lúc {at}{reason}, sau khi lần làm "
        f"mới này bắt đầu: không công bố đè lên. Xem `nq57 status` (ST-17) trước khi chạy lại `nq57 refresh` "
        f"(rolled back after this refresh began: not published over it)"
    )


def _recover(layout: _Layout, drop_newer: bool = True) -> list[str]:
    """Clean up after a killed publish. Runs under the lock, so nothing here is in progress.
    ``drop_newer``: also delete the kept versions newer than the published one (a publish does)."""
    notes = []
    leftovers = [
        *layout.dir.glob(f"{STAGING_PREFIX}*"),
        *layout.dir.glob(".tmp-*"),
        *layout.archive_dir.glob(".tmp-*"),
    ]
    if leftovers:
        _remove_quietly(*leftovers)
        notes.append(
            f"Đã xóa {len(leftovers)} tệp dở dang của lần công bố bị ngắt trước đó "
            f"(removed leftovers of an interrupted publish)"
        )
    pointer = _read_json(layout.sidecar)
    version = pointer.get("version") if pointer else None
    try:
        sha = _sha256(layout.target)[0] if layout.target.is_file() else None
    except OSError:
        sha = None  # unreadable: verify_published reports it, a new publish replaces it
    if sha is not None:
        if pointer is None or pointer.get("sha256") != sha:
            completed = _archived_record_with_sha(layout, sha, newer_than=version)
            if completed is not None:
                _write_json_atomic(layout.sidecar, completed)
                version = completed["version"]
                notes.append(f"Đã cập nhật tệp kiểm tra cho bản {version} (sidecar repaired)")
    if version is not None and drop_newer:
        # Archive copies newer than the published version were never published (a publish
        # killed before its replace) or were rolled back.
        for record in _archived_records(layout):
            if record["version"] > version:
                base = layout.archive_dir / record["version"]
                _remove_quietly(base.with_suffix(".duckdb"), base.with_suffix(".json"))
    return notes


def _check_free_space(layout: _Layout, build_path: Path) -> None:
    size = build_path.stat().st_size
    wal = _wal(build_path)
    if wal.exists():
        size += wal.stat().st_size
    needed = 2 * size + _SPACE_MARGIN  # staging copy + archive copy
    free = shutil.disk_usage(layout.dir).free
    if free < needed:
        raise WarehouseDirError(
            f"Không đủ chỗ trống trong {layout.dir}: cần khoảng {needed // 2**20} MiB, "
            f"còn {free // 2**20} MiB; "
            f"kho dữ liệu hiện tại không bị thay đổi (the warehouse folder is full; nothing was published)",
            "full",
        )


def _new_version(layout: _Layout, run_id: str) -> tuple[datetime, str]:
    """A version id that sorts by time: 20250601T020312123456Z-<run id>."""
    suffix = re.sub(r"[^A-Za-z0-9_-]+", "", run_id)[:12] or "run"
    pointer = _read_json(layout.sidecar) or {}
    latest = max([r["version"] for r in _archived_records(layout)] + [pointer.get("version") or ""])
    now = datetime.now(UTC)
    try:
        last = datetime.strptime(latest[:22], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        last = None
    if last is not None and now <= last:
        # The clock went back: stay after the last version so "newer" keeps meaning
        # "published later" (restore and clean-up rely on it).
        now = last + timedelta(microseconds=1)
    return now, f"{now.strftime(_STAMP)}-{suffix}"


def _copy_build(build_path: Path, staging: Path, layout: _Layout) -> None:
    try:
        _copy_file(build_path, staging, pause_step="copying")
        wal = _wal(build_path)
        if wal.exists():
            # An uncheckpointed build: its last changes are only in the WAL, which DuckDB
            # replays when the staging copy is opened.
            _copy_file(wal, _wal(staging))
    except _SourceReadError as error:
        raise BuildRejectedError(
            f"Không đọc được tệp bản dựng {build_path} (cannot read the build): {error.__cause__}"
        ) from error


class _SourceReadError(Exception):
    pass


def _copy_file(source: Path, dest: Path, *, pause_step: str | None = None) -> str:
    """Copy, fsync and return the SHA-256 of what was written. Never overwrites ``dest``."""
    digest = hashlib.sha256()
    try:
        src = open(source, "rb")  # closed by the `with` below; read errors are the source's fault
    except OSError as error:
        raise _SourceReadError() from error
    with src:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as out:
            first = True
            while True:
                try:
                    chunk = src.read(_CHUNK)
                except OSError as error:
                    raise _SourceReadError() from error
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                if first and pause_step:
                    out.flush()
                    _pause_point(pause_step)
                first = False
            out.flush()
            os.fsync(out.fileno())
    return digest.hexdigest()


def _finish_staging(
    staging: Path,
    build_path: Path,
    layout: _Layout,
    checks: Sequence[FatalCheck],
    mart_schemas: Sequence[str],
    record: dict[str, Any],
    history_sources: Sequence[Path],
) -> dict[str, Any]:
    """Run the checks on the staging copy and add its publish log row; returns counts and history info."""
    try:
        con = duckdb.connect(str(staging))
    except duckdb.Error as error:
        raise _duckdb_error(error, build_path, layout, "open") from error
    try:
        try:
            failures = _run_checks(con, checks)
        except duckdb.Error as error:
            raise _duckdb_error(error, build_path, layout, "check") from error
        if failures:
            lines = "; ".join(
                (
                    f"{f.name}: {f.failing_rows} dòng lỗi (failing rows)"
                    if f.error is None
                    else f"{f.name}: không chạy được (could not run): {f.error}"
                )
                + (f" – {f.message_vi}" if f.message_vi else "")
                for f in failures
            )
            raise BuildRejectedError(
                f"Bản dựng không đạt {len(failures)} kiểm tra bắt buộc nên không được công bố "
                f"(fatal checks failed, nothing published): {lines}",
                failures,
            )
        _pause_point("checked")
        try:
            row_counts = _row_counts(con, mart_schemas)
            if not row_counts:
                raise BuildRejectedError(
                    f"Bản dựng không có bảng nào trong schema {', '.join(mart_schemas)} "
                    f"(the build has no mart tables)"
                )
            warnings, publish_no = _write_publish_log(con, record, row_counts, history_sources)
            con.execute("CHECKPOINT")
        except duckdb.Error as error:
            raise _duckdb_error(error, build_path, layout, "log") from error
    finally:
        con.close()
    if _wal(staging).exists():
        raise _dir_error(OSError(errno.EIO, "WAL left after checkpoint"), layout.dir)
    return {"row_counts": row_counts, "publish_no": publish_no, "warnings": warnings}


def _run_checks(con: duckdb.DuckDBPyConnection, checks: Sequence[FatalCheck]) -> list[CheckFailure]:
    failures = []
    for check in checks:
        sql = check.sql.strip().rstrip(";")
        try:
            (count,) = con.execute(f"SELECT count(*) FROM ({sql}) AS failing_rows").fetchone() or (0,)
        except duckdb.Error as error:
            if _is_disk_error(str(error)):
                raise
            # A check that cannot run proves nothing: treat it as failed.
            failures.append(CheckFailure(check.name, None, str(error).splitlines()[0], check.message_vi))
            continue
        if count:
            failures.append(CheckFailure(check.name, int(count), message_vi=check.message_vi))
    return failures


def _row_counts(con: duckdb.DuckDBPyConnection, mart_schemas: Sequence[str]) -> dict[str, int]:
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND list_contains(?, schema_name) "
        "ORDER BY schema_name, table_name",
        [list(mart_schemas)],
    ).fetchall()
    counts = {}
    for schema, table in tables:
        (count,) = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone() or (0,)
        counts[f"{schema}.{table}"] = int(count)
    return counts


def _history_sources(layout: _Layout, pointer: dict[str, Any] | None) -> list[Path]:
    """Where the previous publish log can be read, best first.

    The archive copy first: analysts never open it, so no lock can be in the way. Then the
    published file, but only when it is intact (it matches its sidecar) or predates sidecars.
    """
    sources = []
    if pointer and pointer.get("version"):
        archived = layout.archive_dir / f"{pointer['version']}.duckdb"
        if archived.is_file():
            sources.append(archived)
    if layout.target.is_file():
        try:
            intact = pointer is None or _sha256(layout.target)[0] == pointer.get("sha256")
        except OSError:
            intact = False
        if intact:
            sources.append(layout.target)
    return sources


def _write_publish_log(
    con: duckdb.DuckDBPyConnection,
    record: dict[str, Any],
    row_counts: dict[str, int],
    history_sources: Sequence[Path],
) -> tuple[list[str], int]:
    warnings: list[str] = []
    con.execute("CREATE SCHEMA IF NOT EXISTS meta")
    # The build may carry a stale copy of the log (e.g. built on top of an older warehouse):
    # the published history is the authority.
    con.execute(_PUBLISH_LOG_DDL)
    columns = [name for name in _PUBLISH_LOG_COMMENTS if name]
    copied = False
    for source in history_sources:
        try:
            con.execute(f"ATTACH '{_sql_string(str(source))}' AS previous_publish (READ_ONLY)")
        except duckdb.Error:
            continue
        try:
            old_columns = {
                row[0]
                for row in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE database_name = 'previous_publish' "
                    "AND schema_name = 'meta' AND table_name = 'publish_log'"
                ).fetchall()
            }
            shared = [c for c in columns if c in old_columns]
            if shared:
                names = ", ".join(shared)
                con.execute(
                    f"INSERT INTO meta.publish_log ({names}) "
                    f"SELECT {names} FROM previous_publish.meta.publish_log"
                )
                copied = True
        except duckdb.Error:
            con.execute("DELETE FROM meta.publish_log")
        finally:
            con.execute("DETACH previous_publish")
        if copied:
            break
    if history_sources and not copied:
        warnings.append(
            "Không đọc được nhật ký công bố của bản trước; nhật ký bắt đầu lại từ lần này "
            "(previous publish log unreadable; the log starts again here)"
        )
    (last_no,) = con.execute("SELECT coalesce(max(publish_no), 0) FROM meta.publish_log").fetchone() or (0,)
    publish_no = int(last_no) + 1
    record["publish_no"] = publish_no
    con.execute(
        "INSERT INTO meta.publish_log VALUES (?, ?, ?, ?, ?, ?, ?, "
        "MAP(?::VARCHAR[], ?::VARCHAR[]), MAP(?::VARCHAR[], ?::BIGINT[]), ?)",
        [
            publish_no,
            record["version"],
            datetime.fromisoformat(record["published_at"]),
            record["run_id"],
            record["previous_version"],
            record["code_version"],
            record["code_dirty"],
            list(record["input_hashes"]),
            list(record["input_hashes"].values()),
            list(row_counts),
            list(row_counts.values()),
            record["build_file"],
        ],
    )
    for column, comment in _PUBLISH_LOG_COMMENTS.items():
        target = "TABLE meta.publish_log" if column is None else f"COLUMN meta.publish_log.{column}"
        con.execute(f"COMMENT ON {target} IS '{_sql_string(comment)}'")
    return warnings, publish_no


def _reopen_check(staging: Path, build_path: Path) -> None:
    """The exact bytes about to be published open read-only and hold this publish's log row."""
    try:
        with connect_readonly(staging) as con:
            con.execute("SELECT max(publish_no) FROM meta.publish_log").fetchall()
    except (WarehouseUnavailableError, duckdb.Error) as error:
        raise BuildRejectedError(
            f"Bản dựng {build_path} sau khi ghi nhật ký không mở lại được (the staged warehouse does not "
            f"reopen): {error}"
        ) from error


def _archive(staging: Path, archive: Path, record: dict[str, Any], layout: _Layout) -> None:
    tmp = layout.archive_dir / f".tmp-{archive.name}"
    sha = _copy_file(staging, tmp)
    if sha != record["sha256"]:
        raise PublishError(
            f"Bản sao lưu {archive} không giống bản dựng (archive copy differs from the staged file)"
        )
    _make_read_only(tmp)
    os.replace(tmp, archive)
    _write_json_atomic(archive.with_suffix(".json"), record)


def _prune(layout: _Layout, keep: int, current: str) -> list[str]:
    records = [r for r in _archived_records(layout) if r["version"] <= current]
    pruned = []
    for record in records[:-keep]:
        base = layout.archive_dir / record["version"]
        _remove_quietly(base.with_suffix(".duckdb"), base.with_suffix(".json"))
        pruned.append(record["version"])
    corrupt = sorted(layout.corrupt_dir.glob("*.duckdb")) if layout.corrupt_dir.is_dir() else []
    _remove_quietly(*corrupt[:-_KEEP_CORRUPT])
    return pruned


def _quarantine(layout: _Layout) -> Path | None:
    """Keep the damaged file for investigation (a hard link: no copy of a possibly bad disk)."""
    try:
        layout.corrupt_dir.mkdir(exist_ok=True)
        dest = layout.corrupt_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{PUBLISHED_NAME}"
        os.link(layout.target, dest)
        return dest
    except OSError:
        return None


def _archived_records(layout: _Layout) -> list[dict[str, Any]]:
    records = []
    if not layout.archive_dir.is_dir():
        return records
    for path in layout.archive_dir.glob("*.json"):
        record = _read_json(path)
        if record and record.get("version") == path.stem and record.get("sha256"):
            records.append(record)
    return sorted(records, key=lambda r: r["version"])


def _archived_record_with_sha(layout: _Layout, sha: str, *, newer_than: str | None) -> dict[str, Any] | None:
    for record in reversed(_archived_records(layout)):
        if record["sha256"] == sha and (newer_than is None or record["version"] > newer_than):
            if (layout.archive_dir / f"{record['version']}.duckdb").is_file():
                return record
    return None


def _intact(path: Path, record: dict[str, Any]) -> bool:
    if not path.is_file():
        return False
    try:
        if _sha256(path)[0] != record["sha256"]:
            return False
        with connect_readonly(path) as con:
            con.execute("SELECT count(*) FROM meta.publish_log").fetchall()
    except (OSError, WarehouseUnavailableError, duckdb.Error):
        return False
    return True


def _pause_point(step: str) -> None:
    pause_point(step, PAUSE_ENV, PAUSE_MARKER_ENV, PAUSE_SECONDS_ENV)


def _dir_error(error: OSError, directory: Path) -> WarehouseDirError:
    if error.errno in _FULL_ERRNOS:
        return WarehouseDirError(
            f"Không đủ chỗ trống để ghi vào {directory}; kho dữ liệu hiện tại không bị thay đổi. Hãy giải "
            f"phóng chỗ trống trên ổ đĩa (cần khoảng gấp đôi cỡ tệp kho dữ liệu) rồi chạy lại `nq57 refresh` "
            f"(the warehouse folder is full; nothing was published): {error.strerror}",
            "full",
        )
    if error.errno in _DENIED_ERRNOS:
        return WarehouseDirError(
            f"Không có quyền ghi vào thư mục kho dữ liệu {directory}; kho dữ liệu hiện tại không bị thay "
            f"đổi. Hãy cho tài khoản chạy làm mới quyền ghi thư mục này (hoặc gắn lại ổ đĩa ở chế độ ghi) "
            f"rồi chạy lại `nq57 refresh` (the warehouse folder is not writable; nothing was published): "
            f"{error.strerror}",
            "unwritable",
        )
    return WarehouseDirError(
        f"Lỗi khi ghi vào {directory}; kho dữ liệu hiện tại không bị thay đổi "
        f"(writing to the warehouse folder failed; nothing was published): {error}",
        "io",
    )


def _is_disk_error(text: str) -> bool:
    return any(s in text for s in ("No space left", "File too large", "Disk quota", "Permission denied"))


def _duckdb_error(error: duckdb.Error, build_path: Path, layout: _Layout, stage: str) -> PublishError:
    text = str(error)
    if "No space left" in text or "File too large" in text or "Disk quota" in text:
        return _dir_error(OSError(errno.ENOSPC, text.splitlines()[0]), layout.dir)
    if "Permission denied" in text or "Read-only file system" in text:
        return _dir_error(OSError(errno.EACCES, text.splitlines()[0]), layout.dir)
    if stage == "open":
        return BuildRejectedError(
            f"Bản dựng {build_path} không mở được bằng DuckDB, có thể bị hỏng (the build cannot be opened): "
            f"{text}"
        )
    return BuildRejectedError(
        f"Lỗi khi chuẩn bị công bố bản dựng {build_path} (preparing the publish failed): {text}"
    )


def _make_read_only(path: Path) -> None:
    # A published file is never written again; mode 0444 stops an analyst's plain
    # duckdb.connect() from opening it read-write. Best effort: some filesystems refuse chmod.
    with suppress(OSError):
        os.chmod(path, 0o444)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".tmp-{path.name}")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable: without it a power cut could bring the old name back.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(*files: Path) -> None:
    for path in files:
        with suppress(FileNotFoundError, PermissionError, IsADirectoryError):
            path.unlink()


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
