"""Remove temporary folders that a killed refresh left behind.

The briefing's kernel sockets and Chromium profiles live in folders under the system temp folder,
removed when their process ends normally. kill -9 (or the OOM killer) gives no chance to, so each
new one first removes those of its kind older than a day: they live minutes, never a day.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

STALE_AFTER_S = 24 * 3600


def remove_stale_folders(prefix: str, max_age_s: float = STALE_AFTER_S) -> None:
    """Remove folders named ``prefix*`` in the temp folder last changed more than ``max_age_s`` ago."""
    cutoff = time.time() - max_age_s
    for folder in Path(tempfile.gettempdir()).glob(prefix + "*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # another user's, or gone meanwhile
