"""Process-level faults and concurrency around the publish (real processes, files and DuckDB).

- four reader processes query continuously through three publishes: no errors, and every
  answer comes from one complete warehouse;
- a publishing process killed with SIGKILL at each step leaves the published warehouse
  unchanged and consistent, and the next publish succeeds;
- an unwritable or full warehouse folder gives a clear error and no partial publish.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from publish_helpers import HELPER, answer, inconsistency, make_build, wait_for

from pipelines.publish import (
    PAUSE_ENV,
    PAUSE_MARKER_ENV,
    PAUSE_STEPS,
    PublishBusyError,
    list_versions,
    publish_build,
    verify_published,
)
from pipelines.warehouse_access import connect_readonly

READERS = ("helper", "helper", "helper", "plain")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(wh: Path) -> dict:
    with connect_readonly(wh / "warehouse.duckdb") as con:
        result = answer(con)
    assert inconsistency(result) is None, inconsistency(result)
    return result


def publish_in_process(tmp_path: Path, wh: Path, version: int):
    build = make_build(tmp_path / "builds" / f"v{version}.duckdb", version)
    return publish_build(
        build,
        run_id=f"run-{version}",
        input_hashes={"x": str(version)},
        warehouse_dir=wh,
        code_version="test",
    )


def start_publisher(
    build: Path, wh: Path, run_id: str, env: dict[str, str] | None = None, preexec=None
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HELPER), "publish", str(build), str(wh), run_id],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )


def assert_no_leftovers(wh: Path) -> None:
    stray = [*wh.glob(".staging-*"), *wh.glob(".tmp-*"), *wh.glob("published/.tmp-*")]
    assert stray == [], stray


def test_four_readers_through_three_publishes(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish_in_process(tmp_path, wh, 1)
    builds = {v: make_build(tmp_path / "builds" / f"v{v}.duckdb", v) for v in (2, 3, 4)}
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader{i}.json" for i in range(len(READERS))]
    readers = [
        subprocess.Popen([sys.executable, str(HELPER), "reader", str(wh), str(stop), str(out), mode])
        for out, mode in zip(outs, READERS, strict=True)
    ]

    def all_saw(version: int) -> bool:
        for out in outs:
            try:
                progress = json.loads(out.with_suffix(".progress").read_text())
            except (OSError, ValueError):
                return False
            if version not in progress["versions"] or progress["queries"] < 6:
                return False
        return True

    try:
        wait_for(lambda: all_saw(1), message="readers on version 1")
        for version in (2, 3, 4):
            publish_build(
                builds[version],
                run_id=f"run-{version}",
                input_hashes={"x": str(version)},
                warehouse_dir=wh,
                code_version="test",
            )
            # Every reader must pick up the new version, so each one reads across every publish.
            wait_for(lambda v=version: all_saw(v), message=f"readers on version {version}")
    finally:
        stop.touch()
        for proc in readers:
            proc.wait(timeout=60)

    for out, mode in zip(outs, READERS, strict=True):
        stats = json.loads(out.read_text())
        assert stats["error_count"] == 0, (mode, stats["errors"])
        assert stats["inconsistent"] == [], (mode, stats["inconsistent"])
        assert stats["versions"] == [1, 2, 3, 4], (mode, stats)
        assert stats["queries"] > 20
    assert published(wh)["publish_no"] == 4


@pytest.mark.parametrize("step", PAUSE_STEPS)
def test_publisher_killed_at_each_step(tmp_path: Path, step: str) -> None:
    wh = tmp_path / "wh"
    first = publish_in_process(tmp_path, wh, 1)
    before = sha256(wh / "warehouse.duckdb")
    marker = tmp_path / "paused"
    build2 = make_build(tmp_path / "builds" / "v2.duckdb", 2)
    build2_sha = sha256(build2)
    proc = start_publisher(build2, wh, "run-2", {PAUSE_ENV: step, PAUSE_MARKER_ENV: str(marker)})
    try:
        wait_for(marker.exists, message=f"publisher paused at {step}")
        # While it is paused, the published warehouse answers as before.
        assert published(wh)["v_min"] == (2 if step == "replaced" else 1)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    status = verify_published(wh)
    assert status.ok, status
    if step == "replaced":
        # Killed after the atomic replace: the new warehouse is complete and recognised as such.
        assert published(wh)["v_min"] == 2 and status.notes
    else:
        assert sha256(wh / "warehouse.duckdb") == before and status.version == first.version
        assert published(wh)["v_min"] == 1
    assert sha256(build2) == build2_sha

    third = publish_in_process(tmp_path, wh, 3)

    expected_no = 3 if step == "replaced" else 2
    assert third.publish_no == expected_no and published(wh)["publish_no"] == expected_no
    assert published(wh)["v_min"] == 3
    assert_no_leftovers(wh)
    versions = [r["version"] for r in list_versions(wh)]
    with connect_readonly(wh / "warehouse.duckdb") as con:
        logged = [
            v for (v,) in con.execute("SELECT version FROM meta.publish_log ORDER BY publish_no").fetchall()
        ]
    # No archive copy of a version that was never published survives the clean-up.
    assert versions == logged


def test_a_second_publish_waits_for_the_first_and_then_gives_up(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish_in_process(tmp_path, wh, 1)
    marker = tmp_path / "paused"
    build2 = make_build(tmp_path / "builds" / "v2.duckdb", 2)
    proc = start_publisher(build2, wh, "run-2", {PAUSE_ENV: "checked", PAUSE_MARKER_ENV: str(marker)})
    try:
        wait_for(marker.exists, message="publisher paused")
        build3 = make_build(tmp_path / "builds" / "v3.duckdb", 3)
        with pytest.raises(PublishBusyError, match="Một lần công bố hoặc khôi phục khác đang chạy"):
            publish_build(build3, run_id="run-3", input_hashes={}, warehouse_dir=wh, lock_timeout=0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # The kernel dropped the dead publisher's lock: the next publish goes ahead.
    assert publish_in_process(tmp_path, wh, 4).publish_no == 2


def _drop_dac_override() -> None:
    """Run as root, the child loses the capability that lets root write into read-only folders."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop_privileges(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        result = subprocess.run(
            [sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"],
            preexec_fn=_drop_dac_override,
            capture_output=True,
        )
    except OSError:
        return False
    finally:
        probe.chmod(0o755)
    return result.returncode != 0


@pytest.mark.parametrize("folder", ["warehouse", "published", "new"])
def test_unwritable_folder_gives_a_clear_error_and_no_partial_publish(tmp_path: Path, folder: str) -> None:
    if not _can_drop_privileges(tmp_path):
        pytest.skip("cannot make a folder unwritable for this user (root without prctl)")
    wh = tmp_path / "wh"
    if folder == "new":
        # The first publish ever, into a folder that cannot be written.
        wh.mkdir()
        locked = wh
    else:
        publish_in_process(tmp_path, wh, 1)
        locked = wh if folder == "warehouse" else wh / "published"
    before = sorted((p.name, p.stat().st_mtime_ns) for p in wh.rglob("*"))
    build2 = make_build(tmp_path / "builds" / "v2.duckdb", 2)
    locked.chmod(0o555)
    try:
        proc = start_publisher(build2, wh, "run-2", preexec=_drop_dac_override)
        _out, err = proc.communicate(timeout=60)
    finally:
        locked.chmod(0o755)

    assert proc.returncode == 3, err
    assert "Không có quyền ghi vào thư mục kho dữ liệu" in err and "not writable" in err
    assert "Hãy cho tài khoản chạy làm mới quyền ghi thư mục này" in err  # what to do
    assert "nothing was published" in err
    assert sorted((p.name, p.stat().st_mtime_ns) for p in wh.rglob("*")) == before
    if folder != "new":
        assert verify_published(wh).ok and published(wh)["v_min"] == 1
    assert publish_in_process(tmp_path, wh, 3).publish_no == (1 if folder == "new" else 2)


@pytest.mark.parametrize("where", ["copying the build", "writing the publish log"])
def test_full_disk_gives_a_clear_error_and_no_partial_publish(tmp_path: Path, where: str) -> None:
    """A file-size limit makes writes fail with EFBIG, as a full disk fails them with ENOSPC."""
    wh = tmp_path / "wh"
    publish_in_process(tmp_path, wh, 1)
    before = sha256(wh / "warehouse.duckdb")
    build2 = make_build(tmp_path / "builds" / "v2.duckdb", 2)
    size = build2.stat().st_size
    # Half the build: the copy fails. Just above it: the copy fits, DuckDB's own write of the
    # publish log (new blocks at checkpoint) fails.
    limit = size // 2 if where == "copying the build" else size + 4096

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = start_publisher(build2, wh, "run-2", preexec=limit_file_size)
    _out, err = proc.communicate(timeout=60)

    assert proc.returncode == 3, err
    assert err.startswith("Không đủ chỗ trống") and "nothing was published" in err
    assert sha256(wh / "warehouse.duckdb") == before
    assert verify_published(wh).ok and published(wh)["v_min"] == 1
    assert_no_leftovers(wh)
    assert len(list_versions(wh)) == 1
    assert publish_in_process(tmp_path, wh, 3).publish_no == 2
