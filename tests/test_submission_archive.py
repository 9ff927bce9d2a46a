"""The submission archive: received dates from manifest.csv, names, copies, and its own check of
which archived copies are no longer what was received."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.input_rules import id_and_detail
from pipelines.submissions.archive import (
    ARCHIVE_NAME_MAX_BYTES,
    REGISTRY_NAME,
    InboxScan,
    RegistryDamagedError,
    archive_file_name,
    archive_inbox,
    archive_new_files,
    damaged_copies,
    load_registry,
    registry_problem,
    save_registry,
)
from pipelines.submissions.filewriter import FileWriter


def test_damaged_copies_names_missing_and_changed_copies_and_whether_the_inbox_can_mend_them(tmp_path: Path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx", "SGDDT_2026-Q1.xlsx"):
        (inbox / name).write_bytes(f"workbook of {name}".encode())
    entries = {e.file_name: e for e in archive_inbox(inbox, archive)}
    assert damaged_copies(archive, inbox) == []  # just archived: every copy is the received bytes

    (archive / entries["SYT_2026-Q1.xlsx"].archive_path).unlink()
    (archive / entries["STC_2026-Q1.xlsx"].archive_path).write_bytes(b"edited by hand")
    (inbox / "STC_2026-Q1.xlsx").write_bytes(b"a later version under the same name")
    found = {d.entry.file_name: (d.problem, d.in_inbox) for d in damaged_copies(archive, inbox)}
    assert found == {
        "SYT_2026-Q1.xlsx": ("missing", True),  # the inbox still has the received bytes
        "STC_2026-Q1.xlsx": ("changed", False),  # the inbox file is not what was received
    }


def test_archiving_again_mends_a_damaged_copy_from_the_inbox(tmp_path: Path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    (inbox / "SYT_2026-Q1.xlsx").write_bytes(b"the workbook as received")
    (inbox / "STC_2026-Q1.xlsx").write_bytes(b"another workbook")
    entries = {e.file_name: e for e in archive_inbox(inbox, archive)}
    changed = archive / entries["SYT_2026-Q1.xlsx"].archive_path
    missing = archive / entries["STC_2026-Q1.xlsx"].archive_path
    changed.write_bytes(b"the workbook edited")  # same name, other bytes
    missing.unlink()
    again = archive_inbox(inbox, archive)
    assert [e.archive_path for e in again] == [e.archive_path for e in entries.values()]  # nothing new
    assert changed.read_bytes() == b"the workbook as received"
    assert missing.read_bytes() == b"another workbook"
    assert damaged_copies(archive, inbox) == []


# ── received dates from manifest.csv: a bad manifest never stops the archive ──────────────────────
def _scan(inbox: Path, archive: Path) -> InboxScan:
    """archive_new_files as the ingestion calls it, the writer closed (every copy on disk) after."""
    with FileWriter() as writer:
        return archive_new_files(inbox, archive, writer)


def _inbox(tmp_path: Path, manifest: bytes, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        (inbox / name).write_bytes(f"workbook of {name}".encode())
    (inbox / "manifest.csv").write_bytes(manifest)
    return inbox


def test_the_manifest_is_read_only_when_a_new_file_needs_it(tmp_path: Path):
    inbox = _inbox(tmp_path, b"file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08\n", "SYT_2026-Q1.xlsx")
    archive_inbox(inbox, tmp_path / "archive")
    (inbox / "manifest.csv").write_bytes(b"broken")  # edited after the file was received
    scan = _scan(inbox, tmp_path / "archive")
    assert scan.new == {} and scan.warnings == []  # nothing new: its date was fixed when it arrived
    assert [e.received_at for e in scan.entries] == ["2026-04-08T00:00:00+07:00"]


def test_new_bytes_under_a_received_name_are_not_given_the_earlier_files_date(tmp_path: Path):
    # SYT re-sends a corrected SYT_2026-Q2.xlsx under the same name; the manifest still has the row
    # written for the first file (09/07/2026). Dated so, the correction was in force before it
    # existed and the first version in force on no date at all.
    inbox = _inbox(
        tmp_path, b"file_name,received_at\nSYT_2026-Q2.xlsx,2026-07-09T09:30:00+07:00\n", "SYT_2026-Q2.xlsx"
    )
    archive = tmp_path / "archive"
    (first,) = archive_inbox(inbox, archive)
    assert (first.received_at, first.received_at_source) == ("2026-07-09T09:30:00+07:00", "manifest")
    corrected = inbox / "SYT_2026-Q2.xlsx"
    corrected.write_bytes(b"the corrected workbook")
    os.utime(corrected, (1_786_000_000, 1_786_000_000))  # modified 2026-08-06, after the first file
    scan = _scan(inbox, archive)
    (new,) = scan.new_entries()
    assert new.received > first.received
    assert (new.received_at, new.received_at_source) == ("2026-08-06T14:06:40+07:00", "file_mtime")
    assert new.archive_path.startswith("files/2026-08-06/")
    (warning,) = [w for w in scan.warnings if "SYT_2026-Q2.xlsx" in w]
    assert id_and_detail(warning) == (
        "IN-S10",
        "SYT_2026-Q2.xlsx: bản trước nhận lúc 09/07/2026 09:30; ngày nhận 09/07/2026 09:30 (ghi trong "
        "manifest.csv) không dùng, lấy 06/08/2026 14:06 (thời điểm sửa tệp)",
    )
    assert new in archive_inbox(inbox, archive)  # recorded in the registry
    # Copied with the old modification time kept too: received when the archive first sees it.
    corrected.write_bytes(b"a third version")
    os.utime(corrected, (1_780_000_000, 1_780_000_000))  # 2026-05-28, before both
    (third,) = _scan(inbox, archive).new_entries()
    assert third.received_at_source == "first_seen" and third.received > new.received
    # A clerk who updates the row for the new arrival is believed.
    (inbox / "manifest.csv").write_bytes(
        b"file_name,received_at\nSYT_2026-Q2.xlsx,2030-01-02T08:00:00+07:00\n"
    )
    (fourth,) = _scan(inbox, archive).new_entries()
    assert (fourth.received_at, fourth.received_at_source) == ("2030-01-02T08:00:00+07:00", "manifest")


# ── names: decomposed Unicode, long names ────────────────────────────────────────────────────────
def test_a_decomposed_file_name_matches_its_composed_manifest_row_and_is_stored_composed(tmp_path: Path):
    composed = "STC_2026-Q1_bản sửa.xlsx"
    decomposed = unicodedata.normalize("NFD", composed)  # as macOS writes it
    assert decomposed != composed
    inbox = _inbox(tmp_path, f"file_name,received_at\n{composed},2026-04-21T08:00:00+07:00\n".encode())
    (inbox / decomposed).write_bytes(b"the workbook")
    archive = tmp_path / "archive"
    (entry,) = archive_inbox(inbox, archive)
    assert (entry.file_name, entry.source_path) == (composed, composed)
    assert (entry.received_at, entry.received_at_source) == ("2026-04-21T08:00:00+07:00", "manifest")
    assert entry.archive_path.endswith(f"_{composed}")
    assert (archive / entry.archive_path).read_bytes() == b"the workbook"
    assert sorted(os.listdir(inbox)) == [decomposed, "manifest.csv"]  # the inbox is left as it was
    assert archive_inbox(inbox, archive) == [entry]  # found again: not a new file
    # The copy lost while the inbox (under its decomposed name) still has it: mendable, not lost.
    (archive / entry.archive_path).unlink()
    assert [(d.problem, d.in_inbox) for d in damaged_copies(archive, inbox)] == [("missing", True)]


def test_a_registry_written_before_names_were_composed_still_knows_its_files(tmp_path: Path):
    decomposed = unicodedata.normalize("NFD", "SYT_2026-Q1_bản sửa.xlsx")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / decomposed).write_bytes(b"the workbook")
    archive = tmp_path / "archive"
    (entry,) = archive_inbox(inbox, archive)
    # What an earlier version recorded: the name as on disk.
    save_registry(archive, [replace(entry, file_name=decomposed, source_path=decomposed)])
    assert [e.source_path for e in archive_inbox(inbox, archive)] == [decomposed]  # nothing new


def test_archive_file_name_fits_keeps_the_extension_and_the_sha_prefix():
    sha = "cdd7a689222d" + "0" * 52
    assert archive_file_name(sha, "SYT_2026-Q1.xlsx") == "cdd7a689222d_SYT_2026-Q1.xlsx"
    long = LONG_NAME
    assert len(long.encode()) == 240
    short = archive_file_name(sha, long)
    assert ARCHIVE_NAME_MAX_BYTES == 243  # 255 − len(".errors.xlsx"), the report beside the copy
    # 243 bytes would end inside 'ạ' of 'lại' (3 bytes): the cut is before it, whole characters only.
    assert short == f"cdd7a689222d_{long[: long.index('ại lần')]}.xlsx"
    assert short.endswith("(bản gửi l.xlsx") and len(short.encode()) == 242
    # Cut inside a two-byte character: that character is dropped, not split.
    cut = archive_file_name(sha, "đ" * 200 + ".xlsx")
    assert cut == "cdd7a689222d_" + "đ" * 112 + ".xlsx" and len(cut.encode()) == 242
    # Another file with the same long name keeps its own name: the sha prefix differs.
    assert archive_file_name("0" * 64, long) != short


LONG_NAME = (
    "STC_2026-Q1_Báo cáo tình hình thực hiện Đề án Nghị quyết 57 về khoa học công nghệ đổi mới sáng "
    "tạo và chuyển đổi số quý I năm 2026 của Sở Tài chính tỉnh Long An (bản gửi lại lần .xlsx"
)


def test_a_240_byte_name_is_archived_under_a_name_the_disk_takes(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / LONG_NAME).write_bytes(b"the workbook")
    archive = tmp_path / "archive"
    (entry,) = archive_inbox(inbox, archive)
    assert (entry.file_name, entry.source_path) == (LONG_NAME, LONG_NAME)  # the registry keeps it all
    assert Path(entry.archive_path).name.endswith("(bản gửi l.xlsx")
    assert len(Path(entry.archive_path).name.encode()) == 242  # with '.errors.xlsx': 254 bytes, fits
    assert (archive / entry.archive_path).read_bytes() == b"the workbook"
    assert load_registry(archive) == [entry]
    assert damaged_copies(archive, inbox) == []


def test_a_copy_that_cannot_be_written_is_not_listed_and_is_archived_once_it_can(tmp_path: Path):
    manifest = b"file_name,received_at\nSYT_2026-Q1.xlsx,2026-04-08\nSTC_2026-Q1.xlsx,2026-04-09\n"
    inbox = _inbox(tmp_path, manifest, "SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx")
    archive = tmp_path / "archive"
    (archive / "files").mkdir(parents=True)
    (archive / "files" / "2026-04-08").write_bytes(b"a file where the day's folder should be")
    entries = archive_inbox(inbox, archive)
    assert [e.file_name for e in entries] == ["STC_2026-Q1.xlsx"]
    assert load_registry(archive) == entries  # the registry lists no copy the archive lacks
    assert damaged_copies(archive, inbox) == []
    (archive / "files" / "2026-04-08").unlink()
    assert [e.file_name for e in archive_inbox(inbox, archive)] == ["STC_2026-Q1.xlsx", "SYT_2026-Q1.xlsx"]
    assert damaged_copies(archive, inbox) == []


def _archived_then_removed(tmp_path: Path) -> tuple[Path, Path]:
    """Two files archived, then one cleaned out of the inbox: only the registry still knows it."""
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    for name in ("SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx"):
        (inbox / name).write_bytes(name.encode())
    archive_inbox(inbox, archive)
    (inbox / "STC_2026-Q1.xlsx").unlink()
    return inbox, archive


def test_a_registry_typed_over_stops_archiving_and_is_kept_not_rewritten(tmp_path: Path):
    """The probe's case (F7): read as empty, 'oops' lost the file gone from the inbox, then was saved over."""
    inbox, archive = _archived_then_removed(tmp_path)
    (archive / REGISTRY_NAME).write_text("oops\n", encoding="utf-8")
    with pytest.raises(RegistryDamagedError, match="dòng tiêu đề") as raised:
        archive_inbox(inbox, archive)
    assert (archive / REGISTRY_NAME).read_text(encoding="utf-8") == "oops\n"  # not saved over
    (aside,) = archive.glob(f"{REGISTRY_NAME}.damaged-*")
    assert raised.value.kept_aside == aside and aside.read_text(encoding="utf-8") == "oops\n"
    assert aside.name in str(raised.value) and "(archive registry unusable" in str(raised.value)
    with pytest.raises(RegistryDamagedError):
        archive_inbox(inbox, archive)  # every refresh stops again, with one copy kept aside, not one a night
    assert len(list(archive.glob(f"{REGISTRY_NAME}.damaged-*"))) == 1
    assert "dòng tiêu đề" in (registry_problem(archive, inbox) or "")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: "", "tệp rỗng"),
        (lambda text: text.rsplit(",", 1)[0] + "\n", "ô, phải có"),  # the last row cut short
        (lambda text: text.replace("file_mtime", 'file_mtime,"extra'), "CSV hỏng"),  # a quote left open
        (lambda text: _swap_column(text, "size_bytes", "16 kB"), "size_bytes"),
        (lambda text: _swap_column(text, "sha256", "abc"), "sha256"),
        (lambda text: _swap_column(text, "received_at", "hôm qua"), "received_at"),
        (lambda text: _swap_column(text, "received_at", "2026-04-12T09:30:00"), "múi giờ"),
        (lambda text: _swap_column(text, "archive_path", ""), "archive_path"),
        # A withdrawal typed by hand: a time that is no time, or no reason given (`nq57 withdraw`
        # writes all three): a report is loaded or left out on a guess.
        (lambda text: _withdrawn(text, at="hôm nay"), "withdrawn_at"),
        (lambda text: _withdrawn(text, at="2026-12-02T09:00:00"), "múi giờ"),
        (lambda text: _withdrawn(text, reason=""), "thiếu cột withdraw_reason"),
    ],
)
def test_a_registry_row_that_does_not_parse_is_damage_not_an_empty_archive(
    tmp_path: Path, damage, reason: str
):
    inbox, archive = _archived_then_removed(tmp_path)
    registry = archive / REGISTRY_NAME
    registry.write_text(damage(registry.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RegistryDamagedError, match=reason):
        load_registry(archive)
    assert reason in (registry_problem(archive, inbox) or "")


def _withdrawn(text: str, at: str = "2026-12-02T09:00:00+07:00", reason: str = "gửi nhầm") -> str:
    """The registry text with its last row marked withdrawn (by 'vanhanh') at ``at`` for ``reason``."""
    text = _swap_column(text, "withdrawn_at", at)
    return _swap_column(_swap_column(text, "withdrawn_by", "vanhanh"), "withdraw_reason", reason)


def test_a_registry_written_before_withdrawals_loads_with_nothing_withdrawn(tmp_path: Path):
    """A warehouse archived before `nq57 withdraw` has a registry without its three columns: it is
    no damage (every refresh would stop), and it is saved with them the next time it is saved."""
    import csv
    import io

    inbox, archive = _archived_then_removed(tmp_path)
    registry = archive / REGISTRY_NAME
    rows = list(csv.reader(io.StringIO(registry.read_text(encoding="utf-8"), newline="")))
    assert rows[0][-3:] == ["withdrawn_at", "withdrawn_by", "withdraw_reason"]
    out = io.StringIO()
    csv.writer(out).writerows(row[:-3] for row in rows)  # the registry as the code before wrote it
    registry.write_text(out.getvalue(), encoding="utf-8")
    entries = load_registry(archive)
    assert [e.file_name for e in entries] == ["SYT_2026-Q1.xlsx", "STC_2026-Q1.xlsx"]
    assert not any(e.withdrawn or e.withdrawn_by or e.withdraw_reason for e in entries)
    assert registry_problem(archive, inbox) is None
    (inbox / "SGDDT_2026-Q1.xlsx").write_bytes(b"a new report")
    archive_inbox(inbox, archive)  # saved again, with the withdrawal columns
    assert (
        registry.read_text(encoding="utf-8")
        .splitlines()[0]
        .endswith(",withdrawn_at,withdrawn_by,withdraw_reason")
    )
    assert load_registry(archive)[:2] == entries


def test_a_registry_saved_with_excels_bom_loads_and_undecodable_bytes_are_damage(tmp_path: Path):
    _inbox, archive = _archived_then_removed(tmp_path)
    registry = archive / REGISTRY_NAME
    entries = load_registry(archive)
    registry.write_bytes(b"\xef\xbb\xbf" + registry.read_bytes())  # opened and saved as "CSV UTF-8"
    assert load_registry(archive) == entries
    registry.write_bytes(b"sha256,\xff\xfe\n")
    with pytest.raises(RegistryDamagedError, match="không đọc được"):
        load_registry(archive)


def _swap_column(text: str, column: str, value: str) -> str:
    """The registry text with ``column`` of its last row set to ``value``."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows[-1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_a_deleted_registry_is_not_an_empty_archive_when_copies_outlive_the_inbox(tmp_path: Path):
    inbox, archive = _archived_then_removed(tmp_path)
    (archive / REGISTRY_NAME).unlink()  # "fixing" a damaged registry by deleting it
    with pytest.raises(RegistryDamagedError, match=r"STC_2026-Q1\.xlsx"):
        archive_inbox(inbox, archive)
    assert not (archive / REGISTRY_NAME).exists()
    assert "không có registry.csv" in (registry_problem(archive, inbox) or "")


def test_a_first_run_that_crashed_before_saving_the_registry_is_archived_again(tmp_path: Path):
    """Copies written, registry not yet saved: every copy's file is still in the inbox, nothing is lost."""
    inbox, archive = _archived_then_removed(tmp_path)
    (inbox / "STC_2026-Q1.xlsx").write_bytes(b"STC_2026-Q1.xlsx")
    (archive / REGISTRY_NAME).unlink()
    assert registry_problem(archive, inbox) is None
    assert sorted(e.file_name for e in archive_inbox(inbox, archive)) == [
        "STC_2026-Q1.xlsx",
        "SYT_2026-Q1.xlsx",
    ]


def test_a_link_to_a_missing_file_is_a_warning_not_silence(tmp_path: Path):
    inbox = _inbox(tmp_path, b"file_name,received_at\n", "SYT_2026-Q1.xlsx")
    (inbox / "STC_2026-Q3.xlsx").symlink_to(tmp_path / "unmounted share" / "STC_2026-Q3.xlsx")
    scan = _scan(inbox, tmp_path / "archive")
    assert [e.file_name for e in scan.new_entries()] == ["SYT_2026-Q1.xlsx"]  # the others still load
    assert list(map(id_and_detail, scan.warnings)) == [("IN-S09", "STC_2026-Q3.xlsx")]
