"""Every notebook runs top to bottom on two small fixture warehouses and on the real one.

The fixtures (tests/fixture_warehouse.py) are subsets of the real build's rows, one with the
sample submissions and one as before any department has reported. Each notebook is executed once
per warehouse (cached); the assertions read the executed outputs as a reader sees them (the HTML
without code) and compare them with numbers queried from the same warehouse.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from decimal import Decimal
from pathlib import Path

import jupytext
import nbformat
import pytest

from pipelines.briefing import NOTEBOOKS_DIR, execute_notebook, notebook_to_html
from pipelines.formatting import mvnd, vn_percent
from pipelines.warehouse_access import connect_readonly
from tests.briefing_session import AS_OF, rendered_briefing
from tests.fixture_warehouse import INDICATORS, INDICATORS_WITH_ACTUALS, MADE_UP_AGENCY, fixture_warehouse

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.py"))
WITH, WITHOUT, REAL = "fixture_with_submissions", "fixture_without_submissions", "real"
FIXTURES = (WITH, WITHOUT)
NO_SUBMISSIONS = "Chưa có báo cáo nào của sở, ngành được nạp"
SAMPLE_BANNER = "Có dữ liệu mẫu (sample data)"
NO_ACTUALS = "chưa có số thực hiện"
MAX_FIXTURE_ROWS = 60


def warehouse_file(kind: str) -> Path:
    if kind == REAL:
        return rendered_briefing().warehouse_file
    return fixture_warehouse(with_submissions=kind == WITH).warehouse_file


@functools.cache
def executed(name: str, kind: str) -> nbformat.NotebookNode:
    if kind == REAL and name == "briefing.py":
        # The nightly asset already executed it on the real warehouse (tests/briefing_session.py);
        # its kept .ipynb is that execution.
        return nbformat.read(rendered_briefing().folder / "briefing.ipynb", as_version=4)
    params = {"warehouse_path": str(warehouse_file(kind)), "as_of": AS_OF.isoformat()}
    return execute_notebook(NOTEBOOKS_DIR / name, params)


@functools.cache
def page(name: str, kind: str) -> str:
    """What a reader sees: the HTML without code."""
    return notebook_to_html(executed(name, kind), name)


@functools.cache
def text(name: str, kind: str) -> str:
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page(name, kind), flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def html_table(name: str, kind: str, header: str) -> list[dict[str, str]]:
    """The rows of the first HTML table whose header row has ``header``, as {header: cell text}."""
    import lxml.html

    root = lxml.html.fromstring(page(name, kind))
    for table in root.iter("table"):
        heads = [" ".join(th.text_content().split()) for th in table.iter("th")]
        if header in heads:
            return [
                dict(zip(heads, (" ".join(td.text_content().split()) for td in tr.iter("td")), strict=True))
                for tr in table.iter("tr")
                if tr.find("td") is not None
            ]
    raise AssertionError(f"{name} on {kind}: no table with the column {header!r}")


def query(kind: str, sql: str) -> list[tuple]:
    with connect_readonly(warehouse_file(kind), as_of=AS_OF) as con:
        return con.execute(sql).fetchall()


# --------------------------------------------------------------------------- the notebooks


def test_the_four_notebooks_exist() -> None:
    assert {p.name for p in NOTEBOOKS} == {
        "briefing.py",
        "budget_explorer.py",
        "kpi_progress.py",
        "submission_quality.py",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_percent_format_with_a_parameters_cell(path: Path) -> None:
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "warehouse_path" in tagged[0].source and "as_of" in tagged[0].source


@pytest.mark.parametrize("kind", [WITH, WITHOUT, REAL])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors(path: Path, kind: str) -> None:
    nb = executed(path.name, kind)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert outputs, "the notebook showed nothing"
    # Unknown values reach readers as "—", never as Python's or pandas' spelling of missing.
    leaked = re.findall(r"\bNaN\b|\bNaT\b|\bNone\b|<NA>|nan%", text(path.name, kind))
    assert not leaked, leaked


# --------------------------------------------------------------------------- the fixtures


def _relations(path: Path) -> set[tuple]:
    with connect_readonly(path) as con:
        return set(
            con.execute(
                "select c.table_name, t.table_type, c.ordinal_position, c.column_name, c.data_type "
                "from information_schema.columns c join information_schema.tables t "
                "using (table_catalog, table_schema, table_name) where c.table_schema = 'marts'"
            ).fetchall()
        )


@pytest.mark.parametrize("kind", FIXTURES)
def test_fixture_has_the_real_marts_tables_columns_and_types(kind: str) -> None:
    fixture = fixture_warehouse(with_submissions=kind == WITH)
    real = _relations(fixture.source_build)
    assert {r[0] for r in real} >= {"fct_budget_plan", "dim_task", "dim_submission", "rpt_disbursement_rate"}
    assert _relations(fixture.warehouse_file) == real
    # Published by the real publish: the publish log is there, one row, counting the fixture's marts.
    ((counts,),) = query(kind, "select row_counts from meta.publish_log")
    assert counts["marts.fct_budget_plan"] == query(kind, "select count(*) from marts.fct_budget_plan")[0][0]


@pytest.mark.parametrize("kind", FIXTURES)
def test_fixture_is_small_and_not_empty(kind: str) -> None:
    tables = [t for (t,) in query(kind, "select table_name from duckdb_tables() where schema_name = 'marts'")]
    counts = {t: query(kind, f"select count(*) from marts.{t}")[0][0] for t in tables}
    assert {t: n for t, n in counts.items() if n > MAX_FIXTURE_ROWS} == {}
    for table in ("fct_budget_plan", "dim_task", "dim_group", "fct_kpi_target", "rpt_reconciliation"):
        assert counts[table] > 0, table


@pytest.mark.parametrize("kind", FIXTURES)
def test_fixture_rows_are_rows_of_the_real_build_but_one_marked_sample(kind: str) -> None:
    import duckdb

    fixture = fixture_warehouse(with_submissions=kind == WITH)
    con = duckdb.connect()
    try:
        con.execute(f"attach '{fixture.warehouse_file}' as fx (read_only)")
        con.execute(f"attach '{fixture.source_build}' as real (read_only)")
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'fx' and schema_name = 'marts'"
            ).fetchall()
        ]
        extra = {
            t: con.execute(f"select * from fx.marts.{t} except all select * from real.marts.{t}").fetchall()
            for t in tables
        }
        made_up = con.execute(
            "select agency_code, allocated_mvnd, disbursed_mvnd, is_sample "
            "from fx.marts.rpt_disbursement_rate except all "
            "select agency_code, allocated_mvnd, disbursed_mvnd, is_sample "
            "from real.marts.rpt_disbursement_rate"
        ).fetchall()
    finally:
        con.close()
    fabricated = {t: rows for t, rows in extra.items() if rows}
    if kind == WITH:
        assert list(fabricated) == ["rpt_disbursement_rate"] and len(fabricated["rpt_disbursement_rate"]) == 1
        assert made_up == [(MADE_UP_AGENCY, None, None, True)]
    else:
        assert fabricated == {}


def test_fixture_with_submissions_has_the_cases_the_notebooks_must_handle() -> None:
    statuses = {s for (s,) in query(WITH, "select status from marts.dim_submission")}
    assert {"accepted", "flagged", "rejected"} <= statuses
    assert all(s for (s,) in query(WITH, "select is_sample from marts.dim_submission"))
    with_actuals = {c for (c,) in query(WITH, "select distinct indicator_code from marts.fct_kpi_actual")}
    assert with_actuals == set(INDICATORS_WITH_ACTUALS) and set(INDICATORS) - with_actuals
    # Unknown amounts: NULL with their reason, never 0.
    assert query(
        WITH,
        "select count(*) from marts.dim_task where state_budget_mvnd is null "
        "and state_budget_status = 'to_be_determined'",
    ) == [(1,)]
    assert query(WITH, "select count(*) from marts.fct_kpi_baseline where observed_value is null") == [(1,)]


def test_fixture_without_submissions_has_no_submission_rows() -> None:
    for table in (
        "dim_submission",
        "fct_budget_execution",
        "fct_task_progress",
        "fct_kpi_actual",
        "rpt_disbursement_rate",
    ):
        assert query(WITHOUT, f"select count(*) from marts.{table}") == [(0,)], table
    states = query(WITHOUT, "select distinct submission_state from marts.rpt_submission_status")
    assert states in ([], [("missing",)])
    assert query(
        WITHOUT, "select count(*) from marts.rpt_task_risk where latest_report_period is not null"
    ) == [(0,)]


# --------------------------------------------------------------------------- values from the fixture


def _plan_totals(kind: str) -> tuple[Decimal, Decimal]:
    ((total, a1_state),) = query(
        kind,
        "select sum(amount_mvnd), "
        "sum(amount_mvnd) filter (where appendix = 'I' and funding_source_code = 'NSNN') "
        "from marts.fct_budget_plan",
    )
    return total, a1_state


@pytest.mark.parametrize("kind", FIXTURES)
def test_briefing_headline_is_the_fixture_plan_total(kind: str) -> None:
    total, a1_state = _plan_totals(kind)
    real_total, _ = _plan_totals(REAL)
    assert total != real_total  # so the figure below can only come from the fixture
    page_text = text("briefing.py", kind)
    headline = re.search(
        r"Tổng kinh phí kế hoạch \(cộng từ các dòng Phụ lục I và Phụ lục 2\): (.+? triệu đồng)", page_text
    )
    assert headline and headline.group(1) == mvnd(total)
    assert f"Phụ lục I, ngân sách nhà nước: {mvnd(a1_state)}" in page_text


@pytest.mark.parametrize("kind", FIXTURES)
def test_budget_explorer_total_is_the_fixture_plan_total(kind: str) -> None:
    total, _ = _plan_totals(kind)
    assert f"Tổng theo bộ lọc: {mvnd(total)} ·" in text("budget_explorer.py", kind)


def test_disbursement_rates_are_the_fixture_figures_and_unknown_is_a_dash() -> None:
    rows = html_table("briefing.py", WITH, "Tỷ lệ giải ngân")
    shown = {r["Sở, ngành"]: r["Tỷ lệ giải ngân"] for r in rows}
    expected = {}
    for name, allocated, disbursed in query(
        WITH,
        "select coalesce(a.agency_name, r.agency_code), sum(r.allocated_mvnd), sum(r.disbursed_mvnd) "
        "from marts.rpt_disbursement_rate r left join marts.dim_agency a using (agency_code) group by all",
    ):
        unknown = allocated is None or disbursed is None or not allocated
        expected[name] = "—" if unknown else vn_percent(disbursed * 100 / allocated)
    assert shown == expected
    assert "—" in shown.values()  # the made-up sample row: both cells blank
    assert len([v for v in shown.values() if v.endswith("%")]) >= 2


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_status_says_which_indicators_have_no_actuals(kind: str) -> None:
    names = dict(query(kind, "select indicator_code, name_vi from marts.dim_indicator"))
    assert set(names) == set(INDICATORS)
    status = {r["Chỉ tiêu"]: r["Tình trạng"] for r in html_table("briefing.py", kind, "Cần thay đổi mỗi năm")}
    for code, name in names.items():
        if kind == WITH and code in INDICATORS_WITH_ACTUALS:
            assert status[name] in ("đúng lộ trình", "chậm so với lộ trình"), code
        else:
            assert status[name] == NO_ACTUALS, code


def test_without_submissions_every_notebook_says_so_in_vietnamese() -> None:
    briefing = text("briefing.py", WITHOUT)
    assert NO_SUBMISSIONS in briefing
    assert SAMPLE_BANNER not in briefing
    assert "Chưa có số giải ngân nào được báo cáo" in briefing
    # The plan chart and the KPI chart; no empty disbursement chart.
    assert len(re.findall(r"<img\b", page("briefing.py", WITHOUT))) == 2
    assert NO_SUBMISSIONS in text("submission_quality.py", WITHOUT)
    assert "chưa có số thực hiện nào được sở, ngành báo cáo" in text("kpi_progress.py", WITHOUT)


def test_with_sample_submissions_the_notebooks_show_them_and_the_banner() -> None:
    briefing = text("briefing.py", WITH)
    assert SAMPLE_BANNER in briefing and NO_SUBMISSIONS not in briefing
    assert len(re.findall(r"<img\b", page("briefing.py", WITH))) == 3  # plan, KPIs, disbursement
    files = {r["Tệp"]: r["Trạng thái"] for r in html_table("briefing.py", WITH, "Ngày nhận")}
    ((rejected,),) = query(WITH, "select file_name from marts.dim_submission where status = 'rejected'")
    assert files[rejected] == "bị từ chối"
    quality = text("submission_quality.py", WITH)
    assert SAMPLE_BANNER in quality and NO_SUBMISSIONS not in quality
    rules = {r["rule_id"]: r["files"] for r in html_table("submission_quality.py", WITH, "rule_id")}
    expected = query(
        WITH,
        "select rule_id, count(*) from (select unnest(string_split(rule_ids, ',')) as rule_id "
        "from marts.dim_submission where coalesce(rule_ids, '') <> '') group by all",
    )
    assert rules == {rule: str(n) for rule, n in expected} and rules


def test_real_warehouse_headline_is_unchanged_by_the_fixture_work() -> None:
    # The same assertion on the real warehouse, so a fixture-only pass cannot hide a real regression.
    total, _ = _plan_totals(REAL)
    assert f"Tổng kinh phí kế hoạch (cộng từ các dòng Phụ lục I và Phụ lục 2): {mvnd(total)}" in text(
        "briefing.py", REAL
    )
