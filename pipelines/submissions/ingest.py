"""Ingesting raw/submissions: archive, validate in received order, version, report, write raw tables.

1. Every new file in the inbox is copied unchanged into the archive with its sha256 and received date.
2. Every archived file is validated, unless the validation cache (validation_cache.py) already holds
   its result for the same content, name, reference data and code. Then, over every file, oldest
   first, the cumulative-disbursement check (SUB-X01) compares with what was known when it arrived.
3. A file with no fatal finding is a new version for its agency and period, in received order; the
   latest version is current, and each earlier one stays queryable with the date it was superseded.
   When that order contradicts the files' ``_vN`` suffixes, a warning names the files and dates (a
   manifest date typed wrong). A file whose bytes were already loaded, or already received under the
   same name, is recorded as 'duplicate' (SUB-F04) and is not a version; the same bytes under another
   name after a rejection are validated on their own (a name-only fix of SUB-H05/H06/H07).
4. The error report is written beside each archived file: csv always, xlsx when there are findings
   (kept as it is when it already says the same).
5. The raw tables are rewritten from scratch (the archive is the source of truth).

A file an operator withdrew (``nq57 withdraw``, recorded in the archive's registry) is listed with status
'withdrawn', its reason and time, and is neither a version nor loaded: the version before it is in force.

A file that breaks anything is answered with findings; it never stops the other files. What is wrong
outside the files (a manifest.csv line that cannot be read, a copy that cannot be written) is a
warning in the summary (``IngestSummary.warnings``), which the asset logs. The one exception is a
``registry.csv`` that cannot be read: ``RegistryDamagedError`` stops the ingestion (see archive.py).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pipelines.input_rules import input_warning
from pipelines.submissions.archive import (
    REGISTRY_NAME,
    ArchiveEntry,
    archive_new_files,
    copy_failure,
    inbox_files,
    received_order,
    save_registry,
)
from pipelines.submissions.filewriter import FileWriter
from pipelines.submissions.inbox_manifest import (
    VIETNAM,
    _manifest_row,
    _rows_for_no_file,
    load_inbox_manifest,
    sample_mark,
)
from pipelines.submissions.raw_tables import write_table
from pipelines.submissions.reference import ReferenceData
from pipelines.submissions.report import (
    REPORT_INDEX_NAME,
    ReportIndex,
    report_digest,
    reports_on_disk,
    write_report,
)
from pipelines.submissions.validation_cache import CACHE_FOLDER_NAME, ValidationCache
from pipelines.submissions.validator import (
    CumulativeHistory,
    Finding,
    ValidationResult,
    check_against_history,
    check_receipt_day,
    make_finding,
    validate_bytes,
)

# The statuses of a file whose rows are loaded: it is a version and a later copy of it is a duplicate.
LOADED = ("accepted", "flagged")


@dataclass
class IngestSummary:
    files: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    validated: int = 0  # files validated in this run
    from_cache: int = 0  # unchanged files whose validation came from the cache
    # Input warnings (pipelines.input_rules, IN-S…): manifest.csv problems, copies not written or mended.
    warnings: list[str] = field(default_factory=list)
    # Inbox paths (as on disk) whose archive copy could not be written: not loaded in this run.
    not_archived: list[str] = field(default_factory=list)
    # Files not loaded because of a fatal finding: (path as received in the inbox, error report path
    # relative to the archive or None), so the operator can name them and send each its report.
    rejected: list[tuple[str, str | None]] = field(default_factory=list)

    def text(self) -> str:
        statuses = file_statuses(self.by_status)
        tables = ", ".join(f"{k} {v}" for k, v in self.rows.items())
        checked = f"kiểm tra {self.validated}, không đổi nên lấy từ bộ nhớ đệm {self.from_cache}"
        warned = f"; {len(self.warnings)} cảnh báo (warnings)" if self.warnings else ""
        if not self.files:
            # No file: no status to list, and "0 tệp (; kiểm tra 0 …)" reads like a fault.
            return f"0 tệp (no files); {tables}; {self.seconds:.2f} s{warned}"
        return f"{self.files} tệp ({statuses}; {checked}); {tables}; {self.seconds:.2f} s{warned}"


# The order a reader expects: loaded first, then what was not.
_STATUS_ORDER = ("accepted", "flagged", "duplicate", "rejected", "withdrawn")


def file_statuses(by_status: dict[str, int]) -> str:
    """'9 được chấp nhận; 5 được chấp nhận, có cảnh báo; 1 bị từ chối (accepted 9, flagged 5, rejected 1)'."""
    from pipelines.formatting import STATUS_VI  # the words the notebooks show for these codes

    order = sorted(by_status, key=lambda s: (_STATUS_ORDER.index(s) if s in _STATUS_ORDER else 99, s))
    if not order:
        return ""
    words = "; ".join(f"{by_status[s]} {STATUS_VI.get(s, s)}" for s in order)
    return f"{words} ({', '.join(f'{s} {by_status[s]}' for s in order)})"


def submission_id(entry: ArchiveEntry) -> str:
    """Stable id of one received file: its content and where it was received from."""
    return hashlib.sha256(f"{entry.sha256}:{entry.source_path}".encode()).hexdigest()[:16]


def ingest_submissions(
    inbox: Path,
    raw_dir: Path,
    archive_folder: Path,
    reference: ReferenceData,
    write_reports: bool = True,
    cache_folder: Path | None = None,
) -> IngestSummary:
    """Archive, validate, version, report and write the raw tables (see the module docstring).

    ``cache_folder``: where the validation cache lives (default ``<archive_folder>/validation_cache``).
    """
    started = time.perf_counter()
    cache_folder = cache_folder or archive_folder / CACHE_FOLDER_NAME
    reports = ReportIndex(cache_folder / REPORT_INDEX_NAME)
    with FileWriter() as writer:
        cache = ValidationCache(cache_folder, reference, writer=writer)
        summary, archive_paths = _ingest(
            inbox, raw_dir, archive_folder, reference, write_reports, writer, cache, reports
        )
    # Every file is on disk now (close() raised otherwise): the index may vouch for the reports.
    if write_reports:
        reports.save(archive_paths)
    cache.prune()
    summary.seconds = time.perf_counter() - started
    return summary


def _ingest(
    inbox: Path,
    raw_dir: Path,
    archive_folder: Path,
    reference: ReferenceData,
    write_reports: bool,
    writer: FileWriter,
    cache: ValidationCache,
    report_index: ReportIndex,
) -> tuple[IngestSummary, set[str]]:
    # New files are copied into the archive on the writer's threads while the main thread validates.
    scan = archive_new_files(inbox, archive_folder, writer)
    warnings, not_archived = list(scan.warnings), []
    # Read at every ingestion for its is_sample marks (sample_mark); its problems and the dates it
    # gives were already reported by archive_new_files, which reads it for a new file only.
    manifest = load_inbox_manifest(inbox)
    if not inbox_files(inbox):
        # An inbox holding the manifest and no file at all (files never copied in, or cleared away)
        # would otherwise pass in silence, though each row names a file that did not arrive: the
        # operator is told, row by row.
        warnings.extend(manifest.problems)
        warnings.extend(_rows_for_no_file(manifest, inbox, scan.entries))
    entries_in_order = sorted(scan.entries, key=received_order)
    history = CumulativeHistory()
    # sha256 → (submission id, file name, loaded) of each earlier file with those bytes that was not
    # itself a duplicate: what SUB-F04 compares with.
    earlier: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    processed: list[tuple[ArchiveEntry, ValidationResult, str, tuple[str | None, str | None]]] = []
    duplicate_of: dict[tuple[str, str], str] = {}  # (sha256, inbox path) → id of the file it repeats
    validated = _validated(entries_in_order, archive_folder, reference, writer, scan.new, cache)
    for entry, result in validated:
        if scan.is_new(entry):
            # Copies are queued in this order, so this wait rarely blocks. A file whose copy is not on
            # disk is not listed and not loaded, as if it had not arrived yet: the inbox keeps it and
            # the next refresh tries again (the asset leaves it out of the inputs it records).
            problem = copy_failure(archive_folder, entry, writer)
            if problem:
                warnings.append(problem)
                not_archived.append(scan.new[(entry.sha256, entry.source_path)].relative_to(inbox).as_posix())
                scan.drop(entry)
                continue
        sid = submission_id(entry)
        original = _same_submission(entry, earlier[entry.sha256])
        if entry.withdrawn:
            # Withdrawn by an operator (`nq57 withdraw`): listed with its reason, never a version nor
            # part of the history later files are checked against. Its bytes still count as received,
            # so a copy sent again is a duplicate rather than the disowned figures loaded anew.
            status = "withdrawn"
            earlier[entry.sha256].append((sid, entry.file_name, True))
        elif original is not None:
            duplicate_of[(entry.sha256, entry.source_path)] = original[0]
            result = _duplicate_result(entry, original[1], result)
            status = "duplicate"
        else:
            # In received order: what was known then, and the day it arrived (SUB-X01, SUB-H08/H09).
            # Against earlier files of the same kind: a sample (by its info sheet or the manifest)
            # never stands for what a department reported.
            is_sample = bool(
                sample_mark(_manifest_row(manifest, entry.source_path, []), result.is_sample, "")[0]
            )
            result = _safe_checks_on_arrival(result, history, entry.received, is_sample)
            status = result.status
            history.record(result, is_sample)
            earlier[entry.sha256].append((sid, entry.file_name, status in LOADED))
        reports: tuple[str | None, str | None] = (None, None)
        if status == "withdrawn":
            # The department's report on the file stays as it was sent: withdrawing is the warehouse's act.
            reports = _reports_kept(archive_folder, entry, writer)
        elif write_reports:
            stem = archive_folder / entry.archive_path
            digest = report_digest(result, status)
            # Unchanged file, unchanged history: the report on disk already says this.
            if not (
                report_index.unchanged(entry.archive_path, digest)
                and reports_on_disk(stem, bool(result.findings), writer)
            ):
                write_report(result, stem, status, writer)
                report_index.record(entry.archive_path, digest)
            xlsx = f"{entry.archive_path}.errors.xlsx" if result.findings else None
            reports = (xlsx, f"{entry.archive_path}.errors.csv")
        processed.append((entry, result, status, reports))
    for path in scan.mended:
        error = writer.failure(archive_folder / path)
        if error is not None:
            warnings.append(input_warning("IN-S12", f"{path}: {error}"))
    # Every new copy still listed was found on disk above: the registry may now list them.
    if scan.registry_changed() or not (archive_folder / REGISTRY_NAME).exists():
        save_registry(archive_folder, scan.entries)

    # Versions: loaded files per agency and period, in received order.
    versions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (_, result, status, _reports) in enumerate(processed):
        if status in LOADED and result.agency_code and result.period:
            versions[(result.agency_code, result.period.code)].append(index)
    version_of: dict[int, tuple[int, bool, Any]] = {}
    for indices in versions.values():
        for number, index in enumerate(indices, start=1):
            superseded = processed[indices[number]][0].received if number < len(indices) else None
            version_of[index] = (number, number == len(indices), superseded)
        warning = _version_order_warning([processed[index][0] for index in indices], archive_folder)
        if warning:
            warnings.append(warning)

    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    summary = IngestSummary(
        files=len(processed),
        validated=cache.misses,
        from_cache=cache.hits,
        warnings=warnings,
        not_archived=not_archived,
    )
    for index, (entry, result, status, reports) in enumerate(processed):
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        if status == "rejected":
            summary.rejected.append((entry.source_path, reports[0]))
        version, is_current, superseded = version_of.get(index, (None, False, None))
        is_sample, sample_warning = sample_mark(
            _manifest_row(manifest, entry.source_path, []), result.is_sample, entry.source_path
        )
        if sample_warning:
            warnings.append(sample_warning)
        context = {
            "submission_id": submission_id(entry),
            "file_name": entry.file_name,
            "agency_code": result.agency_code,
            "period": result.period.code if result.period else None,
            "report_year": result.period.year if result.period else None,
            "report_quarter": result.period.quarter if result.period else None,
            "version": version,
            "file_status": status,
            "is_current": is_current,
            "is_sample": is_sample,
            "received_at": entry.received,
            "superseded_at": superseded,
        }
        original = duplicate_of.get((entry.sha256, entry.source_path))
        tables["submission_files"].append(_file_row(entry, result, status, context, reports, original))
        for row in result.budget_rows:
            tables["submission_budget_rows"].append({**context, **_row_dict(row)})
        for row in result.progress_rows:
            tables["submission_progress_rows"].append({**context, **_row_dict(row)})
        for row in result.kpi_rows:
            tables["submission_kpi_rows"].append({**context, **_row_dict(row)})
        for finding in result.findings:
            tables["submission_findings"].append(_finding_row(finding, context))

    from pipelines.submissions.raw_tables import TABLES

    for name in TABLES:
        summary.rows[name] = write_table(name, tables.get(name, []), raw_dir)
    return summary, {entry.archive_path for entry, *_ in processed}


def _validated(
    entries: list[ArchiveEntry],
    archive_folder: Path,
    reference: ReferenceData,
    writer: FileWriter,
    new: dict[tuple[str, str], Path],
    cache: ValidationCache,
) -> Iterator[tuple[ArchiveEntry, ValidationResult]]:
    """Each entry with its validation result (without the history check, which needs received order).

    An unchanged file's result comes from the cache: its bytes are not even read.
    """
    for entry in entries:
        result = cache.get(entry.file_name, entry.sha256)
        if result is None:
            data = _archived_bytes(entry, archive_folder, writer, new)
            if data is None:  # not cached: a copy sent again and restored loads on the next refresh
                result = ValidationResult(entry.file_name)
                result.findings.append(
                    make_finding("SUB-A01", value=entry.archive_path, expected=entry.sha256)
                )
                yield entry, result
                continue
            try:
                result = validate_bytes(entry.file_name, data, reference)
            except Exception as error:  # the other files of the refresh still load; not cached
                result = _internal_error(entry.file_name, error)
            else:
                cache.put(entry.file_name, entry.sha256, result)  # before the history check changes it
        yield entry, result


def _archived_bytes(
    entry: ArchiveEntry, archive_folder: Path, writer: FileWriter, new: dict[tuple[str, str], Path]
) -> bytes | None:
    """The received bytes of an entry, checked against its sha256; None when they are gone.

    A copy made in this run may still be on its way to disk (and its folder busy with other new
    files): the inbox file is read instead (``new``: the file as named on disk, which may be
    decomposed Unicode) when it still has the same sha256. An older copy found
    missing or changed (disk damage, a hand edit) was queued for mending by ``archive_new_files``
    when the inbox still holds the same bytes; one that could not be mended is never validated as
    if it were the file received: None (SUB-A01).
    """
    in_inbox = new.get((entry.sha256, entry.source_path))
    if in_inbox is not None:
        data = _bytes_if(in_inbox, entry.sha256)
        if data is not None:
            return data  # else: removed or replaced since, the archived copy is the record
    path = archive_folder / entry.archive_path
    writer.wait(path)
    return _bytes_if(path, entry.sha256)


def _bytes_if(path: Path, sha256: str) -> bytes | None:
    """The file's bytes when it exists and has this sha256."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _internal_error(name: str, error: Exception) -> ValidationResult:
    """A bug in a check must not stop the refresh: the file is answered as unreadable, with the reason."""
    result = ValidationResult(name)
    result.findings.append(
        make_finding(
            "SUB-F01", value=f"lỗi nội bộ khi đọc tệp / internal error: {type(error).__name__}: {error}"
        )
    )
    return result


def _safe_checks_on_arrival(
    result: ValidationResult, history: CumulativeHistory, received: datetime, is_sample: bool
) -> ValidationResult:
    """The checks that depend on more than the file (never cached with it): the department's earlier
    figures (SUB-X01), its own report already loaded when a sample comes (SUB-X04) and the day the
    file was received (SUB-H08, SUB-H09)."""
    try:
        check_against_history(result, history, is_sample)
        check_receipt_day(result, received)
        return result
    except Exception as error:
        return _internal_error(result.file_name, error)


def _same_submission(entry: ArchiveEntry, earlier: list[tuple[str, str, bool]]) -> tuple[str, str] | None:
    """(id, file name) of the earlier file ``entry`` repeats (SUB-F04), or None: validated on its own.

    Same bytes are the same submission when the earlier file was loaded, or had the same name. Not
    after a rejection under another name: the name is part of what is checked (SUB-H05/H06/H07), so
    a department that fixes a rejected file by renaming it sends a new submission."""
    name = entry.file_name.casefold()
    for sid, earlier_name, loaded in earlier:
        if loaded or earlier_name.casefold() == name:
            return sid, earlier_name
    return None


# '_v2', '_V3' ending the name or followed by more words ('SYT_2026-Q2_v2_sua.xlsx').
_VERSION_SUFFIX = re.compile(r"_v(\d+)(?=_|$)", re.IGNORECASE)


def name_version(file_name: str) -> int:
    """The version a file's name claims: its last ``_vN`` suffix; 1 without one."""
    claims = _VERSION_SUFFIX.findall(PurePosixPath(file_name).stem)
    return int(claims[-1]) if claims else 1


def _version_order_warning(entries: list[ArchiveEntry], archive_folder: Path) -> str | None:
    """A warning when the loaded files of one agency and period, in received order (their versions),
    go against their ``_vN`` suffixes: received time stays the rule (a name is whatever the sender
    typed), but a _v2 received before v1 almost always means a received date typed wrong in
    manifest.csv, which would make v1 the current version without a word."""
    claimed = [name_version(entry.file_name) for entry in entries]
    if claimed == sorted(claimed):
        return None
    listed = ", ".join(
        f"{entry.file_name} (phiên bản {number}, nhận {entry.received.astimezone(VIETNAM):%d/%m/%Y %H:%M})"
        for number, entry in enumerate(entries, start=1)
    )
    registry = archive_folder / REGISTRY_NAME
    return input_warning(
        "IN-S14", f"{listed}; bản đang dùng: {entries[-1].file_name}; sổ đăng ký ngày nhận: {registry}"
    )


def _duplicate_result(entry: ArchiveEntry, original_name: str, result: ValidationResult) -> ValidationResult:
    # Read for its identity (agency, period, is_sample) only: it is not loaded and not checked further.
    # The department reads the report: the earlier file by the name it sent, not by an internal id.
    result.budget_rows, result.progress_rows, result.kpi_rows, result.cumulative_rows = [], [], [], []
    result.findings = [
        make_finding("SUB-F04", value=entry.file_name, expected=f"tệp đã nhận: {original_name}")
    ]
    return result


def _row_dict(row: Any) -> dict[str, Any]:
    values = dict(vars(row))
    values["row_has_fatal"] = values.pop("has_fatal")
    return values


def _file_row(
    entry: ArchiveEntry,
    result: ValidationResult,
    status: str,
    context: dict,
    reports: tuple,
    duplicate_of: str | None = None,
) -> dict:
    return {
        **context,
        "duplicate_of": duplicate_of,
        "status": status,
        "source_path": entry.source_path,
        "archive_path": entry.archive_path,
        "sha256": entry.sha256,
        "size_bytes": entry.size_bytes,
        "file_format": result.file_format,
        "encoding": result.encoding,
        "template_version": result.template_version,
        "agency_code_from_name": result.agency_code_from_name,
        "period_from_name": result.period_from_name.code if result.period_from_name else None,
        "fatal_count": result.fatal_count,
        "warning_count": result.warning_count,
        "rule_ids": ",".join(result.rule_ids()),
        "budget_row_count": len(result.budget_rows),
        "progress_row_count": len(result.progress_rows),
        "kpi_row_count": len(result.kpi_rows),
        "received_at_source": entry.received_at_source,
        "error_report_xlsx": reports[0],
        "error_report_csv": reports[1],
        "withdrawn_at": datetime.fromisoformat(entry.withdrawn_at) if entry.withdrawn else None,
        "withdrawn_by": entry.withdrawn_by or None,
        "withdraw_reason": entry.withdraw_reason or None,
    }


def _reports_kept(
    archive_folder: Path, entry: ArchiveEntry, writer: FileWriter
) -> tuple[str | None, str | None]:
    """The error reports already beside a withdrawn file's copy (xlsx, csv), each None when absent."""
    xlsx, csv = f"{entry.archive_path}.errors.xlsx", f"{entry.archive_path}.errors.csv"
    return (
        xlsx if writer.exists(archive_folder / xlsx) else None,
        csv if writer.exists(archive_folder / csv) else None,
    )


def _finding_row(finding: Finding, context: dict) -> dict[str, Any]:
    return {
        "submission_id": context["submission_id"],
        "file_name": context["file_name"],
        "agency_code": context["agency_code"],
        "period": context["period"],
        "file_status": context["file_status"],
        "is_sample": context["is_sample"],
        "received_at": context["received_at"],
        "rule_id": finding.rule_id,
        "severity": finding.severity,
        "category": finding.category,
        "sheet": finding.sheet,
        "row_no": finding.row_no,
        "column_code": finding.column,
        "cell_ref": finding.cell_ref,
        "value_provided": finding.value,
        "expected": finding.expected,
        "message_vi": finding.message_vi,
        "message_en": finding.message_en,
    }
