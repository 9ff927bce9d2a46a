"""Withdrawing an archived report: which entry a name means, the mark in the registry, the input hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.submissions.archive import archive_inbox, load_registry
from pipelines.submissions.withdrawal import (
    describe,
    history,
    matching_entries,
    restore,
    withdraw,
    withdrawals_hash,
    withdrawn_entries,
)

SAMPLES = Path(__file__).resolve().parents[1] / "raw" / "submissions"


@pytest.fixture
def archived(tmp_path: Path) -> tuple[Path, Path]:
    """(inbox, archive) holding three shipped samples, one of them also received in a sub-folder."""
    inbox, archive = tmp_path / "submissions", tmp_path / "archive"
    (inbox / "lan2").mkdir(parents=True)
    shutil.copy(SAMPLES / "manifest.csv", inbox / "manifest.csv")  # the received dates
    for name in ("SKHCN_2026-Q1.xlsx", "SKHCN_2026-Q1_v2.xlsx", "SYT_2026-Q2.xlsx"):
        shutil.copy(SAMPLES / name, inbox / name)
    shutil.copy(SAMPLES / "SYT_2026-Q1.xlsx", inbox / "lan2" / "SYT_2026-Q2.xlsx")  # same name, other bytes
    archive_inbox(inbox, archive)
    return inbox, archive


def test_a_report_is_named_by_its_name_its_inbox_path_or_a_sha256_prefix(archived):
    inbox, archive = archived
    entries = load_registry(archive)
    v2 = next(e for e in entries if e.file_name == "SKHCN_2026-Q1_v2.xlsx")

    def named(query: str) -> list[str]:
        return sorted(e.source_path for e in matching_entries(entries, query, inbox))

    assert named("SKHCN_2026-Q1_v2.xlsx") == ["SKHCN_2026-Q1_v2.xlsx"]
    assert named("skhcn_2026-q1_v2.xlsx") == ["SKHCN_2026-Q1_v2.xlsx"]  # typed on Windows
    assert named(str(inbox / "SKHCN_2026-Q1_v2.xlsx")) == ["SKHCN_2026-Q1_v2.xlsx"]
    assert named("raw/submissions/lan2/SYT_2026-Q2.xlsx") == ["lan2/SYT_2026-Q2.xlsx"]
    assert named("submissions/SYT_2026-Q2.xlsx") == ["SYT_2026-Q2.xlsx"]  # as status and rollback print it
    assert named(v2.sha256[:8]) == ["SKHCN_2026-Q1_v2.xlsx"]
    assert named(v2.sha256[:8].upper()) == ["SKHCN_2026-Q1_v2.xlsx"]
    # The same name received twice names both: the operator must choose.
    assert named("SYT_2026-Q2.xlsx") == ["SYT_2026-Q2.xlsx", "lan2/SYT_2026-Q2.xlsx"]
    assert named(v2.sha256[:7]) == []  # too short to be sure of
    assert named("SKHCN_2026-Q3.xlsx") == [] and named("  ") == []


def test_a_withdrawal_is_recorded_in_the_registry_and_undone_without_touching_the_copy(archived):
    _inbox, archive = archived
    entries = load_registry(archive)
    v2 = next(e for e in entries if e.file_name == "SKHCN_2026-Q1_v2.xlsx")
    copy = (archive / v2.archive_path).read_bytes()
    assert withdrawals_hash(entries) is None and withdrawn_entries(archive) == []

    marked = withdraw(archive, v2, "sở không nhận số liệu này", by="vanhanh")
    (listed,) = withdrawn_entries(archive)
    assert listed == marked and listed.withdrawn
    assert (listed.withdrawn_by, listed.withdraw_reason) == ("vanhanh", "sở không nhận số liệu này")
    assert listed.withdrawn_at.endswith("+07:00")  # said in Vietnam time
    assert describe(listed).startswith("SKHCN_2026-Q1_v2.xlsx (nhận 20/04/2026 08:10, sha256 ")
    assert describe(listed).endswith("bởi vanhanh, lý do: sở không nhận số liệu này")
    # Every other entry is as it was, and the copy is kept.
    others = [e for e in load_registry(archive) if e.file_name != "SKHCN_2026-Q1_v2.xlsx"]
    assert others == [e for e in entries if e.file_name != "SKHCN_2026-Q1_v2.xlsx"]
    assert (archive / v2.archive_path).read_bytes() == copy
    withdrawn_hash = withdrawals_hash(load_registry(archive))
    assert withdrawn_hash is not None

    restore(archive, listed)
    assert load_registry(archive) == entries and withdrawals_hash(load_registry(archive)) is None
    # Withdrawn again with another reason: another build input (the reason is in dim_submission).
    withdraw(archive, v2, "lý do khác", by="vanhanh")
    assert withdrawals_hash(load_registry(archive)) not in (None, withdrawn_hash)


def test_an_undo_keeps_who_withdrew_the_report_when_and_why_in_the_history(archived):
    """Withdraw review (session 16): the registry holds what is withdrawn now, so an undo cleared who had
    taken the report out of the figures, when and why. The history keeps every withdrawal and undo."""
    _inbox, archive = archived
    v2 = next(e for e in load_registry(archive) if e.file_name == "SKHCN_2026-Q1_v2.xlsx")
    assert history(archive) == []
    marked = withdraw(archive, v2, "sở không nhận số liệu này", by="vanhanh")
    restore(archive, marked, by="truongphong")
    withdraw(archive, v2, "lý do khác", by="vanhanh")
    first, undo, second = history(archive)
    assert first == {
        "action": "withdrawn",
        "source_path": "SKHCN_2026-Q1_v2.xlsx",
        "sha256": v2.sha256,
        "at": marked.withdrawn_at,
        "by": "vanhanh",
        "reason": "sở không nhận số liệu này",
    }
    assert (undo["action"], undo["by"], undo["source_path"]) == ("restored", "truongphong", v2.source_path)
    undone = {"at": marked.withdrawn_at, "by": "vanhanh", "reason": "sở không nhận số liệu này"}
    assert undo["undoes"] == undone
    assert undo["at"].endswith("+07:00") and undo["at"] >= marked.withdrawn_at
    assert (second["action"], second["reason"]) == ("withdrawn", "lý do khác")
    # The registry itself says only what is withdrawn now.
    (now,) = [e for e in load_registry(archive) if e.withdrawn]
    assert now.withdraw_reason == "lý do khác"
