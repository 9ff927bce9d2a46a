"""Atomic publish, publish log, pruning, corruption detection and restore (real DuckDB files)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from publish_helpers import HELPER, answer, inconsistency, make_build, rows_for, wait_for

from pipelines import publish as publish_module
from pipelines.publish import (
    BuildRejectedError,
    FatalCheck,
    PublishError,
    WarehouseDirError,
    damaged_kept_versions,
    git_code_version,
    list_versions,
    publish_build,
    repair_published,
    restore_previous,
    restored_version,
    verify_published,
)
from pipelines.warehouse_access import connect_readonly


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(tmp_path: Path, version: int, **kwargs):
    build = make_build(tmp_path / "builds" / f"v{version}.duckdb", version)
    kwargs.setdefault("warehouse_dir", tmp_path / "wh")
    kwargs.setdefault("input_hashes", {"000_plan.txt": f"hash-{version}"})
    return publish_build(build, run_id=f"run-{version}", **kwargs)


def published_answer(wh: Path) -> dict:
    with connect_readonly(wh / "warehouse.duckdb") as con:
        result = answer(con)
    assert inconsistency(result) is None, inconsistency(result)
    return result


def leftovers(wh: Path) -> list[str]:
    return sorted(p.name for p in [*wh.glob(".staging-*"), *wh.glob(".tmp-*"), *wh.glob("published/.tmp-*")])


def test_first_publish_writes_warehouse_log_sidecar_and_archive(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    build = make_build(tmp_path / "build.duckdb", 1)
    build_sha = sha256(build)

    result = publish_build(
        build,
        run_id="dagster-run-1",
        input_hashes={"000_plan.txt": "abc", "sub.xlsx": "def"},
        warehouse_dir=wh,
    )

    target = wh / "warehouse.duckdb"
    assert result.published_path == target and result.publish_no == 1 and result.previous_version is None
    assert sha256(target) == result.sha256 == sha256(result.archive_path)
    assert target.stat().st_mode & 0o777 == 0o444  # nobody opens the published file for writing by accident
    assert sha256(build) == build_sha  # the build is left as dbt wrote it
    assert result.row_counts == {"marts.dim_totals": 1, "marts.fct_amounts": rows_for(1)}
    sidecar = json.loads((wh / "warehouse.duckdb.json").read_text())
    assert sidecar["sha256"] == result.sha256 and sidecar["version"] == result.version
    assert json.loads(result.archive_path.with_suffix(".json").read_text()) == sidecar
    assert leftovers(wh) == []

    with connect_readonly(target) as con:
        (row,) = con.execute(
            "SELECT publish_no, version, run_id, previous_version, code_version, input_hashes, row_counts, "
            "build_file FROM meta.publish_log"
        ).fetchall()
        comment = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'publish_log'"
        ).fetchone()
    assert row[:4] == (1, result.version, "dagster-run-1", None)
    commit, _dirty = git_code_version()
    assert row[4] == commit  # the checkout's git commit (None only where git cannot tell)
    assert row[5] == {"000_plan.txt": "abc", "sub.xlsx": "def"}
    assert row[6] == {"marts.dim_totals": 1, "marts.fct_amounts": rows_for(1)}
    assert row[7] == str(build.resolve())
    assert comment is not None and "Nhật ký công bố" in comment[0]
    assert published_answer(wh)["v_min"] == 1


def test_publish_log_accumulates_and_old_versions_are_pruned(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    results = [publish(tmp_path, v, keep=2) for v in (1, 2, 3)]

    assert [r.publish_no for r in results] == [1, 2, 3]
    assert results[2].pruned_versions == (results[0].version,)
    assert [r["version"] for r in list_versions(wh)] == [results[1].version, results[2].version]
    assert sorted(p.name for p in (wh / "published").iterdir()) == sorted(
        f"{r.version}{ext}" for r in results[1:] for ext in (".duckdb", ".json")
    )
    with connect_readonly(wh / "warehouse.duckdb") as con:
        log = con.execute(
            "SELECT publish_no, version, previous_version FROM meta.publish_log ORDER BY 1"
        ).fetchall()
    # The history outlives the pruned copies: it travels inside each published warehouse.
    assert log == [
        (1, results[0].version, None),
        (2, results[1].version, results[0].version),
        (3, results[2].version, results[1].version),
    ]
    assert results[0].version < results[1].version < results[2].version
    assert published_answer(wh)["v_min"] == 3


def test_failing_fatal_check_refuses_the_publish(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    before = sha256(wh / "warehouse.duckdb")
    checks = [
        FatalCheck("tổng khớp (totals agree)", "SELECT 1 FROM marts.dim_totals WHERE total_mvnd < 0"),
        FatalCheck("no_small_items", "SELECT * FROM marts.fct_amounts WHERE item_no < 3;"),
        "SELECT * FROM marts.no_such_table",
    ]

    with pytest.raises(BuildRejectedError) as caught:
        publish(tmp_path, 2, fatal_checks=checks)

    reason = caught.value.reason
    assert "không đạt 2 kiểm tra bắt buộc" in reason and "nothing published" in reason
    assert "no_small_items: 3 dòng lỗi" in reason
    failed = {f.name: f for f in caught.value.failed_checks}
    assert set(failed) == {"no_small_items", "SELECT * FROM marts.no_such_table"}
    assert failed["SELECT * FROM marts.no_such_table"].failing_rows is None  # could not run = failed
    assert sha256(wh / "warehouse.duckdb") == before
    assert [r["version"] for r in list_versions(wh)] == [first.version]
    assert leftovers(wh) == []
    # Passing checks do not stop it.
    assert publish(tmp_path, 3, fatal_checks=[checks[0]]).publish_no == 2


@pytest.mark.parametrize("content", ["missing", "text", "empty_duckdb_header"])
def test_a_build_that_is_not_a_warehouse_is_rejected(tmp_path: Path, content: str) -> None:
    build = tmp_path / "build.duckdb"
    if content == "text":
        build.write_text("không phải DuckDB")
    elif content == "empty_duckdb_header":
        build.write_bytes(b"\0" * 8 + b"DUCK" + b"\0" * 5000)  # looks like DuckDB, is not
    with pytest.raises(BuildRejectedError) as caught:
        publish_build(build, run_id="r", input_hashes={}, warehouse_dir=tmp_path / "wh")
    assert "bản dựng" in caught.value.reason.lower() or "DuckDB" in caught.value.reason
    assert not (tmp_path / "wh" / "warehouse.duckdb").exists()
    if (tmp_path / "wh").exists():
        assert leftovers(tmp_path / "wh") == []


def test_a_build_without_marts_is_rejected(tmp_path: Path) -> None:
    build = tmp_path / "build.duckdb"
    con = duckdb.connect(str(build))
    con.execute("CREATE TABLE main.t AS SELECT 1 AS a")
    con.close()
    with pytest.raises(BuildRejectedError, match="không có bảng nào trong schema marts"):
        publish_build(build, run_id="r", input_hashes={}, warehouse_dir=tmp_path / "wh")


def test_an_unclosed_build_is_published_with_its_wal(tmp_path: Path) -> None:
    """dbt killed before checkpoint leaves the last changes only in build.duckdb.wal."""
    build = make_build(tmp_path / "build.duckdb", 1)
    script = (
        "import duckdb, os, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('SET checkpoint_threshold = \\'1GB\\'')\n"
        "con.execute('CREATE TABLE marts.late AS SELECT 42 AS answer')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(build)], check=True)
    assert Path(f"{build}.wal").exists()

    result = publish_build(build, run_id="r", input_hashes={}, warehouse_dir=tmp_path / "wh")

    assert result.row_counts["marts.late"] == 1
    assert not (tmp_path / "wh" / "warehouse.duckdb.wal").exists()
    with connect_readonly(result.published_path) as con:
        assert con.execute("SELECT answer FROM marts.late").fetchall() == [(42,)]


def test_too_little_free_space_is_refused_before_writing(tmp_path: Path, monkeypatch) -> None:
    wh = tmp_path / "wh"
    publish(tmp_path, 1)
    before = sha256(wh / "warehouse.duckdb")
    real = shutil.disk_usage
    monkeypatch.setattr(publish_module.shutil, "disk_usage", lambda p: real(p)._replace(free=1024 * 1024))
    with pytest.raises(WarehouseDirError) as caught:
        publish(tmp_path, 2)
    assert caught.value.kind == "full"
    assert caught.value.reason.startswith("Không đủ chỗ trống")
    assert "nothing was published" in caught.value.reason
    assert sha256(wh / "warehouse.duckdb") == before and leftovers(wh) == []


def _damage(path: Path, offset_from_end: int = 5000) -> None:
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.seek(path.stat().st_size - offset_from_end)
        handle.write(b"\xff" * 64)


def test_a_corrupt_published_file_is_detected_and_its_intact_copy_restored(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish(tmp_path, 1)
    second = publish(tmp_path, 2)
    _damage(wh / "warehouse.duckdb")

    status = verify_published(wh)
    assert status.status == "corrupt" and status.needs_restore
    assert "không khớp mã kiểm tra" in status.problem and "checksum mismatch" in status.problem

    status, restored = repair_published(wh)
    assert restored is not None
    # The archive holds a copy of the current version too: nothing published is lost.
    assert restored.version == second.version
    assert restored.quarantined_path is not None and restored.quarantined_path.parent == wh / "corrupt"
    assert verify_published(wh).ok
    assert published_answer(wh)["v_min"] == 2
    sidecar = json.loads((wh / "warehouse.duckdb.json").read_text())
    assert (
        sidecar["restored_from"].endswith(f"{second.version}.duckdb")
        and "checksum" in sidecar["restore_reason"]
    )
    # And publishing goes on from there.
    assert publish(tmp_path, 3).publish_no == 3


def test_restore_falls_back_to_the_previous_version_when_the_copy_is_damaged_too(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    second = publish(tmp_path, 2)
    _damage(wh / "warehouse.duckdb")
    _damage(second.archive_path)

    restored = restore_previous(wh, reason="test")

    assert restored.version == first.version
    assert verify_published(wh).ok and published_answer(wh)["v_min"] == 1
    # The next publish continues the history of what is published now.
    third = publish(tmp_path, 3)
    assert third.previous_version == first.version
    assert second.version not in [r["version"] for r in list_versions(wh)]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted"])
def test_unopenable_or_missing_file_is_detected_and_restored(tmp_path: Path, damage: str) -> None:
    wh = tmp_path / "wh"
    publish(tmp_path, 1)
    target = wh / "warehouse.duckdb"
    os.chmod(target, 0o644)
    if damage == "garbage":
        target.write_bytes(b"garbage" * 1000)
        (wh / "warehouse.duckdb.json").unlink()  # no checksum to compare: opening must catch it
    elif damage == "truncated":
        os.truncate(target, target.stat().st_size // 2)
    else:
        target.unlink()

    status = verify_published(wh)
    assert status.status == ("missing" if damage == "deleted" else "corrupt")
    _status, restored = repair_published(wh)
    assert restored is not None and verify_published(wh).ok
    assert published_answer(wh)["v_min"] == 1


def test_rollback_to_the_version_before(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    publish(tmp_path, 2)
    restored = restore_previous(wh, reason="bản 2 sai số liệu", skip_current=True)
    assert restored.version == first.version and restored.quarantined_path is None
    assert published_answer(wh)["v_min"] == 1
    assert json.loads((wh / "warehouse.duckdb.json").read_text())["restore_reason"] == "bản 2 sai số liệu"


def test_a_version_put_back_says_so_until_the_next_publish(tmp_path: Path) -> None:
    """What the briefing tells its readers: these figures are an earlier night's, since when, why."""
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    assert restored_version(wh / "warehouse.duckdb") is None  # a plain publish
    publish(tmp_path, 2)
    restore_previous(wh, reason="bản 2 sai số liệu", skip_current=True)
    restored = restored_version(wh / "warehouse.duckdb")
    assert restored is not None
    assert (restored.version, restored.reason) == (first.version, "bản 2 sai số liệu")
    sidecar = json.loads((wh / "warehouse.duckdb.json").read_text())
    assert restored.published_at.isoformat() == sidecar["published_at"]
    assert (
        restored.restored_at.isoformat() == sidecar["restored_at"]
        and restored.restored_at > restored.published_at
    )
    # A sidecar that describes another file (left stale by an interrupted publish) says nothing.
    other = tmp_path / "copy" / "warehouse.duckdb"
    other.parent.mkdir()
    shutil.copyfile(make_build(tmp_path / "builds" / "v9.duckdb", 9), other)
    shutil.copyfile(wh / "warehouse.duckdb.json", other.with_name("warehouse.duckdb.json"))
    assert restored_version(other) is None
    assert restored_version(tmp_path / "nowhere" / "warehouse.duckdb") is None
    publish(tmp_path, 3)
    assert restored_version(wh / "warehouse.duckdb") is None  # the next publish is no restore


def test_a_rollback_one_version_too_far_can_go_forward_again_until_the_next_publish(tmp_path: Path) -> None:
    """Operator review, session 12: `nq57 status` listed the rolled-back version as kept, yet
    `rollback --to` it found nothing: the rollback's clean-up had deleted it."""
    wh = tmp_path / "wh"
    publish(tmp_path, 1)
    second = publish(tmp_path, 2)
    restore_previous(wh, reason="nhầm", skip_current=True)
    assert second.version in [r["version"] for r in list_versions(wh)]
    assert restore_previous(wh, version=second.version).version == second.version
    assert published_answer(wh)["v_min"] == 2
    # Rolled back again, then a new publish: the versions after the one put back are dropped.
    restore_previous(wh, skip_current=True)
    third = publish(tmp_path, 3)
    assert [r["version"] for r in list_versions(wh)][-1] == third.version
    assert second.version not in [r["version"] for r in list_versions(wh)]


def test_a_build_begun_before_an_operators_rollback_is_not_published_over_it(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from pipelines.publish import RolledBackMeanwhileError

    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    publish(tmp_path, 2)
    begun = datetime.now(UTC) - timedelta(seconds=5)  # the refresh started, then the operator acted
    restore_previous(wh, reason="bản 2 sai số liệu", skip_current=True, rollback=True)
    build = make_build(tmp_path / "builds" / "v3.duckdb", 3)
    with pytest.raises(RolledBackMeanwhileError, match=r"lý do: bản 2 sai số liệu.*không công bố đè lên"):
        publish_build(
            build, run_id="run-3", input_hashes={}, warehouse_dir=wh, not_over_rollbacks_since=begun
        )
    assert published_answer(wh)["v_min"] == 1 and len(list_versions(wh)) == 2  # nothing changed
    # A refresh begun after the rollback publishes, as does one over a damaged file put back by a
    # refresh (no operator's decision: a repair).
    after = datetime.now(UTC)
    assert (
        publish_build(
            build, run_id="run-3", input_hashes={}, warehouse_dir=wh, not_over_rollbacks_since=after
        ).version
        > first.version
    )
    _damage(wh / "warehouse.duckdb")
    repair_published(wh)
    build4 = make_build(tmp_path / "builds" / "v4.duckdb", 4)
    publish_build(build4, run_id="run-4", input_hashes={}, warehouse_dir=wh, not_over_rollbacks_since=begun)
    assert published_answer(wh)["v_min"] == 4


def test_a_damaged_file_put_back_after_a_rollback_keeps_the_operators_decision(tmp_path: Path) -> None:
    """Operator review (session 14): after `nq57 rollback`, a damaged published file put back by the
    refresh was recorded as a plain repair, so the rollback's mark was gone: ST-17 stopped warning that
    raw/ still held what it undid, and a refresh begun before the rollback could publish over it."""
    from datetime import UTC, datetime, timedelta

    from pipelines.publish import RolledBackMeanwhileError

    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    publish(tmp_path, 2)
    begun = datetime.now(UTC) - timedelta(seconds=5)
    restore_previous(wh, reason="bản 2 sai số liệu", skip_current=True, rollback=True)
    rolled_back = json.loads((wh / "warehouse.duckdb.json").read_text())
    _damage(wh / "warehouse.duckdb")
    _status, repaired = repair_published(wh)
    assert repaired is not None and repaired.version == first.version
    sidecar = json.loads((wh / "warehouse.duckdb.json").read_text())
    assert sidecar["rolled_back"] is True and sidecar["restore_reason"] == "bản 2 sai số liệu"
    assert sidecar["restored_at"] == rolled_back["restored_at"]  # when the operator acted
    assert sidecar["repaired_at"] > sidecar["restored_at"] and sidecar["repair_reason"]
    build = make_build(tmp_path / "builds" / "v3.duckdb", 3)
    with pytest.raises(RolledBackMeanwhileError):
        publish_build(
            build, run_id="run-3", input_hashes={}, warehouse_dir=wh, not_over_rollbacks_since=begun
        )
    assert published_answer(wh)["v_min"] == 1


def test_rollback_to_a_named_version_and_only_that_one(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    publish(tmp_path, 2)
    publish(tmp_path, 3)
    assert restore_previous(wh, version=first.version).version == first.version
    assert published_answer(wh)["v_min"] == 1
    with pytest.raises(PublishError, match="no such kept version"):
        restore_previous(wh, version="20200101T000000000000Z-none")
    _damage(first.archive_path)
    # A damaged copy of the version asked for is not swapped for another version.
    with pytest.raises(PublishError, match="Không còn bản sao tốt nào"):
        restore_previous(wh, version=first.version)


def test_no_intact_copy_left_is_a_clear_error(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    only = publish(tmp_path, 1)
    _damage(wh / "warehouse.duckdb")
    _damage(only.archive_path)
    with pytest.raises(PublishError, match="Không còn bản sao tốt nào"):
        restore_previous(wh)


def test_a_stale_sidecar_after_an_interrupted_publish_is_not_corruption(tmp_path: Path) -> None:
    """Killed between os.replace and writing warehouse.duckdb.json: the new file is complete."""
    wh = tmp_path / "wh"
    first = publish(tmp_path, 1)
    second = publish(tmp_path, 2)
    shutil.copy(first.archive_path.with_suffix(".json"), wh / "warehouse.duckdb.json")

    status = verify_published(wh)
    assert status.ok and status.version == second.version and status.notes
    third = publish(tmp_path, 3)
    assert third.previous_version == second.version and third.publish_no == 3


def test_publish_needs_no_lock_on_the_published_file(tmp_path: Path) -> None:
    """An analyst holding warehouse.duckdb read-write (forgot read_only) blocks neither publish nor reads."""
    wh = tmp_path / "wh"
    publish(tmp_path, 1)
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [sys.executable, str(HELPER), "hold-rw", str(wh / "warehouse.duckdb"), str(ready)]
    )
    try:
        wait_for(ready.exists, message="read-write holder")
        assert verify_published(wh).status == "locked"  # not "corrupt": nothing to restore
        assert not verify_published(wh).needs_restore

        second = publish(tmp_path, 2)

        assert second.publish_no == 2  # history read from published/, not from the locked file
        assert published_answer(wh)["v_min"] == 2
    finally:
        holder.kill()
        holder.wait()
    assert verify_published(wh).ok


def test_keep_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        publish(tmp_path, 1, keep=0)


def test_a_build_still_open_for_writing_is_rejected(tmp_path: Path) -> None:
    """dbt still running (another process holds the build read-write): never copy it half-written."""
    build = make_build(tmp_path / "build.duckdb", 1)
    ready = tmp_path / "ready"
    holder = subprocess.Popen([sys.executable, str(HELPER), "hold-rw", str(build), str(ready)])
    try:
        wait_for(ready.exists, message="build writer")
        with pytest.raises(BuildRejectedError, match="vẫn đang được một chương trình khác ghi"):
            publish_build(build, run_id="r", input_hashes={}, warehouse_dir=tmp_path / "wh")
    finally:
        holder.kill()
        holder.wait()
    assert not (tmp_path / "wh").exists()
    assert publish_build(build, run_id="r", input_hashes={}, warehouse_dir=tmp_path / "wh").publish_no == 1


def test_damaged_kept_versions_names_the_copies_a_restore_would_skip(tmp_path):
    first, second = publish(tmp_path, 1), publish(tmp_path, 2)
    wh = tmp_path / "wh"
    assert damaged_kept_versions(wh) == []
    os.chmod(first.archive_path, 0o644)
    first.archive_path.write_bytes(b"not a warehouse")
    assert damaged_kept_versions(wh) == [first.version]
    second.archive_path.unlink()
    assert damaged_kept_versions(wh) == [first.version, second.version]
