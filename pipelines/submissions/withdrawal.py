"""Withdrawing an archived report: which entry a name means, marking it, and the mark as a build input.

A report that turns out wrong after it arrived (another department's figures, a test file sent by
mistake, figures the department disowns) cannot be deleted: the archive is the record of what was
received. It is withdrawn instead: its registry entry gets ``withdrawn_at``, ``withdrawn_by`` and
``withdraw_reason``, its copy stays, and every refresh lists it (status 'withdrawn') without loading
it, so the version before it is in force again. Undoing the withdrawal clears the three columns; the
registry holds what is withdrawn now, and ``withdrawals.jsonl`` beside it every withdrawal and undo
ever made (``history``): an undo must not erase who took a report out of the figures, when and why.

Callers hold the refresh lock (``nq57 withdraw``): a refresh saves the registry too.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipelines.submissions.archive import ArchiveEntry, load_registry, nfc, save_registry
from pipelines.submissions.inbox_manifest import VIETNAM

# The input key (``refresh_state.input_hashes``) that stands for the withdrawals: under 'submissions/'
# so that a change rebuilds the submission models only, and hidden ('.'), so no inbox file has it.
WITHDRAWALS_KEY = "submissions/.withdrawn"
# A sha256 prefix shorter than this is too easily a typo that matches some other file.
SHA256_PREFIX_MIN = 8
# Beside registry.csv: one JSON line per withdrawal or undo, appended, never rewritten.
HISTORY_NAME = "withdrawals.jsonl"
_HEX = re.compile(r"[0-9a-f]+")


def matching_entries(
    entries: list[ArchiveEntry], query: str, inbox: Path | None = None
) -> list[ArchiveEntry]:
    """The entries ``query`` names: a file name as received, an inbox path (relative to the inbox, or
    a path to a file inside it, as `ls raw/submissions/…` prints it), or a sha256 prefix of at least
    SHA256_PREFIX_MIN hex digits. Names compare in NFC, file names also without case (Windows users
    type 'syt_2026-q2.xlsx')."""
    text = nfc(query.strip())
    if not text:
        return []
    relative = _inbox_relative(text, inbox)
    lowered = text.casefold()
    found = []
    for entry in entries:
        if (
            nfc(entry.source_path) in (text, relative)
            or nfc(entry.file_name).casefold() == lowered
            or (
                len(text) >= SHA256_PREFIX_MIN
                and _HEX.fullmatch(lowered)
                and entry.sha256.startswith(lowered)
            )
        ):
            found.append(entry)
    return found


def _inbox_relative(text: str, inbox: Path | None) -> str | None:
    """``text`` as a path relative to the inbox when it names a place inside it, else None."""
    if inbox is None:
        return None
    try:
        return nfc(Path(text).resolve().relative_to(inbox.resolve()).as_posix())
    except (ValueError, OSError):
        pass
    # 'raw/submissions/X.xlsx' typed from elsewhere, or 'submissions/X.xlsx' as status and rollback print it.
    parts = PurePosixPath(text).parts
    for index, part in enumerate(parts[:-1]):
        if part in (inbox.name, "submissions"):
            return nfc(PurePosixPath(*parts[index + 1 :]).as_posix())
    return None


def withdraw(folder: Path, entry: ArchiveEntry, reason: str, *, by: str | None = None) -> ArchiveEntry:
    """Mark ``entry`` withdrawn in the registry of ``folder`` (now, by ``by`` or the login); the entry
    as saved. The copy and every other entry are left as they are."""
    moment = datetime.now(VIETNAM).replace(microsecond=0)
    marked = replace(
        entry, withdrawn_at=moment.isoformat(), withdrawn_by=by or _login(), withdraw_reason=reason
    )
    saved = _save_with(folder, entry, marked)
    _record(folder, "withdrawn", marked, at=marked.withdrawn_at, by=marked.withdrawn_by, reason=reason)
    return saved


def restore(folder: Path, entry: ArchiveEntry, *, by: str | None = None) -> ArchiveEntry:
    """Undo a withdrawal: the entry loads again at the next refresh, in its place among the versions.
    The withdrawal it undoes stays in the history, with the undo after it."""
    saved = _save_with(folder, entry, replace(entry, withdrawn_at="", withdrawn_by="", withdraw_reason=""))
    moment = datetime.now(VIETNAM).replace(microsecond=0).isoformat()
    _record(
        folder,
        "restored",
        entry,
        at=moment,
        by=by or _login(),
        undoes={"at": entry.withdrawn_at, "by": entry.withdrawn_by, "reason": entry.withdraw_reason},
    )
    return saved


def _record(folder: Path, action: str, entry: ArchiveEntry, **details: object) -> None:
    """Append one line to the history, flushed to disk: the registry was just saved, and the record of
    who changed it must not be the part a power cut loses."""
    line = {"action": action, "source_path": entry.source_path, "sha256": entry.sha256, **details}
    with open(folder / HISTORY_NAME, "a", encoding="utf-8") as log:
        log.write(json.dumps(line, ensure_ascii=False) + "\n")
        log.flush()
        os.fsync(log.fileno())


def history(folder: Path) -> list[dict[str, object]]:
    """Every withdrawal and undo, oldest first; a line that is not JSON (a hand edit) is shown as it is."""
    path = folder / HISTORY_NAME
    if not path.is_file():
        return []
    records: list[dict[str, object]] = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        try:
            records.append(json.loads(text))
        except ValueError:
            records.append({"action": "unreadable", "line": text})
    return records


def _save_with(folder: Path, old: ArchiveEntry, new: ArchiveEntry) -> ArchiveEntry:
    entries = load_registry(folder)
    key = (old.sha256, old.source_path)
    if not any((e.sha256, e.source_path) == key for e in entries):
        raise LookupError(f"{old.source_path} is not in the registry")
    save_registry(folder, [new if (e.sha256, e.source_path) == key else e for e in entries])
    return new


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container): still say something
        return "không rõ (unknown)"


def withdrawn_entries(folder: Path) -> list[ArchiveEntry]:
    """The withdrawn entries, in the order they were withdrawn (raises RegistryDamagedError)."""
    return sorted(
        (e for e in load_registry(folder) if e.withdrawn), key=lambda e: (e.withdrawn_at, e.source_path)
    )


def withdrawals_hash(entries: list[ArchiveEntry]) -> str | None:
    """A hash of what is withdrawn and why (what a build's dim_submission shows), None when nothing is:
    a warehouse built before any withdrawal recorded no such input, and must not look out of date."""
    marked = sorted(
        f"{e.sha256}\0{nfc(e.source_path)}\0{e.withdrawn_at}\0{e.withdrawn_by}\0{e.withdraw_reason}"
        for e in entries
        if e.withdrawn
    )
    if not marked:
        return None
    return hashlib.sha256("\n".join(marked).encode()).hexdigest()


def received_words(entry: ArchiveEntry) -> str:
    """A received file in words: its inbox path, when it was received (Vietnam time, whatever offset the
    registry holds: a manifest may give UTC) and the start of its sha256, which tells copies apart."""
    received = datetime.fromisoformat(entry.received_at).astimezone(VIETNAM)
    return f"{entry.source_path} (nhận {received:%d/%m/%Y %H:%M}, sha256 {entry.sha256[:12]})"


def describe(entry: ArchiveEntry) -> str:
    """One withdrawn file in words: name, received, withdrawn when, by whom, why."""
    withdrawn = datetime.fromisoformat(entry.withdrawn_at).astimezone(VIETNAM)
    return (
        f"{received_words(entry)}: rút lúc {withdrawn:%d/%m/%Y %H:%M} bởi {entry.withdrawn_by}, "
        f"lý do: {entry.withdraw_reason}"
    )
