"""One refresh at a time per warehouse: a real flock, real processes."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from pipelines.refresh_lock import LOCK_FILE, RefreshBusyError, RefreshLock


def test_a_second_refresh_waits_for_the_first_and_then_runs(tmp_path):
    first, second = RefreshLock(tmp_path), RefreshLock(tmp_path)
    first.acquire()
    assert first.held and (tmp_path / LOCK_FILE).exists()
    threading.Timer(1.0, first.release).start()
    said: list[str] = []
    waited = second.acquire(timeout=30, on_wait=said.append)
    assert second.held and waited >= 0.8
    assert len(said) == 1 and "waiting for another refresh" in said[0]  # said once, not every poll
    second.release()


def test_a_refresh_that_waited_too_long_stops_with_a_clear_message(tmp_path, monkeypatch):
    holder = RefreshLock(tmp_path)
    holder.acquire()
    monkeypatch.setenv("NQ57_REFRESH_LOCK_TIMEOUT_S", "0.5")
    with pytest.raises(RefreshBusyError, match="Một lần làm mới khác vẫn đang chạy"):
        RefreshLock(tmp_path).acquire()
    holder.release()
    released = RefreshLock(tmp_path)
    released.acquire(timeout=0)  # no wait allowed: free the moment the holder let go
    assert released.held
    released.release()


def test_the_lock_of_a_killed_refresh_is_free_at_once(tmp_path):
    """kill -9 or the OOM killer: no stale lock file to clean up by hand."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from pipelines.refresh_lock import RefreshLock\n"
            f"RefreshLock(Path({str(tmp_path)!r})).acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(RefreshBusyError):
        RefreshLock(tmp_path).acquire(timeout=0.3)
    holder.kill()
    holder.wait()
    # A timeout of 0 tries the lock once and never waits: it succeeds only if the lock is free now.
    freed = RefreshLock(tmp_path)
    freed.acquire(timeout=0)
    assert freed.held
    freed.release()
