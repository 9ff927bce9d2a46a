"""`nq57 withdraw` on a real warehouse: a shipped report withdrawn, real refreshes, its figures out and
the version before it in force; `--undo` brings it back. Refusals on an archive of its own."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipelines.refresh_lock import RefreshLock
from pipelines.submissions.archive import archive_inbox, load_registry
from pipelines.warehouse_access import read_sql

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "raw" / "submissions"
REASON = "sở không nhận số liệu này"
# SKHCN's 2026-Q1 report was sent twice; v2 corrects one figure of v1 (KinhPhi, task 52, VON_DOI_UNG_DN).
V1, V2 = "SKHCN_2026-Q1.xlsx", "SKHCN_2026-Q1_v2.xlsx"


def nq57(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


def refreshed(env: dict[str, str]) -> None:
    proc = nq57(env, "refresh")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def reported(file_name: str) -> Decimal:
    """The cumulative disbursement of task 52 (VON_DOI_UNG_DN) as written in the workbook itself."""
    sheet = openpyxl.load_workbook(SAMPLES / file_name, data_only=True)["KinhPhi"]
    (value,) = [
        row[5]
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row[1] == "52" and row[3] == "VON_DOI_UNG_DN"
    ]
    return Decimal(str(value))


def query(warehouse: Path, sql: str) -> list[dict]:
    return read_sql(sql, path=warehouse / "warehouse.duckdb").to_dict("records")


def in_force(warehouse: Path) -> list[dict]:
    return query(
        warehouse,
        "select file_name, disbursed_cumulative_mvnd from marts.fct_budget_execution where agency_code = "
        "'SKHCN' and period = '2026-Q1' and item_no = '52' and funding_source_code = 'VON_DOI_UNG_DN' "
        "and is_current",
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(warehouse, env) after a real refresh of the shipped reports."""
    root = tmp_path_factory.mktemp("withdraw")
    inbox = root / "submissions"
    shutil.copytree(SAMPLES, inbox)
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(root / "warehouse"), "NQ57_SUBMISSIONS_DIR": str(inbox)}
    env.pop("NQ57_SUBMISSION_ARCHIVE_DIR", None)
    refreshed(env)
    return root / "warehouse", env


def test_a_withdrawn_report_leaves_the_figures_at_the_next_refresh_and_undo_brings_it_back(published):
    warehouse, env = published
    assert reported(V1) == Decimal("98010") and reported(V2) == Decimal("9801")  # the typo v2 fixed
    assert in_force(warehouse) == [{"file_name": V2, "disbursed_cumulative_mvnd": reported(V2)}]

    no_reason = nq57(env, "withdraw", V2)
    assert no_reason.returncode == 2 and "Phải ghi lý do rút tệp" in no_reason.stderr
    done = nq57(env, "withdraw", V2, "--reason", REASON)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã rút tệp (withdrawn): {V2} (nhận 20/04/2026 08:10" in done.stdout
    listed = nq57(env, "withdraw", "--list")
    assert listed.returncode == 0 and f"bởi {getpass.getuser()}, lý do: {REASON}" in listed.stdout
    # The archive keeps the copy; the next refresh must see the withdrawal though raw/ did not change.
    (entry,) = [e for e in load_registry(warehouse / "submissions") if e.file_name == V2]
    assert (warehouse / "submissions" / entry.archive_path).is_file()
    before = json.loads(nq57(env, "status", "--json").stdout)
    assert before["pending_inputs"] == ["submissions/.withdrawn"]

    refreshed(env)
    # v2's figures are gone from the facts; v1's, as its workbook wrote them, are in force again.
    assert in_force(warehouse) == [{"file_name": V1, "disbursed_cumulative_mvnd": reported(V1)}]
    assert query(
        warehouse, f"select count(*) as n from marts.fct_budget_execution where file_name = '{V2}'"
    ) == [{"n": 0}]
    files = {
        r["file_name"]: r
        for r in query(
            warehouse,
            "select file_name, status, version, is_current, superseded_at, withdraw_reason, withdrawn_by, "
            "withdrawn_at from marts.dim_submission where agency_code = 'SKHCN' and period = '2026-Q1'",
        )
    }
    assert files[V2]["status"] == "withdrawn" and files[V2]["withdraw_reason"] == REASON
    assert files[V2]["withdrawn_by"] == getpass.getuser() and files[V2]["withdrawn_at"] is not None
    assert (files[V1]["version"], files[V1]["is_current"]) == (1, True)
    assert pd.isna(files[V1]["superseded_at"])  # no later version replaces it now
    (quarter,) = query(
        warehouse,
        "select files_received, versions_loaded, files_withdrawn, submission_state "
        "from marts.rpt_submission_status where agency_code = 'SKHCN' and period = '2026-Q1'",
    )
    assert quarter == {
        "files_received": 2,
        "versions_loaded": 1,
        "files_withdrawn": 1,
        "submission_state": "submitted",
    }
    status = json.loads(nq57(env, "status", "--json").stdout)
    assert status["pending_inputs"] == []
    (st18,) = [f for f in status["findings"] if f["rule_id"] == "ST-18"]
    assert st18["details"][0].startswith(f"{V2} (nhận 20/04/2026 08:10") and st18["details"][0].endswith(
        REASON
    )
    # The briefing's list of files says it, with why.
    html = (warehouse / "briefings" / "latest" / "briefing.html").read_text(encoding="utf-8")
    assert f"đã rút (lý do: {REASON})" in html

    again = nq57(env, "withdraw", V2, "--reason", "lần nữa")
    assert again.returncode == 2 and "is withdrawn already" in again.stderr
    undone = nq57(env, "withdraw", "--undo", V2)
    assert undone.returncode == 0, undone.stdout + undone.stderr
    refreshed(env)
    assert in_force(warehouse) == [{"file_name": V2, "disbursed_cumulative_mvnd": reported(V2)}]
    status = json.loads(nq57(env, "status", "--json").stdout)
    assert "ST-18" not in [f["rule_id"] for f in status["findings"]]
    assert nq57(env, "withdraw", "--list").stdout.startswith("Không có tệp báo cáo nào đã rút")


@pytest.fixture
def archived(tmp_path) -> dict[str, str]:
    """An env whose archive holds three shipped reports, one name received twice (no refresh needed)."""
    inbox, warehouse = tmp_path / "submissions", tmp_path / "warehouse"
    (inbox / "lan2").mkdir(parents=True)
    shutil.copy(SAMPLES / "manifest.csv", inbox / "manifest.csv")
    for name in ("SYT_2026-Q1.xlsx", "SYT_2026-Q2.xlsx"):
        shutil.copy(SAMPLES / name, inbox / name)
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "lan2" / "SYT_2026-Q2.xlsx")
    archive_inbox(inbox, warehouse / "submissions")
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(warehouse), "NQ57_SUBMISSIONS_DIR": str(inbox)}
    env.pop("NQ57_SUBMISSION_ARCHIVE_DIR", None)
    return env


def test_a_name_that_matches_no_file_or_several_is_refused_and_nothing_changes(archived):
    registry = Path(archived["NQ57_WAREHOUSE_DIR"]) / "submissions" / "registry.csv"
    before = registry.read_bytes()
    unknown = nq57(archived, "withdraw", "SYT_2027-Q1.xlsx", "--reason", "gửi nhầm")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("Không có tệp báo cáo nào đã nhận khớp với 'SYT_2027-Q1.xlsx'")
    assert "(no received report matches 'SYT_2027-Q1.xlsx')" in unknown.stderr
    several = nq57(archived, "withdraw", "SYT_2026-Q2.xlsx", "--reason", "gửi nhầm")
    assert several.returncode == 2
    assert several.stderr.startswith("'SYT_2026-Q2.xlsx' khớp với 2 tệp; hãy ghi đầu mã sha256")
    assert (
        "· SYT_2026-Q2.xlsx (nhận " in several.stderr and "· lan2/SYT_2026-Q2.xlsx (nhận " in several.stderr
    )
    not_withdrawn = nq57(archived, "withdraw", "--undo", "SYT_2026-Q1.xlsx")
    assert not_withdrawn.returncode == 2 and "is not withdrawn" in not_withdrawn.stderr
    assert registry.read_bytes() == before
    # The inbox path tells them apart.
    chosen = nq57(archived, "withdraw", "lan2/SYT_2026-Q2.xlsx", "--reason", "gửi nhầm")
    assert chosen.returncode == 0, chosen.stderr
    assert [e.source_path for e in load_registry(registry.parent) if e.withdrawn] == ["lan2/SYT_2026-Q2.xlsx"]


def test_an_option_that_would_be_ignored_is_refused(archived):
    """Review (session 16): `--undo --reason …` dropped the reason and `--list FILE` the file without a
    word; an operator who typed them expects them used."""
    registry = Path(archived["NQ57_WAREHOUSE_DIR"]) / "submissions" / "registry.csv"
    before = registry.read_bytes()
    listed = nq57(archived, "withdraw", "--list", "SYT_2026-Q1.xlsx")
    assert listed.returncode == 2 and "(--list and --history take nothing else)" in listed.stderr
    undone = nq57(archived, "withdraw", "SYT_2026-Q1.xlsx", "--undo", "--reason", "đã sửa")
    assert undone.returncode == 2 and "--undo không cần lý do" in undone.stderr
    assert registry.read_bytes() == before


def test_history_lists_every_withdrawal_and_undo_oldest_first(archived):
    """`--history`: the registry forgets a withdrawal once undone; the history does not."""
    empty = nq57(archived, "withdraw", "--history")
    assert empty.returncode == 0 and "Chưa có lần rút hay đưa lại" in empty.stdout
    assert nq57(archived, "withdraw", "SYT_2026-Q1.xlsx", "--reason", "gửi nhầm").returncode == 0
    assert nq57(archived, "withdraw", "--undo", "SYT_2026-Q1.xlsx").returncode == 0
    shown = nq57(archived, "withdraw", "--history")
    assert shown.returncode == 0, shown.stderr
    lines = [line for line in shown.stdout.splitlines() if line.startswith("  · ")]
    assert len(lines) == 2 and shown.stdout.startswith("2 lần rút hoặc đưa lại")
    assert " rút SYT_2026-Q1.xlsx (sha256 " in lines[0] and lines[0].endswith("lý do: gửi nhầm")
    assert " đưa lại SYT_2026-Q1.xlsx (sha256 " in lines[1] and "lý do: gửi nhầm)" in lines[1]
    both = nq57(archived, "withdraw", "--history", "--list")
    assert both.returncode == 2


def test_withdraw_waits_for_no_refresh(archived):
    warehouse = Path(archived["NQ57_WAREHOUSE_DIR"])
    before = (warehouse / "submissions" / "registry.csv").read_bytes()
    refresh = RefreshLock(warehouse)
    refresh.acquire(timeout=0)
    try:
        proc = nq57(archived, "withdraw", "SYT_2026-Q1.xlsx", "--reason", "gửi nhầm")
    finally:
        refresh.release()
    assert proc.returncode == 2 and "(a refresh is running: withdraw after it ends)" in proc.stderr
    assert (warehouse / "submissions" / "registry.csv").read_bytes() == before


def test_a_copy_in_another_folder_is_told_apart_by_its_path_not_its_sha256(tmp_path):
    """Withdrawing a duplicate (review, session 16): the same bytes received twice share their sha256,
    so the refusal asked for a sha256 prefix that named both again. It now asks for the path from
    raw/submissions/, which names one file even where the listed path is the other's file name, and
    says when each was received in Vietnam time (a manifest may give UTC)."""
    inbox, warehouse = tmp_path / "submissions", tmp_path / "warehouse"
    (inbox / "lan2").mkdir(parents=True)
    (inbox / "manifest.csv").write_text(
        "file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08T02:20:00+00:00\n"
        "lan2/SYT_2026-Q1.xlsx,2026-04-09T17:30:00+00:00\n",
        encoding="utf-8",
    )
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "SYT_2026-Q1.xlsx")
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "lan2" / "SYT_2026-Q1.xlsx")  # the same bytes again
    archive_inbox(inbox, warehouse / "submissions")
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(warehouse), "NQ57_SUBMISSIONS_DIR": str(inbox)}
    env.pop("NQ57_SUBMISSION_ARCHIVE_DIR", None)
    (sha,) = {e.sha256 for e in load_registry(warehouse / "submissions")}

    by_sha = nq57(env, "withdraw", sha[:12], "--reason", "gửi nhầm")
    assert by_sha.returncode == 2
    assert by_sha.stderr.startswith(
        f"'{sha[:12]}' khớp với 2 tệp; hãy ghi đường dẫn bắt đầu bằng raw/submissions/ "
        "(ví dụ raw/submissions/SYT_2026-Q1.xlsx) của tệp cần rút"
    )
    assert "sha256 prefix" not in by_sha.stderr
    # Vietnam time (UTC+7): 09:20 on the 8th, 00:30 on the 10th.
    assert f"· SYT_2026-Q1.xlsx (nhận 08/04/2026 09:20, sha256 {sha[:12]})" in by_sha.stderr
    assert f"· lan2/SYT_2026-Q1.xlsx (nhận 10/04/2026 00:30, sha256 {sha[:12]})" in by_sha.stderr
    assert nq57(env, "withdraw", "SYT_2026-Q1.xlsx", "--reason", "gửi nhầm").returncode == 2  # both again

    chosen = nq57(env, "withdraw", "raw/submissions/SYT_2026-Q1.xlsx", "--reason", "gửi nhầm")
    assert chosen.returncode == 0, chosen.stderr
    assert [e.source_path for e in load_registry(warehouse / "submissions") if e.withdrawn] == [
        "SYT_2026-Q1.xlsx"
    ]
    # The way back it prints names the file, and works as printed.
    assert "`nq57 withdraw --undo SYT_2026-Q1.xlsx` đưa tệp trở lại" in chosen.stdout
    undone = nq57(env, "withdraw", "--undo", "SYT_2026-Q1.xlsx")
    assert undone.returncode == 0, undone.stderr
    assert not any(e.withdrawn for e in load_registry(warehouse / "submissions"))

    # A corrected report re-sent under the same name shares the path instead: the sha256 tells them apart.
    shutil.copy(SAMPLES / "SYT_2026-Q2.xlsx", inbox / "SYT_2026-Q1.xlsx")
    archive_inbox(inbox, warehouse / "submissions")
    by_path = nq57(env, "withdraw", "raw/submissions/SYT_2026-Q1.xlsx", "--reason", "gửi nhầm")
    assert by_path.returncode == 2
    assert by_path.stderr.startswith(
        "'raw/submissions/SYT_2026-Q1.xlsx' khớp với 2 tệp; hãy ghi đầu mã sha256 (ít nhất 8 ký tự) của "
        "tệp cần rút (matches 2 files: give a sha256 prefix)"
    )
