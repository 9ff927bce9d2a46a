"""Folders a killed refresh left in the temp folder go once they are a day old, and only those."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from pipelines.stale_temp import remove_stale_folders


def test_only_folders_of_the_prefix_older_than_a_day_are_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    two_days_ago = time.time() - 2 * 24 * 3600
    old, recent = tmp_path / "nq57_x_old", tmp_path / "nq57_x_new"
    other_prefix, old_file = tmp_path / "nq57_y_old", tmp_path / "nq57_x_file"
    for folder in (old, recent, other_prefix):
        folder.mkdir()
        (folder / "inside").write_text("x")
    old_file.write_text("a file, not a folder")
    for path in (old, other_prefix, old_file):
        os.utime(path, (two_days_ago, two_days_ago))
    remove_stale_folders("nq57_x_")
    assert not old.exists()
    assert recent.exists() and other_prefix.exists() and old_file.exists()
