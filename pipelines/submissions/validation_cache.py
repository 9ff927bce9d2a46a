"""A per-file cache of validation results, so an unchanged submission is not validated again.

Every refresh goes over the whole archive (it is the source of truth, and the raw tables are rewritten
from it), but what one file's checks find depends only on the file and on what it is checked against.
The one check that needs other files, SUB-X01 (``validator.check_cumulative``), and the versions are
worked out again over every file on every refresh; they are cheap. An entry is keyed by everything
``validator.validate_bytes`` reads:

- the file's sha256 and its file name (SUB-H05/H06/H07 compare the content with the name),
- the reference data (``reference_fingerprint``: tasks, agencies, indicators, funding sources, plan
  amounts by year, ... — every field of ``ReferenceData`` but the document id, which is a label),
- the validation code version (``validation_code_version``: a hash of the validator, readers, rules,
  layout, reference and number-parsing source, this module, and the workbook library's version), so a
  fix in a rule re-validates every file on the next refresh.

Entries live in one folder per reference data and code version, ``<cache>/<code>-<reference>/``, one
pickle per file (what ``validate_bytes`` returned, before the history check and before a duplicate's
findings are replaced). Entries are written by this program into its own folder under the archive (never
input from outside), atomically, on the ingestion's background writer; a folder of another reference or
code version is deleted once a refresh has used a new one. An entry that cannot be read is a miss (with
a warning) and is written again; a cache that cannot be written only makes the next refresh slower.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
import shutil
from importlib import metadata
from pathlib import Path

from pipelines.source_fingerprint import source_fingerprint
from pipelines.submissions.filewriter import FileWriter
from pipelines.submissions.reference import ReferenceData
from pipelines.submissions.validator import ValidationResult

log = logging.getLogger(__name__)

CACHE_FOLDER_NAME = "validation_cache"  # inside the archive folder
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# The source whose change can change what validating one file gives.
_CODE_PARTS = (
    "submissions/validator.py",
    "submissions/readers.py",
    "submissions/rules.py",
    "submissions/layout.py",
    "submissions/reference.py",
    "submissions/validation_cache.py",
    "parsing",
)
_LIBRARIES = ("python-calamine",)
_SUFFIX = ".pickle"
# Reference fields no rule reads: a label, not something a file is checked against.
_NOT_CHECKED_AGAINST = frozenset({"document_id"})


def validation_code_version() -> str:
    """A short hash of the validation code (file names and contents) and of the reader library's version."""
    versions = []
    for library in _LIBRARIES:
        try:
            versions.append(f"{library}=={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library}==-")
    return source_fingerprint(_PACKAGE_ROOT, _CODE_PARTS, versions)


def reference_fingerprint(reference: ReferenceData) -> str:
    """A short hash of the reference data, in order (order shows in messages: 'NSNN, VON_TU_NHAN, ...').

    Every field but ``document_id``, so a field added later is part of the key without anyone
    remembering to add it. The ``repr`` of the dataclasses is exact (decimals, dates, insertion order).
    """
    digest = hashlib.sha256()
    for item in dataclasses.fields(reference):
        if item.name not in _NOT_CHECKED_AGAINST:
            digest.update(f"{item.name}={getattr(reference, item.name)!r}\0".encode())
    return digest.hexdigest()[:16]


class ValidationCache:
    """Validation results on disk under ``folder``, valid for one reference data and code version."""

    def __init__(
        self,
        folder: Path,
        reference: ReferenceData,
        code_version: str | None = None,
        writer: FileWriter | None = None,
    ) -> None:
        self.folder = folder
        self.generation = f"{code_version or validation_code_version()}-{reference_fingerprint(reference)}"
        self.path = folder / self.generation
        self.writer = writer
        self.hits = 0
        self.misses = 0
        self.writable = True
        self._names: set[str] | None = None  # entries on disk: one listing, not a stat per file

    @staticmethod
    def key(file_name: str, sha256: str) -> str:
        """The entry of a file's content under a file name (the name is checked too)."""
        return hashlib.sha256(f"{sha256}\0{file_name}".encode()).hexdigest()[:32]

    def _listed(self, name: str) -> bool:
        if self._names is None:
            try:
                self._names = set(os.listdir(self.path))
            except OSError:  # not there yet (or unreadable: every file is a miss)
                self._names = set()
        return name in self._names

    def get(self, file_name: str, sha256: str) -> ValidationResult | None:
        """The cached result of validating this content under this name, or None (validate it)."""
        name = self.key(file_name, sha256) + _SUFFIX
        if not self._listed(name):
            self.misses += 1
            return None
        path = self.path / name
        if self.writer is not None:
            self.writer.wait(path)  # written earlier in this run (the same file at two inbox paths)
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)  # written by this program only, see the module doc
        except Exception as error:  # a damaged entry is a miss, never a failed refresh
            log.warning(
                "validation cache entry %s unreadable (%r): validating %s again", name, error, file_name
            )
            cached = None
        if not isinstance(cached, ValidationResult) or cached.file_name != file_name:
            if cached is not None:
                log.warning("validation cache entry %s is not %s's result: validating again", name, file_name)
            self.misses += 1
            return None
        self.hits += 1
        return cached

    def put(self, file_name: str, sha256: str, result: ValidationResult) -> None:
        """Store a fresh result (call before the history check changes it); never fails the refresh."""
        if not self.writable:
            return
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            self.path.mkdir(parents=True, exist_ok=True)
        except Exception as error:  # e.g. the folder is read-only or not a folder: only slower
            log.warning("validation cache not written (%s): the next refresh validates again", error)
            self.writable = False
            return
        path = self.path / (self.key(file_name, sha256) + _SUFFIX)
        if self.writer is not None:
            self.writer.write(path, data, atomic=True, optional=True)
        else:
            tmp = path.with_name(f".{path.name}.tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, path)
            except OSError as error:
                log.warning("validation cache entry for %s not written: %s", file_name, error)
                with contextlib.suppress(OSError):
                    tmp.unlink()
        if self._names is not None:
            self._names.add(path.name)

    def prune(self) -> None:
        """Delete the entries of other reference data or code versions (they can never be read again)."""
        try:
            others = [p for p in self.folder.iterdir() if p.is_dir() and p.name != self.generation]
        except OSError:
            return
        for other in others:
            shutil.rmtree(other, ignore_errors=True)
