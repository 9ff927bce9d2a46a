"""The morning check's rules, each on a real published warehouse file in a temporary folder.

The warehouse is a small DuckDB build published by the real publish code, with the files a good
refresh leaves beside it (today's briefing stamp, the docs site stamp, the successes log); each
test then breaks one thing and checks that exactly its rule speaks.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import pytest

from pipelines.briefing import BRIEFING_NOTEBOOK, SOURCE_STAMP, briefing_source
from pipelines.input_rules import input_warning
from pipelines.publish import publish_build
from pipelines.refresh_lock import LOCK_FILE, RefreshLock
from pipelines.refresh_state import (
    DOCS_STAMP,
    code_fingerprint,
    current_inputs,
    record_failure,
    record_success,
)
from pipelines.submissions.archive import archive_inbox, load_registry
from pipelines.warehouse_status import ERROR, INFO, STATUS_RULES, WARNING, check_status

VN = dt.timezone(dt.timedelta(hours=7))
# 09:00 in Hà Nội on the day of the test's briefing: the morning after a 02:00 refresh.
MORNING = dt.datetime(2026, 12, 2, 9, 0, tzinfo=VN)


def make_build(path: Path, samples: int = 0, rejected: int = 0, replaced: int = 0) -> Path:
    """Four submission files, the first ``samples`` of them samples, the first ``rejected`` rejected, the
    ``replaced`` after them loaded but no longer in force (a later version replaced them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_budget_plan as select 'NV' || i as task_id, cast(i as decimal(18, 3)) "
        "as amount_mvnd from range(10) t(i)"
    )
    con.execute(
        "create table marts.dim_submission as select 'F' || i as file_id, i < ? as is_sample, "
        "case when i < ? then 'rejected' when i = 3 then 'flagged' else 'accepted' end as status, "
        "i >= ? + ? as is_current from range(4) t(i)",
        [samples, rejected, rejected, replaced],
    )
    con.close()
    return path


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """A warehouse as a good refresh at 02:00 leaves it: published, briefing and docs site current."""
    folder = tmp_path / "warehouse"
    documents, submissions = tmp_path / "documents", tmp_path / "submissions"
    documents.mkdir()
    submissions.mkdir()
    (documents / "plan.txt").write_text("Đề án Nghị quyết 57", encoding="utf-8")
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"workbook bytes")
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(folder))
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    archive_inbox(submissions, folder / "submissions")  # what the refresh's ingestion does first
    publish(folder, tmp_path / "build.duckdb")
    return folder


def publish(folder: Path, build: Path, samples: int = 0, rejected: int = 0, replaced: int = 0) -> None:
    publish_build(
        make_build(build, samples, rejected, replaced),
        run_id="run-status-test",
        input_hashes=current_inputs(),
        warehouse_dir=folder,
        code_version="abc1234",
    )
    record_success("run-status-test", "full")
    docs = folder / "dbt_docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.html").write_text("<html></html>", encoding="utf-8")
    (docs / DOCS_STAMP).write_text(code_fingerprint() + "\n", encoding="utf-8")
    render_briefing_stamp(folder, MORNING.date())


def render_briefing_stamp(folder: Path, day: dt.date) -> Path:
    """The files a rendered briefing leaves (their contents do not matter to the check)."""
    dated = folder / "briefings" / day.isoformat()
    dated.mkdir(parents=True, exist_ok=True)
    for name in ("briefing.html", "briefing.ipynb", "briefing.pdf"):
        (dated / name).write_text("rendered", encoding="utf-8")
    source = briefing_source(day, folder / "warehouse.duckdb", BRIEFING_NOTEBOOK)
    (dated / SOURCE_STAMP).write_text(json.dumps(source), encoding="utf-8")
    return dated


def now_after_publish(hours: float = 1) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)


def fired(status) -> list[str]:
    return [f.rule_id for f in status.findings]


def test_every_rule_has_an_id_a_severity_and_both_messages():
    assert list(STATUS_RULES) == [f"ST-{n:02d}" for n in range(1, len(STATUS_RULES) + 1)]
    for rule in STATUS_RULES.values():
        assert rule.severity in (ERROR, WARNING, INFO)
        assert rule.message_vi and rule.message_en


def _asserted_firing(tree: ast.AST) -> set[str]:
    """The ST-nn IDs compared in an ``assert`` whose expression calls ``fired(...)``: rules a test made fire
    (or made sure stay silent) on a warehouse it broke, read from this module's own source."""
    ids: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and any(
            isinstance(call, ast.Call) and getattr(call.func, "id", None) == "fired"
            for call in ast.walk(node.test)
        ):
            ids.update(
                c.value
                for c in ast.walk(node.test)
                if isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value.startswith("ST-")
            )
    return ids


def test_every_rule_of_the_catalogue_is_made_to_fire_by_a_test_of_this_module():
    """House rule (rules audit): every rule has its own test. A rule added to STATUS_RULES that no test
    here asserts through ``fired`` fails this one, whatever tests exist elsewhere."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    assert _asserted_firing(tree) == set(STATUS_RULES)


def test_the_operations_guide_lists_every_rule_with_its_severity():
    """docs/operations.md's table is what the person on duty reads to learn which rules exit 1; nothing
    held it to the catalogue, so a rule added (ST-18) or a severity changed would leave it wrong."""
    import re

    guide = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (ST-\d+) \| (\w+) \|", guide, re.MULTILINE)
    assert listed == [(rule.rule_id, rule.severity) for rule in STATUS_RULES.values()]
    # The README's command table gives the range.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"findings ST-01 … {list(STATUS_RULES)[-1]}." in readme


def test_a_warehouse_a_good_refresh_left_needs_nobody(warehouse):
    status = check_status(now=MORNING)
    assert fired(status) == []
    assert not status.needs_attention
    assert status.published["file_status"] == "ok"
    assert status.published["code_version"] == "abc1234"
    assert status.last_success["kind"] == "full"
    assert status.todays_briefing_current and status.docs_site_current
    assert status.sample_submissions == 0
    assert len(status.kept_versions) == 1
    assert status.archived_files == 1 and status.damaged_archive_copies == []


def test_st01_nothing_published(tmp_path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "empty"))
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-01"]
    assert status.needs_attention and status.published is None
    assert not (tmp_path / "empty").exists()  # the check creates nothing


def test_st02_a_damaged_published_file(warehouse):
    target = warehouse / "warehouse.duckdb"
    os.chmod(target, 0o644)  # published read-only
    with target.open("r+b") as handle:
        handle.seek(5000)
        handle.write(b"\0damaged\0" * 100)
    status = check_status(now=MORNING)
    assert "ST-02" in fired(status)
    assert status.needs_attention
    assert status.published["file_status"] == "corrupt"
    (damaged,) = [f for f in status.findings if f.rule_id == "ST-02"]
    assert "checksum" in damaged.details[0]


def test_st03_the_last_refresh_failed_until_one_works_again(warehouse):
    record_failure("run-bad", "nq57_dbt_models", "dbt build: không đọc được bảng thô")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-03"]
    assert status.needs_attention
    (detail,) = status.findings[0].details
    assert "nq57_dbt_models" in detail and "không đọc được bảng thô" in detail
    record_success("run-good", "briefing_only")
    assert fired(check_status(now=MORNING)) == []


def test_st04_no_good_refresh_for_longer_than_allowed(warehouse):
    a_day_and_more = now_after_publish(hours=27)
    status = check_status(now=a_day_and_more)
    assert "ST-04" in fired(status)
    assert status.needs_attention
    assert "ST-04" not in fired(check_status(now=a_day_and_more, max_age_hours=48))


def test_st05_inputs_added_changed_or_removed_since_the_publish(warehouse, tmp_path):
    (tmp_path / "submissions" / "STC_2026-Q1.xlsx").write_bytes(b"a new report")
    (tmp_path / "documents" / "plan.txt").write_text("Đề án Nghị quyết 57, sửa", encoding="utf-8")
    (tmp_path / "submissions" / "SYT_2026-Q1.xlsx").unlink()
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-05"]
    assert not status.needs_attention  # the next refresh loads them by itself
    assert status.findings[0].details == (
        "documents/plan.txt: đã sửa (changed)",
        "submissions/STC_2026-Q1.xlsx: tệp mới (new)",
        "submissions/SYT_2026-Q1.xlsx: đã xoá (removed)",
    )


def test_st05_ignores_what_ingestion_ignores(warehouse, tmp_path):
    """Operator review: Excel's owner file of a workbook open on the share was listed as a new file
    waiting to load, though ingestion never reads it."""
    (tmp_path / "submissions" / "~$SYT_2026-Q3.xlsx").write_bytes(b"\x0bNguyen Van A")
    (tmp_path / "submissions" / "README.md").write_text("Hộp thư nhận báo cáo", encoding="utf-8")
    assert fired(check_status(now=MORNING)) == []


def test_st06_a_docs_site_of_other_code(warehouse):
    (warehouse / "dbt_docs" / DOCS_STAMP).write_text("fingerprint of older code\n", encoding="utf-8")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-06"]
    assert not status.needs_attention


def test_st07_todays_briefing_not_rendered_yet(warehouse):
    tomorrow_morning = MORNING + dt.timedelta(days=1)
    status = check_status(now=tomorrow_morning, max_age_hours=48)
    assert fired(status) == ["ST-07"]
    assert "2026-12-03" in status.findings[0].message_vi and "2026-12-02" in status.findings[0].message_vi
    assert status.latest_briefing == "2026-12-02"
    assert "chưa có bản tin của ngày này" in status.findings[0].message_vi


def test_st07_says_why_a_briefing_dated_today_is_not_current(warehouse):
    """Session 15: after the notebook or the warehouse changed, ST-07 said no briefing of today was
    rendered from the published warehouse "(bản tin mới nhất: <today>)", which read as a contradiction."""
    import hashlib

    stamp = warehouse / "briefings" / "2026-12-02" / SOURCE_STAMP
    source = json.loads(stamp.read_text(encoding="utf-8"))
    stamp.write_text(json.dumps({**source, "notebook_sha256": hashlib.sha256(b"older").hexdigest()}))
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-07"]
    assert (
        "dựng từ kho đang công bố: bản tin của ngày này được dựng bằng notebook bản tin "
        "(notebooks/briefing.py) trước khi sửa (bản tin mới nhất: 2026-12-02)"
    ) in status.findings[0].message_vi
    stamp.write_text(json.dumps({**source, "warehouse_sha256": hashlib.sha256(b"other").hexdigest()}))
    assert (
        "được dựng từ một bản kho khác, không phải bản đang công bố"
        in check_status(now=MORNING).findings[0].message_vi
    )


def test_st08_sample_submissions_in_the_published_warehouse(warehouse, tmp_path):
    publish(warehouse, tmp_path / "build2.duckdb", samples=3)
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-08"]
    assert status.sample_submissions == 3
    assert "3 báo cáo MẪU" in status.findings[0].message_vi
    assert status.findings[0].details == ()
    assert not status.needs_attention


def test_st08_counts_only_the_samples_whose_rows_are_loaded(warehouse, tmp_path):
    """Operator review: "15 báo cáo MẪU" while all 15 sample files had been rejected (nothing of
    them in the figures)."""
    publish(warehouse, tmp_path / "build2.duckdb", samples=4, rejected=1)  # one flagged among them
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-08"]
    assert (status.sample_submissions, status.sample_submissions_not_loaded) == (3, 1)
    assert "số liệu của 3 báo cáo MẪU" in status.findings[0].message_vi
    assert status.findings[0].details == (
        "thêm 1 tệp mẫu không có trong số liệu (bị từ chối, trùng, đã rút hoặc đã có phiên bản sau thay thế) "
        "(1 more sample files not in the figures: rejected, duplicate, withdrawn or replaced)",
    )
    # Diff review (session 14): a sample a later version replaced is no longer in the figures either.
    publish(warehouse, tmp_path / "build4.duckdb", samples=4, rejected=1, replaced=1)
    status = check_status(now=MORNING)
    assert (status.sample_submissions, status.sample_submissions_not_loaded) == (2, 2)
    publish(warehouse, tmp_path / "build3.duckdb", samples=3, rejected=3)
    status = check_status(now=MORNING)
    assert fired(status) == []  # no sample figure in the warehouse
    assert (status.sample_submissions, status.sample_submissions_not_loaded) == (0, 3)


def test_st09_a_refresh_running_now(warehouse):
    lock = RefreshLock(warehouse)
    lock.acquire(timeout=0)
    try:
        status = check_status(now=MORNING)
        assert fired(status) == ["ST-09"]
        assert status.refresh_running
    finally:
        lock.release()
    # The check's own probe does not keep the lock: a refresh gets it at once.
    after = RefreshLock(warehouse)
    after.acquire(timeout=0)  # raises RefreshBusyError if the probe had kept it
    after.release()
    assert not check_status(now=MORNING).refresh_running


def test_no_lock_file_means_no_refresh_and_none_is_created(warehouse):
    (warehouse / LOCK_FILE).unlink(missing_ok=True)
    assert not check_status(now=MORNING).refresh_running
    assert not (warehouse / LOCK_FILE).exists()


def test_st10_an_archived_copy_gone_while_the_inbox_still_has_the_file(warehouse):
    (entry,) = load_registry(warehouse / "submissions")
    (warehouse / "submissions" / entry.archive_path).unlink()
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-10"]
    assert not status.needs_attention  # the next read restores it from the inbox
    assert "SYT_2026-Q1.xlsx" in status.findings[0].details[0] and "mất" in status.findings[0].details[0]
    assert status.damaged_archive_copies == [entry.archive_path]


def test_st11_an_archived_copy_changed_and_the_inbox_emptied(warehouse, tmp_path):
    (entry,) = load_registry(warehouse / "submissions")
    (warehouse / "submissions" / entry.archive_path).write_bytes(b"edited by hand")
    (tmp_path / "submissions" / entry.source_path).unlink()  # the inbox is cleaned after archiving
    status = check_status(now=MORNING)
    assert "ST-11" in fired(status) and "ST-10" not in fired(status)
    assert status.needs_attention  # what the department sent is lost unless somebody acts
    (lost,) = [f for f in status.findings if f.rule_id == "ST-11"]
    assert lost.details == (
        f"SYT_2026-Q1.xlsx, nhận {entry.received_at[:10]}: bản lưu {entry.archive_path} "
        "bị thay đổi (changed)",
    )


def test_st15_a_registry_typed_over_is_an_error_not_an_empty_archive(warehouse):
    """The probe's case (F7): 'oops' in registry.csv was read as an archive of 0 files, all sound."""
    registry = warehouse / "submissions" / "registry.csv"
    registry.write_text("oops", encoding="utf-8")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-15"]
    assert status.needs_attention  # every refresh stops at the submissions until it is restored
    assert "registry.csv" in status.findings[0].details[0] and "oops" in status.findings[0].details[0]
    assert status.archived_files == 1  # the copy on disk, not the 0 an empty registry would say
    assert registry.read_text(encoding="utf-8") == "oops"  # status writes nothing


def test_st15_a_deleted_registry_once_the_inbox_is_cleaned(warehouse, tmp_path):
    (warehouse / "submissions" / "registry.csv").unlink()
    assert fired(check_status(now=MORNING)) == []  # the inbox still holds the file: the next refresh lists it
    (tmp_path / "submissions" / "SYT_2026-Q1.xlsx").unlink()
    status = check_status(now=MORNING)
    assert "ST-15" in fired(status)  # with ST-05: the inbox changed since the publish
    (lost,) = [f for f in status.findings if f.rule_id == "ST-15"]
    assert "không có registry.csv" in lost.details[0] and "SYT_2026-Q1.xlsx" in lost.details[0]


def test_st12_a_kept_version_that_could_not_be_restored(warehouse, tmp_path):
    publish(warehouse, tmp_path / "build2.duckdb")
    oldest = check_status(now=MORNING).kept_versions[0]
    copy = warehouse / "published" / f"{oldest}.duckdb"
    os.chmod(copy, 0o644)
    copy.write_bytes(b"not a warehouse any more")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-12"]
    assert status.damaged_kept_versions == [oldest]
    assert status.findings[0].details == (oldest,)
    assert not status.needs_attention  # the published file and the newer copy are intact


def test_st13_a_program_holding_the_published_file_for_writing(warehouse, tmp_path):
    import subprocess
    import sys

    from publish_helpers import HELPER, wait_for

    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [sys.executable, str(HELPER), "hold-rw", str(warehouse / "warehouse.duckdb"), str(ready)]
    )
    try:
        wait_for(ready.exists, message="read-write holder")
        status = check_status(now=MORNING)
    finally:
        holder.kill()
        holder.wait()
    assert fired(status) == ["ST-13"]  # not ST-02: nothing is damaged, nothing to restore
    assert status.needs_attention and status.published["file_status"] == "locked"
    assert fired(check_status(now=MORNING)) == []  # closed: readable again


def test_st14_the_last_refresh_went_on_past_problems_in_its_inputs(warehouse):
    skipped = [
        input_warning("IN-S04", "manifest.csv dòng 2, tệp SYT_2026-Q1.xlsx: received_at 'ngày 12 tháng 1'"),
        input_warning("IN-D12", "bản sao.txt: cùng nội dung với 000_a74ee38357d31740.txt"),
    ]
    record_success("run-with-warnings", "full", "V2", warnings=skipped)
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-14"]
    assert not status.needs_attention  # the warehouse is fine; someone should tidy raw/ today
    (found,) = status.findings
    assert found.severity == WARNING and found.details == tuple(skipped)
    assert "2 vấn đề" in found.message_vi and "docs/input_warnings.md" in found.message_vi
    assert [detail[:7] for detail in found.details] == ["IN-S04 ", "IN-D12 "]  # each with its ID first
    # Only the latest word counts: a later failure is ST-03, a later clean refresh is nothing.
    record_failure("run-bad", "nq57_dbt_models", "lý do")
    assert fired(check_status(now=MORNING)) == ["ST-03"]
    record_success("run-clean", "full", "V3")
    assert fired(check_status(now=MORNING)) == []


def test_st14_shows_the_first_ten_and_counts_the_rest(warehouse):
    many = [input_warning("IN-S06", f"manifest.csv dòng {i}: 'x{i}.xlsx'") for i in range(2, 27)]
    record_success("run-many", "submissions", "V2", warnings=many)
    (found,) = check_status(now=MORNING).findings
    assert "25 vấn đề" in found.message_vi
    assert found.details[:2] == tuple(many[:2])
    assert found.details[-1] == "… và 15 cảnh báo khác" and len(found.details) == 11


def test_st16_a_command_line_refresh_killed_before_it_recorded_its_end(warehouse):
    import subprocess

    from pipelines.refresh_state import mark_ended, mark_started

    # A refresh still running is no finding (its own mark, this process).
    mine = mark_started("refresh")
    assert fired(check_status(now=MORNING)) == []
    mark_ended(mine)
    # The mark of a process that is gone: killed with kill -9, or the machine restarted.
    dead = subprocess.Popen(["true"])
    dead.wait()
    running = warehouse / "state" / "running"
    running.mkdir(parents=True, exist_ok=True)
    (running / f"{dead.pid}.json").write_text(
        f'{{"pid": {dead.pid}, "kind": "refresh --full", "at": "2026-12-02T01:00:00+00:00"}}',
        encoding="utf-8",
    )
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-16"] and status.needs_attention
    (detail,) = status.findings[0].details
    assert detail.startswith(
        f"Lần làm mới `nq57 refresh --full` bắt đầu lúc 02/12/2026 08:00 (tiến trình {dead.pid}) "
        "đã dừng giữa chừng"
    )


def test_st17_a_rollback_while_raw_still_holds_what_it_undid(warehouse, tmp_path):
    """Operator review, session 12: after `nq57 rollback` status said only ST-05 (a warning, exit 0),
    so the 07:00 mail stayed silent while the 02:00 run was about to publish the bad file again."""
    import json

    sidecar = warehouse / "warehouse.duckdb.json"
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    record.update(restored_at="2026-12-02T01:30:00+00:00", restore_reason="báo cáo STC sai", rolled_back=True)
    sidecar.write_text(json.dumps(record), encoding="utf-8")
    assert fired(check_status(now=MORNING)) == []  # raw/ is what the version put back was built from
    (tmp_path / "submissions" / "STC_2026-Q1.xlsx").write_bytes(b"the wrong report, still in the inbox")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-05", "ST-17"] and status.needs_attention
    (st17,) = [f for f in status.findings if f.rule_id == "ST-17"]
    # The message says "listed below": the file to deal with is named here, not only under ST-05.
    assert st17.details == (
        "quay lại lúc 02/12/2026 08:30; lý do: báo cáo STC sai",
        "submissions/STC_2026-Q1.xlsx: tệp mới (new)",
    )
    assert "(liệt kê dưới đây)" in st17.message_vi
    assert record["version"] in st17.message_vi
    # A damaged file put back by a refresh is no operator's rollback: ST-05 alone.
    record["rolled_back"] = False
    sidecar.write_text(json.dumps(record), encoding="utf-8")
    assert fired(check_status(now=MORNING)) == ["ST-05"]


def test_st18_a_withdrawn_report_is_said_with_who_when_and_why(warehouse, tmp_path):
    """`nq57 withdraw`: the operator and the 07:00 mail hear which reports are out of the figures and
    why, for as long as they are (an info: nobody has to act), and ST-05 until a refresh builds it."""
    from pipelines.submissions.withdrawal import restore, withdraw

    archive = warehouse / "submissions"
    (entry,) = load_registry(archive)
    marked = withdraw(archive, entry, "số liệu của sở khác", by="vanhanh")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-05", "ST-18"] and not status.needs_attention
    (st05,) = [f for f in status.findings if f.rule_id == "ST-05"]
    assert st05.details == (
        "báo cáo đã rút hoặc đưa lại bằng `nq57 withdraw` (reports withdrawn or put back)",
    )
    (st18,) = [f for f in status.findings if f.rule_id == "ST-18"]
    assert st18.severity == INFO and st18.message_vi.startswith("Có 1 tệp báo cáo đã được rút khỏi số liệu")
    at = dt.datetime.fromisoformat(marked.withdrawn_at).strftime("%d/%m/%Y %H:%M")
    (detail,) = st18.details
    assert detail.startswith("SYT_2026-Q1.xlsx (nhận ")
    assert detail.endswith(f"rút lúc {at} bởi vanhanh, lý do: số liệu của sở khác")
    restore(archive, marked)
    assert fired(check_status(now=MORNING)) == []  # put back: as the published build had it


def test_st17_is_dealt_with_once_the_wrong_report_is_withdrawn(warehouse, tmp_path):
    """The rollback's advice: withdraw the department's wrong report. Once it is, the next refresh
    publishes nothing the version put back lacks (the report is listed, never loaded), so ST-17 is
    silent, though the report is still in raw/."""
    import json

    from pipelines.submissions.withdrawal import withdraw

    sidecar = warehouse / "warehouse.duckdb.json"
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    record.update(restored_at="2026-12-02T01:30:00+00:00", restore_reason="báo cáo STC sai", rolled_back=True)
    sidecar.write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "submissions" / "STC_2026-Q1.xlsx").write_bytes(b"the wrong report, still in the inbox")
    archive_inbox(tmp_path / "submissions", warehouse / "submissions")  # archived on receipt
    assert fired(check_status(now=MORNING)) == ["ST-05", "ST-17"]
    (wrong,) = [e for e in load_registry(warehouse / "submissions") if e.file_name == "STC_2026-Q1.xlsx"]
    withdraw(warehouse / "submissions", wrong, "báo cáo STC sai", by="vanhanh")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-05", "ST-18"] and not status.needs_attention
    # Another wrong file beside it: ST-17 again, naming that one only (the withdrawn one is dealt with).
    (tmp_path / "submissions" / "SGDDT_2026-Q1.xlsx").write_bytes(b"another wrong report")
    status = check_status(now=MORNING)
    assert fired(status) == ["ST-05", "ST-17", "ST-18"]
    (st17,) = [f for f in status.findings if f.rule_id == "ST-17"]
    assert st17.details[1:] == ("submissions/SGDDT_2026-Q1.xlsx: tệp mới (new)",)
