"""Reading ``manifest.csv`` in the submissions inbox: the received date a person recorded for a file.

The archive (``archive.py``) fixes a new file's received date the first time it sees the file: the
``received_at`` column of ``raw/submissions/manifest.csv`` when the file is listed there (the shipped
samples, or a clerk recording the e-mail's date), else the file's modification time. This module reads
the manifest, finds a file's row and gives its date.

The manifest's optional ``is_sample`` column (the shipped samples say ``true``) is a second mark of a
sample besides the file's own ``is_sample`` on its info sheet. The two are read at every ingestion
(``sample_mark``): when either says sample the figures are carried as samples, and when they
disagree the operator is warned, naming both. Figures made up for a demonstration must never pass
for a department's real report because one of two marks was lost (a sample's info sheet retyped).

The manifest is typed by people and saved by Excel: what it cannot give (an unreadable file, a missing
column, a broken line, a date that is no date) is a warning naming the line, and the file falls back to
its modification time; a bad manifest never stops the refresh. A row naming no file (a misspelt name)
is a warning too: otherwise its file would silently take its modification time. Names are compared in
Unicode NFC, the form the registry stores: macOS writes file names decomposed (NFD), the manifest is
typed composed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.input_rules import input_warning

if TYPE_CHECKING:
    from pipelines.submissions.archive import ArchiveEntry

MANIFEST_NAME = "manifest.csv"
VIETNAM = timezone(timedelta(hours=7))
# dd/mm/yyyy [hh:mm[:ss]]: what Vietnamese offices type and what Excel set to Vietnamese writes
# when it saves a date cell to CSV (so a manifest opened and saved in Excel keeps its dates).
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_received_at(text: str) -> datetime:
    """'2026-04-12', '2026-04-12 09:30', '2026-04-12T09:30:00+07:00', or day first as written in
    Vietnam, '12/04/2026', '12/04/2026 09:30' (never month first); no offset means Vietnam time.

    ValueError when the text is none of these or no real date (31/02/2026)."""
    text = text.strip()
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:
        day, month, year, hour, minute, second = (int(part or 0) for part in day_first.groups())
        value = datetime(year, month, day, hour, minute, second)
    else:
        value = datetime.fromisoformat(text)
    value = value if value.tzinfo else value.replace(tzinfo=VIETNAM)
    try:
        value.astimezone(UTC)  # the registry's received times are compared in UTC
    except OverflowError as error:  # year 1 or 9999 at the edge of a day
        raise ValueError(f"{text}: out of range") from error
    return value


@dataclass(frozen=True)
class ManifestRow:
    line: int  # line number in manifest.csv (1 = the header)
    received_at: str  # as written
    is_sample: str = ""  # as written; the column is optional


@dataclass
class InboxManifest:
    rows: dict[str, ManifestRow] = field(default_factory=dict)  # NFC path relative to the inbox → row
    problems: list[str] = field(default_factory=list)  # input warnings (pipelines.input_rules)


def load_inbox_manifest(inbox: Path) -> InboxManifest:
    """What ``manifest.csv`` says, by NFC path relative to the inbox, and what it could not say.

    Never raises for what is in the file. UTF-8 (with or without the BOM that Excel's "CSV UTF-8"
    writes) or Windows-1258 (Excel's plain "CSV" on a Vietnamese Windows), the same decoding as a
    CSV submission; ',' or ';' as separator, as in a CSV submission (Excel uses ';' where the
    decimal separator is ','). A line the CSV reader cannot read (a quote left open) is skipped
    alone: the lines after it are read again from the next line on, not swallowed into it."""
    # Imported here, not at the top: archive.py imports this module.
    from pipelines.submissions.archive import nfc
    from pipelines.submissions.readers import SubmissionReadError, decode_csv

    manifest = InboxManifest()
    path = inbox / MANIFEST_NAME
    if not path.exists():
        return manifest
    try:
        text, _encoding = decode_csv(path.read_bytes())
    except (OSError, SubmissionReadError) as error:
        # SubmissionReadError's detail is "what: advice to a department / English": only the "what" is
        # kept (the byte and its place, or UTF-16); this file is the operator's, the catalogue says the fix.
        why = (
            f"không phải mã UTF-8 hay Windows-1258 ({error.detail.split(' / ')[0].split(':')[0]})"
            if isinstance(error, SubmissionReadError)
            else f"không mở được: {error}"
        )
        manifest.problems.append(input_warning("IN-S01", f"{MANIFEST_NAME}: {why}"))
        return manifest
    # Windows-1258 writes tone marks as combining characters; macOS names are decomposed: NFC both.
    lines = io.StringIO(nfc(text), newline="").readlines()
    header = lines[0] if lines else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    records = _csv_records(lines, delimiter, manifest.problems)
    first = next(records, None)
    columns = [cell.strip() for cell in first[1]] if first else []
    missing = [name for name in ("file_name", "received_at") if name not in columns]
    if missing:
        manifest.problems.append(
            input_warning(
                "IN-S02",
                f"{MANIFEST_NAME} thiếu cột {', '.join(missing)} (đang có: "
                f"{', '.join(columns) or 'không có cột nào'})",
            )
        )
        return manifest
    name_at, received_at = columns.index("file_name"), columns.index("received_at")
    sample_at = columns.index("is_sample") if "is_sample" in columns else None

    def cell(cells: list[str], at: int | None) -> str:
        return cells[at] if at is not None and at < len(cells) else ""

    for line, cells in records:
        name = cell(cells, name_at)
        if name:
            manifest.rows[name] = ManifestRow(line, cell(cells, received_at), cell(cells, sample_at))
    return manifest


# What a person types for "not a sample" (the "sample" words are the info sheet's: layout.is_true).
_NOT_SAMPLE_WORDS = {"false", "no", "0", "không", "khong"}


def sample_mark(
    row: ManifestRow | None, file_is_sample: bool | None, relative: str
) -> tuple[bool | None, str | None]:
    """(is_sample to carry, warning or None) for a file whose info sheet says ``file_is_sample`` (None:
    not read, a rejected file) and whose manifest row is ``row`` (None: not listed).

    Sample when either mark says so; a disagreement is a warning naming both. A blank or absent
    manifest value, or a word that is neither yes nor no, says nothing."""
    from pipelines.submissions.layout import is_true

    written = row.is_sample.strip() if row is not None else ""
    manifest_says = (
        True if written and is_true(written) else False if written.casefold() in _NOT_SAMPLE_WORDS else None
    )
    if manifest_says is None or file_is_sample is None or manifest_says == file_is_sample:
        return (True if manifest_says else file_is_sample), None
    assert row is not None
    detail = f"{MANIFEST_NAME} dòng {row.line}, tệp {relative}: is_sample = {written}"
    return True, input_warning("IN-S07" if manifest_says else "IN-S08", detail)


def _csv_records(lines: list[str], delimiter: str, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each record; a broken record is reported
    and skipped, and reading starts again on the line after its first line."""
    start = 0  # index in ``lines`` the current reader started at
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
        consumed = 0  # lines the reader has taken so far
        try:
            for cells in reader:
                if cells:
                    yield start + consumed + 1, cells
                consumed = reader.line_num
            return
        except csv.Error:
            bad = start + consumed + 1
            # The reader's words ("unexpected end of data") name nothing a person finds: the line does.
            problems.append(input_warning("IN-S03", f"{MANIFEST_NAME} dòng {bad}"))
            start = bad  # the index of the line after the broken one


def _manifest_row(manifest: InboxManifest, relative: str, warnings: list[str]) -> ManifestRow | None:
    """The manifest row of a new file: by its exact (NFC) path; else the one row whose path differs
    only in letter case, with a warning. The received date is fixed at first sight, so a clerk's
    'VPTU_2026-Q2.XLSX' for 'VPTU_2026-Q2.xlsx' must count now: corrected later it would change nothing."""
    exact = manifest.rows.get(relative)
    if exact is not None:
        return exact
    folded = [(name, row) for name, row in manifest.rows.items() if name.casefold() == relative.casefold()]
    if len(folded) != 1:
        return None
    name, row = folded[0]
    warnings.append(
        input_warning("IN-S05", f"{MANIFEST_NAME} dòng {row.line}: ghi '{name}', tên tệp là '{relative}'")
    )
    return row


def _rows_for_no_file(manifest: InboxManifest, inbox: Path, entries: list[ArchiveEntry]) -> list[str]:
    """Warnings for manifest rows that name no file, in the inbox or ever received: a misspelt name
    gives its file no date (it falls back to its modification time, silently otherwise)."""
    # Imported here, not at the top: archive.py imports this module.
    from pipelines.submissions.archive import inbox_files, nfc

    known = {nfc(e.source_path).casefold() for e in entries}
    known.update(nfc(path.relative_to(inbox).as_posix()).casefold() for path in inbox_files(inbox))
    return [
        input_warning("IN-S06", f"{MANIFEST_NAME} dòng {row.line}: '{name}'")
        for name, row in manifest.rows.items()
        if name.casefold() not in known
    ]


def _received(
    path: Path, relative: str, listed: ManifestRow | None, warnings: list[str]
) -> tuple[datetime, str]:
    """(received time, 'manifest' | 'file_mtime') of a new file. Paths in the manifest are relative
    to the inbox: a name alone means the top folder. An empty received_at is no date, silently."""
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).astimezone(VIETNAM)
    if listed is not None and listed.received_at.strip():
        try:
            return parse_received_at(listed.received_at), "manifest"
        except ValueError:
            warnings.append(
                input_warning(
                    "IN-S04",
                    f"{MANIFEST_NAME} dòng {listed.line}, tệp {relative}: received_at "
                    f"{listed.received_at!r}; ngày nhận lấy {modified:%d/%m/%Y %H:%M}",
                )
            )
    return modified, "file_mtime"
