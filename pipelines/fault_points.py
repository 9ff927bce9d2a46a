"""Named places where a fault test can stop a real refresh process to kill it there.

Never set in production. A test sets ``<at_env>=<step>``; the process that reaches that step
writes its pid to the file named by ``<marker_env>`` (if set) and sleeps ``<seconds_env>``
seconds (default 120), so the test knows the moment has come and kills it with SIGKILL.
Used by the publish steps (``pipelines.publish``) and the refresh stages (extraction).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

REFRESH_PAUSE_ENV = "NQ57_TEST_REFRESH_PAUSE_AT"
REFRESH_PAUSE_MARKER_ENV = "NQ57_TEST_REFRESH_PAUSE_MARKER"
REFRESH_PAUSE_SECONDS_ENV = "NQ57_TEST_REFRESH_PAUSE_SECONDS"
# Refresh stages a test can stop in: halfway through writing the raw tables; after the
# submissions were read (a file arriving then must wait for the next refresh); the command line's
# refresh with its scope decided and its run not yet started (an operator's rollback then).
REFRESH_PAUSE_STEPS = ("extraction_writing", "submissions_ingested", "refresh_starting")


def pause_point(
    step: str,
    at_env: str = REFRESH_PAUSE_ENV,
    marker_env: str = REFRESH_PAUSE_MARKER_ENV,
    seconds_env: str = REFRESH_PAUSE_SECONDS_ENV,
) -> None:
    """Stop here when a fault test asked for this step; otherwise return at once."""
    if os.environ.get(at_env) != step:
        return
    marker = os.environ.get(marker_env)
    if marker:
        Path(marker).write_text(str(os.getpid()))
    deadline = time.monotonic() + float(os.environ.get(seconds_env, "120"))
    while time.monotonic() < deadline:
        time.sleep(0.05)
