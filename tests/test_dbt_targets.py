"""dbt's per-invocation target folders, each starting from the project's last parse."""

from __future__ import annotations

from pipelines import dbt_targets


def test_each_dbt_run_starts_from_the_last_parse(monkeypatch, tmp_path):
    monkeypatch.setattr(dbt_targets, "DBT_TARGET_DIR", tmp_path)
    (tmp_path / dbt_targets.PARTIAL_PARSE_FILE).write_bytes(b"parse 1")
    first = dbt_targets.run_target_path("0123456789abcdef")
    assert first.parent == tmp_path and first.name.startswith("run-01234567-")
    assert (first / dbt_targets.PARTIAL_PARSE_FILE).read_bytes() == b"parse 1"
    (first / dbt_targets.PARTIAL_PARSE_FILE).write_bytes(b"parse 2")  # what dbt leaves after the run
    dbt_targets.keep_parse_state(first)
    assert (tmp_path / dbt_targets.PARTIAL_PARSE_FILE).read_bytes() == b"parse 2"
    second = dbt_targets.run_target_path("fedcba9876543210")
    assert second != first and (second / dbt_targets.PARTIAL_PARSE_FILE).read_bytes() == b"parse 2"


def test_old_run_target_folders_are_pruned(monkeypatch, tmp_path):
    import os

    monkeypatch.setattr(dbt_targets, "DBT_TARGET_DIR", tmp_path)
    folders = [dbt_targets.run_target_path(f"{i:016d}") for i in range(5)]
    for age, folder in enumerate(reversed(folders)):
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "compiled").mkdir()  # dbt's own folders are never touched
    dbt_targets.prune_run_targets(keep=3)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(
        ["compiled", *(f.name for f in folders[-3:])]
    )


def test_a_folder_changed_within_the_hour_is_never_pruned(monkeypatch, tmp_path):
    # Another dbt may still be writing there (two test workers, a build by hand beside the night's).
    import os
    import time

    monkeypatch.setattr(dbt_targets, "DBT_TARGET_DIR", tmp_path)
    in_use = dbt_targets.run_target_path("in-use-0000000000")
    os.utime(in_use, (time.time() - 600, time.time() - 600))  # started ten minutes ago, still building
    newer = [dbt_targets.run_target_path(f"{i:016d}") for i in range(3)]
    dbt_targets.prune_run_targets(keep=3)
    assert in_use.is_dir()
    os.utime(in_use, (time.time() - 7200, time.time() - 7200))  # two hours old: a leftover
    dbt_targets.prune_run_targets(keep=3)
    assert not in_use.exists() and all(folder.is_dir() for folder in newer)
