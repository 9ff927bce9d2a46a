"""Writing many small files (archive copies, error reports) on a background thread.

On a first refresh every received file costs up to three new files: its archive copy and its reports.
Creating a file here takes 0.1–0.5 ms of kernel time depending on what else the disk is doing, about
half as long as validating the file. The kernel work runs outside the GIL, so a writer thread overlaps
it with the validation on the main thread. Files are written in the order they were queued, one
sequence number each, so waiting for one is a comparison, and queueing one costs about a microsecond
(a thread pool's futures cost ~50 µs each, which for 10.000 files is half a second of the main thread).
Nothing is lost on an error: ``close`` waits for every write and raises the first failure. A write
marked ``optional`` (a cache entry: losing it only costs time) is logged when it fails, never raised.
A write marked ``checked`` (an archive copy) is neither: the caller asks ``failure(path)`` and acts
on the answer (the ingestion leaves a file whose copy is not on disk out of the registry and says
why), so one file that cannot be written does not stop the refresh.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from pathlib import Path
from types import TracebackType

_STOP = None
log = logging.getLogger(__name__)


class FileWriter:
    """``write(path, data)`` returns at once; ``wait(path)`` before reading a file back; ``close()``.

    ``exists(path)`` answers from one listing per folder, kept up to date with what this writer writes
    and removes: a stat per file is slow while the writer creates files in the same folder.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[int, Path, bytes, bool, bool, bool] | None] = queue.SimpleQueue()
        self._queued = 0  # sequence number of the last queued write
        self._written = 0  # every write up to this number is done (or failed)
        self._last_for: dict[Path, int] = {}  # path → sequence number of its last queued write
        self._done = threading.Condition()
        self._errors: list[BaseException] = []
        self._failures: dict[Path, OSError] = {}  # path → why its last ``checked`` write failed
        self.optional_failures = 0  # optional writes that failed (logged, not raised)
        self._listing: dict[Path, set[str]] = {}  # folder → names in it (on disk or queued)
        self._made: set[Path] = set()
        self._thread = threading.Thread(target=self._run, name="nq57-file-writer", daemon=True)
        self._thread.start()
        self._closed = False

    # ── the writer thread ──
    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            number, path, data, atomic, optional, checked = item
            try:
                _write(path, data, atomic)
            except OSError as error:
                if checked:
                    self._failures[path] = error  # the caller asks failure(path)
                elif not optional:
                    self._errors.append(error)  # reported by close()
                else:
                    self._optional_failed(path, error)
            except BaseException as error:  # reported by close()
                self._errors.append(error)
            else:
                if checked:
                    self._failures.pop(path, None)  # the later write wins, whole
            with self._done:
                self._written = number
                self._done.notify_all()

    # ── the caller's side ──
    def write(
        self, path: Path, data: bytes, atomic: bool = False, optional: bool = False, checked: bool = False
    ) -> None:
        """Queue one file. ``atomic``: write a temporary file and rename it, so no reader (and no later
        run) ever finds half a file under the final name — for archive copies, which are never rewritten.
        ``optional``: a failure is logged (the first one as a warning) instead of raised by ``close``.
        ``checked``: a failure is kept for ``failure(path)`` instead of raised by ``close``.
        Two writes of one path are done in the order queued: the later one wins, whole.
        """
        folder = path.parent
        if folder not in self._made:  # one mkdir per folder, on this thread
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                if checked:
                    self._failures[path] = error
                    return
                if not optional:
                    raise
                self._optional_failed(path, error)
                return
            self._made.add(folder)
        self._names(folder).add(path.name)
        self._queued += 1
        self._last_for[path] = self._queued
        self._queue.put((self._queued, path, data, atomic, optional, checked))

    def _optional_failed(self, path: Path, error: OSError) -> None:
        self.optional_failures += 1
        if self.optional_failures == 1:
            log.warning("not written (only slower next time): %s: %s", path, error)

    def wait(self, path: Path) -> None:
        """Block until every queued write of ``path`` is on disk (no-op when none is pending)."""
        number = self._last_for.get(path)
        if number is None or number <= self._written:
            return
        with self._done:
            while self._written < number:
                self._done.wait()

    def failure(self, path: Path) -> OSError | None:
        """Why the last ``checked`` write of ``path`` failed, once every queued write of it is done;
        None when it was written (or none was queued)."""
        self.wait(path)
        return self._failures.get(path)

    def _names(self, folder: Path) -> set[str]:
        names = self._listing.get(folder)
        if names is None:
            try:
                names = set(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):  # a file in the folder's place holds nothing
                names = set()
            self._listing[folder] = names
        return names

    def exists(self, path: Path) -> bool:
        """Whether ``path`` is on disk or queued (as of this writer's first look at its folder)."""
        return path.name in self._names(path.parent)

    def remove(self, path: Path) -> None:
        """Delete a file if it exists (after any pending write of it)."""
        self.wait(path)
        names = self._names(path.parent)
        if path.name in names:
            path.unlink(missing_ok=True)
            names.discard(path.name)

    def close(self) -> None:
        """Wait for every write; raise the first error of any."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._thread.join()
            if self.optional_failures > 1:
                log.warning("%d optional files were not written", self.optional_failures)
        if self._errors:
            raise self._errors[0]

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        elif not self._closed:  # already failing: finish the writes, keep the original error
            self._closed = True
            self._queue.put(_STOP)
            self._thread.join()


def _write(path: Path, data: bytes, atomic: bool) -> None:
    if not atomic:
        with open(path, "wb") as handle:
            handle.write(data)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()  # a full disk must not leave half files behind
        raise
