"""`nq57 refresh` as the nightly run does it: a real process, real documents, real dbt, real publish."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.console_log import DETAILS_HIDDEN
from pipelines.input_rules import id_and_detail

pytestmark = pytest.mark.slow


def refresh(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "refresh", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def nq57_status(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "status"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def published_state_budget(warehouse: Path) -> Decimal:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{warehouse / 'warehouse.duckdb'}' as w (read_only)")
        return con.execute(
            "select sum(amount_mvnd) from w.marts.fct_budget_plan "
            "where appendix = 'I' and funding_source_code = 'NSNN'"
        ).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[Path, dict[str, str], subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("refresh")
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(root / "warehouse")}
    return root / "warehouse", env, refresh(env)


def test_refresh_publishes_the_marts_and_summarises(warehouse):
    path, _, proc = warehouse
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "tài liệu (documents): 2" in proc.stdout
    assert "thành công" in proc.stdout
    assert published_state_budget(path) == Decimal("5861734")
    # The source's own disagreements are listed in the summary with both numbers.
    assert "A1.TOTAL.OTHER_SOURCES (lỗi): ghi 390.000 / tính 420.000" in proc.stdout
    assert "PERIOD.A2.TITLE_VS_COLUMNS (cảnh báo): ghi 2028 / tính 2030" in proc.stdout
    # Files counted in words, and the rejected one named with the report to send back.
    assert (
        "báo cáo của sở, ngành (submissions): 15 tệp — 9 được chấp nhận; 5 được chấp nhận, có cảnh báo; "
        "1 bị từ chối (accepted 9, flagged 5, rejected 1)"
    ) in proc.stdout
    rejected = re.search(r"bị từ chối \(rejected\): SGDDT_2026-Q2\.xlsx — báo cáo lỗi: (\S+)", proc.stdout)
    assert rejected and Path(rejected.group(1)).is_file(), proc.stdout[-3000:]
    assert (path / "dbt_docs" / "index.html").stat().st_size > 100_000
    # dbt built in the worker the refresh started before loading Dagster (dbt loaded and the
    # project parsed by then), and the docs site was made beside the briefing.
    assert "warm dbt worker): dbt build" in proc.stdout + proc.stderr
    assert "dbt loaded ahead" in proc.stdout + proc.stderr
    assert "docs site started" in proc.stdout + proc.stderr
    # Its step only waits for it, so the summary says how long making it took, made beside the
    # briefing, and that the step's time below is only the wait.
    assert re.search(
        r"trang tài liệu dbt \(docs site\): dựng lại trong \d+\.\d s, song song với bản tin; bước "
        r"docs__dbt_docs_site dưới đây chỉ là thời gian chờ \(generated beside the briefing\)",
        proc.stdout,
    )
    assert re.search(r"^    docs__dbt_docs_site: \d+\.\d s$", proc.stdout, re.M)
    # When analysts got the new data (the briefing renders after it), within the whole run's time.
    published = re.search(r"new warehouse published after\): ([\d.]+) s", proc.stdout)
    total = re.search(r"tổng \(total\): ([\d.]+) s", proc.stdout)
    assert published and total, proc.stdout[-2000:]
    assert 0 < float(published.group(1)) < float(total.group(1))
    # The console shows what an operator reads, not Dagster's ≈400 debug events.
    assert " - DEBUG - " not in proc.stdout + proc.stderr
    assert " - INFO - " in proc.stdout + proc.stderr


def test_killed_refresh_during_dbt_leaves_the_published_warehouse_untouched(warehouse):
    path, env, first = warehouse
    assert first.returncode == 0
    published = path / "warehouse.duckdb"
    before = (published.stat().st_ino, published.read_bytes())
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "refresh", "--full"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    # Wait until dbt is running (its build file is being written), then kill the whole run.
    deadline = time.monotonic() + 300
    seen_dbt = False
    assert process.stdout is not None
    for line in process.stdout:
        if "dbt build" in line or "Running with dbt" in line:
            seen_dbt = True
            break
        if time.monotonic() > deadline:
            break
    time.sleep(1.0)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert seen_dbt, "the refresh never reached dbt"
    assert (published.stat().st_ino, published.read_bytes()) == before
    assert published_state_budget(path) == Decimal("5861734")
    # The operator hears of it (it could not record its own end): ST-16 names the run it was.
    status = nq57_status(env)
    assert status.returncode == 1 and "ST-16" in status.stdout, status.stdout
    assert f"(tiến trình {process.pid}) đã dừng giữa chừng" in status.stdout
    # Nothing in raw/ was lost, and the next refresh succeeds.
    assert (Path(__file__).resolve().parents[1] / "raw" / "documents" / "000_a74ee38357d31740.txt").exists()
    again = refresh(env, "--full")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert published_state_budget(path) == Decimal("5861734")
    # It is history now: in the failures log, and no longer something to act on.
    failures = (path / "state" / "refresh_failures.jsonl").read_text(encoding="utf-8")
    assert f"(tiến trình {process.pid}) đã dừng giữa chừng" in failures
    assert "ST-16" not in nq57_status(env).stdout


def test_killed_refresh_during_extraction_leaves_the_published_warehouse_untouched(warehouse, tmp_path):
    from pipelines.fault_points import REFRESH_PAUSE_ENV, REFRESH_PAUSE_MARKER_ENV

    path, env, first = warehouse
    assert first.returncode == 0
    published = path / "warehouse.duckdb"
    before = (published.stat().st_ino, published.read_bytes())
    marker = tmp_path / "paused.pid"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "refresh", "--full"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**env, REFRESH_PAUSE_ENV: "extraction_writing", REFRESH_PAUSE_MARKER_ENV: str(marker)},
        start_new_session=True,
    )
    # The refresh stops halfway through writing the raw tables (documents.parquet new, the others
    # not yet): kill it there, the way a power cut or the OOM killer would.
    deadline = time.monotonic() + 300
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the refresh never reached the extraction's pause point"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert (published.stat().st_ino, published.read_bytes()) == before
    assert published_state_budget(path) == Decimal("5861734")
    assert (Path(__file__).resolve().parents[1] / "raw" / "documents" / "000_a74ee38357d31740.txt").exists()
    # The next refresh succeeds. Nothing in the documents or the code changed, so it reads no
    # document again (extraction cache) and reuses the docs site; it still rebuilds and publishes.
    again = refresh(env, "--full")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "tài liệu (documents): 2 — đọc lại 0, không đổi nên lấy từ bộ nhớ đệm 2" in again.stdout
    assert "trang tài liệu dbt (docs site): dùng lại" in again.stdout
    # Nor is any submission validated again: same bytes, same reference data, same code.
    assert re.search(r"kiểm tra lại 0, không đổi nên lấy kết quả cũ \d+", again.stdout), again.stdout
    assert published.stat().st_ino != before[0]
    assert published_state_budget(path) == Decimal("5861734")
    assert (path / "dbt_docs" / "index.html").stat().st_size > 100_000


def test_two_refreshes_started_at_once_run_one_after_the_other(warehouse):
    """The schedule, the file sensor and an operator may start refreshes at the same moment: the
    second waits for the first (and says so) instead of overwriting its raw tables or build file;
    both succeed and publish."""
    path, env, first = warehouse
    assert first.returncode == 0
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "refresh", "--full"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=600)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], "\n".join(o[-3000:] for o in outputs)
    assert sum("waiting for another refresh" in output for output in outputs) == 1
    assert all("new warehouse published after" in output for output in outputs)
    assert published_state_budget(path) == Decimal("5861734")


def test_a_refresh_with_no_new_input_keeps_the_published_warehouse(warehouse):
    path, env, _ = warehouse
    sidecar = path / "warehouse.duckdb.json"
    before = sidecar.read_text()
    proc = refresh(env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "no new input" in proc.stdout
    assert sidecar.read_text() == before  # no new version was published
    # Today's briefing was rendered from this very file by the refresh before: nothing to redo,
    # and Dagster is not even started (no run id in the output).
    assert "nothing to redo" in proc.stdout
    assert "run id" not in proc.stdout


def test_a_refresh_with_no_new_input_renders_a_missing_briefing(warehouse):
    import shutil

    from pipelines.briefing import today_vn

    path, env, _ = warehouse
    sidecar = path / "warehouse.duckdb.json"
    before = sidecar.read_text()
    today = path / "briefings" / today_vn().isoformat()
    shutil.rmtree(today)
    proc = refresh(env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "no new input" in proc.stdout and "nothing to redo" not in proc.stdout
    assert "briefing__nightly" in proc.stdout  # the only stage that ran
    assert "nq57_dbt_models" not in proc.stdout
    assert sidecar.read_text() == before
    assert (today / "briefing.html").is_file() and (today / "source.json").is_file()


def test_a_refresh_with_no_new_input_remakes_a_docs_site_that_failed_after_the_publish(warehouse):
    """The docs site is made after the publish; if that step failed or was killed, the published
    warehouse matches the inputs, yet the next refresh remakes the site (from the published file:
    no build), and only the site: today's briefing is current."""
    from pipelines.refresh_state import DOCS_STAMP

    path, env, _ = warehouse
    sidecar = path / "warehouse.duckdb.json"
    before = sidecar.read_text()
    stamp = path / "dbt_docs" / DOCS_STAMP
    current = stamp.read_text()
    stamp.write_text("fingerprint of the code before\n")  # what a failed docs step leaves
    (path / "build" / "warehouse.duckdb").unlink(missing_ok=True)  # any build may be gone by then
    proc = refresh(env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "docs site is not current: remade" in proc.stdout
    assert "docs__dbt_docs_site" in proc.stdout
    assert "briefing__nightly" not in proc.stdout and "nq57_dbt_models" not in proc.stdout
    assert sidecar.read_text() == before  # no new version was published
    assert stamp.read_text() == current
    assert (path / "dbt_docs" / "index.html").stat().st_size > 100_000
    assert "nothing to redo" in refresh(env).stdout  # and now all is current


def test_a_bad_document_and_a_rejected_submission_do_not_stop_the_refresh(tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[1]
    documents = tmp_path / "documents"
    submissions = tmp_path / "submissions"
    shutil.copytree(root / "raw" / "documents", documents)
    shutil.copytree(root / "raw" / "submissions", submissions)
    (documents / "broken.pdf").write_bytes(b"%PDF-1.4 cut off in the e-mail")
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"PK\x03\x04 cut off too")
    # A second copy of the plan under another name, and a manifest date nobody can read.
    shutil.copy(documents / "000_a74ee38357d31740.txt", documents / "Nghị quyết (bản sao).txt")
    manifest = submissions / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "SYT_2025-Q4.xlsx,2026-01-12T09:15:00+07:00", "SYT_2025-Q4.xlsx,ngày 12 tháng 1"
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "NQ57_DOCUMENTS_DIR": str(documents),
        "NQ57_SUBMISSIONS_DIR": str(submissions),
    }
    proc = refresh(env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert published_state_budget(tmp_path / "warehouse") == Decimal("5861734")
    # Both bad files are answered, in the warehouse, with their reasons; and both are kept unchanged.
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{tmp_path / 'warehouse' / 'warehouse.duckdb'}' as w (read_only)")
        failed = con.execute(
            "select file_name, extraction_error from w.marts.dim_document where extraction_status = 'failed'"
        ).fetchall()
        rejected = con.execute(
            "select file_name, status, fatal_count > 0, rule_ids like '%SUB-F0%' from w.marts.dim_submission "
            "where file_name = 'SYT_2026-Q1.xlsx'"
        ).fetchall()
        loaded = con.execute(
            "select count(*) from w.marts.dim_submission where status in ('accepted', 'flagged')"
        ).fetchone()[0]
    finally:
        con.close()
    assert [name for name, _ in failed] == ["broken.pdf"] and failed[0][1]
    assert rejected == [("SYT_2026-Q1.xlsx", "rejected", True, True)]
    assert loaded >= 9  # every shipped sample still loads
    assert (documents / "broken.pdf").read_bytes() == b"%PDF-1.4 cut off in the e-mail"
    assert (submissions / "SYT_2026-Q1.xlsx").read_bytes() == b"PK\x03\x04 cut off too"
    # The run succeeded, and its summary still lists what someone must fix in raw/.
    warnings = proc.stdout.split("cảnh báo về tệp đầu vào (input warnings): ", 1)[1].split("thời gian")[0]
    shown = [
        line.strip().removeprefix("! ") for line in warnings.splitlines() if line.strip().startswith("!")
    ]
    got = [id_and_detail(line) for line in shown]
    assert any(rule_id == "IN-D16" and detail.startswith("broken.pdf: ") for rule_id, detail in got)
    assert any(rule_id == "IN-S04" and "received_at 'ngày 12 tháng 1'" in detail for rule_id, detail in got)
    assert (
        "IN-D12",
        "Nghị quyết (bản sao).txt: cùng nội dung với 000_a74ee38357d31740.txt, không trích xuất lại "
        "(duplicate of 000_a74ee38357d31740.txt)",
    ) in got
    # …and so does the successes log, for the morning check (`nq57 status`, ST-14).
    (success,) = [
        json.loads(line)
        for line in (tmp_path / "warehouse" / "state" / "refresh_successes.jsonl").read_text().splitlines()
    ]
    assert any("ngày 12 tháng 1" in warning for warning in success["input_warnings"])
    assert any("bản sao" in warning for warning in success["input_warnings"])


def _tables_and_views(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        f"""select schema_name, table_name from duckdb_tables() where database_name = '{database}'
            union all
            select schema_name, view_name from duckdb_views()
            where database_name = '{database}' and not internal
            order by 1, 2"""
    ).fetchall()


def _differences(left: Path, right: Path) -> list[tuple]:
    """Every table and view whose rows differ between two warehouse files (publish log aside)."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        con.execute("set variable nq57_as_of = date '2026-12-31'")  # the views, on one date
        names = _tables_and_views(con, "l")
        assert names == _tables_and_views(con, "r")
        differences = []
        for schema, name in names:
            if (schema, name) == ("meta", "publish_log"):
                continue
            l_only, r_only = (
                con.execute(
                    f"select count(*) from (select * from {a}.{schema}.{name} except all "
                    f"select * from {b}.{schema}.{name})"
                ).fetchone()[0]
                for a, b in (("l", "r"), ("r", "l"))
            )
            if l_only or r_only:
                differences.append((schema, name, l_only, r_only))
        return differences
    finally:
        con.close()


def _file_names(warehouse: Path) -> set[str]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{warehouse / 'warehouse.duckdb'}' as w (read_only)")
        return {row[0] for row in con.execute("select file_name from w.marts.dim_submission").fetchall()}
    finally:
        con.close()


def test_new_submissions_rebuild_only_their_models_and_equal_a_full_rebuild(tmp_path):
    """Only submissions changed: their models are rebuilt on the published warehouse; the result is
    the warehouse a full rebuild makes. A report arriving mid-refresh waits for the next one."""
    import shutil

    from pipelines.fault_points import REFRESH_PAUSE_ENV, REFRESH_PAUSE_MARKER_ENV, REFRESH_PAUSE_SECONDS_ENV

    root = Path(__file__).resolve().parents[1]
    submissions = tmp_path / "submissions"
    shutil.copytree(root / "raw" / "submissions", submissions)
    held_back = tmp_path / "held_back"
    held_back.mkdir()
    # SGDDT's corrected 2026-Q2 report and VPTU's 2026-Q2 report arrive later.
    for name in ("SGDDT_2026-Q2_v2.xlsx", "VPTU_2026-Q2.xlsx"):
        shutil.move(submissions / name, held_back / name)
    warehouse = tmp_path / "warehouse"
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(warehouse), "NQ57_SUBMISSIONS_DIR": str(submissions)}
    first = refresh(env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    docs_before = (warehouse / "dbt_docs" / "index.html").stat().st_mtime_ns

    # The corrected report arrives; VPTU's lands while the next refresh is running (after it read
    # the submissions folder).
    shutil.copy(held_back / "SGDDT_2026-Q2_v2.xlsx", submissions)
    marker = tmp_path / "paused.pid"
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **env,
            REFRESH_PAUSE_ENV: "submissions_ingested",
            REFRESH_PAUSE_MARKER_ENV: str(marker),
            REFRESH_PAUSE_SECONDS_ENV: "5",
        },
    )
    deadline = time.monotonic() + 300
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the refresh never reached the pause after reading the submissions"
    shutil.copy(held_back / "VPTU_2026-Q2.xlsx", submissions)
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    assert "only submissions changed" in stdout
    assert "nq57_dbt_models" in stdout and "docs__dbt_docs_site" not in stdout
    names = _file_names(warehouse)
    assert "SGDDT_2026-Q2_v2.xlsx" in names and "VPTU_2026-Q2.xlsx" not in names
    # The docs site was neither regenerated nor replaced (same code).
    assert (warehouse / "dbt_docs" / "index.html").stat().st_mtime_ns == docs_before

    # The report that came during the run is new to the next one, which loads it the same way.
    second = refresh(env)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "only submissions changed" in second.stdout
    assert "VPTU_2026-Q2.xlsx" in _file_names(warehouse)
    incremental = (warehouse / "warehouse.duckdb").read_bytes()

    full = refresh(env, "--full")
    assert full.returncode == 0, full.stdout[-3000:] + full.stderr[-3000:]
    assert "only submissions changed" not in full.stdout
    (tmp_path / "incremental.duckdb").write_bytes(incremental)
    assert _differences(tmp_path / "incremental.duckdb", warehouse / "warehouse.duckdb") == []


def test_a_failed_refresh_ends_with_the_step_and_the_reason(tmp_path):
    """The operator reads the last lines: which step failed and why, the class named without its
    module path, and that the published warehouse is kept; not only where the reason was written."""
    empty = tmp_path / "documents"
    empty.mkdir()
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"), "NQ57_DOCUMENTS_DIR": str(empty)}
    done = refresh(env)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-2:]
    assert last[0].startswith(
        "Làm mới thất bại ở bước ingested_submissions (refresh failed at): "
        "ingested_submissions: NoPlanDocumentError: Chưa trích xuất được Nghị quyết có Phụ lục I"
    )
    assert last[1].startswith("Kho dữ liệu đã công bố trước đó được giữ nguyên")
    assert last[1].endswith(str(tmp_path / "warehouse" / "state" / "refresh_failures.jsonl"))
    recorded = json.loads((tmp_path / "warehouse" / "state" / "refresh_failures.jsonl").read_text("utf-8"))
    assert recorded["reason"].startswith("ingested_submissions: NoPlanDocumentError: ")
    # The console gives each error one line; the stack traces are in the failure record.
    assert "Stack Trace" not in done.stdout + done.stderr and 'File "' not in done.stdout + done.stderr
    assert DETAILS_HIDDEN in done.stderr
    assert "raise NoPlanDocumentError(NO_PLAN_DOCUMENT)" in recorded["details"]
    # As the hidden part's note says, --verbose prints them as Dagster does.
    verbose = refresh(env, "--verbose")
    assert verbose.returncode == 1 and "raise NoPlanDocumentError(NO_PLAN_DOCUMENT)" in verbose.stderr


def test_error_reports_written_by_a_refresh_that_then_failed_are_redone_by_the_next(tmp_path):
    """A refresh on a cut-down plan validates the submissions against it (tasks missing → SUB-C02),
    rewrites their error reports, then fails in dbt. With the document put back, the inputs equal
    the published warehouse's, yet the next refresh must not keep those reports: departments would
    be told to correct reports that were right."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    documents = tmp_path / "documents"
    shutil.copytree(root / "raw" / "documents", documents)
    # A manifest without content hashes (a column a person may leave blank): the cut-down file is
    # then loaded as the plan, as it was before the manifest's hashes were checked.
    manifest = documents / "manifest.csv"
    rows = list(csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8"))))
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "sha256": ""} for row in rows)
    env = {
        **os.environ,
        "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "NQ57_DOCUMENTS_DIR": str(documents),
    }
    first = refresh(env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    reports = sorted((tmp_path / "warehouse" / "submissions").rglob("*.errors.csv"))
    assert reports and not [r for r in reports if "SUB-C02" in r.read_text(encoding="utf-8-sig")]

    plan = documents / "000_a74ee38357d31740.txt"
    whole = plan.read_bytes()
    lines = whole.decode("utf-8").splitlines(keepends=True)
    task_40 = next(i for i, line in enumerate(lines) if line == "\t40\n" and i > 700)  # Appendix I
    plan.write_text("".join(lines[:task_40]), encoding="utf-8")
    failed = refresh(env)
    assert failed.returncode == 1
    wrong = [r for r in reports if "SUB-C02" in r.read_text(encoding="utf-8-sig")]
    assert wrong, "the failed refresh validated against the cut-down plan"

    plan.write_bytes(whole)
    again = refresh(env)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "không có tệp hay mã nguồn mới" not in again.stdout
    assert not [r for r in wrong if "SUB-C02" in r.read_text(encoding="utf-8-sig")]
    assert published_state_budget(tmp_path / "warehouse") == Decimal("5861734")
