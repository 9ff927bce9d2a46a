"""A per-document cache of extraction results, so an unchanged document is not read again.

Reading the 44-page resolution PDF is most of an extraction; the nightly refresh re-runs
whenever *any* input changed (a new submission, usually), so without this cache every
document would be re-read every time. An entry is keyed by everything its result depends on:

- the file's sha256 (its content) and its name: 'empty.txt', 'empty.pdf' and 'empty.docx' have
  the same (no) bytes but fail for different reasons, as their names say which reader reads them,
- the document id (every record carries it), the metadata the manifest gives it and whether
  it gives any (only without a usable manifest row is metadata detected from the text),
- the extraction code version: a hash of the readers, parsers and extractors' source, so a
  fix in the code re-extracts every document on the next refresh.

Entries are pickles written by this program into its own state folder (never input from
outside); a file that cannot be loaded is treated as a miss and overwritten. When an entry is
written, the file's older entries and every entry of another code version are deleted (they can
never be read again), so the folder holds one entry per document file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.extract.records import ExtractionResult
from pipelines.manifest import DocumentEntry
from pipelines.source_fingerprint import source_fingerprint

log = logging.getLogger(__name__)

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# The source whose change can change what a document yields.
_CODE_PARTS = ("extract", "readers", "parsing", "document_model.py", "manifest.py")
_SUFFIX = ".pickle"


@dataclass(frozen=True)
class FileExtraction:
    """What extracting one file gave: the result or the reason it failed, and what was detected."""

    issuer: str | None
    province: str | None
    document_date: str | None
    source_format: str | None
    page_count: int | None
    error: str | None
    result: ExtractionResult | None


def extraction_code_version() -> str:
    """A short hash of the extraction code (file names and contents)."""
    return source_fingerprint(_PACKAGE_ROOT, _CODE_PARTS)


class ExtractionCache:
    """Extraction results on disk under ``folder``, valid for one code version."""

    def __init__(self, folder: Path, code_version: str | None = None) -> None:
        self.folder = folder
        self.code_version = code_version or extraction_code_version()
        self.hits = 0
        self.misses = 0

    def key(self, entry: DocumentEntry) -> str:
        """'<file name>.<digest>.<code version>': named by the file, unique in the folder."""
        given = (
            entry.file_name,
            entry.document_id,
            entry.kind,
            entry.issuer,
            entry.province,
            entry.document_date,
            entry.metadata_source,
        )
        digest = hashlib.sha256(repr((entry.sha256, given)).encode()).hexdigest()[:24]
        return f"{entry.file_name}.{digest}.{self.code_version}"

    def get(self, entry: DocumentEntry) -> FileExtraction | None:
        path = self.folder / (self.key(entry) + _SUFFIX)
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)  # written by this program only, see the module doc
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as error:  # a damaged entry is a miss, never a failed refresh
            log.warning("extraction cache entry %s unreadable (%r): extracting again", path.name, error)
            self.misses += 1
            return None
        if not isinstance(cached, FileExtraction):
            self.misses += 1
            return None
        self.hits += 1
        return cached

    def put(self, entry: DocumentEntry, extraction: FileExtraction) -> None:
        """Store an entry atomically; a cache that cannot be written only costs time, so say so and go on."""
        key = self.key(entry)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=_SUFFIX)
            with os.fdopen(handle, "wb") as out:
                pickle.dump(extraction, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / (key + _SUFFIX))
            for stale in self.folder.glob(f"*{_SUFFIX}"):
                # '<file name>.<digest>.<code version>.pickle'; file names contain dots themselves.
                parts = stale.name[: -len(_SUFFIX)].rsplit(".", 2)
                if stale.name != key + _SUFFIX and (
                    parts[0] == entry.file_name or parts[-1] != self.code_version
                ):
                    stale.unlink(missing_ok=True)
        except OSError as error:
            log.warning("extraction cache not written for %s: %s", entry.file_name, error)
