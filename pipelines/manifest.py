"""The documents under raw/documents and what is known about each.

``raw/documents/manifest.csv`` is curated by a person: for each file, its kind
(resolution / slide deck), issuer, province, date and original file name. It is what says
what a document is, so only the documents it lists are loaded; a file dropped into the
folder without a row is still read and recorded, with the reason it was not loaded.

A damaged manifest never stops the refresh. Saved by Excel with a BOM, it reads as any other;
a column it lacks leaves that value NULL, and a row that cannot be read is not used: that
document's metadata is then detected from its text, marked ``metadata_source = 'detected'`` so
nobody mistakes a guess for a curated fact. Either way the reason is in ``metadata_issue``.
When the manifest cannot say which files it lists (missing, not UTF-8, no ``file_name``
column, rows it cannot read), no file counts as unlisted: every document still loads, as it
would with no manifest at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.input_rules import input_warning

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = [
    "file_name",
    "kind",
    "issuer",
    "province",
    "document_date",
    "title",
    "original_file_name",
    "sha256",
    "note",
]
# Files in the folder that are not documents.
_NOT_DOCUMENTS = {MANIFEST_NAME, "README.md", ".gitkeep"}
# The owner file Word or Excel keeps beside a document while someone has it open on the share
# ("~$0_a74ee38357d31740.docx": a few bytes naming who opened it, never a document).
OFFICE_OWNER_PREFIX = "~$"


def ignored_by_extraction(path: Path) -> bool:
    """True for a file of raw/documents that extraction never reads: a note for people, a hidden
    file or an Office owner file (the manifest is read, as the documents' metadata). Whatever says
    what the folder holds (the refresh's input hashes, `nq57 status`) asks this, so that opening
    the plan in Word on the share is no new document: it read as a failed one and started a full
    rebuild, and another when Word closed."""
    return path.name in _NOT_DOCUMENTS - {MANIFEST_NAME} or path.name.startswith((".", OFFICE_OWNER_PREFIX))


@dataclass
class DocumentEntry:
    # The file name without its extension; when two files share that stem, the one the manifest
    # lists (else the first by name) keeps it and the other is named by its whole file name.
    document_id: str
    file_name: str
    path: Path
    sha256: str
    kind: str | None
    issuer: str | None
    province: str | None
    document_date: str | None  # as precise as the document is: '2025-06', '2025'
    title: str | None
    original_file_name: str | None
    metadata_source: str  # 'manifest' | 'detected'
    manifest_sha256: str | None  # what the manifest recorded; differs when the file changed
    note: str | None
    # Why the manifest did not give (all of) this document's metadata; None when it did.
    metadata_issue: str | None = None
    in_manifest: bool = False  # the manifest has a row naming this file (usable or not)
    # A manifest read to its end has no row for this file: it is read and recorded, not loaded.
    unlisted: bool = False
    # The file name of another document in the folder with the very same bytes.
    duplicate_of: str | None = None


@dataclass
class ManifestRow:
    line: int
    values: dict[str, str]  # column → value, blank cells left out
    issue: str | None = None  # why this row's values are not (all) used


@dataclass
class Manifest:
    """What ``manifest.csv`` says, and what in it could not be read."""

    rows: dict[str, ManifestRow] = field(default_factory=dict)  # by file name (NFC)
    # Every row was read: a file without a row is then really not listed. False when the file
    # is missing or damaged: which files it lists is then unknown, so none counts as unlisted.
    complete: bool = True
    problems: list[str] = field(default_factory=list)  # input warnings (pipelines.input_rules, IN-D…)

    def unmatched_issue(self) -> str:
        """The metadata issue of a document the manifest has no row for."""
        if self.complete:
            return f"chưa có dòng trong {MANIFEST_NAME} (not listed in the manifest)"
        more = f" (+{len(self.problems) - 2})" if len(self.problems) > 2 else ""
        return "; ".join(self.problems[:2]) + more


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _name_key(name: str) -> str:
    # A name typed into Excel on one machine and a file copied from a Mac can differ only in
    # Unicode normalisation or stray spaces: still the same file.
    return unicodedata.normalize("NFC", name).strip()


def read_manifest(directory: Path) -> Manifest:
    """Read ``manifest.csv``; never raises for what is in the file, says what it could not read."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        return Manifest(complete=False, problems=[input_warning("IN-D01", f"không có {path}")])
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a BOM, which would hide 'file_name'.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = f"{MANIFEST_NAME}: byte thứ {error.start + 1} không phải UTF-8"
        return Manifest(complete=False, problems=[input_warning("IN-D02", where)])
    except OSError as error:
        return Manifest(complete=False, problems=[input_warning("IN-D03", f"{MANIFEST_NAME}: {error}")])
    manifest = Manifest()
    reader = csv.reader(io.StringIO(text, newline=""))
    seen: dict[str, list[ManifestRow]] = defaultdict(list)
    missing_issue = None
    try:
        header = [cell.strip().lstrip("\ufeff").lower() for cell in next(reader, [])]
        if "file_name" not in header:
            manifest.complete = False
            manifest.problems.append(
                input_warning("IN-D04", f"{MANIFEST_NAME}, dòng tiêu đề: {', '.join(header) or 'trống'}")
            )
            return manifest
        missing = [c for c in MANIFEST_COLUMNS if c not in header]
        if missing:
            missing_issue = input_warning("IN-D05", f"{MANIFEST_NAME} thiếu cột {', '.join(missing)}")
            manifest.problems.append(missing_issue)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            line = reader.line_num
            named = dict(zip(header, cells, strict=False))
            name = _name_key(named.get("file_name", ""))
            if len(cells) != len(header):
                # A comma too many or too few shifts every cell after it: none of them can be trusted.
                issue = input_warning(
                    "IN-D06", f"{MANIFEST_NAME} dòng {line}: {len(cells)} ô, tiêu đề có {len(header)}"
                )
                manifest.problems.append(issue)
                manifest.complete = False  # its file name may be one of the shifted cells
                if name:
                    seen[name].append(ManifestRow(line, {}, issue))
                continue
            if not name:
                manifest.problems.append(input_warning("IN-D07", f"{MANIFEST_NAME} dòng {line}"))
                manifest.complete = False
                continue
            values = {k: v.strip() for k, v in named.items() if k in MANIFEST_COLUMNS and v.strip()}
            seen[name].append(ManifestRow(line, values))
    except csv.Error as error:
        manifest.complete = False
        manifest.problems.append(input_warning("IN-D08", f"{MANIFEST_NAME} dòng {reader.line_num}: {error}"))
    for name, rows in seen.items():
        row = rows[0]
        if len(rows) > 1 and any(other.values != row.values or other.issue for other in rows[1:]):
            # Two curated answers for one file: picking one would be a guess.
            lines = ", ".join(str(r.line) for r in rows)
            row = ManifestRow(row.line, {}, input_warning("IN-D09", f"{name}: {MANIFEST_NAME} dòng {lines}"))
            manifest.problems.append(row.issue)
        elif row.issue is None:
            row.issue = missing_issue
        manifest.rows[name] = row
    return manifest


@dataclass
class DocumentScan:
    entries: list[DocumentEntry]
    warnings: list[str]  # what in the manifest could not be read: input warnings (IN-D…)


def scan_folder(directory: Path) -> DocumentScan:
    """Every file in the folder (supported or not: a bad file must be answered, not skipped)."""
    manifest = read_manifest(directory)
    entries = []
    documents = (p for p in directory.iterdir() if p.name != MANIFEST_NAME and not ignored_by_extraction(p))
    for path in sorted(p for p in documents if p.is_file()):
        row = manifest.rows.get(_name_key(path.name))
        given = row.values if row else {}
        entries.append(
            DocumentEntry(
                document_id=path.stem,
                file_name=path.name,
                path=path,
                sha256=sha256_of(path),
                kind=given.get("kind"),
                issuer=given.get("issuer"),
                province=given.get("province"),
                document_date=given.get("document_date"),
                title=given.get("title"),
                original_file_name=given.get("original_file_name") or path.name,
                metadata_source="manifest" if given else "detected",
                manifest_sha256=given.get("sha256"),
                note=given.get("note"),
                metadata_issue=row.issue if row else manifest.unmatched_issue(),
                in_manifest=row is not None,
                unlisted=row is None and manifest.complete,
            )
        )
    if manifest.complete and entries and not any(e.in_manifest for e in entries):
        # A manifest that names none of these files (emptied, or another folder's) says nothing
        # about them: loading none of the documents would empty the marts for a curation slip.
        problem = input_warning(
            "IN-D10", f"{MANIFEST_NAME}: không dòng nào cho {len(entries)} tệp của thư mục"
        )
        manifest.problems.append(problem)
        for entry in entries:
            entry.unlisted, entry.metadata_issue = False, problem
    _assign_ids(entries)
    _mark_duplicates(entries)
    return DocumentScan(entries, manifest.problems)


def scan_documents(directory: Path) -> list[DocumentEntry]:
    """The documents of a folder (see ``scan_folder``, which also says what the manifest lacks)."""
    return scan_folder(directory).entries


def _precedence(entry: DocumentEntry) -> tuple[bool, str]:
    """Who keeps a contested id or counts as the original: a listed file first, then by name."""
    return (not entry.in_manifest, entry.file_name)


def _assign_ids(entries: list[DocumentEntry]) -> None:
    """The stem, unique in the folder: facts and marts point at it, so it must not collide.

    Only a file sharing its stem with another ('Ke hoach.txt' + 'Ke hoach.pdf') is affected: the
    listed (else first) one keeps the stem, so adding an unlisted sibling never renames a loaded
    document; the other takes its whole file name, which is unique in a folder.
    """
    taken: set[str] = set()
    for entry in sorted(entries, key=_precedence):
        candidate, n = entry.document_id, 1
        if candidate in taken:
            candidate = entry.file_name
        while candidate in taken:  # only if a file name equals another file's stem
            n += 1
            candidate = f"{entry.file_name}~{n}"
        entry.document_id = candidate
        taken.add(candidate)


def _mark_duplicates(entries: list[DocumentEntry]) -> None:
    """Mark every file whose bytes another document already has, so they are extracted once.

    Empty files are left alone: they duplicate nothing, and each gets its own reason (empty
    file, not a PDF) when read.
    """
    by_content: dict[str, list[DocumentEntry]] = defaultdict(list)
    for entry in entries:
        if entry.path.stat().st_size > 0:
            by_content[entry.sha256].append(entry)
    for same in by_content.values():
        original, *copies = sorted(same, key=_precedence)
        for copy in copies:
            copy.duplicate_of = original.file_name


_ISSUER = re.compile(
    r"(HỘI ĐỒNG NHÂN DÂN|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|BAN THƯỜNG VỤ TỈNH ỦY|TỈNH ỦY)"
    r"\s+TỈNH\s+([A-ZÀ-Ỹ][A-ZÀ-Ỹ ]+)"
)
_PROVINCE = re.compile(r"tỉnh\s+((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s?){1,3})")
_DATE = re.compile(r"tháng\s+(\d{1,2})\s+năm\s+(20\d\d)")


def detect_metadata(entry: DocumentEntry, text: str) -> None:
    """Fill what the manifest did not give from the document's own text (first pages only)."""
    head = text[:20000]
    if entry.issuer is None:
        match = _ISSUER.search(head)
        if match:
            entry.issuer = f"{match.group(1).capitalize()} tỉnh {match.group(2).strip().title()}"
    if entry.province is None:
        match = _PROVINCE.search(head)
        if match:
            entry.province = match.group(1).strip()
    if entry.document_date is None:
        match = _DATE.search(head)
        if match:
            entry.document_date = f"{match.group(2)}-{int(match.group(1)):02d}"
