"""The documents under raw/documents and what is known about each.

``raw/documents/manifest.csv`` is curated by a person: for each file, its kind
(resolution / slide deck), issuer, province, date and original file name. A file dropped
into the folder later without a manifest row is still picked up; its metadata is then
detected from its text and marked ``metadata_source = 'detected'`` so nobody mistakes a
guess for a curated fact.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class DocumentEntry:
    document_id: str  # the file name without its extension: stable, unique in the folder
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(directory: Path) -> dict[str, dict[str, str]]:
    path = directory / MANIFEST_NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file_name"]: row for row in csv.DictReader(handle)}


def scan_documents(directory: Path) -> list[DocumentEntry]:
    """Every file in the folder (supported or not: a bad file must be answered, not skipped)."""
    manifest = load_manifest(directory)
    entries = []
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.name not in _NOT_DOCUMENTS):
        if path.name.startswith("."):
            continue
        row = manifest.get(path.name)
        entries.append(
            DocumentEntry(
                document_id=path.stem,
                file_name=path.name,
                path=path,
                sha256=sha256_of(path),
                kind=(row or {}).get("kind") or None,
                issuer=(row or {}).get("issuer") or None,
                province=(row or {}).get("province") or None,
                document_date=(row or {}).get("document_date") or None,
                title=(row or {}).get("title") or None,
                original_file_name=(row or {}).get("original_file_name") or path.name,
                metadata_source="manifest" if row else "detected",
                manifest_sha256=(row or {}).get("sha256") or None,
                note=(row or {}).get("note") or None,
            )
        )
    return entries


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
