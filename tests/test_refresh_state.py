"""What changed since the published build decides what a refresh rebuilds; the inputs recorded for a
build are the files it read, hashed before it read them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipelines import refresh_state
from pipelines.refresh_state import (
    CODE_KEY,
    built_inputs,
    input_hashes,
    save_input_snapshot,
    scope_of_changes,
)

PUBLISHED = {
    "documents/nq57.pdf": "a" * 64,
    "submissions/SYT_2026-Q1.xlsx": "b" * 64,
    CODE_KEY: "c" * 16,
}


def test_nothing_published_yet_rebuilds_everything():
    assert scope_of_changes(None, PUBLISHED) == "everything"


def test_same_files_and_code_rebuild_nothing():
    assert scope_of_changes(PUBLISHED, dict(PUBLISHED)) == "nothing"


@pytest.mark.parametrize(
    "change",
    [
        {"submissions/SYT_2026-Q2.xlsx": "d" * 64},  # a new report
        {"submissions/SYT_2026-Q1.xlsx": "d" * 64},  # a report sent again, changed
    ],
)
def test_only_submissions_changed_rebuilds_the_submissions(change):
    assert scope_of_changes(PUBLISHED, {**PUBLISHED, **change}) == "submissions"


def test_a_removed_submission_rebuilds_the_submissions():
    current = {k: v for k, v in PUBLISHED.items() if not k.startswith("submissions/")}
    assert scope_of_changes(PUBLISHED, current) == "submissions"


@pytest.mark.parametrize(
    "current",
    [
        {**PUBLISHED, "documents/nq57.pdf": "d" * 64},
        {**PUBLISHED, "documents/slides.pdf": "d" * 64},
        {k: v for k, v in PUBLISHED.items() if k != "documents/nq57.pdf"},
        {**PUBLISHED, CODE_KEY: "e" * 16},
        {**PUBLISHED, CODE_KEY: "e" * 16, "submissions/SYT_2026-Q2.xlsx": "d" * 64},
    ],
    ids=["document changed", "document added", "document removed", "code", "code and submission"],
)
def test_a_document_or_code_change_rebuilds_everything(current):
    assert scope_of_changes(PUBLISHED, current) == "everything"


def test_input_keys_say_what_the_folder_holds_whatever_it_is_called(tmp_path: Path):
    inbox = tmp_path / "hop_thu_den"
    inbox.mkdir()
    (inbox / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    (inbox / ".gitkeep").write_bytes(b"")
    hashes = input_hashes(inbox, "submissions")
    assert list(hashes) == ["submissions/SYT_2026-Q1.xlsx"]
    assert hashes["submissions/SYT_2026-Q1.xlsx"] == hashlib.sha256(b"report").hexdigest()


def test_an_excel_owner_file_in_the_inbox_is_no_input_as_ingestion_never_reads_it(tmp_path: Path):
    """Operator review: `~$SYT_2026-Q3.xlsx`, which Excel keeps beside a workbook open on the share,
    counted as a new submission: `nq57 status` listed it (ST-05) and the sensor's refresh loaded
    nothing new. Ingestion's own rule decides (pipelines.submissions.archive.ignored_by_ingestion)."""
    from pipelines.submissions.archive import inbox_files

    inbox = tmp_path / "submissions"
    inbox.mkdir()
    (inbox / "SYT_2026-Q3.xlsx").write_bytes(b"report")
    before = input_hashes(inbox, "submissions")
    (inbox / "~$SYT_2026-Q3.xlsx").write_bytes(b"\x0bNguyen Van A")
    (inbox / "~$STC_2026-Q3.xlsx").symlink_to(tmp_path / "gone")  # the workbook closed meanwhile
    assert input_hashes(inbox, "submissions") == before
    assert [p.name for p in inbox_files(inbox)] == ["SYT_2026-Q3.xlsx"]
    # Nor does the sensor's quick look wake for one (it would have found nothing to do).
    fingerprint_before = refresh_state.fingerprint(inbox)
    (inbox / "~$SYT_2026-Q3.xlsx").write_bytes(b"\x0bTran Thi B")
    assert refresh_state.fingerprint(inbox) == fingerprint_before


def test_a_word_owner_file_beside_an_open_plan_is_no_new_document(tmp_path: Path):
    """Opening the plan's .docx in Word on the share left `~$0_a74ee38357d31740.docx` beside it:
    the input hashes counted a new document, so the refresh rebuilt everything (and again when Word
    closed) and recorded a failed document. Extraction's own rule decides (ignored_by_extraction);
    the manifest stays an input (it says which documents load)."""
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "000_a74ee38357d31740.docx").write_bytes(b"plan")
    (documents / "manifest.csv").write_text("file_name\n000_a74ee38357d31740.docx\n", encoding="utf-8")
    before = input_hashes(documents, "documents")
    assert set(before) == {"documents/000_a74ee38357d31740.docx", "documents/manifest.csv"}
    (documents / "~$0_a74ee38357d31740.docx").write_bytes(b"\x0bNguyen Van A")
    assert input_hashes(documents, "documents") == before
    assert scope_of_changes(
        {**before, CODE_KEY: "c"}, {**input_hashes(documents, "documents"), CODE_KEY: "c"}
    ) == ("nothing")


def test_built_inputs_are_the_snapshots_not_the_folders_now(tmp_path: Path, monkeypatch):
    documents, submissions, raw = tmp_path / "documents", tmp_path / "submissions", tmp_path / "raw"
    for folder in (documents, submissions, raw):
        folder.mkdir()
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    (documents / "nq57.txt").write_text("nghị quyết", encoding="utf-8")
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    save_input_snapshot(raw, "submissions", input_hashes(submissions, "submissions"))
    # A report that arrives after the submissions were read is not in this build.
    (submissions / "SKHCN_2026-Q1.xlsx").write_bytes(b"late report")
    inputs = built_inputs(raw)
    assert "submissions/SKHCN_2026-Q1.xlsx" not in inputs
    assert "submissions/SYT_2026-Q1.xlsx" in inputs
    # No snapshot of the documents (raw tables from an older version): the folder as it is now.
    assert "documents/nq57.txt" in inputs
    assert inputs[CODE_KEY] == refresh_state.code_fingerprint()
    # So the next refresh sees the late report as new, and rebuilds only the submissions.
    assert scope_of_changes(inputs, refresh_state.current_inputs()) == "submissions"


def test_docs_site_is_current_only_with_its_site_and_this_codes_stamp(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    site = tmp_path / "dbt_docs"
    assert not refresh_state.docs_site_is_current()  # never made
    site.mkdir()
    (site / refresh_state.DOCS_STAMP).write_text(refresh_state.code_fingerprint() + "\n")
    assert not refresh_state.docs_site_is_current()  # a stamp without its site
    (site / "index.html").write_text("<html></html>")
    assert refresh_state.docs_site_is_current()
    assert not refresh_state.docs_site_is_current("another code version")
    (site / refresh_state.DOCS_STAMP).write_text("the code before\n")  # the site step failed after a publish
    assert not refresh_state.docs_site_is_current()


def test_refresh_logs_keep_every_end_and_skip_a_line_cut_off(tmp_path, monkeypatch):
    from pipelines.refresh_state import (
        FAILURES_LOG,
        SUCCESSES_LOG,
        read_log,
        record_failure,
        record_success,
        state_dir,
    )

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    assert read_log(SUCCESSES_LOG) == []  # no refresh yet
    record_success("run-1", "full", "V1")
    with (state_dir() / SUCCESSES_LOG).open("a", encoding="utf-8") as handle:
        handle.write('{"at": "2026-12-02T02:00:0')  # a write cut off by a kill or a full disk
    with (state_dir() / SUCCESSES_LOG).open("a", encoding="utf-8") as handle:
        handle.write("\n")
    record_success(None, "nothing_to_do")
    record_failure("run-2", "nq57_dbt_models", "lý do")
    entries = read_log(SUCCESSES_LOG)
    assert [(e["run_id"], e["kind"], e["version"]) for e in entries] == [
        ("run-1", "full", "V1"),
        (None, "nothing_to_do", None),
    ]
    assert entries[0]["at"] <= entries[1]["at"]
    assert entries[0]["input_warnings"] == []
    record_success("run-3", "submissions", "V2", warnings=["IN-S03 … — manifest.csv dòng 2"])
    assert read_log(SUCCESSES_LOG)[-1]["input_warnings"] == ["IN-S03 … — manifest.csv dòng 2"]
    (failure,) = read_log(FAILURES_LOG)
    assert failure["stage"] == "nq57_dbt_models" and failure["reason"] == "lý do"


def test_a_damaged_state_log_is_read_for_what_it_holds_and_one_that_cannot_be_written_is_said(
    tmp_path, monkeypatch, capsys
):
    from pipelines.refresh_state import FAILURES_LOG, SUCCESSES_LOG, read_log, record_success, state_dir

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    record_success("run-1", "full", "V1")
    with (state_dir() / SUCCESSES_LOG).open("ab") as handle:
        handle.write(bytes(range(128, 256)) + b"\n")  # a damaged block: not UTF-8
    record_success("run-2", "full", "V2")
    assert [e["run_id"] for e in read_log(SUCCESSES_LOG)] == ["run-1", "run-2"]
    # A folder where the log should be: nothing to read, and writing says why instead of raising.
    (state_dir() / FAILURES_LOG).mkdir()
    assert read_log(FAILURES_LOG) == []
    from pipelines.refresh_state import record_failure

    record_failure("run-3", "nq57_dbt_models", "lý do")
    assert "Không ghi được nhật ký trạng thái" in capsys.readouterr().err


def test_a_failure_keeps_its_details_beside_the_reason_only_when_there_are_some(monkeypatch, tmp_path):
    from pipelines.refresh_state import FAILURES_LOG, read_log, record_failure

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path))
    record_failure(
        "run-1", "ingested_submissions", "lý do", "[ingested_submissions] RuntimeError: …\nStack Trace: …"
    )
    record_failure("run-2", "run", "lý do")
    first, second = read_log(FAILURES_LOG)
    assert first["reason"] == "lý do" and first["details"].endswith("Stack Trace: …")
    assert "details" not in second


def test_raw_tables_left_by_a_failed_refresh_are_redone_though_the_inputs_are_back(tmp_path, monkeypatch):
    documents, submissions, warehouse = (
        tmp_path / "documents",
        tmp_path / "submissions",
        tmp_path / "warehouse",
    )
    raw = warehouse / "raw"
    for folder in (documents, submissions, raw):
        folder.mkdir(parents=True)
    monkeypatch.setenv("NQ57_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("NQ57_SUBMISSIONS_DIR", str(submissions))
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(warehouse))
    # Set, not left to default: a test before this one in the process may have set it for dbt.
    monkeypatch.setenv("NQ57_RAW_DIR", str(raw))
    (documents / "nq57.txt").write_text("nghị quyết, đủ Phụ lục I", encoding="utf-8")
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    # Published from these inputs (the sidecar says so), raw tables written from them too.
    from pipelines.warehouse_access import published_path

    published_path().write_bytes(b"duckdb")
    sidecar = published_path().with_name(published_path().name + ".json")
    sidecar.write_text(json.dumps({"input_hashes": refresh_state.current_inputs()}), encoding="utf-8")
    for label, folder in (("documents", documents), ("submissions", submissions)):
        save_input_snapshot(raw, label, input_hashes(folder, label))
    assert refresh_state.rebuild_scope() == "nothing"
    # A refresh on a cut-down document: extracted, submissions validated against it, then failed.
    good = (documents / "nq57.txt").read_bytes()
    (documents / "nq57.txt").write_text("nghị quyết, bị cắt", encoding="utf-8")
    save_input_snapshot(raw, "documents", input_hashes(documents, "documents"))
    (documents / "nq57.txt").write_bytes(good)  # the operator puts the document back
    assert refresh_state.scope_of_changes(
        refresh_state.published_inputs(), refresh_state.current_inputs()
    ) == ("nothing")
    assert refresh_state.rebuild_scope() == "everything"
    # Left behind by a failed run that only read submissions: only their models are redone.
    save_input_snapshot(raw, "documents", input_hashes(documents, "documents"))
    save_input_snapshot(raw, "submissions", {"submissions/SYT_2026-Q1.xlsx": "another version"})
    assert refresh_state.rebuild_scope() == "submissions"


def test_a_link_to_nothing_in_the_inbox_is_an_input_so_the_refresh_reads_it_and_warns(tmp_path, monkeypatch):
    inbox = tmp_path / "submissions"
    inbox.mkdir()
    (inbox / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    before = input_hashes(inbox, "submissions")
    fingerprint_before = refresh_state.fingerprint(inbox)
    (inbox / "STC_2026-Q3.xlsx").symlink_to(tmp_path / "unmounted share" / "STC_2026-Q3.xlsx")
    after = input_hashes(inbox, "submissions")
    assert after == {**before, "submissions/STC_2026-Q3.xlsx": refresh_state.BROKEN_LINK}
    assert scope_of_changes({**before, CODE_KEY: "c"}, {**after, CODE_KEY: "c"}) == "submissions"
    assert refresh_state.fingerprint(inbox) != fingerprint_before  # the sensor sees it arrive


def test_a_withdrawal_is_an_input_that_rebuilds_the_submissions(tmp_path, monkeypatch):
    """`nq57 withdraw` changes no inbox file, only the archive's registry: without an input for it the
    refresh found nothing to do and the withdrawn report stayed in the figures."""
    from pipelines.submissions.archive import archive_inbox, load_registry
    from pipelines.submissions.withdrawal import WITHDRAWALS_KEY, restore, withdraw

    submissions, warehouse = tmp_path / "submissions", tmp_path / "warehouse"
    submissions.mkdir()
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.delenv("NQ57_SUBMISSION_ARCHIVE_DIR", raising=False)
    (submissions / "SYT_2026-Q1.xlsx").write_bytes(b"report")
    archive_inbox(submissions, warehouse / "submissions")
    published = {**input_hashes(submissions, "submissions"), CODE_KEY: "c" * 16}
    assert WITHDRAWALS_KEY not in published  # nothing withdrawn: as a build made before withdrawals
    (entry,) = load_registry(warehouse / "submissions")
    marked = withdraw(warehouse / "submissions", entry, "gửi nhầm", by="vanhanh")
    withdrawn = {**input_hashes(submissions, "submissions"), CODE_KEY: "c" * 16}
    assert set(withdrawn) - set(published) == {WITHDRAWALS_KEY}
    assert scope_of_changes(published, withdrawn) == "submissions"
    restore(warehouse / "submissions", marked)
    assert scope_of_changes(published, {**input_hashes(submissions, "submissions"), CODE_KEY: "c" * 16}) == (
        "nothing"
    )
