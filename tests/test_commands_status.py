"""`nq57 status` after real refreshes: a real `nq57 refresh` on the shipped documents and samples,
then the morning check as an operator or a cron job runs it (a process, its exit code, its text)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.refresh_lock import RefreshLock

pytestmark = pytest.mark.slow


def nq57(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("status")
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(root / "warehouse")}
    proc = nq57(env, "refresh")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return root / "warehouse", env


def test_status_before_anything_is_published_asks_for_a_refresh(tmp_path):
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse")}
    proc = nq57(env, "status")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CẦN XỬ LÝ" in proc.stdout and "ST-01" in proc.stdout


def test_status_after_a_good_refresh_is_ok_and_names_the_samples(refreshed):
    warehouse, env = refreshed
    proc = nq57(env, "status")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Kết luận: ỔN (OK)" in proc.stdout
    assert "nguyên vẹn" in proc.stdout  # the published file matches its checksum
    # Every received file still has its archived copy, checked against the registry's sha256.
    assert "(submission archive): 15 tệp, đủ" in proc.stdout
    # The shipped submissions are samples: the status says so, as every table carrying them does;
    # 13 in the figures; SGDDT_2026-Q2.xlsx rejected (SUB-V02) and SKHCN_2026-Q1.xlsx, replaced by its
    # _v2, are counted apart.
    assert "ST-08" in proc.stdout and "số liệu của 13 báo cáo MẪU" in proc.stdout
    assert "thêm 2 tệp mẫu không có trong số liệu" in proc.stdout
    report = json.loads(nq57(env, "status", "--json").stdout)
    sidecar = json.loads((warehouse / "warehouse.duckdb.json").read_text(encoding="utf-8"))
    assert report["published"]["version"] == sidecar["version"]
    # The refresh wrote down that it worked, with what it did and the version it published.
    assert report["last_success"]["kind"] == "full"
    assert report["last_success"]["version"] == sidecar["version"]
    assert report["last_failure"] is None
    assert report["todays_briefing_current"] and report["docs_site_current"]
    assert report["pending_inputs"] == []
    assert [f["rule_id"] for f in report["findings"]] == ["ST-08"]


def test_a_failed_refresh_makes_status_fail_until_a_refresh_works(refreshed):
    warehouse, env = refreshed
    holder = RefreshLock(warehouse)  # another refresh, as far as the next one can tell
    holder.acquire(timeout=0)
    try:
        running = nq57(env, "status")
        assert "ST-09" in running.stdout  # status sees the refresh in progress
        failed = nq57({**env, "NQ57_REFRESH_LOCK_TIMEOUT_S": "1"}, "refresh", "--full")
        assert failed.returncode == 1, failed.stdout[-2000:] + failed.stderr[-2000:]
    finally:
        holder.release()
    proc = nq57(env, "status")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CẦN XỬ LÝ" in proc.stdout and "ST-03" in proc.stdout
    assert "another refresh is still running" in proc.stdout  # the reason the refresh recorded
    # The next refresh has nothing new to do: it still counts as a refresh that worked.
    again = nq57(env, "refresh")
    assert again.returncode == 0 and "nothing to redo" in again.stdout
    report = json.loads(nq57(env, "status", "--json").stdout)
    assert report["last_success"]["kind"] == "nothing_to_do"  # the code, for monitoring
    assert "— không có gì mới để làm (nothing to do)" in nq57(env, "status").stdout  # words, for people
    assert "ST-03" not in [f["rule_id"] for f in report["findings"]]
    assert not report["needs_attention"]


def test_a_new_submission_shows_as_not_loaded_yet(refreshed, tmp_path):
    _, env = refreshed
    inbox = tmp_path / "submissions"
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "raw" / "submissions", inbox)
    sample = sorted(inbox.glob("*.xlsx"))[0]
    shutil.copy(sample, inbox / f"{sample.stem}_v9{sample.suffix}")
    proc = nq57({**env, "NQ57_SUBMISSIONS_DIR": str(inbox)}, "status")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ST-05" in proc.stdout and f"submissions/{sample.stem}_v9{sample.suffix}: tệp mới" in proc.stdout


def test_a_damaged_archive_registry_stops_the_refresh_and_status_says_so(refreshed):
    """Last in this module: it damages the shared warehouse's archive (and puts it back)."""
    warehouse, env = refreshed
    registry = warehouse / "submissions" / "registry.csv"
    good = registry.read_bytes()
    registry.write_text("oops\n", encoding="utf-8")  # overwritten by a slip of a hand or a program
    try:
        failed = nq57(env, "refresh", "--full")
        assert failed.returncode == 1, failed.stdout[-2000:]
        assert registry.read_text(encoding="utf-8") == "oops\n"  # never rewritten
        proc = nq57(env, "status")
        assert proc.returncode == 1
        assert "ST-15" in proc.stdout and "registry damaged, ST-15" in proc.stdout
    finally:
        registry.write_bytes(good)
    assert nq57(env, "refresh", "--full").returncode == 0


def test_a_version_put_back_then_damaged_is_not_called_restored(tmp_path, monkeypatch):
    """Operator review: after `nq57 rollback`, then damage to the published file, status printed
    "tệp: HỎNG (damaged)" and then "đã khôi phục từ (restored from): …", read as already restored."""
    from pipelines.publish import restore_previous
    from tests.test_warehouse_status import publish  # the small warehouse of the rule tests

    warehouse = tmp_path / "warehouse"
    for variable, folder in (
        ("NQ57_WAREHOUSE_DIR", warehouse),
        ("NQ57_DOCUMENTS_DIR", tmp_path / "documents"),
        ("NQ57_SUBMISSIONS_DIR", tmp_path / "submissions"),
    ):
        folder.mkdir()
        monkeypatch.setenv(variable, str(folder))
    publish(warehouse, tmp_path / "build1.duckdb")
    publish(warehouse, tmp_path / "build2.duckdb")
    restored = restore_previous(warehouse, skip_current=True, rollback=True, reason="báo cáo STC sai")
    intact = nq57(dict(os.environ), "status").stdout
    assert "nguyên vẹn" in intact and "đã khôi phục" not in intact
    assert "phiên bản này đã được đưa về bằng `nq57 rollback` lúc " in intact
    assert f"(this version was put back by `nq57 rollback`, copied from): {restored.restored_from}" in intact
    assert "chưa được khôi phục lại" not in intact

    target = warehouse / "warehouse.duckdb"
    target.chmod(0o644)  # published read-only
    with target.open("r+b") as handle:
        handle.seek(5000)
        handle.write(b"\0damaged\0" * 100)
    proc = nq57(dict(os.environ), "status")
    assert proc.returncode == 1 and "ST-02" in proc.stdout
    lines = proc.stdout.splitlines()
    damaged = lines.index("    tệp (file): HỎNG (damaged)")
    assert lines[damaged + 1].startswith("    phiên bản này đã được đưa về bằng `nq57 rollback` lúc ")
    assert lines[damaged + 2] == (
        "    tệp hỏng sau lần đưa về đó và chưa được khôi phục lại, xem ST-02 "
        "(damaged since then, not restored yet: see ST-02)"
    )
    report = json.loads(nq57(dict(os.environ), "status", "--json").stdout)["published"]
    assert report["rolled_back"] and report["restored_from"] == str(restored.restored_from)
