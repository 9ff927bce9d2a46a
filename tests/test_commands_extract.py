"""`nq57 extract` run as a real process on real files."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REQUIRED_PLAN_ITEM_COLUMNS = [
    "appendix",
    "group_code",
    "item_no",
    "parent_item_no",
    "name",
    "period_text",
    "state_budget_mvnd",
    "other_budget_mvnd",
    "budget_2025_mvnd",
    "budget_2026_2030_mvnd",
    "total_mvnd",
    "note",
    "lead_agency",
    "source_locator",
]


def nq57(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, timeout=300
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def extracted(resolution_txt, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("extract")
    return nq57("extract", str(resolution_txt), "--out", str(out)), out


def test_resolution_extracts_with_exit_0_and_a_summary(extracted):
    proc, out = extracted
    assert proc.returncode == 0, proc.stderr
    assert "85 nhiệm vụ trong 12 nhóm" in proc.stdout
    assert "NSNN 5.861.734 triệu đồng" in proc.stdout
    assert "nguồn khác 420.000 triệu đồng" in proc.stdout
    assert "chưa xác định: 57, 58, 59, 78" in proc.stdout
    for name in ("plan_items", "stated_totals", "kpi_targets"):
        assert (out / f"{name}.csv").exists()


def test_plan_items_csv_has_the_agreed_columns_and_plain_amounts(extracted):
    _, out = extracted
    rows = read_csv(out / "plan_items.csv")
    assert set(REQUIRED_PLAN_ITEM_COLUMNS) <= set(rows[0])
    tasks = [r for r in rows if r["appendix"] == "I"]
    items = [r for r in rows if r["appendix"] == "II"]
    assert len(tasks) == 85 and len(items) == 26  # 4 units + 22 items
    task_42 = next(r for r in tasks if r["item_no"] == "42")
    assert (task_42["group_code"], task_42["state_budget_mvnd"], task_42["other_budget_mvnd"]) == (
        "VII",
        "930000",
        "",
    )
    task_57 = next(r for r in tasks if r["item_no"] == "57")
    assert (task_57["state_budget_mvnd"], task_57["state_budget_status"]) == ("", "to_be_determined")
    item = next(r for r in items if r["item_no"] == "1.10")
    assert (item["parent_item_no"], item["budget_2025_mvnd"], item["total_mvnd"]) == ("1", "150", "1150")
    assert item["source_locator"].startswith("lines ")


def test_stated_totals_csv_shows_both_numbers_of_the_known_disagreement(extracted):
    _, out = extracted
    totals = {r["total_id"]: r for r in read_csv(out / "stated_totals.csv")}
    assert totals["appendix_I.total.other_sources"]["amount_mvnd"] == "390000"
    assert totals["appendix_II.total.total"]["amount_mvnd"] == "277430"
    assert totals["part_IV.total"]["words_amount_mvnd"] == "6529164"


def test_slide_deck_writes_slide_indicators(slides_txt, tmp_path):
    proc = nq57("extract", str(slides_txt), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    rows = read_csv(tmp_path / "slide_indicators.csv")
    assert any(r["value"] == "447" for r in rows)
    assert not (tmp_path / "plan_items.csv").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.xlsx", b"PK\x03\x04", "unsupported format"),
        ("letter.txt", "Kính gửi: các Sở, ngành.\nNội dung thư.\n".encode(), "not a plan document"),
        ("empty.txt", b"", "empty file"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    proc = nq57("extract", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert reason in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_image_only_pdf_exits_2_naming_the_missing_text_layer(project_root, tmp_path):
    scanned = project_root / "tests" / "fixtures" / "scanned.pdf"
    proc = nq57("extract", str(scanned), "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "no text layer" in proc.stderr
