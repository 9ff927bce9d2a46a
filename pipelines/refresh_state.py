"""What a refresh knows about its inputs and its failures, kept between runs.

- ``input_hashes``: content hash of every input file (recorded in the publish log, and the
  sensor's fingerprint of "something was added or changed").
- ``save_input_snapshot`` / ``built_inputs``: the input files the raw tables were made from,
  hashed before they were read, which is what the publish log records (not the folder at publish
  time: a file that arrives during a refresh is for the next one).
- ``rebuild_scope``: what a refresh must rebuild, from what changed since the published build.
- ``docs_site_is_current``: whether the published dbt docs site describes this code (a refresh
  can publish and then fail making the site; the next one must remake it even with no new input).
- ``record_failure``: why a refresh failed, appended to warehouse/state/refresh_failures.jsonl
  so that the morning after, somebody can read it without digging in logs.
- ``record_success``: that a refresh ended well, appended to warehouse/state/refresh_successes.jsonl
  (``nq57 status`` tells from the two logs whether last night's refresh ran and worked).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pipelines.manifest import OFFICE_OWNER_PREFIX, sha256_of
from pipelines.paths import warehouse_dir
from pipelines.source_fingerprint import source_fingerprint

_IGNORED = {".gitkeep", "README.md"}
# A hidden file, and the owner file Word or Excel keeps beside a file open on the share: neither
# folder's ingestion reads one, so the sensor's quick look does not wake for one either.
_NEVER_INPUT_PREFIXES = (".", OFFICE_OWNER_PREFIX)


def input_files(*directories: Path) -> list[Path]:
    files = []
    for directory in directories:
        if directory.exists():
            files.extend(
                p
                for p in sorted(directory.rglob("*"))
                if p.is_file() and p.name not in _IGNORED and not p.name.startswith(_NEVER_INPUT_PREFIXES)
            )
    return files


# What a link to nothing (a share unmounted, a file moved) counts as: an input, so that its arrival
# makes the refresh read the folder and warn about it, rather than pass it over as no file.
BROKEN_LINK = "broken link"


def broken_links(*directories: Path) -> list[Path]:
    return [
        p
        for directory in directories
        if directory.exists()
        for p in sorted(directory.rglob("*"))
        if p.is_symlink()
        and not p.exists()
        and p.name not in _IGNORED
        and not p.name.startswith(_NEVER_INPUT_PREFIXES)
    ]


def input_hashes(directory: Path, label: str) -> dict[str, str]:
    """'<label>/<relative path>' → sha256, for every input file of one folder (a link to nothing:
    BROKEN_LINK).

    The label says what the folder holds ('documents', 'submissions') whatever it is called on
    this machine, so that rebuild_scope can tell a new submission from a new document."""
    skipped = _not_read(label)
    hashes = {
        f"{label}/{path.relative_to(directory).as_posix()}": sha256_of(path)
        for path in input_files(directory)
        if not skipped(path)
    }
    hashes.update(
        {
            f"{label}/{path.relative_to(directory).as_posix()}": BROKEN_LINK
            for path in broken_links(directory)
            if not skipped(path)
        }
    )
    if label == "submissions":
        hashes.update(_withdrawals())
    return hashes


def _withdrawals() -> dict[str, str]:
    """The reports withdrawn from the archive (``nq57 withdraw``), one input for all of them: a report
    withdrawn or put back changes what the next build loads though no inbox file changed. Nothing
    withdrawn is no key, as in a warehouse built before withdrawals existed. A damaged registry is
    ST-15's, and stops the ingestion anyway."""
    from pipelines.submissions.archive import RegistryDamagedError, archive_dir, load_registry
    from pipelines.submissions.withdrawal import WITHDRAWALS_KEY, withdrawals_hash

    try:
        digest = withdrawals_hash(load_registry(archive_dir()))
    except RegistryDamagedError:
        return {}
    return {WITHDRAWALS_KEY: digest} if digest else {}


def _not_read(label: str) -> Callable[[Path], bool]:
    """What the ingestion of a kind of input never reads, which is then no input: the submissions
    inbox's own rule (Excel's ``~$`` owner file of an open workbook had `nq57 status` list it as a new
    file waiting to load, ST-05, and made a refresh that loads nothing new)."""
    if label == "submissions":
        from pipelines.submissions.archive import ignored_by_ingestion

        return ignored_by_ingestion
    if label == "documents":
        from pipelines.manifest import ignored_by_extraction

        return ignored_by_extraction
    return lambda _path: False


def fingerprint(*directories: Path) -> str:
    """A short hash of every input's name, size and mtime: cheap enough for a sensor every 30 s.

    The reports withdrawn from the archive (`nq57 withdraw`) count too: a withdrawal changes no file
    in raw/, yet what the next build loads, and it waited for the 02:00 run instead of the sensor's
    next look."""
    digest = hashlib.sha256()
    for path in [*input_files(*directories), *broken_links(*directories)]:
        stat = path.stat() if path.exists() else path.lstat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    for key, value in _withdrawals().items():
        digest.update(f"{key}\0{value}\n".encode())
    return digest.hexdigest()[:16]


def state_dir() -> Path:
    return warehouse_dir() / "state"


FAILURES_LOG = "refresh_failures.jsonl"
SUCCESSES_LOG = "refresh_successes.jsonl"


def record_failure(run_id: str, stage: str, reason: str, details: str | None = None) -> Path:
    """Append why a refresh failed (run id, the failed steps, the error; ``details``: the errors in
    full with their stack traces, for whoever mends the code) to the failures log."""
    entry = {"run_id": run_id, "stage": stage, "reason": reason}
    if details:
        entry["details"] = details
    return _append(FAILURES_LOG, entry)


def record_success(
    run_id: str | None, kind: str, version: str | None = None, warnings: list[str] | None = None
) -> Path:
    """Append that a refresh ended well to the successes log.

    ``kind``: what it did, in the words of the run's ``nq57/refresh`` tag (full, submissions,
    briefing_only) or ``nothing_to_do`` (no new input and today's briefing already rendered: the
    command line then starts no run, hence no run id). ``version``: the version it published.
    ``warnings``: what it went on past in raw/ (pipelines.input_warnings), for `nq57 status`."""
    entry = {"run_id": run_id, "kind": kind, "version": version, "input_warnings": list(warnings or [])}
    return _append(SUCCESSES_LOG, entry)


# One file per `nq57 refresh` process while it runs (state/running/<pid>.json): a refresh killed
# with kill -9, or by a reboot, cannot write its failure, but its file stays and says so.
# (Runs the Dagster daemon starts are watched by the daemon and the run-failure sensor instead.)
RUNNING_DIR = "running"


def mark_started(kind: str) -> Path | None:
    """Record that this process's refresh has begun; None when the state folder cannot be written
    (the refresh then runs without the mark: it must not fail for want of it)."""
    folder = state_dir() / RUNNING_DIR
    path = folder / f"{os.getpid()}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        entry = {"pid": os.getpid(), "kind": kind, "at": datetime.now(UTC).isoformat()}
        path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    except OSError:
        return None
    return path


def mark_ended(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def interrupted_refreshes() -> list[dict]:
    """The marks of refreshes whose process is gone without ending them (killed, or a reboot),
    oldest first, each with its ``path``."""
    found = []
    for path in sorted((state_dir() / RUNNING_DIR).glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            pid = int(entry["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            entry, pid = {"at": None}, None
        if pid is not None and _alive(pid):
            continue
        found.append({**entry, "path": str(path)})
    return sorted(found, key=lambda e: e.get("at") or "")


def interrupted_reason(entry: dict) -> str:
    """Why a refresh that left its running mark failed, for the failures log and `nq57 status`."""
    from pipelines.warehouse_status import parse_time, vn_time  # written as status writes every time

    try:
        at = vn_time(parse_time(entry["at"]))
    except (KeyError, TypeError, ValueError):
        at = "không rõ lúc nào"
    command, pid = entry.get("kind", "refresh"), entry.get("pid", "?")
    return (
        f"Lần làm mới `nq57 {command}` bắt đầu lúc {at} (tiến trình {pid}) đã dừng giữa chừng mà không ghi "
        "được kết quả (bị tắt bằng kill, hoặc máy khởi động lại); kho dữ liệu công bố trước đó vẫn nguyên "
        "(a refresh was killed before it could record its end)"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def read_log(name: str) -> list[dict]:
    """The entries of one of the state logs, oldest first; a line that is not JSON (a write cut off
    by a full disk or a kill) is skipped rather than hiding the entries after it."""
    try:
        # Bytes that are not UTF-8 (a damaged disk block) become U+FFFD and their line is skipped.
        lines = (state_dir() / name).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # missing, or not a file
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("at"), str):
            entries.append(entry)
    return entries


def _append(name: str, fields: dict) -> Path:
    """Append one entry; a log that cannot be written (a folder in its place, a full disk) is said
    on stderr and does not turn a refresh that worked into a failure."""
    path = state_dir() / name
    entry = {"at": datetime.now(UTC).isoformat(), **fields}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as error:
        print(
            f"Không ghi được nhật ký trạng thái {path} ({error}); `nq57 status` sẽ không thấy lần chạy "
            f"này (state log not written)",
            file=sys.stderr,
        )
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


def input_folders() -> dict[str, Path]:
    """Each kind of input ('documents', 'submissions': the labels of its keys) and its folder."""
    from pipelines.paths import documents_dir, submissions_dir

    return {"documents": documents_dir(), "submissions": submissions_dir()}


def current_inputs() -> dict[str, str]:
    """Everything a build depends on: every input file's hash and the code fingerprint."""
    inputs: dict[str, str] = {}
    for label, folder in input_folders().items():
        inputs.update(input_hashes(folder, label))
    inputs[CODE_KEY] = code_fingerprint()
    return inputs


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


# Beside the raw tables: the inputs each part of them was made from ('<label>' → hashes).
SNAPSHOT_NAME = ".inputs_{label}.json"


def save_input_snapshot(raw_dir: Path, label: str, hashes: Mapping[str, str]) -> Path:
    """Record which input files the raw tables of ``label`` were just written from (atomic)."""
    path = raw_dir / SNAPSHOT_NAME.format(label=label)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(dict(sorted(hashes.items())), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def built_inputs(raw_dir: Path) -> dict[str, str]:
    """The inputs a build from ``raw_dir`` rests on: each part's snapshot, the code fingerprint.

    A part with no snapshot (raw tables written by an older version) is hashed as it is now."""
    inputs: dict[str, str] = {}
    for label, folder in input_folders().items():
        try:
            snapshot = json.loads((raw_dir / SNAPSHOT_NAME.format(label=label)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            snapshot = input_hashes(folder, label)
        inputs.update(snapshot)
    inputs[CODE_KEY] = code_fingerprint()
    return inputs


# What a refresh rebuilds (see rebuild_scope):
#   "nothing"      same files and code as the published warehouse: only the date-dependent briefing;
#   "submissions"  only departmental submissions changed: their models, on top of the published file;
#   "everything"   a document or the code changed, or nothing is published yet: the whole warehouse.
RebuildScope = Literal["nothing", "submissions", "everything"]
SUBMISSIONS_PREFIX = "submissions/"


def scope_of_changes(published: Mapping[str, str] | None, current: Mapping[str, str]) -> RebuildScope:
    """The rebuild scope between the inputs of the published warehouse and the current ones.

    Keys are those of current_inputs(): '<folder>/<file>' → sha256, plus the code fingerprint.
    A file added, removed or changed counts; a submission counts only for the submission models,
    since no document-derived table reads a submission (dbt's source:submissions+ is the
    staging and marts of submissions alone).
    """
    if published is None:
        return "everything"
    changed = {key for key in published.keys() | current.keys() if published.get(key) != current.get(key)}
    if not changed:
        return "nothing"
    if all(key.startswith(SUBMISSIONS_PREFIX) for key in changed):
        return "submissions"
    return "everything"


_WIDTH: dict[str, int] = {"nothing": 0, "submissions": 1, "everything": 2}


def rebuild_scope() -> RebuildScope:
    """What the next refresh must rebuild (reads every input file once to hash it).

    The inputs are compared with the published warehouse's, and so are the inputs the raw tables
    were last written from: a refresh that failed after its extraction and validation (a damaged
    document, say) left the raw tables, and the error reports beside the archived submissions,
    describing inputs that were never published. With the published inputs back, the refresh must
    still redo them, or departments keep reading reports of that failed night.
    """
    from pipelines.paths import raw_tables_dir

    published = published_inputs()
    scope = scope_of_changes(published, current_inputs())
    if scope == "everything":
        return scope
    left_behind = scope_of_changes(published, built_inputs(raw_tables_dir()))
    return scope if _WIDTH[scope] >= _WIDTH[left_behind] else left_behind


# Beside each dbt docs site: the code fingerprint (code_fingerprint) it was generated from.
DOCS_STAMP = "code_fingerprint.txt"


def published_docs_dir() -> Path:
    """The docs site of the published warehouse (warehouse/dbt_docs)."""
    return warehouse_dir() / "dbt_docs"


def docs_site_is_current(fingerprint: str | None = None) -> bool:
    """True when the published docs site was generated from this code (``fingerprint``, default the
    checkout's). False after a refresh that published but failed or was killed making the site."""
    published = published_docs_dir()
    try:
        stamp = (published / DOCS_STAMP).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return (published / "index.html").is_file() and stamp == (fingerprint or code_fingerprint())
