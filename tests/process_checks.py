"""What happens to a process the refresh started when the refresh is killed with kill -9.

Shared by the tests of the briefing's warm kernel and warm browser: both must end by themselves,
since kill -9 gives the refresh no chance to stop them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def is_running(pid: int) -> bool:
    """True while the process exists and is not a zombie (exited, not yet reaped by init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def outlives_its_killed_parent(code: str, timeout: float = 20) -> bool:
    """Run ``code`` in a Python process of the project (it starts a child, prints the child's pid and
    sleeps); kill -9 that process once the child runs; True when the child still runs ``timeout``
    seconds later."""
    parent = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        child = int(parent.stdout.readline())
        time.sleep(1.0)  # let it come up
        assert is_running(child), "the child process did not start"
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + timeout
        while is_running(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        return is_running(child)
    finally:
        parent.kill()
