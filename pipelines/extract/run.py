"""Extracting every document in a folder; one failing document never stops the others.

Only the documents the manifest lists are loaded (it is what says what a document is); a file
it does not list is still read, so its row says whether it reads and what it holds, and a file
with the same bytes as another document is not read twice: its facts would be loaded twice.

One plan document is in force. Every document the extraction reads as the plan (a resolution:
it holds Appendix I, Appendix II or the KPI roadmap; the slide deck does not compete) would put
the same tasks, totals and targets in the marts again, so when several would load, one is chosen:

1. the latest ``document_date`` (year, then month, then day; a date given only to the year or
   month counts as the start of it, and a document without a usable date comes last);
2. on the same date (the same resolution in two forms), the form the extraction reads most
   faithfully: txt (the reference text every figure of GUIDE §2 is computed from, and the form
   the format tests compare docx and pdf with), then docx, then pdf (its layout is rebuilt from
   printed lines, and a few characters do not survive);
3. then the file name.

A plan document that lacks a part another one holds (a kind of table, a total row, Part IV's
amounts, a numbered task or Appendix 2 row) is not chosen over a complete one, whatever its date: it
is most likely a copy cut short (an interrupted download listed in the manifest), and in force it
would publish a plan with tasks missing and reject every department's report on them. An amendment
that reprints only part of the plan must be consolidated with the rest before it can be in force; one
that really drops a task is put in force by moving the older plan out of the folder (the reason says so).

The others are 'superseded': read (so the reason says what they hold), none of their records
loaded, the reason naming the document in force and why it won. The choice is made on every run
from what the folder holds now; the extraction cache keeps only what a file yields, never its
status, so a superseded document loads as soon as it is the only plan.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.document_model import UnreadableDocumentError
from pipelines.extract.cache import ExtractionCache, FileExtraction
from pipelines.extract.plan_document import RESOLUTION, NotAPlanDocumentError, extract_document
from pipelines.extract.records import RECORD_TYPES, ExtractionResult
from pipelines.extract.tables_io import write_parquet
from pipelines.fault_points import pause_point
from pipelines.input_rules import input_warning
from pipelines.manifest import MANIFEST_NAME, DocumentEntry, detect_metadata, scan_folder
from pipelines.readers import read_document

log = logging.getLogger(__name__)


@dataclass
class DocumentRecord:
    """One row of the ``documents`` raw table: the file, its metadata and how extraction went."""

    document_id: str
    file_name: str
    original_file_name: str | None
    sha256: str
    kind: str | None
    issuer: str | None
    province: str | None
    document_date: str | None
    title: str | None
    metadata_source: str
    metadata_issue: str | None  # why the manifest did not give (all of) the metadata
    source_format: str | None
    page_count: int | None
    # 'ok' (loaded) | 'failed' (unreadable) | 'duplicate' (same bytes as another document)
    # | 'not_listed' (read, not loaded: no manifest row) | 'changed_since_listed' (read, not loaded:
    # its bytes are not the ones the manifest's sha256 vouches for) | 'superseded' (read, not loaded: another
    # plan document is in force); extraction_error says why unless 'ok'.
    extraction_status: str
    extraction_error: str | None
    record_count: int
    is_sample: bool
    note: str | None


@dataclass
class ExtractionRun:
    documents: list[DocumentRecord] = field(default_factory=list)
    results: list[ExtractionResult] = field(default_factory=list)  # loaded documents only
    warnings: list[str] = field(default_factory=list)  # what in the manifest could not be read (IN-D…)
    plan_document: str | None = None  # file name of the plan document in force, if one loaded
    # Plan documents set aside for lacking a part the one in force holds (IN-D15), not for their date.
    cut_short: list[str] = field(default_factory=list)

    def failed(self) -> list[DocumentRecord]:
        return [d for d in self.documents if d.extraction_status == "failed"]

    def not_loaded(self) -> list[DocumentRecord]:
        """Documents read (or readable) but not loaded: copies, files the manifest does not list and
        plan documents another one supersedes."""
        return [d for d in self.documents if d.extraction_status in NOT_LOADED]

    def failed_warnings(self) -> list[str]:
        """One input warning (IN-D16) per document that could not be read, with the reader's reason."""
        return [input_warning("IN-D16", d.extraction_error or d.file_name) for d in self.failed()]

    def issue_warnings(self) -> list[str]:
        """One input warning (IN-D17) per extraction error of a loaded document: a table or row it
        found and could not place, so its figures are missing from the marts."""
        names = {d.document_id: d.file_name for d in self.documents}
        return [
            input_warning("IN-D17", f"{names.get(issue.document_id, issue.document_id)}: {issue.message}")
            for result in self.results
            for issue in result.issues
            if issue.severity == "error"
        ]

    def not_loaded_warnings(self) -> list[str]:
        """One input warning per document read (or readable) but not loaded, with why (its
        ``extraction_error``, which names the file)."""
        return [
            input_warning(
                "IN-D15" if d.file_name in self.cut_short else NOT_LOADED[d.extraction_status],
                d.extraction_error or d.file_name,
            )
            for d in self.not_loaded()
        ]


# Why a document is read but not loaded → the input warning that tells the operator.
NOT_LOADED = {
    "duplicate": "IN-D12",
    "not_listed": "IN-D11",
    "changed_since_listed": "IN-D13",
    "superseded": "IN-D14",
}


def extract_file(entry: DocumentEntry) -> FileExtraction:
    """Read and extract one file; a file that cannot be read gives the reason instead of a result."""
    result = None
    error = None
    model = None
    try:
        model = read_document(entry.path)
        if entry.metadata_source == "detected":
            # Only without a usable manifest row: what a curated row leaves blank (or a damaged
            # manifest lacks) stays NULL rather than a guess labelled as the manifest's.
            detect_metadata(entry, model.full_text())
        result = extract_document(model, entry.document_id)
    except (UnreadableDocumentError, NotAPlanDocumentError) as exc:
        error = exc.reason
    except Exception as exc:  # a reader bug must not stop the other documents
        log.exception("extraction of %s failed", entry.file_name)
        error = f"{entry.file_name}: lỗi không mong đợi khi trích xuất (unexpected error): {exc!r}"
    return FileExtraction(
        issuer=entry.issuer,
        province=entry.province,
        document_date=entry.document_date,
        source_format=model.file_format if model else entry.path.suffix.lstrip(".").lower() or None,
        page_count=model.page_count if model else None,
        error=error,
        result=result,
    )


def extract_entry(
    entry: DocumentEntry, cache: ExtractionCache | None = None
) -> tuple[DocumentRecord, ExtractionResult | None]:
    """Extract one document (or take its cached extraction); a document that cannot be read
    becomes a 'failed' row with the reason, one that is not to be loaded says why, without a result."""
    if entry.duplicate_of is not None:
        return _duplicate_record(entry), None
    extraction = cache.get(entry) if cache is not None else None
    if extraction is None:
        # On a copy: the cache key is made of the metadata as given, before detection fills it.
        extraction = extract_file(dataclasses.replace(entry))
        # An unexpected error may be a passing fault (a file still being copied): not cached.
        if cache is not None and (extraction.result is not None or not _is_unexpected(extraction.error)):
            cache.put(entry, extraction)
    # What the document itself says fills what the manifest left empty (as on a first extraction).
    entry.issuer = entry.issuer or extraction.issuer
    entry.province = entry.province or extraction.province
    entry.document_date = entry.document_date or extraction.document_date
    result = extraction.result
    status, error, record_count = "failed", extraction.error, 0
    if result is not None:
        record_count = sum(len(result.records(t)) for t in RECORD_TYPES if t != "extraction_issues")
        status = "ok"
    if result is not None and entry.unlisted:
        status, error = "not_listed", _not_listed_reason(entry, result, record_count)
        record_count = 0
    elif result is not None and entry.manifest_sha256 and entry.manifest_sha256.lower() != entry.sha256:
        # The manifest vouches for one version of the file; these bytes are another (cut short in a
        # copy, edited, replaced). Loaded, a cut-down plan published with tasks silently missing.
        status, error = "changed_since_listed", _changed_reason(entry, result, record_count)
        record_count = 0
    record = _record(
        entry,
        read_kind=result.document_kind if result else None,
        source_format=extraction.source_format,
        page_count=extraction.page_count,
        extraction_status=status,
        extraction_error=error,
        record_count=record_count,
    )
    return record, result if status == "ok" else None


def _not_listed_reason(entry: DocumentEntry, result: ExtractionResult, count: int) -> str:
    return (
        f"{entry.file_name}: chưa có dòng trong {MANIFEST_NAME} nên không nạp {count} bản ghi đọc được "
        f"({result.document_kind}); thêm một dòng cho tệp này (not listed in the manifest: add a row)"
    )


def _changed_reason(entry: DocumentEntry, result: ExtractionResult, count: int) -> str:
    return (
        f"{entry.file_name}: nội dung khác với bản đã khai báo trong {MANIFEST_NAME} (sha256 ghi "
        f"{entry.manifest_sha256[:12]}…, tệp hiện có {entry.sha256[:12]}…) nên không nạp {count} bản ghi "
        f"đọc được ({result.document_kind}); nếu đây đúng là bản mới, ghi sha256 {entry.sha256} vào "
        f"{MANIFEST_NAME}, nếu không hãy đặt lại tệp đúng (file differs from the manifest's sha256)"
    )


def _duplicate_record(entry: DocumentEntry) -> DocumentRecord:
    """A copy of another document: recorded, not read; the original's rows are the facts."""
    return _record(
        entry,
        source_format=entry.path.suffix.lstrip(".").lower() or None,
        page_count=None,
        extraction_status="duplicate",
        extraction_error=(
            f"{entry.file_name}: cùng nội dung với {entry.duplicate_of}, không trích xuất lại "
            f"(duplicate of {entry.duplicate_of})"
        ),
        record_count=0,
    )


def _record(entry: DocumentEntry, read_kind: str | None = None, **outcome: Any) -> DocumentRecord:
    """The document's row: what the manifest (or detection) says about it, the kind its text reads
    as when the manifest gives none, and ``outcome`` (source_format, page_count, extraction_status,
    extraction_error, record_count)."""
    return DocumentRecord(
        document_id=entry.document_id,
        file_name=entry.file_name,
        original_file_name=entry.original_file_name,
        sha256=entry.sha256,
        kind=entry.kind or read_kind,
        issuer=entry.issuer,
        province=entry.province,
        document_date=entry.document_date,
        title=entry.title,
        metadata_source=entry.metadata_source,
        metadata_issue=entry.metadata_issue,
        is_sample=False,
        note=entry.note,
        **outcome,
    )


def _is_unexpected(error: str | None) -> bool:
    return error is not None and "(unexpected error)" in error


def extract_folder(directory: Path, cache: ExtractionCache | None = None) -> ExtractionRun:
    """Extract every document of a folder; with a cache, unchanged documents are not read again.

    Of the plan documents that would load, only the one in force does (see the module doc).
    """
    scan = scan_folder(directory)
    run = ExtractionRun(warnings=scan.warnings)
    loaded: list[tuple[DocumentRecord, ExtractionResult]] = []
    for entry in scan.entries:
        record, result = extract_entry(entry, cache)
        run.documents.append(record)
        if result is not None:
            loaded.append((record, result))
    run.plan_document = supersede_plans(loaded, run.cut_short)
    run.results = [result for record, result in loaded if record.extraction_status == "ok"]
    return run


# The forms of the plan, the one the extraction reads most faithfully first (see the module doc).
FORMAT_PREFERENCE = ("txt", "docx", "pdf")

_ISO_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_DAY_FIRST_DATE = re.compile(r"(?:(\d{1,2})[-/.])?(\d{1,2})[-/.](\d{4})")


def date_key(text: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) of a document_date ('2025-06', '2025', '15/06/2025'), 0 for a part not
    given; None when there is no date or it cannot be read as one."""
    text = (text or "").strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.group(1), match.group(2), match.group(3)
    elif match := _DAY_FIRST_DATE.fullmatch(text):
        day, month, year = match.group(1), match.group(2), match.group(3)
    else:
        return None
    if (month is not None and not 1 <= int(month) <= 12) or (day is not None and not 1 <= int(day) <= 31):
        return None
    return int(year), int(month or 0), int(day or 0)


def plan_precedence(record: DocumentRecord) -> tuple:
    """Sort key of the plan documents: the one in force first (module doc: date, form, name)."""
    date = date_key(record.document_date)
    return (
        date is None,
        tuple(-part for part in date) if date else (),
        _format_rank(record.source_format),
        record.file_name,
    )


def _format_rank(source_format: str | None) -> int:
    fmt = (source_format or "").lower()
    return FORMAT_PREFERENCE.index(fmt) if fmt in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)


def supersede_plans(
    loaded: list[tuple[DocumentRecord, ExtractionResult]], cut_short: list[str] | None = None
) -> str | None:
    """Keep one plan document: mark every other one 'superseded' with the reason, in place; the file
    names of those set aside for lacking a part (not for their date) are added to ``cut_short``.

    Returns the file name of the plan document in force (None when no plan document loads).
    """
    plans = [(record, result) for record, result in loaded if result.document_kind == RESOLUTION]
    if not plans:
        return None
    ordered = sorted(plans, key=lambda plan: plan_precedence(plan[0]))
    parts = {id(record): plan_parts(result) for record, result in ordered}
    held = set().union(*parts.values())
    # The first in precedence that lacks nothing another holds; when each lacks something, precedence.
    winner = next((record for record, _ in ordered if parts[id(record)] >= held), ordered[0][0])
    for record, result in ordered:
        if record is winner:
            continue
        # Ahead of the winner by date, form or name: set aside for what it lacks, and said so.
        outranks = plan_precedence(record) < plan_precedence(winner)
        record.extraction_status = "superseded"
        record.extraction_error = (
            _incomplete_reason(record, result, winner, sorted(held - parts[id(record)]))
            if outranks
            else _superseded_reason(record, result, winner)
        )
        if outranks and cut_short is not None:
            cut_short.append(record.file_name)
        record.record_count = 0
    return winner.file_name


# What a plan document holds, by part: each kind of table read, each total it states (Appendix 2's unit
# rows each on their own) and each numbered row (a task of Appendix I, a unit or content of Appendix
# 2). A copy cut short lacks whatever came after the cut, wherever it falls: Appendix 2's "Tổng cộng"
# row is printed before its units, so totals alone did not show a cut inside Appendix 2.
PLAN_PARTS_VI = {
    "table:kpi_roadmap": "bảng lộ trình các chỉ tiêu",
    "table:task_budget": "bảng Phụ lục I",
    "table:unit_budget": "bảng Phụ lục 2",
    "total:appendix_I": "dòng tổng cộng Phụ lục I",
    "total:appendix_II": "dòng tổng cộng Phụ lục 2",
    "total:part_IV": "các số tổng kinh phí Phần IV",
}
_ROWS_VI = {"I": "nhiệm vụ Phụ lục I", "II": "dòng của Phụ lục 2"}


def plan_parts(result: ExtractionResult) -> set[str]:
    tables = {f"table:{table.table_kind}" for table in result.plan_tables}
    totals = {f"total:{total.scope}" for total in result.stated_totals}
    rows = {f"row:{item.appendix}:{item.item_no}" for item in result.plan_items}
    return tables | totals | rows


def parts_in_words(parts: list[str]) -> str:
    """Missing parts as a person reads them: the tables and totals by name, the rows counted with the
    first and last number ("46 nhiệm vụ Phụ lục I (40 … 85)")."""
    words = [PLAN_PARTS_VI[part] for part in parts if part in PLAN_PARTS_VI]
    units = [part.rsplit(".", 1)[1] for part in parts if part.startswith("total:appendix_II.unit.")]
    if units:
        words.append(f"dòng đơn vị {', '.join(sorted(units, key=_number_key))} của Phụ lục 2")
    for appendix, label in _ROWS_VI.items():
        numbers = sorted(
            (p.split(":", 2)[2] for p in parts if p.startswith(f"row:{appendix}:")), key=_number_key
        )
        if numbers:
            span = f" ({numbers[0]} … {numbers[-1]})" if len(numbers) > 1 else f" ({numbers[0]})"
            words.append(f"{len(numbers)} {label}{span}")
    return ", ".join(words)


def _number_key(number: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


def _incomplete_reason(
    record: DocumentRecord, result: ExtractionResult, winner: DocumentRecord, lacking: list[str]
) -> str:
    tasks = sum(1 for item in result.plan_items if item.item_level == "task")
    return (
        f"{record.file_name}: không nạp {record.record_count} bản ghi đọc được ({tasks} nhiệm vụ) vì tệp "
        f"thiếu {parts_in_words(lacking)} mà {winner.file_name} có: có thể tệp bị cắt ngắn hoặc chép chưa "
        f"xong; văn bản kế hoạch được dùng là {winner.file_name}. Hãy chép lại tệp đủ. Nếu văn bản mới thật "
        f"sự bỏ các phần này, hãy chuyển {winner.file_name} ra khỏi raw/documents (và bỏ dòng của nó trong "
        f"{MANIFEST_NAME}) rồi chạy lại (lacks what {winner.file_name} holds: probably cut short, not in "
        f"force; if the new plan really drops them, move {winner.file_name} out of raw/documents)"
    )


def _superseded_reason(record: DocumentRecord, result: ExtractionResult, winner: DocumentRecord) -> str:
    tasks = sum(1 for item in result.plan_items if item.item_level == "task")
    why_vi, why_en = _why_in_force(winner, record)
    return (
        f"{record.file_name}: không nạp {record.record_count} bản ghi đọc được ({tasks} nhiệm vụ) vì "
        f"văn bản kế hoạch được dùng là {winner.file_name}: {why_vi} "
        f"(superseded by {winner.file_name}: {why_en})"
    )


def _why_in_force(winner: DocumentRecord, other: DocumentRecord) -> tuple[str, str]:
    """Why ``winner`` is in force rather than ``other``, in Vietnamese and in English."""
    won, lost = date_key(winner.document_date), date_key(other.document_date)
    if won != lost:
        if lost is None:
            given = other.document_date or "trống"
            return (
                f"ngày văn bản {winner.document_date}, tệp này không có ngày dùng được ({given})",
                f"dated {winner.document_date}, this file has no usable document_date",
            )
        return (
            f"ngày văn bản {winner.document_date} mới hơn {other.document_date}",
            f"later document_date, {winner.document_date} vs {other.document_date}",
        )
    if won is None:
        same_vi, same_en = "cả hai không có ngày văn bản dùng được", "neither has a usable document_date"
    else:
        same_vi = f"cùng ngày văn bản {winner.document_date}"
        same_en = f"same document_date {winner.document_date}"
    if _format_rank(winner.source_format) != _format_rank(other.source_format):
        return (
            f"{same_vi}, dạng {winner.source_format} được ưu tiên hơn {other.source_format} "
            "theo thứ tự txt, docx, pdf",
            f"{same_en}; {winner.source_format} is preferred to {other.source_format}: "
            "txt, then docx, then pdf",
        )
    return (
        f"{same_vi}, cùng dạng {winner.source_format}: chọn theo tên tệp",
        f"{same_en} and format: first by file name",
    )


def write_raw_tables(run: ExtractionRun, out_dir: Path) -> dict[str, int]:
    """One Parquet file per raw table (plus ``documents``); returns row counts."""
    counts = {"documents": write_parquet(run.documents, DocumentRecord, out_dir / "documents.parquet")}
    pause_point("extraction_writing")  # fault tests kill the refresh here: raw tables half written
    for table, record_type in RECORD_TYPES.items():
        records = [r for result in run.results for r in result.records(table)]
        counts[table] = write_parquet(records, record_type, out_dir / f"{table}.parquet")
    return counts
