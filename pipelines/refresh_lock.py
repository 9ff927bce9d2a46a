"""One refresh at a time per warehouse: runs that overlap wait for each other instead of clashing.

Three things start refreshes with nobody watching: the 02:00 schedule, the file sensor when a
report lands, and an operator's `nq57 refresh`. They share the warehouse's working files: the raw
tables dbt reads (warehouse/raw), the build file dbt writes (warehouse/build), the docs site and
briefing folders. Two at once would overwrite each other's raw tables or build file half way; the
publish refuses a build still being written, so nothing wrong would be published, but one run
would fail and the report that started it would wait for the next night.

So every refresh run holds this lock from its first step to its end (an flock on
``warehouse/.refresh.lock``: the kernel releases it when the holder dies, even by kill -9), and a
run that finds it held waits, says so, and gives up with a clear message after
``$NQ57_REFRESH_LOCK_TIMEOUT_S`` seconds (default 30 minutes: a refresh takes well under one).
Readers never take it: they read the published file, which the publish replaces atomically.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from pipelines import paths

LOCK_FILE = ".refresh.lock"
TIMEOUT_ENV = "NQ57_REFRESH_LOCK_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 1800.0
POLL_S = 0.2


class RefreshBusyError(RuntimeError):
    """Another refresh held the warehouse for longer than this one would wait."""


class RefreshLock:
    """The warehouse's refresh lock, held from ``acquire`` to ``release`` (or the process's end)."""

    def __init__(self, warehouse_dir: Path | None = None) -> None:
        self.path = (warehouse_dir or paths.warehouse_dir()) / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float | None = None, on_wait: Callable[[str], None] | None = None) -> float:
        """Take the lock, waiting up to ``timeout`` seconds (default from the environment); calls
        ``on_wait`` once with a message when it has to wait. Returns the seconds waited."""
        if self._fd is not None:
            return 0.0
        if timeout is None:
            timeout = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() - started >= timeout:
                        raise RefreshBusyError(
                            f"Một lần làm mới khác vẫn đang chạy trên {self.path.parent} sau "
                            f"{timeout:.0f} giây chờ; lần này dừng lại, dữ liệu mới sẽ được nạp ở lần "
                            "làm mới sau "
                            "(another refresh is still running on this warehouse; this one stopped waiting)"
                        ) from None
                    if on_wait is not None:
                        on_wait(
                            f"Đang chờ lần làm mới khác trên {self.path.parent} kết thúc "
                            "(waiting for another refresh of this warehouse to finish)"
                        )
                        on_wait = None
                    time.sleep(POLL_S)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return time.monotonic() - started

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
