"""The submission archive's own check: which archived copies are no longer what was received."""

from __future__ import annotations

from pathlib import Path

from pipelines.submissions.archive import archive_inbox, damaged_copies


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
