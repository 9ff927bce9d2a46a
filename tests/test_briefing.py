"""The nightly briefing: rendered by its Dagster asset from the real documents' warehouse.

One render per session (tests/briefing_session.py); these tests read its files and the marts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.briefing import WarmKernel, _update_latest, execute_notebook, notebook_to_html
from pipelines.formatting import vn_number
from pipelines.warehouse_access import read_sql
from tests.briefing_session import AS_OF, rendered_briefing
from tests.process_checks import outlives_its_killed_parent

HEADINGS = [
    "Bản tin điều hành thực hiện Nghị quyết 57-NQ/TW",
    "1. Số liệu chính",
    "2. Kinh phí dự kiến theo năm và lĩnh vực",
    "3. Lộ trình các chỉ tiêu",
    "4. Giải ngân so với dự toán và kế hoạch",
    "5. Nhiệm vụ quá hạn và đến hạn trong 90 ngày tới",
    "6. Các điểm không khớp trong tài liệu nguồn",
    "7. Nguồn dữ liệu và độ mới",
]
SAMPLE_BANNER = "Có dữ liệu mẫu:"
NO_SUBMISSIONS = "Chưa có báo cáo nào của sở, ngành được nạp"


def appendix_i_state_total(warehouse_file: Path) -> str:
    total = read_sql(
        "select sum(amount_mvnd) as t from marts.fct_budget_plan "
        "where appendix = 'I' and funding_source_code = 'NSNN'",
        path=warehouse_file,
    )["t"].iloc[0]
    return vn_number(int(total))


@pytest.fixture(scope="module")
def html() -> str:
    return (rendered_briefing().folder / "briefing.html").read_text(encoding="utf-8")


def test_asset_writes_dated_folder_with_html_pdf_notebook_and_latest() -> None:
    rendered = rendered_briefing()
    assert rendered.folder.name == AS_OF.isoformat()
    for name in ("briefing.html", "briefing.pdf", "briefing.ipynb"):
        assert (rendered.folder / name).stat().st_size > 0, name
        assert (rendered.latest / name).read_bytes() == (rendered.folder / name).read_bytes(), name


def test_html_has_the_headings_and_no_code(html: str) -> None:
    text = re.sub(r"\s+", " ", html)
    for heading in HEADINGS:
        assert heading in text, heading
    # No code cells: the notebook's code never reaches the reader.
    assert "read_sql" not in html and "import " not in html


def test_html_needs_no_network_and_embeds_the_charts(html: str) -> None:
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', html)) >= 2


def test_headline_total_is_the_marts_figure(html: str) -> None:
    expected = appendix_i_state_total(rendered_briefing().warehouse_file)
    assert expected == "5.861.734"  # the document's Appendix I state-budget total
    assert f"{expected} triệu đồng" in html


def test_failed_reconciliation_checks_are_shown_with_both_numbers(html: str) -> None:
    fails = read_sql(
        "select stated_value, computed_value from marts.rpt_reconciliation "
        "where status = 'fail' and check_id = 'A1.TOTAL.OTHER_SOURCES'",
        path=rendered_briefing().warehouse_file,
    )
    assert len(fails) == 1
    assert "390.000" in html and "420.000" in html


def test_sources_read_in_vietnamese_words_not_codes(html: str) -> None:
    """Section 7 shows words, not the marts' codes (the publish time: tests/test_notebooks.py)."""
    assert "Nghị quyết (kế hoạch)" in html and "Bài trình chiếu" in html and "đã nạp" in html
    assert "06/2025" in html  # the resolution's document_date, 2025-06 in the manifest
    for code in (">resolution<", ">slide_deck<", ">ok<"):
        assert code not in html


def test_the_shipped_sample_submissions_show_the_sample_banner(html: str) -> None:
    assert SAMPLE_BANNER in html
    assert NO_SUBMISSIONS not in html


def test_a_warehouse_never_put_back_carries_no_rollback_note(html: str) -> None:
    # The rollback note (tests/test_commands_rollback.py) appears only for a version a restore put back.
    assert "đã được quay lại bản công bố" not in html and "được đặt lại lúc" not in html


def test_without_submissions_the_briefing_says_so_and_shows_no_sample_banner(tmp_path: Path) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(rendered_briefing().warehouse_file, copy)
    with duckdb.connect(str(copy)) as con:
        relations = con.execute(
            "select table_name, table_type from information_schema.tables where table_schema = 'marts' and "
            "(table_name like '%submission%' or table_name in "
            "('fct_budget_execution', 'fct_task_progress', 'fct_kpi_actual', 'rpt_disbursement_rate', "
            "'rpt_task_risk')) order by table_type desc"  # the date-dependent views first
        ).fetchall()
        for table, kind in relations:
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} marts.{table}")
    nb = execute_notebook(
        Path(__file__).resolve().parents[1] / "notebooks" / "briefing.py",
        {"as_of": AS_OF.isoformat(), "warehouse_path": str(copy)},
    )
    page = notebook_to_html(nb, "test")
    assert NO_SUBMISSIONS in page
    assert SAMPLE_BANNER not in page


def test_latest_is_the_newest_date_even_when_an_older_day_is_rerendered(tmp_path: Path) -> None:
    for day in ("2026-03-02", "2026-03-01"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "briefing.html").write_text(day)
    _update_latest(tmp_path, tmp_path / "2026-03-01")
    assert (tmp_path / "latest" / "briefing.html").read_text() == "2026-03-02"


def test_a_future_dated_briefing_never_becomes_latest(tmp_path: Path) -> None:
    """`nq57 briefing --as-of 2031-06-30` then today's briefing: latest is today's, not 2031's."""
    for day in ("2026-03-01", "2031-06-30", "2026-03-02"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "briefing.html").write_text(day)
        _update_latest(tmp_path, tmp_path / day, today=dt.date(2026, 3, 2))
    assert (tmp_path / "latest" / "briefing.html").read_text() == "2026-03-02"
    assert (tmp_path / "2031-06-30" / "briefing.html").read_text() == "2031-06-30"  # kept


def test_a_future_dated_briefing_is_latest_only_when_it_is_the_only_one(tmp_path: Path) -> None:
    (tmp_path / "2031-06-30").mkdir()
    (tmp_path / "2031-06-30" / "briefing.html").write_text("2031-06-30")
    _update_latest(tmp_path, tmp_path / "2031-06-30", today=dt.date(2026, 3, 2))
    assert (tmp_path / "latest" / "briefing.html").read_text() == "2031-06-30"


def test_latest_uses_today_in_vietnam_by_default(tmp_path: Path) -> None:
    from pipelines.briefing import today_vn

    future = (today_vn() + dt.timedelta(days=1)).isoformat()
    for day in (today_vn().isoformat(), future):
        (tmp_path / day).mkdir()
        (tmp_path / day / "briefing.html").write_text(day)
    _update_latest(tmp_path, tmp_path / future)
    assert (tmp_path / "latest" / "briefing.html").read_text() == today_vn().isoformat()
    # `nq57 status` names the same briefing as the latest one.
    from pipelines.briefing import latest_briefing_date

    assert latest_briefing_date(tmp_path) == today_vn().isoformat()


def test_command_is_registered_with_as_of() -> None:
    from pipelines.cli import build_parser

    args = build_parser().parse_args(["briefing", "--as-of", "2026-03-01"])
    assert args.as_of == dt.date(2026, 3, 1)
    assert args.handler.__module__ == "pipelines.commands.briefing"


@pytest.mark.parametrize("as_of", ["2026-02-30", "20260301", "31/03/2026"])
def test_an_impossible_as_of_date_is_refused_in_vietnamese(as_of: str, capsys) -> None:
    from pipelines.cli import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["briefing", "--as-of", as_of])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "không phải một ngày có thật dạng YYYY-MM-DD" in err and "fromisoformat" not in err


def test_briefing_knows_when_it_is_current(tmp_path: Path) -> None:
    from pipelines.briefing import BRIEFING_NOTEBOOK, SOURCE_STAMP, briefing_is_current, briefing_staleness
    from pipelines.pdf_printer import find_chromium

    rendered = rendered_briefing()
    out_root = tmp_path / "briefings"
    shutil.copytree(rendered.folder, out_root / AS_OF.isoformat())
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(rendered.warehouse_file, warehouse)
    stamp = json.loads((out_root / AS_OF.isoformat() / SOURCE_STAMP).read_text(encoding="utf-8"))
    assert stamp["as_of"] == AS_OF.isoformat() and len(stamp["warehouse_sha256"]) == 64
    assert briefing_is_current(AS_OF, warehouse, out_root)
    # Another day, another warehouse, or a missing output: render again.
    assert not briefing_is_current(AS_OF + dt.timedelta(days=1), warehouse, out_root)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marts.extra as select 1 as x")
    assert not briefing_is_current(AS_OF, warehouse, out_root)
    shutil.copyfile(rendered.warehouse_file, warehouse)
    assert briefing_is_current(AS_OF, warehouse, out_root)
    if find_chromium():
        (out_root / AS_OF.isoformat() / "briefing.pdf").unlink()
        assert not briefing_is_current(AS_OF, warehouse, out_root)
        assert briefing_staleness(AS_OF, warehouse, out_root) == "bản tin của ngày này thiếu briefing.pdf"
    # Rendered with the notebook as it was: says so (nq57 status, ST-07).
    older = tmp_path / "briefing_older.py"
    older.write_text(BRIEFING_NOTEBOOK.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    assert briefing_staleness(AS_OF, warehouse, out_root, notebook=older) == (
        "bản tin của ngày này được dựng bằng notebook bản tin (notebooks/briefing.py) trước khi sửa"
    )


WARM_UP_PROBE = """\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %%
import sys

print("pandas loaded before this cell:", "pandas" in sys.modules)
"""


def _probe(tmp_path: Path, kernel_manager=None) -> str:
    probe = tmp_path / "probe.py"
    probe.write_text(WARM_UP_PROBE, encoding="utf-8")
    nb = execute_notebook(probe, {}, tmp_path, kernel_manager=kernel_manager)
    return "".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)


def test_warm_kernel_runs_the_briefing_imports_before_the_notebook(tmp_path: Path) -> None:
    assert "pandas loaded before this cell: False" in _probe(tmp_path)  # a kernel of its own starts bare
    kernel = WarmKernel()
    try:
        manager = kernel.take()
        assert manager is not None
        assert "pandas loaded before this cell: True" in _probe(tmp_path, manager)
        assert kernel.take() is None  # one notebook per warm kernel
    finally:
        kernel.shutdown()
    assert kernel.pid is None
    kernel.shutdown()  # twice is harmless (the run's teardown after the asset's own release)


def test_kernels_talk_over_private_unix_sockets_not_localhost_tcp(tmp_path: Path, capfd, monkeypatch) -> None:
    """Any local user can listen to a kernel on localhost TCP (plain text, and a warning from
    ipykernel in every night's log); the briefing's kernels use sockets in a 0700 folder."""
    import stat
    import tempfile

    # A temp folder of this test's own: the other test worker's refreshes start kernels too.
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    def private_folders() -> set[Path]:
        return set(temp.glob("nq57_kernel_*"))

    before = private_folders()
    assert before == set()
    kernel = WarmKernel()
    try:
        manager = kernel.take()
        assert manager is not None
        info = manager.get_connection_info()
        assert info["transport"] == "ipc"
        folder = Path(info["ip"]).parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert "pandas loaded before this cell: True" in _probe(tmp_path, manager)
    finally:
        kernel.shutdown()
    assert not folder.exists() and folder.parent == temp
    assert "pandas loaded before this cell: False" in _probe(tmp_path)  # a kernel of its own
    assert private_folders() == set()  # its socket folder went with it
    assert "without encryption" not in capfd.readouterr().err


def test_socket_folders_left_by_a_killed_refresh_are_removed_the_next_day(tmp_path, monkeypatch) -> None:
    import tempfile

    from pipelines import briefing

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, recent = tmp_path / "nq57_kernel_old", tmp_path / "nq57_kernel_new"
    for folder in (stale, recent):
        folder.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    _manager, folder = briefing.private_kernel_manager()
    assert not stale.exists() and recent.exists() and folder.parent == tmp_path


def test_a_dead_warm_kernel_is_not_handed_out_and_the_briefing_starts_its_own(tmp_path: Path) -> None:
    kernel = WarmKernel()
    try:
        pid = kernel.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # reap it: a zombie would still count as alive
        assert kernel.take() is None
        # What render_briefing does with it: take() gave None, so execute_notebook starts a kernel.
        assert "pandas loaded before this cell: False" in _probe(tmp_path, None)
    finally:
        kernel.shutdown()


def test_warm_kernel_exits_when_the_refresh_is_killed() -> None:
    """kill -9 of the refresh must not leave a kernel behind: ipykernel watches its parent."""
    code = (
        "import time; from pipelines.briefing import WarmKernel; k = WarmKernel(); "
        "print(k.pid, flush=True); time.sleep(120)"
    )
    assert not outlives_its_killed_parent(code), "the kernel outlived the killed refresh"
