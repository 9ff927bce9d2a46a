"""`nq57 rollback` on a real warehouse: three real refreshes (the 2nd and 3rd after a new report),
then the operator undoes them: one version back, then to a named older version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.refresh_lock import RefreshLock
from pipelines.warehouse_access import read_sql

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def nq57(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


def published_version(warehouse: Path) -> str:
    return json.loads((warehouse / "warehouse.duckdb.json").read_text(encoding="utf-8"))["version"]


def submission_files(warehouse: Path) -> int:
    return int(
        read_sql("select count(*) as n from marts.dim_submission", path=warehouse / "warehouse.duckdb")["n"][
            0
        ]
    )


@pytest.fixture(scope="module")
def three_publishes(tmp_path_factory) -> tuple[Path, dict[str, str], list[str], list[str]]:
    """(warehouse, env, the three versions oldest first, the reports the 2nd and 3rd refresh added)."""
    root = tmp_path_factory.mktemp("rollback")
    inbox = root / "submissions"
    shutil.copytree(ROOT / "raw" / "submissions", inbox)
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(root / "warehouse"), "NQ57_SUBMISSIONS_DIR": str(inbox)}
    samples = sorted(inbox.glob("*.xlsx"))[:2]
    versions, added = [], []
    for step in range(3):
        if step:  # a report dropped in by mistake, then another
            sample = samples[step - 1]
            added.append(f"{sample.stem}_v9{sample.suffix}")
            shutil.copy(sample, inbox / added[-1])
        proc = nq57(env, "refresh")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        versions.append(published_version(root / "warehouse"))
    assert len(set(versions)) == 3
    return root / "warehouse", env, versions, added


def test_rollback_puts_back_an_earlier_version_and_its_briefing(three_publishes):
    warehouse, env, (first, second, third), (report_a, report_b) = three_publishes
    assert submission_files(warehouse) == 17
    status_text = nq57(env, "status").stdout
    assert all(v in status_text for v in (first, second, third))  # the versions one can go back to

    back_one = nq57(env, "rollback", "--reason", "báo cáo gửi nhầm")
    assert back_one.returncode == 0, back_one.stdout + back_one.stderr
    assert published_version(warehouse) == second and submission_files(warehouse) == 16
    assert f"rolled back), thay cho {third}" in back_one.stdout
    sidecar = json.loads((warehouse / "warehouse.duckdb.json").read_text(encoding="utf-8"))
    assert sidecar["restore_reason"] == "báo cáo gửi nhầm"
    # The report behind the bad night is still in raw/: the operator is told the next refresh loads it,
    # and that moving it out of raw/ does not stop that (it is archived): withdrawing it does.
    assert f"submissions/{report_b}: tệp mới (new)" in back_one.stdout
    assert "vẫn được nạp lại dù đã chuyển tệp khỏi raw/submissions" in back_one.stdout
    assert 'hãy rút báo cáo đó bằng `nq57 withdraw <tên tệp> --reason "<lý do>"`' in back_one.stdout
    assert f"submissions/{report_a}" not in back_one.stdout  # the version put back has it already
    assert "briefing re-rendered" in back_one.stdout
    # The re-rendered briefing tells its readers the figures are an earlier night's, and why.
    html = (warehouse / "briefings" / "latest" / "briefing.html").read_text(encoding="utf-8")
    assert "Kho dữ liệu đã được quay lại bản công bố lúc" in html
    assert "lý do: báo cáo gửi nhầm" in html and f"Bản công bố này ({second})" in html

    back_to_first = nq57(env, "rollback", "--to", first)
    assert back_to_first.returncode == 0, back_to_first.stdout + back_to_first.stderr
    assert published_version(warehouse) == first and submission_files(warehouse) == 15
    assert f"submissions/{report_a}: tệp mới" in back_to_first.stdout
    assert f"submissions/{report_b}: tệp mới" in back_to_first.stdout
    status = json.loads(nq57(env, "status", "--json").stdout)
    assert status["published"]["version"] == first and status["published"]["file_status"] == "ok"
    assert status["todays_briefing_current"]  # today's briefing is rendered from the version put back
    assert status["pending_inputs"] == sorted(f"submissions/{r}" for r in (report_a, report_b))
    # The reports the rollback undid are still in raw/: the next refresh would publish them again,
    # which the operator must hear of before it runs (ST-17), with the rollback's time.
    errors = [f for f in status["findings"] if f["severity"] == "error"]
    assert [f["rule_id"] for f in errors] == ["ST-17"] and first in errors[0]["message_vi"]

    # Nothing older is kept: the command says so and changes nothing.
    nothing_older = nq57(env, "rollback")
    assert nothing_older.returncode == 2 and "no older kept version" in nothing_older.stderr
    assert published_version(warehouse) == first


def test_rollback_to_a_version_not_kept_changes_nothing(three_publishes):
    warehouse, env, *_ = three_publishes
    before = published_version(warehouse)
    proc = nq57(env, "rollback", "--to", "20200101T000000000000Z-nothing")
    assert proc.returncode == 2
    assert "no such kept version" in proc.stderr
    assert published_version(warehouse) == before


def test_rollback_waits_for_no_refresh(three_publishes):
    warehouse, env, *_ = three_publishes
    before = published_version(warehouse)
    refresh = RefreshLock(warehouse)
    refresh.acquire(timeout=0)
    try:
        proc = nq57(env, "rollback")
    finally:
        refresh.release()
    assert proc.returncode == 2 and "a refresh is running" in proc.stderr
    assert published_version(warehouse) == before


def test_a_refresh_begun_before_a_rollback_does_not_publish_over_it(three_publishes, tmp_path):
    """Operator review, session 12: a rollback made in the seconds a refresh spends starting (before
    its run holds the lock) succeeded, then the refresh published over it without a trace."""
    import time

    from pipelines.fault_points import REFRESH_PAUSE_ENV, REFRESH_PAUSE_MARKER_ENV, REFRESH_PAUSE_SECONDS_ENV

    warehouse, env, *_ = three_publishes
    inbox = Path(env["NQ57_SUBMISSIONS_DIR"])
    sample = sorted(inbox.glob("*.xlsx"))[0]
    shutil.copy(sample, inbox / f"{sample.stem}_v8{sample.suffix}")  # work for the refresh to do
    marker = tmp_path / "paused"
    paused = {
        **env,
        REFRESH_PAUSE_ENV: "refresh_starting",
        REFRESH_PAUSE_MARKER_ENV: str(marker),
        REFRESH_PAUSE_SECONDS_ENV: "20",
    }
    refresh = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "refresh"],
        env=paused,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the refresh never reached its start"
        before = published_version(warehouse)
        # Another kept version (the tests before this one may have left the oldest published).
        kept = sorted(json.loads(p.read_text())["version"] for p in (warehouse / "published").glob("*.json"))
        target = next(v for v in reversed(kept) if v != before)
        rolled = nq57(env, "rollback", "--to", target, "--reason", "bản mới sai")
        assert rolled.returncode == 0, rolled.stderr
        put_back = published_version(warehouse)
        assert put_back == target
        out, err = refresh.communicate(timeout=600)
    finally:
        refresh.kill()
    assert refresh.returncode == 1, out[-2000:] + err[-2000:]
    assert "sau khi lần làm mới này bắt đầu: không công bố đè lên" in err
    assert "(lý do: bản mới sai)" in err
    assert published_version(warehouse) == put_back  # the rollback stands
    # The operator can undo the rollback if it was wrong: the version it replaced is still kept.
    assert before in [json.loads(p.read_text())["version"] for p in (warehouse / "published").glob("*.json")]


def test_a_report_moved_out_of_raw_after_a_rollback_is_published_again(three_publishes):
    """README walk: `nq57 rollback` said "move the file at fault out of raw/ before the next
    refresh"; for a department's report that did nothing. The archive, not raw/, is what every
    refresh loads, so the next refresh published the report again, and once it was out of raw/
    `nq57 status` found nothing to warn of (ST-17 compared raw/ only) and the 07:00 mail stayed quiet."""
    warehouse, env, *_ = three_publishes
    inbox = Path(env["NQ57_SUBMISSIONS_DIR"])
    # A report of its own bytes (the _v9 copies above are duplicates of the samples): SNNMT's CSV
    # with one more line ending, a new version of SNNMT 2026-Q1.
    wrong = "SNNMT_2026-Q1_v7.csv"
    (inbox / wrong).write_bytes((inbox / "SNNMT_2026-Q1.csv").read_bytes() + b"\r\n")
    published = nq57(env, "refresh")
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    assert wrong in set(current_files(warehouse))

    rolled = nq57(env, "rollback", "--reason", "báo cáo gửi nhầm")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert wrong not in set(current_files(warehouse))
    assert f"submissions/{wrong}: tệp mới (new)" in rolled.stdout
    assert "vẫn được nạp lại dù đã chuyển tệp khỏi raw/submissions" in rolled.stdout
    moved = inbox.parent / "moved_out"
    moved.mkdir(exist_ok=True)
    shutil.move(inbox / wrong, moved / wrong)  # what the rollback used to advise

    status = json.loads(nq57(env, "status", "--json").stdout)
    assert f"submissions/{wrong}" not in status["pending_inputs"]
    (st17,) = [f for f in status["findings"] if f["rule_id"] == "ST-17"]
    assert f"submissions/{wrong}: đã lưu trong kho lưu trữ báo cáo, không còn trong raw/" in "".join(
        st17["details"]
    )
    assert "vẫn được nạp lại dù đã chuyển tệp khỏi raw/submissions" in st17["message_vi"]

    refresh = nq57(env, "refresh")  # the next refresh, as the 02:00 run makes it
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    assert wrong in set(current_files(warehouse))  # what ST-17 said: in the figures again


def test_a_report_withdrawn_after_a_rollback_stays_out_and_st17_is_satisfied(three_publishes):
    """The rollback's advice now: withdraw the wrong report. Done, `nq57 status` has nothing left to
    warn of (ST-17 silent, ST-18 says what is withdrawn) and the next refresh leaves it out."""
    warehouse, env, *_ = three_publishes
    inbox = Path(env["NQ57_SUBMISSIONS_DIR"])
    wrong = "SNNMT_2026-Q1_v6.csv"  # a new version of SNNMT 2026-Q1 of its own bytes, as above
    (inbox / wrong).write_bytes((inbox / "SNNMT_2026-Q1.csv").read_bytes() + b"\r\n\r\n")
    published = nq57(env, "refresh")
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    assert wrong in set(current_files(warehouse))
    rolled = nq57(env, "rollback", "--reason", "báo cáo gửi nhầm")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert f"submissions/{wrong}: tệp mới (new)" in rolled.stdout and "nq57 withdraw" in rolled.stdout
    put_back = set(current_files(warehouse))

    withdrawn = nq57(env, "withdraw", wrong, "--reason", "báo cáo gửi nhầm")
    assert withdrawn.returncode == 0, withdrawn.stdout + withdrawn.stderr
    status = json.loads(nq57(env, "status", "--json").stdout)
    rules = [f["rule_id"] for f in status["findings"]]
    assert "ST-17" not in rules and "ST-18" in rules
    refresh = nq57(env, "refresh")
    assert refresh.returncode == 0, refresh.stdout[-3000:] + refresh.stderr[-3000:]
    assert set(current_files(warehouse)) == put_back  # the versions before it, as the rollback had them

    # Rolled back again, past the withdrawal, with one more wrong report dropped in meanwhile: the note
    # counts and lists that report alone. The withdrawn one, still in raw/, and the withdrawal itself
    # are dealt with; listed, they read as files still to withdraw (review, session 16).
    another = "SNNMT_2026-Q1_v8.csv"
    (inbox / another).write_bytes((inbox / "SNNMT_2026-Q1.csv").read_bytes() + b"\r\n\r\n\r\n")
    again = nq57(env, "rollback", "--reason", "quay lại lần nữa")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "sẽ dựng lại kho từ 1 tệp (hoặc mã nguồn)" in again.stdout
    assert f"submissions/{another}: tệp mới (new)" in again.stdout
    assert f"submissions/{wrong}" not in again.stdout and "bằng `nq57 withdraw` (reports" not in again.stdout


def current_files(warehouse: Path) -> list[str]:
    """The submission files whose figures are in force in the published warehouse."""
    return list(
        read_sql(
            "select file_name from marts.dim_submission "
            "where is_current and status in ('accepted', 'flagged')",
            path=warehouse / "warehouse.duckdb",
        )["file_name"]
    )
