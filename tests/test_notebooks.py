"""Every notebook runs top to bottom on two small fixture warehouses and on the real one.

The fixtures (tests/fixture_warehouse.py) are subsets of the real build's rows, one with the
sample submissions and one as before any department has reported. Each notebook is executed once
per warehouse and as-of date (cached); the assertions read the executed outputs as a reader sees
them (the HTML without code) and compare them with numbers queried from the same warehouse.

The real build runs on AS_OF (the nightly render, tests/briefing_session.py), the fixtures on a
date when all their files were known; the briefing is also run on the real build on a few more
dates, to check it shows only what was known on its date (the last section of this module).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import html as html_lib
import itertools
import re
import shutil
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import jupytext
import nbformat
import pytest

from pipelines.briefing import NOTEBOOKS_DIR, WarmKernel, execute_notebook, notebook_to_html
from pipelines.formatting import mvnd, vn_number, vn_percent
from pipelines.notebook_tables import SUBMISSION_FILE_COLUMNS_VI, unaccented, vn_period
from pipelines.submissions.rules import RULES
from pipelines.warehouse_access import connect_readonly
from tests.briefing_session import AS_OF, rendered_briefing
from tests.fixture_warehouse import (
    ALL_KNOWN_AS_OF,
    INDICATORS,
    INDICATORS_WITH_ACTUALS,
    MADE_UP_AGENCY,
    fixture_warehouse,
)

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.py"))
WITH, WITHOUT, REAL = "fixture_with_submissions", "fixture_without_submissions", "real"
FIXTURES = (WITH, WITHOUT)
NO_SUBMISSIONS = "Chưa có báo cáo nào của sở, ngành được nạp"
SAMPLE_BANNER = "Có dữ liệu mẫu"  # the briefing: "Có dữ liệu mẫu: …"; submission_quality: "… (sample data)"
NO_ACTUALS = "chưa có số thực hiện"
MAX_FIXTURE_ROWS = 60
# The analysis notebooks' tables, found by headers only they have.
FILES_TABLE = ("Tệp", "Có hiệu lực")  # submission_quality: the files received
RULES_TABLE = ("Mã quy tắc", "Số tệp")  # submission_quality: findings by rule
ROADMAP_TABLE = ("STT", "Mã chỉ tiêu")  # kpi_progress: the roadmap's targets
BASELINES_TABLE = ("Mã chỉ tiêu", "Hiện trạng")  # kpi_progress: the baselines
ACTUALS_TABLE = ("Mã chỉ tiêu", "Giá trị thực hiện")  # kpi_progress: the actuals


def warehouse_file(kind: str) -> Path:
    if kind == REAL:
        return rendered_briefing().warehouse_file
    return fixture_warehouse(with_submissions=kind == WITH).warehouse_file


def default_as_of(kind: str) -> dt.date:
    """The real build: the nightly render's date; the fixtures: a date when all their files were known."""
    return AS_OF if kind == REAL else ALL_KNOWN_AS_OF


# The kernel the next execution takes: started, with the notebooks' imports, while the previous
# notebook runs (as the nightly refresh starts the briefing's while dbt builds). ≈25 executions here
# would otherwise each wait for a kernel to start and import pandas, matplotlib and duckdb.
_NEXT_KERNEL: list[WarmKernel] = []


def _take_warm_kernel() -> WarmKernel:
    kernel = _NEXT_KERNEL.pop() if _NEXT_KERNEL else WarmKernel()
    _NEXT_KERNEL.append(WarmKernel())
    return kernel


@atexit.register
def _stop_the_next_kernel() -> None:
    for kernel in _NEXT_KERNEL:
        kernel.shutdown()


@functools.cache
def executed(name: str, kind: str, as_of: dt.date | None = None) -> nbformat.NotebookNode:
    as_of = as_of or default_as_of(kind)
    if kind == REAL and name == "briefing.py" and as_of == AS_OF:
        # The nightly asset already executed it on the real warehouse (tests/briefing_session.py);
        # its kept .ipynb is that execution.
        return nbformat.read(rendered_briefing().folder / "briefing.ipynb", as_version=4)
    params = {"warehouse_path": str(warehouse_file(kind)), "as_of": as_of.isoformat()}
    kernel = _take_warm_kernel()
    try:
        # take() gives None when the warm-up failed; execute_notebook then starts a kernel of its own.
        return execute_notebook(NOTEBOOKS_DIR / name, params, kernel_manager=kernel.take())
    finally:
        kernel.shutdown()


@functools.cache
def page(name: str, kind: str, as_of: dt.date | None = None) -> str:
    """What a reader sees: the HTML without code."""
    return notebook_to_html(executed(name, kind, as_of), name)


@functools.cache
def text(name: str, kind: str, as_of: dt.date | None = None) -> str:
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", page(name, kind, as_of), flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def html_table(
    name: str, kind: str, header: str | tuple[str, ...], as_of: dt.date | None = None
) -> list[dict[str, str]]:
    """The rows of the first HTML table whose header row has ``header`` (every one of several), as
    {header: cell text}."""
    import lxml.html

    wanted = {header} if isinstance(header, str) else set(header)
    root = lxml.html.fromstring(page(name, kind, as_of))
    for table in root.iter("table"):
        if wanted <= set(table_headers(table)):
            return table_rows(table)
    raise AssertionError(f"{name} on {kind}: no table with the column {header!r}")


def risk_rows(kind: str, as_of: dt.date | None = None) -> list[dict[str, str]]:
    """The briefing's risk tables (one per reason, under "#### {reason}: N nhiệm vụ") as one list of
    rows, each with its reason under "Rủi ro"; checks that each heading's count is its table's rows."""
    import lxml.html

    rows: list[dict[str, str]] = []
    reason, count = None, None
    for element in lxml.html.fromstring(page("briefing.py", kind, as_of)).iter("h4", "table"):
        if element.tag == "h4":
            found = re.fullmatch(r"(.+): (\d+) nhiệm vụ", " ".join(element.text_content().split()))
            reason, count = (found.group(1), int(found.group(2))) if found else (None, None)
        elif reason is not None:
            table = table_rows(element)
            assert len(table) == count, (reason, count, len(table))
            rows.extend({**row, "Rủi ro": reason} for row in table)
            reason = None
    return rows


def assessed_rows(kind: str, as_of: dt.date | None = None) -> list[dict[str, str]]:
    """Every task section 5 assesses, as rows with "STT", "Hạn" (the date), "Rủi ro" and "Kỳ báo cáo
    gần nhất": the overdue and due ones from the table under the headline, the others from the risk
    tables (which no longer repeat the first: ``risk_rows`` checks they do not)."""
    deadline_reasons = {
        OVERDUE: RISK_VI["deadline_passed_not_done"],
        "Đến hạn trong 90 ngày": RISK_VI["deadline_within_90_days_not_done"],
    }
    due = [
        {
            "STT": r["STT"],
            "Hạn": r["Hạn"][:10],  # "31/12/2026 (cuối giai đoạn); mốc …": the date first
            "Rủi ro": deadline_reasons[r["Tình trạng"]],
            "Kỳ báo cáo gần nhất": r["Kỳ báo cáo gần nhất"],
        }
        for r in html_table("briefing.py", kind, DUE_TABLE, as_of)
    ]
    others = risk_rows(kind, as_of)
    assert not [r for r in others if r["Rủi ro"] in deadline_reasons.values()], "listed twice"
    return due + others


def table_headers(table) -> list[str]:
    return [" ".join(th.text_content().split()) for th in table.iter("th")]


def table_rows(table) -> list[dict[str, str]]:
    """An HTML table's rows as {header: cell text}."""
    heads = table_headers(table)
    return [
        dict(zip(heads, (" ".join(td.text_content().split()) for td in tr.iter("td")), strict=True))
        for tr in table.iter("tr")
        if tr.find("td") is not None
    ]


TOTAL_LABEL = re.compile(r"Tổng cộng (\d+) sở, ngành( \(dữ liệu mẫu\))?")


def disbursement_rows(
    kind: str, as_of: dt.date | None = None, path: Path | None = None
) -> list[dict[str, str]]:
    """Every row of section 4's disbursement table, the departments' and the totals'."""
    if path is None:
        return html_table("briefing.py", kind, "Tỷ lệ giải ngân", as_of)
    import lxml.html

    nb = execute_notebook(NOTEBOOKS_DIR / "briefing.py", {"warehouse_path": str(path), "as_of": str(as_of)})
    for table in lxml.html.fromstring(notebook_to_html(nb, "test")).iter("table"):
        if "Tỷ lệ giải ngân" in table_headers(table):
            return table_rows(table)
    raise AssertionError("no disbursement table")


def disbursement_table(kind: str, as_of: dt.date | None = None) -> list[dict[str, str]]:
    """The departments' rows of the disbursement table (its "Tổng cộng" rows left out)."""
    return [r for r in disbursement_rows(kind, as_of) if not TOTAL_LABEL.fullmatch(r["Sở, ngành"])]


def query(kind: str, sql: str, as_of: dt.date | None = None) -> list[tuple]:
    with connect_readonly(warehouse_file(kind), as_of=as_of or default_as_of(kind)) as con:
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
            "select agency_code, allocated_mvnd, disbursed_cumulative_mvnd, is_sample, is_current, valid_to "
            "from fx.marts.fct_budget_execution except all "
            "select agency_code, allocated_mvnd, disbursed_cumulative_mvnd, is_sample, is_current, valid_to "
            "from real.marts.fct_budget_execution"
        ).fetchall()
    finally:
        con.close()
    fabricated = {t: rows for t, rows in extra.items() if rows}
    if kind == WITH:
        assert list(fabricated) == ["fct_budget_execution"] and len(fabricated["fct_budget_execution"]) == 1
        assert made_up == [(MADE_UP_AGENCY, None, None, True, True, None)]
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
    assert set(states) <= {("missing",), ("not_yet_due",)}  # which, depends on the day the test runs
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
def test_briefing_says_when_the_warehouse_was_published_as_people_write_it(kind: str) -> None:
    ((published,),) = query(kind, "select max(published_at) from meta.publish_log")
    local = published.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    page_text = text("briefing.py", kind)
    assert f"Kho dữ liệu công bố lúc {local.strftime('%H:%M ngày %d/%m/%Y')}." in page_text
    # A briefing for a day before that publish says so (briefing review, session 14: the dates read as
    # a contradiction); one for a day after it does not. 02/12/2026 is a day section 5 renders anyway.
    earlier = dt.date(2026, 12, 2)
    assert local.date() > earlier
    for as_of, page in ((earlier, text("briefing.py", kind, earlier)), (default_as_of(kind), page_text)):
        said = f"Bản tin lập cho ngày {as_of:%d/%m/%Y} từ bản công bố này: chỉ tính các tệp nhận đến hết ngày"
        assert (said in page) is (local.date() > as_of), as_of


@pytest.mark.parametrize("kind", FIXTURES)
def test_budget_explorer_total_is_the_fixture_plan_total(kind: str) -> None:
    total, _ = _plan_totals(kind)
    assert f"Tổng theo bộ lọc: {mvnd(total)} ·" in text("budget_explorer.py", kind)


def test_disbursement_rates_are_the_fixture_figures_and_unknown_is_a_dash() -> None:
    rows = disbursement_table(WITH)
    shown = {(r["Sở, ngành"], r["Năm"], r["Nguồn kinh phí"]): r["Tỷ lệ giải ngân"] for r in rows}
    expected = {}
    # On ALL_KNOWN_AS_OF the versions in force are the current ones; per task × source × year the
    # latest quarter counts (the cumulative disbursement of the year so far).
    current = "where is_current"
    for name, year, funding, _period, _plan, allocated, disbursed in query(WITH, disbursement_sql(current)):
        unknown = allocated is None or disbursed is None or not allocated
        expected[name, str(year), funding] = "—" if unknown else vn_percent(disbursed * 100 / allocated)
    assert shown == expected
    assert "—" in shown.values()  # the made-up sample row: both cells blank
    assert len([v for v in shown.values() if v.endswith("%")]) >= 2


def test_disbursement_is_one_row_per_department_and_year_never_two_years_added() -> None:
    # Disbursement is cumulative within a year: SKHCN's 2025 full year (2025-Q4) and its 2026 year to
    # date (2026-Q2) are two rows; added together they would read 33.986 allocated, 19.148 disbursed,
    # "2026-Q2". The plan is that year's plan of the tasks the department leads (fixture: 2025 15.350,
    # 2026 20.350 for SKHCN's group II tasks). Ordered newest year first. The state budget and the
    # other sources are two rows, each with its rate (SKHCN's enterprise fund, 15.000 a year in the
    # fixture, was added into one rate): a department's state budget row first.
    rows = [
        (
            r["Sở, ngành"],
            r["Năm"],
            r["Nguồn kinh phí"],
            r["Kỳ báo cáo gần nhất"],
            r["Kế hoạch"],
            r["Dự toán"],
            r["Đã giải ngân"],
            r["Tỷ lệ giải ngân"],
        )
        for r in disbursement_table(WITH)
    ]
    skhcn, stc, snnmt, sct = (
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "Sở Nông nghiệp và Môi trường",
        "Sở Công Thương",
    )
    state, other = "NSNN", "Khác"
    assert rows == [
        # 20.350 / 18.671 / 4.813,09 all sources (25,78 %): 5.350 / 4.721 / 1.267 state budget
        (skhcn, "2026", state, "Quý 2/2026", "5.350", "4.721", "1.267,00", "26,84%"),
        (skhcn, "2026", other, "Quý 2/2026", "15.000", "13.950", "3.546,09", "25,42%"),
        (stc, "2026", state, "Quý 1/2026", "1.200", "1.140", "127,22", "11,16%"),
        (snnmt, "2026", state, "Quý 1/2026", "363", "352", "29,57", "8,40%"),
        (sct, "2026", state, "Quý 1/2026", "2.464", "—", "—", "—"),  # both cells blank: no rate, not 0 %
        # 15.350 / 15.315 / 14.334,89 all sources (93,60 %)
        (skhcn, "2025", state, "Quý 4/2025", "350", "315", "266,39", "84,57%"),
        (skhcn, "2025", other, "Quý 4/2025", "15.000", "15.000", "14.068,50", "93,79%"),
    ]
    # The chart shows one year: the latest with a report known on the date.
    assert (
        "Biểu đồ: vốn ngân sách nhà nước, năm 2026, năm gần nhất có số giải ngân được báo cáo "
        "đến ngày 31/12/2026." in text("briefing.py", WITH)
    )


def test_disbursement_on_the_nightly_date_is_2025_only() -> None:
    # On 01/03/2026 only the 2025-Q4 reports had arrived: every row is 2025, and so is the chart.
    rows = disbursement_table(REAL)
    assert rows and {(r["Năm"], r["Kỳ báo cáo gần nhất"]) for r in rows} == {("2025", "Quý 4/2025")}
    assert (
        "Biểu đồ: vốn ngân sách nhà nước, năm 2025, năm gần nhất có số giải ngân được báo cáo "
        "đến ngày 01/03/2026." in text("briefing.py", REAL)
    )


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_status_says_which_indicators_have_no_actuals(kind: str) -> None:
    names = dict(query(kind, "select indicator_code, name_vi from marts.dim_indicator"))
    assert set(names) == set(INDICATORS)
    status = {r["Chỉ tiêu"]: r["Tình trạng"] for r in html_table("briefing.py", kind, "Cần thay đổi mỗi năm")}
    for code, name in names.items():
        if kind == WITH and code in INDICATORS_WITH_ACTUALS:
            # The fixture's latest actuals are Q2/2026: mid-year, not judged against 2026's target.
            assert status[name].startswith("số giữa năm (Quý 2/2026)"), code
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
    files = {r["Tệp"]: r["Trạng thái"] for r in html_table("briefing.py", WITH, "Nhận lúc")}
    ((rejected,),) = query(WITH, "select file_name from marts.dim_submission where status = 'rejected'")
    assert files[rejected] == "bị từ chối"
    quality = text("submission_quality.py", WITH)
    assert SAMPLE_BANNER in quality and NO_SUBMISSIONS not in quality
    rules = {r["Mã quy tắc"]: r["Số tệp"] for r in html_table("submission_quality.py", WITH, RULES_TABLE)}
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


# --------------------------------------------------------------------------- what was known on the as-of date
# The briefing re-rendered for a past date shows only the files received by then and, per agency ×
# period, the version in force then. The expected figures below pick those versions independently of
# the notebook's rule (valid_from/valid_to as Vietnam dates): the highest loaded version received
# before midnight after the date, Vietnam time.

LOADED = "status in ('accepted', 'flagged')"
RISK_VI = {
    "deadline_passed_not_done": "Quá hạn, chưa báo cáo hoàn thành",
    "deadline_within_90_days_not_done": "Đến hạn trong 90 ngày, chưa hoàn thành",
    # Its label names the report year: this one from 16/04/2026 to 15/04/2027 (ALL_KNOWN_AS_OF's).
    "money_but_no_report_this_year": (
        "Có kinh phí năm 2026, chưa báo cáo tiến độ năm 2026 (đã quá hạn nộp báo cáo Quý 1/2026)"
    ),
}


def received_before_end_of(day: dt.date) -> str:
    return f"received_at < timestamptz '{day + dt.timedelta(days=1)} 00:00:00+07'"


def versions_known(day: dt.date) -> str:
    """SQL: the submission_id of each agency × period's version in force at the end of ``day``."""
    return (
        f"select submission_id from marts.dim_submission where {LOADED} and {received_before_end_of(day)} "
        "qualify row_number() over (partition by agency_code, period order by version desc) = 1"
    )


def known_where(day: dt.date) -> str:
    return f"where submission_id in ({versions_known(day)})"


# The disbursement table's words for a row's funding: the state budget and every other source apart,
# shortened as its legend line says ("NSNN: ngân sách nhà nước").
FUNDING_WORDS = {True: "NSNN", False: "Khác"}


def disbursement_sql(where: str) -> str:
    """Per department, year and funding (state budget or not): latest period (as the briefing writes
    it), plan (of the tasks it leads, in the sectors and funding sources it reported), allocation and
    cumulative disbursement (latest quarter per task × funding source × year) over the execution rows
    ``where`` selects. Columns: name, year, funding words, period, plan, allocation, disbursement."""
    return (
        "with r as (select e.*, f.is_state_budget from marts.fct_budget_execution e "
        "join marts.dim_funding_source f using (funding_source_code) "
        f"{where.replace('where ', 'where e.', 1)} qualify row_number() over (partition by agency_code, "
        "appendix, item_no, funding_source_code, year order by quarter desc) = 1), "
        "sectors as (select distinct agency_code, sector_code, funding_source_code, is_state_budget, year "
        "from r), "
        "plan_by_year as (select s.agency_code, s.year, s.is_state_budget, sum(p.amount_mvnd) as plan "
        "from sectors s join marts.fct_budget_plan p on p.lead_agency_code = s.agency_code "
        "and p.sector_code = s.sector_code and p.funding_source_code = s.funding_source_code "
        "and p.year = s.year group by all) "
        "select coalesce(a.agency_name, r.agency_code), r.year, "
        f"case when r.is_state_budget then '{FUNDING_WORDS[True]}' else '{FUNDING_WORDS[False]}' end, "
        "max(r.period), any_value(p.plan), sum(r.allocated_mvnd), sum(r.disbursed_cumulative_mvnd) from r "
        "left join plan_by_year p using (agency_code, year, is_state_budget) "
        "left join marts.dim_agency a using (agency_code) group by all"
    )


def cell(value: Decimal | None) -> str:
    """A number as the briefing's tables write it (Vietnamese format, 2 decimals unless whole)."""
    if value is None:
        return "—"
    return vn_number(value, 0 if value == value.to_integral_value() else 2)


def rate(allocated: Decimal | None, disbursed: Decimal | None) -> str:
    return (
        "—"
        if allocated is None or disbursed is None or not allocated
        else vn_percent(disbursed * 100 / allocated)
    )


def shown_disbursement(as_of: dt.date) -> dict[tuple[str, str, str], tuple[str, str, str, str, str]]:
    """(department, year, funding) → (latest period, plan, allocation, disbursement, rate) as shown."""
    rows = disbursement_table(REAL, as_of)
    shown = {
        (r["Sở, ngành"], r["Năm"], r["Nguồn kinh phí"]): (
            r["Kỳ báo cáo gần nhất"],
            r["Kế hoạch"],
            r["Dự toán"],
            r["Đã giải ngân"],
            r["Tỷ lệ giải ngân"],
        )
        for r in rows
    }
    assert len(shown) == len(rows), "one row per department, year and funding"
    return shown


def disbursement_row(name, year, funding, period, plan, allocated, disbursed) -> tuple[tuple, tuple]:
    """One department × year × funding as the briefing's table writes it: key → its cells."""
    cells = (vn_period(period), cell(plan), cell(allocated), cell(disbursed), rate(allocated, disbursed))
    return (name, str(year), funding), cells


def expected_disbursement(
    where: str, as_of: dt.date
) -> dict[tuple[str, str, str], tuple[str, str, str, str, str]]:
    return dict(disbursement_row(*row) for row in query(REAL, disbursement_sql(where), as_of))


def latest_actuals(where: str, as_of: dt.date) -> dict[str, str]:
    """Indicator name → its latest actual as the KPI table writes it: "45,30 (2025)" for a year's
    (Q4) figure, "45,30 (Quý 2/2026)" for a mid-year one."""
    return {
        name: f"{cell(value)} ({year if quarter == 4 else f'Quý {quarter}/{year}'})"
        for name, value, year, quarter in query(
            REAL,
            "select i.name_vi, k.actual_value, k.year, k.quarter from marts.fct_kpi_actual k "
            f"join marts.dim_indicator i using (indicator_code) {where} and k.actual_value is not null "
            "qualify row_number() over (partition by k.indicator_code order by k.year desc, k.quarter desc)"
            " = 1",
            as_of,
        )
    }


def shown_actuals(as_of: dt.date) -> dict[str, str]:
    rows = html_table("briefing.py", REAL, "Cần thay đổi mỗi năm", as_of)
    return {r["Chỉ tiêu"]: r["Số gần nhất"] for r in rows if r["Tình trạng"] != NO_ACTUALS}


def files_shown(as_of: dt.date) -> dict[str, str]:
    """The data-freshness table: file → whether the figures rest on it ("có"/"không")."""
    return {r["Tệp"]: r["Dùng cho số liệu"] for r in html_table("briefing.py", REAL, "Nhận lúc", as_of)}


def day_of(timestamp: dt.datetime) -> dt.date:
    return timestamp.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def test_briefing_before_any_submission_says_none_was_loaded_and_shows_no_banner() -> None:
    ((first,),) = query(REAL, "select min(received_at) from marts.dim_submission")
    before = day_of(first) - dt.timedelta(days=1)
    page_text = text("briefing.py", REAL, before)
    assert NO_SUBMISSIONS in page_text
    assert SAMPLE_BANNER not in page_text
    assert "Chưa có số giải ngân nào được báo cáo" in page_text
    assert not [f for (f,) in query(REAL, "select file_name from marts.dim_submission") if f in page_text]
    kpis = html_table("briefing.py", REAL, "Cần thay đổi mỗi năm", before)
    assert {r["Tình trạng"] for r in kpis} == {NO_ACTUALS}
    # Before the first report is due (2025-Q4's, 15/01/2026) money alone is no risk: the tasks assessed
    # are the due ones (task 10, 31/03/2026), with no report behind any of them.
    risks = assessed_rows(REAL, before)
    assert risks and {r["Kỳ báo cáo gần nhất"] for r in risks} == {"—"}


def test_briefing_shows_only_the_reports_received_by_its_date() -> None:
    # The nightly render (AS_OF = 01/03/2026): only the 2025-Q4 reports had arrived.
    later = query(
        REAL,
        f"select distinct period from marts.dim_submission where not ({received_before_end_of(AS_OF)}) "
        f"except select period from marts.dim_submission where {received_before_end_of(AS_OF)}",
    )
    assert {"2026-Q1", "2026-Q2"} <= {p for (p,) in later}
    page_text = text("briefing.py", REAL)
    assert not [p for (p,) in later if p in page_text or vn_period(p) in page_text]
    assert SAMPLE_BANNER in page_text  # the 2025-Q4 files are samples
    received = {
        f
        for (f,) in query(
            REAL, f"select file_name from marts.dim_submission where {received_before_end_of(AS_OF)}"
        )
    }
    assert files_shown(AS_OF) == dict.fromkeys(received, "có")
    # KPI actuals and disbursement: the figures of the versions known then, not the current ones.
    assert (
        shown_actuals(AS_OF)
        == latest_actuals(known_where(AS_OF), AS_OF)
        != latest_actuals("where is_current", AS_OF)
    )
    assert shown_disbursement(AS_OF) == expected_disbursement(known_where(AS_OF), AS_OF)
    assert shown_disbursement(AS_OF) != expected_disbursement("where is_current", AS_OF)
    # A task due within 90 days that was reported "done" only in a later file is still at risk here,
    # with the latest report known then.
    done_later = query(
        REAL,
        f"""
        with known as (
            select appendix, item_no, max(period) as period, bool_or(status_code = 'done') as done
            from marts.fct_task_progress {known_where(AS_OF)} group by all
        )
        select t.item_no, coalesce(k.period, '—') from marts.dim_task t
        left join known k using (appendix, item_no)
        where t.appendix = 'I' and t.deadline_date <= date '{AS_OF}' + interval 90 day
          and not coalesce(k.done, false)
          and exists (select 1 from marts.fct_task_progress p where p.status_code = 'done'
                      and p.appendix = t.appendix and p.item_no = t.item_no)
        """,
    )
    assert done_later
    risks = {r["STT"]: r for r in assessed_rows(REAL)}
    for item_no, period in done_later:
        assert risks[item_no]["Rủi ro"] in (
            RISK_VI["deadline_passed_not_done"],
            RISK_VI["deadline_within_90_days_not_done"],
        )
        assert risks[item_no]["Kỳ báo cáo gần nhất"] == vn_period(period), item_no


def test_briefing_between_a_submission_and_its_resubmission_shows_the_first_version() -> None:
    # The shipped samples' resubmission: SKHCN 2026-Q1, received 11/04/2026, re-sent 20/04/2026 with
    # a corrected disbursement; the briefing is rendered for the day before the re-send.
    agency, year, first_file, first_at, resent_file, resent_at = query(
        REAL,
        f"""
        select old.agency_code, old.report_year, old.file_name, old.received_at,
               new.file_name, new.received_at
        from marts.dim_submission old join marts.dim_submission new using (agency_code, period)
        where old.{LOADED} and new.{LOADED} and new.version = old.version + 1
        order by new.received_at limit 1
        """,
    )[0]
    between = day_of(resent_at) - dt.timedelta(days=1)
    assert day_of(first_at) <= between
    later = {
        p
        for (p,) in query(
            REAL,
            f"select period from marts.dim_submission where not ({received_before_end_of(between)}) "
            f"except select period from marts.dim_submission where {received_before_end_of(between)}",
        )
    }
    assert "2026-Q2" in later  # no 2026-Q2 file had arrived yet
    page_text = text("briefing.py", REAL, between)
    assert not [p for p in later if p in page_text or vn_period(p) in page_text]
    files = files_shown(between)
    assert files[first_file] == "có" and resent_file not in files and resent_file not in page_text
    assert SAMPLE_BANNER in page_text
    shown = shown_disbursement(between)
    assert shown == expected_disbursement(known_where(between), between)
    # The resubmission corrected a disbursement: the department's figure changes the day it arrives.
    ((name,),) = query(REAL, f"select agency_name from marts.dim_agency where agency_code = '{agency}'")
    after = expected_disbursement(known_where(day_of(resent_at)), between)
    assert {k: v for k, v in shown.items() if k[:2] == (name, str(year))} != {
        k: v for k, v in after.items() if k[:2] == (name, str(year))
    }


def late_report_grid(as_of: dt.date) -> dict[tuple[str, str], str]:
    """The briefing's grid of late or rejected reports as {(department, quarter): cell}; checks the
    sentence above it counts the grid's rows."""
    rows = html_table("briefing.py", REAL, ("Sở, ngành", "Quý 4/2025"), as_of)
    counted = re.search(r"(\d+)/\d+ sở, ngành có quý nộp báo cáo chậm", text("briefing.py", REAL, as_of))
    assert counted and int(counted.group(1)) == len(rows)
    names = [row["Sở, ngành"] for row in rows]
    assert names == sorted(names, key=unaccented)  # "Ủy ban …" among the U, "Văn phòng …" after it
    return {
        (row["Sở, ngành"], quarter): cell
        for row in rows
        for quarter, cell in row.items()
        if quarter != "Sở, ngành"
    }


def expected_late_report_grid(as_of: dt.date) -> dict[tuple[str, str], str]:
    """The same grid from marts.rpt_submission_status as of ``as_of``: every quarter of each
    department with at least one quarter late or with a rejected file; a quarter whose files are
    samples says so."""
    grid = {}
    statuses = query(
        REAL,
        "select coalesce(a.agency_name, s.agency_code), s.period, s.submission_state, s.is_late, "
        "s.has_fatal_errors, s.revision_count, s.is_sample, bool_or(s.is_late or s.has_fatal_errors) "
        "over (partition by s.agency_code) from marts.rpt_submission_status s "
        "left join marts.dim_agency a using (agency_code)",
        as_of,
    )
    for agency, period, state, is_late, fatal, revisions, sample, flagged in statuses:
        if not flagged:
            continue
        if state == "submitted":
            words = ["nộp chậm" if is_late else "đúng hạn", *(["có tệp bị từ chối"] if fatal else [])]
        elif state == "rejected_only":
            words = ["chỉ có tệp bị từ chối"]
        elif state == "withdrawn_only":
            words = ["chỉ có tệp đã rút"]
        else:
            words = ["chưa nộp" if is_late else "chưa đến hạn"]
        words += [f"nộp lại {revisions} lần"] if revisions else []
        grid[agency, vn_period(period)] = "; ".join([*words, *(["dữ liệu mẫu"] if sample else [])])
    return grid


def test_late_report_grid_shows_the_last_four_quarters_and_counts_the_earlier_ones() -> None:
    # A column per quarter since 2025-Q4 grew to 20 by 2030, three letters wide each (bench/scale.py:
    # the grid took 6 printed pages). On 31/12/2027 eight quarters were due (2025-Q4 … 2027-Q3): the
    # last four are shown one by one, the four before counted in one column, from rpt_submission_status.
    day = dt.date(2027, 12, 31)
    rows = html_table("briefing.py", REAL, ("Sở, ngành", "Quý 3/2027"), day)
    earlier = "Các quý trước (Quý 4/2025 – Quý 3/2026)"
    recent = ["Quý 4/2026", "Quý 1/2027", "Quý 2/2027", "Quý 3/2027"]
    assert rows and all(list(row) == ["Sở, ngành", earlier, *recent] for row in rows)
    cells = expected_late_report_grid(day)
    assert {(row["Sở, ngành"], q): row[q] for row in rows for q in recent} == {
        key: cell for key, cell in cells.items() if key[1] in recent
    }
    counted = {}
    for agency, quarters, late, missing, rejected_only, withdrawn_only, fatal, sample in query(
        REAL,
        "select coalesce(a.agency_name, s.agency_code), count(*), "
        "count(*) filter (where s.submission_state = 'submitted' and s.is_late), "
        "count(*) filter (where s.submission_state = 'missing' and s.is_late), "
        "count(*) filter (where s.submission_state = 'rejected_only'), "
        "count(*) filter (where s.submission_state = 'withdrawn_only'), "
        "count(*) filter (where s.submission_state = 'submitted' and s.has_fatal_errors), "
        "bool_or(s.is_sample) "
        "from marts.rpt_submission_status s left join marts.dim_agency a using (agency_code) "
        "where s.period < '2026-Q4' group by all",
        day,
    ):
        parts = [
            f"{n} {words}"
            for n, words in (
                (late, "nộp chậm"),
                (missing, "chưa nộp"),
                (rejected_only, "chỉ có tệp bị từ chối"),
                (withdrawn_only, "chỉ có tệp đã rút"),
                (fatal, "có tệp bị từ chối"),
            )
            if n
        ]
        assert quarters == 4
        words = "4 quý: " + "; ".join(parts) if parts else "đúng hạn cả 4 quý"
        counted[agency] = words + ("; dữ liệu mẫu" if sample else "")
    flagged = {agency for agency, _quarter in cells}
    assert {row["Sở, ngành"]: row[earlier] for row in rows} == {
        agency: words for agency, words in counted.items() if agency in flagged
    }


def test_briefing_when_every_file_is_known_shows_what_the_marts_show() -> None:
    # On a date after every file arrived, the versions known are the current ones: the briefing's
    # disbursement, task risk and late-report tables (its own SQL over the versions known on its
    # date) must then be the marts' rpt_disbursement_rate, rpt_task_risk and rpt_submission_status.
    late = ALL_KNOWN_AS_OF
    ((last,),) = query(
        REAL,
        "select max(greatest(received_at, coalesce(superseded_at, received_at))) from marts.dim_submission",
    )
    assert day_of(last) <= late
    expected = dict(
        disbursement_row(*row)
        for row in query(
            REAL,
            "select coalesce(a.agency_name, r.agency_code), r.year, "
            f"case when r.is_state_budget then '{FUNDING_WORDS[True]}' else '{FUNDING_WORDS[False]}' end, "
            "max(r.latest_period), sum(r.plan_mvnd), sum(r.allocated_mvnd), sum(r.disbursed_mvnd) "
            "from marts.rpt_disbursement_rate r left join marts.dim_agency a using (agency_code) "
            "group by all",
            late,
        )
    )
    # Two years reported (2025 in full, 2026 so far), never added together.
    assert {year for _name, year, _funding in expected} == {"2025", "2026"}
    assert shown_disbursement(late) == expected
    risks = sorted(
        (r["STT"], r["Hạn"], r["Rủi ro"], r["Kỳ báo cáo gần nhất"]) for r in assessed_rows(REAL, late)
    )
    assert risks == sorted(
        (
            f"{item_no} (Phụ lục 2)" if appendix == "II" else item_no,
            deadline.strftime("%d/%m/%Y") if deadline else "—",
            RISK_VI[reason],
            vn_period(period) if period else "—",
        )
        for appendix, item_no, deadline, reason, period in query(
            REAL,
            "select appendix, item_no, effective_deadline, risk_reason, latest_report_period "
            "from marts.rpt_task_risk",
            late,
        )
    )
    grid = late_report_grid(late)
    assert grid == expected_late_report_grid(late)
    # The shipped reports are samples: the cells resting on them say so, and a banner explains it.
    assert any(cell.endswith("; dữ liệu mẫu") for cell in grid.values())
    assert "Ô có chữ “dữ liệu mẫu”: tình trạng nộp dựa trên tệp mẫu" in text("briefing.py", REAL, late)
    assert files_shown(late) == {
        f: "có" if current else "không"
        for f, current in query(REAL, "select file_name, is_current from marts.dim_submission", late)
    }
    assert shown_actuals(late) == latest_actuals("where is_current", late)


def test_kpi_progress_lists_only_the_actuals_known_on_its_date() -> None:
    shown = {
        (r["Mã chỉ tiêu"], r["Kỳ"], r["Tệp"]) for r in html_table("kpi_progress.py", REAL, ACTUALS_TABLE)
    }
    expected = set(
        query(
            REAL, f"select indicator_code, period, file_name from marts.fct_kpi_actual {known_where(AS_OF)}"
        )
    )
    expected = {(code, vn_period(period), file) for code, period, file in expected}
    ((all_rows,),) = query(REAL, "select count(*) from marts.fct_kpi_actual")
    assert shown == expected and 0 < len(expected) < all_rows
    assert f"{len(expected)} số thực hiện đã báo cáo đến ngày này" in text("kpi_progress.py", REAL)


# --------------------------------------------------------------------------- tasks cleared by a "done" report
# Section 5's first table lists the tasks with a printed deadline that is past or within 90 days. A task
# whose latest progress report known on the date says "done" is not overdue (marts.rpt_task_risk's rule);
# a "done" received after the date does not clear it. Tasks 10 and 21 (SKHCN, due 31/03/2026) were
# reported done in SKHCN's 2026-Q2 file, received 10/07/2026 (Vietnam time).

DUE_TABLE = ("Tình trạng", "Nhiệm vụ")  # the KPI table has "Tình trạng" too, but no "Nhiệm vụ"
OVERDUE = "Quá hạn"


def due_shown(kind: str, as_of: dt.date | None = None) -> dict[str, str]:
    """Section 5's first table: STT → "Quá hạn" / "Đến hạn trong 90 ngày"."""
    return {r["STT"]: r["Tình trạng"] for r in html_table("briefing.py", kind, DUE_TABLE, as_of)}


def test_fixture_task_reported_done_is_not_listed_as_overdue() -> None:
    # Fixture, 31/12/2026: of group II's printed deadlines, task 10 (31/03/2026) is done per SKHCN's
    # 2026-Q2 report; task 11 (30/06/2026) is not (42 % in 2026-Q2). Before the fix both were overdue.
    ((status, period),) = query(
        WITH,
        "select status_code, period from marts.fct_task_progress where appendix = 'I' and item_no = '10' "
        "and is_current order by period desc limit 1",
    )
    assert (status, period) == ("done", "2026-Q2")
    # Task 12 has no printed deadline: it is due at the end of its period, 31/12/2026 (the view's rule).
    assert due_shown(WITH) == {"11": OVERDUE, "12": "Đến hạn trong 90 ngày"}
    page_text = text("briefing.py", WITH)
    assert (
        "Tính đến 31/12/2026: 1 nhiệm vụ đã quá hạn hoàn thành theo kế hoạch, 1 nhiệm vụ đến hạn" in page_text
    )
    assert "đã hoàn thành (1 nhiệm vụ, STT 10)" in page_text
    # The same as the mart's rule: the view lists no risk for task 10, and task 11 as overdue.
    risk = dict(query(WITH, "select item_no, risk_reason from marts.rpt_task_risk where appendix = 'I'"))
    assert "10" not in risk and risk["11"] == "deadline_passed_not_done"
    assert risk["12"] == "deadline_within_90_days_not_done"


def test_done_clears_a_task_from_the_day_its_report_is_received() -> None:
    before, received = dt.date(2026, 7, 9), dt.date(2026, 7, 10)
    ((received_at,),) = query(
        REAL,
        "select distinct d.received_at from marts.fct_task_progress p join marts.dim_submission d "
        "using (submission_id) where p.status_code = 'done' and p.item_no in ('10', '21')",
    )
    assert day_of(received_at) == received
    still_due = {"11", "50", "51", "52", "53", "54", "55", "56"}  # due 30/06/2026, not reported done
    assert due_shown(REAL, before) == dict.fromkeys(still_due | {"10", "21"}, OVERDUE)
    assert due_shown(REAL, received) == dict.fromkeys(still_due, OVERDUE)
    assert "10 nhiệm vụ đã quá hạn hoàn thành theo kế hoạch" in text("briefing.py", REAL, before)
    page_text = text("briefing.py", REAL, received)
    assert "8 nhiệm vụ đã quá hạn hoàn thành theo kế hoạch" in page_text
    assert "đã hoàn thành (2 nhiệm vụ, STT 10, 21)" in page_text
    # Briefing review (session 14): the 8 rests on two sample files; a banner says so and gives the
    # plan's own count, the 10 of the day before.
    assert (
        "Có dữ liệu mẫu: 2 nhiệm vụ (STT 10, 21) không có trong bảng dưới chỉ vì dữ liệu mẫu ghi là đã "
        "hoàn thành; chỉ theo hạn trong kế hoạch, 10 nhiệm vụ đã quá hạn."
    ) in page_text
    # And the section's tables (the view's rule) agree on both days.
    for day in (before, received):
        risks = {r["STT"] for r in assessed_rows(REAL, day)}
        assert ({"10", "21"} <= risks) is (day == before), day


def test_section_5_keeps_last_years_money_risks_over_the_new_year() -> None:
    """On 31/12/2026 the briefing listed the tasks with 2026 money and no 2026 report; on 01/01/2027 it
    said "Không có nhiệm vụ rủi ro nào khác": 2026-Q4's report is due only on 15/01/2027, yet "this
    year" had become 2027. Until 15/04/2027 they stay listed, under a heading naming 2026, as many as
    marts.rpt_task_risk counts that day."""
    new_year = dt.date(2027, 1, 1)
    heading = RISK_VI["money_but_no_report_this_year"]
    ((counted,),) = query(
        REAL,
        "select count(*) from marts.rpt_task_risk where risk_reason = 'money_but_no_report_this_year' "
        "and report_year = 2026",
        new_year,
    )
    listed = {r["STT"] for r in risk_rows(REAL, new_year) if r["Rủi ro"] == heading}
    assert counted > 0 and len(listed) == counted
    assert listed == {r["STT"] for r in risk_rows(REAL, ALL_KNOWN_AS_OF) if r["Rủi ro"] == heading}
    assert "Không có nhiệm vụ rủi ro nào khác" not in text("briefing.py", REAL, new_year)


def test_kpi_table_asks_no_yearly_change_after_the_plan_ended() -> None:
    """On 30/06/2031 the KPI table still said what must change "each year" to reach the 2030 targets
    (PII: 1,18 points a year): no year is left. On the plan's last day it still says it; the day the
    plan is over the column is empty and a note says why, the latest figures and targets stay."""
    last_day, after = dt.date(2030, 12, 31), dt.date(2031, 6, 30)
    column = "Cần thay đổi mỗi năm"
    during = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", WITH, column, last_day)}
    ended = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", WITH, column, after)}
    assert [name for name, r in during.items() if r[column] not in ("", "—")]
    assert {r[column] for r in ended.values()} <= {"", "—"}
    assert {n: r["Số gần nhất"] for n, r in ended.items()} == {n: r["Số gần nhất"] for n, r in during.items()}
    assert "Đề án đã kết thúc ngày 31/12/2030" in text("briefing.py", WITH, after)
    assert "Đề án đã kết thúc" not in text("briefing.py", WITH, last_day)


@pytest.mark.parametrize("kind", FIXTURES)
@pytest.mark.parametrize("as_of", [dt.date(2026, 12, 2), dt.date(2031, 6, 30)])
def test_section_5_headline_and_due_table_count_what_rpt_task_risk_counts(kind: str, as_of: dt.date) -> None:
    # The headline once counted printed deadlines only, so a task due at the end of its period
    # (31/12/2026) was missing from "đến hạn trong 90 ngày" on 02/12/2026, and in 2031 it said 8 tasks
    # overdue where the view said many more. The view, read as of the same date, is the reference.
    ((overdue, within_90, period_end),) = query(
        kind,
        "select count(*) filter (where risk_reason = 'deadline_passed_not_done'), "
        "count(*) filter (where risk_reason = 'deadline_within_90_days_not_done'), "
        "count(*) filter (where deadline_basis = 'end_of_period') from marts.rpt_task_risk "
        "where risk_reason in ('deadline_passed_not_done', 'deadline_within_90_days_not_done')",
        as_of,
    )
    assert period_end > 0  # tasks due at the end of their period: the ones the old headline missed
    page_text = text("briefing.py", kind, as_of)
    assert (
        f"Tính đến {as_of:%d/%m/%Y}: {overdue} nhiệm vụ đã quá hạn hoàn thành theo kế hoạch, "
        f"{within_90} nhiệm vụ đến hạn trong 90 ngày tới"
    ) in page_text
    # The table under the headline lists the same tasks, with the same status.
    expected = {
        item_no: OVERDUE if reason == "deadline_passed_not_done" else "Đến hạn trong 90 ngày"
        for item_no, reason in query(
            kind,
            "select item_no, risk_reason from marts.rpt_task_risk where risk_reason in "
            "('deadline_passed_not_done', 'deadline_within_90_days_not_done')",
            as_of,
        )
    }
    assert due_shown(kind, as_of) == expected


# --------------------------------------------------------------------------- submission quality on a date


def quality_files(as_of: dt.date) -> dict[str, tuple[str, str]]:
    """submission_quality's file table: file → (in force on the date "có"/"không", replaced at)."""
    return {
        r["Tệp"]: (r["Có hiệu lực"], r["Bị thay thế lúc"])
        for r in html_table("submission_quality.py", WITH, FILES_TABLE, as_of)
    }


def vn_moment(moment: dt.datetime) -> str:
    """A moment as the notebooks' tables write it: Vietnam time, "08:10 20/04/2026"."""
    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M %d/%m/%Y")


def test_submission_quality_lists_only_the_files_received_by_its_date() -> None:
    # Fixture: SKHCN's 2026-Q1 file arrived 11/04/2026 and its re-send (v2) 20/04/2026 (Vietnam time);
    # SKHCN 2026-Q2 on 10/07, SGDDT's rejected 2026-Q2 file on 13/07/2026.
    day = dt.date(2026, 4, 19)
    received = dict(query(WITH, "select file_name, received_at from marts.dim_submission"))
    assert day_of(received["SKHCN_2026-Q1_v2.xlsx"]) == day + dt.timedelta(days=1)
    shown = quality_files(day)
    assert shown == {
        "SKHCN_2025-Q4.xlsx": ("có", "—"),
        "STC_2026-Q1.xlsx": ("có", "—"),
        "SNNMT_2026-Q1.csv": ("có", "—"),
        "SKHCN_2026-Q1.xlsx": ("có", "—"),  # its replacement is not known yet
    }
    assert shown.keys() == {f for f, at in received.items() if day_of(at) <= day}
    page_text = text("submission_quality.py", WITH, day)
    for later in (
        "SKHCN_2026-Q1_v2.xlsx",
        "SKHCN_2026-Q2.xlsx",
        "SGDDT_2026-Q2.xlsx",
        "SGDDT_2026-Q2_v2.xlsx",
    ):
        assert later not in page_text, later
    # Rules: only the received files' findings; SGDDT's rejected file (SUB-V02) came later.
    rules = {
        r["Mã quy tắc"]: r["Số tệp"] for r in html_table("submission_quality.py", WITH, RULES_TABLE, day)
    }
    counted = query(
        WITH,
        "select rule_id, count(*) from (select unnest(string_split(rule_ids, ',')) as rule_id "
        f"from marts.dim_submission where coalesce(rule_ids, '') <> '' and {received_before_end_of(day)}) "
        "group by all",
    )
    assert rules == {rule: str(n) for rule, n in counted} and rules["SUB-X02"] == "1"  # SKHCN 2026-Q1
    ((rejected_rules,),) = query(
        WITH, "select rule_ids from marts.dim_submission where file_name = 'SGDDT_2026-Q2.xlsx'"
    )
    assert "SUB-V02" in rejected_rules and "SUB-V02" not in rules
    # The next day the re-send is there and the first version is no longer in force.
    next_day = quality_files(day + dt.timedelta(days=1))
    ((replaced_at,),) = query(
        WITH, "select superseded_at from marts.dim_submission where file_name = 'SKHCN_2026-Q1.xlsx'"
    )
    assert day_of(replaced_at) == day + dt.timedelta(days=1)
    assert next_day["SKHCN_2026-Q1_v2.xlsx"] == ("có", "—")
    assert next_day["SKHCN_2026-Q1.xlsx"] == ("không", vn_moment(replaced_at))
    assert len(next_day) == 5


# --------------------------------------------------------------------------- the KPI chart's panels


def kpi_chart_axes(kind: str, without_period_targets: bool = False) -> list:
    """The KPI chart's panels, from running the briefing's cells up to the chart in this process;
    ``without_period_targets``: as if the warehouse had no period targets and no baselines (TFP then
    has nothing to draw: the panel's message case)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    notebook = jupytext.read(NOTEBOOKS_DIR / "briefing.py")
    namespace = {"__name__": "briefing_under_test"}
    shown: list = []  # the figures the cells hand to show_chart, kept open to be inspected
    plt.close("all")
    for number, nb_cell in enumerate(notebook.cells):
        if nb_cell.cell_type != "code":
            continue
        shown.clear()  # only the last cell's (the KPI chart cell's) figures count
        exec(compile(nb_cell.source, f"briefing.py cell {number}", "exec"), namespace)
        if "parameters" in nb_cell.metadata.get("tags", []):  # what pipelines/briefing.py injects
            namespace.update(warehouse_path=str(warehouse_file(kind)), as_of=default_as_of(kind).isoformat())
        if "show_chart" in namespace:
            namespace["show_chart"] = lambda fig, alt: shown.append(fig)
        if without_period_targets and "sql" in namespace and not hasattr(namespace["sql"], "wrapped"):
            real_sql = namespace["sql"]

            def sql(query: str, params: list | None = None, real_sql=real_sql):
                found = real_sql(query, params)
                # TFP's period targets, and its one baseline, which is for a period too.
                period_only = "from marts.fct_kpi_target" in query and "where year is null" in query
                baselines = "from marts.fct_kpi_baseline" in query
                return found.iloc[0:0] if period_only or baselines else found

            sql.wrapped = True
            namespace["sql"] = sql
        if "kpi_rows = []" in nb_cell.source:
            break
    figure = shown[-1] if shown else plt.gcf()  # no KPI panels: the cell closed its figure unshown
    axes = [ax for ax in figure.axes if ax.axison]
    plt.close("all")
    return axes


def test_kpi_panel_with_nothing_to_draw_shows_only_its_message():
    axes = kpi_chart_axes(WITH, without_period_targets=True)
    empty = [ax for ax in axes if any(t.get_text() == "Không có chỉ tiêu theo từng năm" for t in ax.texts)]
    assert len(empty) == 1, [ax.get_title() for ax in axes]  # TFP: period targets only, none left
    for ax in empty:
        ax.figure.canvas.draw()
        # No ticks came back from the year locator (they printed "0 0 0 0 0 0 0").
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()] == []
        assert list(ax.get_xticks()) == [] and len(ax.lines) == 0


def test_kpi_panel_draws_period_targets_across_their_years_and_titles_wrap_whole():
    # TFP's targets are per period ("35,49 % (Giai đoạn 2021- 2025)", "55% (Giai đoạn 2026 - 2030)"):
    # each a level across its years, never put on one year; its baseline 43,35 % (2016–2020) too.
    periods = query(
        WITH,
        "select period_start, period_end, target_value from marts.fct_kpi_target "
        "where indicator_code = 'TFP_CONTRIBUTION' and year is null and target_value is not null",
    )
    assert {(start, end) for start, end, _ in periods} == {(2021, 2025), (2026, 2030)}
    ((tfp_name,),) = query(
        WITH, "select name_vi from marts.dim_indicator where indicator_code = 'TFP_CONTRIBUTION'"
    )
    axes = kpi_chart_axes(WITH)
    (tfp,) = [ax for ax in axes if ax.get_title().replace("\n", " ") == tfp_name]
    drawn = {
        (round(float(segment[0][0])), round(float(segment[1][0])), round(float(segment[0][1]), 2))
        for collection in tfp.collections
        for segment in collection.get_segments()
    }
    for start, end, value in periods:
        assert (start, end, round(float(value), 2)) in drawn
    assert (2016, 2020, 43.35) in drawn  # the period baseline, dashed
    names = {name for (name,) in query(WITH, "select name_vi from marts.dim_indicator")}
    for ax in axes:
        lines = ax.get_title().split("\n")
        whole = " ".join(lines)
        # The whole name on at most two lines, or a cut one that says so.
        assert len(lines) <= 2 and (whole in names or whole.endswith("…")), ax.get_title()
        ax.figure.canvas.draw()
        # Vietnamese decimals on the value axis: "42,5", never "42.5".
        assert not [t.get_text() for t in ax.get_yticklabels() if "." in t.get_text()], ax.get_title()


# ------------------------------------------------------------------ analysis notebooks, in Vietnamese


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_progress_shows_the_baselines_in_vietnamese_number_format(kind: str) -> None:
    # The TFP baseline is printed 43,35 (%) in the document; it has no year, so it has no chart.
    ((value, name),) = query(
        kind,
        "select b.observed_value, i.name_vi from marts.fct_kpi_baseline b join marts.dim_indicator i "
        "using (indicator_code) where b.year is null and b.observed_value is not null",
    )
    assert value != value.to_integral_value()  # a decimal figure, the one English format gets wrong
    page_text = text("kpi_progress.py", kind)
    assert vn_number(value, 2) in page_text
    assert f"{value.normalize()}" not in page_text  # "43.35"
    rows = html_table("kpi_progress.py", kind, ("Mã chỉ tiêu", "Hiện trạng"))
    assert vn_number(value, 2) in {r["Hiện trạng"] for r in rows}
    assert f"{name}: không có gì để vẽ" in page_text


@pytest.mark.parametrize("kind", FIXTURES)
def test_budget_explorer_table_has_vietnamese_headers_and_amounts(kind: str) -> None:
    rows = html_table("budget_explorer.py", kind, ("Trụ cột", "Năm", "Kinh phí (triệu đồng)", "Số nhiệm vụ"))
    expected = {
        (pillar, str(year), vn_number(amount), str(tasks))
        for pillar, year, amount, tasks in query(
            kind,
            "select p.pillar_name_vi, f.year, sum(f.amount_mvnd), count(distinct f.item_no) "
            "from marts.fct_budget_plan f left join marts.dim_pillar p using (pillar_code) group by all",
        )
    }
    assert {(r["Trụ cột"], r["Năm"], r["Kinh phí (triệu đồng)"], r["Số nhiệm vụ"]) for r in rows} == expected
    assert not re.search(r"\bamount_mvnd\b|\bpillar\b", text("budget_explorer.py", kind))


def test_submission_quality_status_table_is_in_vietnamese() -> None:
    rows = html_table("submission_quality.py", WITH, ("Sở, ngành", "Kỳ", "Trạng thái", "Nộp chậm"))
    assert rows and {r["Nộp chậm"] for r in rows} <= {"có", "không"}
    assert all(re.fullmatch(r"Quý [1-4]/20\d\d", r["Kỳ"]) for r in rows), {r["Kỳ"] for r in rows}
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r["Hạn nộp"]) for r in rows)
    assert not re.search(r"\b(True|False)\b", " ".join(" ".join(r.values()) for r in rows))


# The Vietnamese words readers see for the marts' codes, written out here so the tests do not read them
# from the code under test. A file's status: dim_submission.status.
FILE_STATUS_VI = {
    "accepted": "được chấp nhận",
    "flagged": "được chấp nhận, có cảnh báo",
    "rejected": "bị từ chối",
    "duplicate": "trùng tệp đã nộp",
}
# fct_kpi_baseline.value_status and fct_kpi_actual.value_status.
VALUE_STATUS_WORDS = {
    "stated": "có số liệu",
    "not_published": "chưa công bố",
    "year_not_stated": "có số liệu, không ghi năm",
    "blank": "để trống",
}
# fct_budget_plan.allocation_method.
ALLOCATION_WORDS = {
    "stated": "số ghi cho năm đó trong văn bản",
    "even_split": "chia đều theo thời gian thực hiện của nhiệm vụ",
    "even_split_default_period": "chia đều cho cả giai đoạn (nhiệm vụ không ghi thời gian thực hiện)",
}
YES_NO = {True: "có", False: "không"}
RAW_VALUES = re.compile(
    r"\b(True|False|None|nan|accepted|flagged|rejected|duplicate|stated|blank|not_published|year_not_stated"
    r"|not_set|even_split|even_split_default_period|fatal|warning"
    r"|\d{4}-Q[1-4])\b"  # a quarter as the marts store it; readers see "Quý 2/2026"
)


def headers(rows: list[dict[str, str]]) -> list[str]:
    assert rows, "the table has no rows"
    return list(rows[0])


def assert_reads_in_vietnamese(rows: list[dict[str, str]]) -> None:
    """No raw snake_case header (a year such as "2025" is fine), and no True/False or English code in
    any cell."""
    raw_headers = [h for h in headers(rows) if re.fullmatch(r"[a-z0-9_]*[a-z_][a-z0-9_]*", h)]
    assert not raw_headers, raw_headers
    raw = sorted({m for r in rows for v in r.values() for m in RAW_VALUES.findall(v)})
    assert not raw, raw


def mart_columns(kind: str, *tables: str) -> set[str]:
    """The snake_case column names of these marts (the names a raw table would show as headers)."""
    listed = ", ".join(f"'{t}'" for t in tables)
    return {
        c
        for (c,) in query(
            kind,
            "select column_name from information_schema.columns "
            f"where table_schema = 'marts' and table_name in ({listed})",
        )
        if "_" in c
    }


def test_the_briefing_and_submission_quality_head_a_file_list_alike() -> None:
    """Section 7 of the briefing and submission_quality list the same files: the same column has the
    same header in both ("Dữ liệu mẫu", not "Mẫu" in one; "Nhận lúc" with the time in both)."""
    briefing = html_table("briefing.py", WITH, "Dùng cho số liệu")
    quality = html_table("submission_quality.py", WITH, FILES_TABLE)
    for rows in (briefing, quality):
        assert set(SUBMISSION_FILE_COLUMNS_VI.values()) <= set(headers(rows))
    received = {r["Tệp"]: r["Nhận lúc"] for r in quality}
    assert {r["Tệp"]: r["Nhận lúc"] for r in briefing} == received
    assert all(re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", at) for at in received.values())


def test_submission_quality_files_table_is_in_vietnamese() -> None:
    rows = html_table("submission_quality.py", WITH, FILES_TABLE)
    assert_reads_in_vietnamese(rows)
    assert {"Tệp", "Sở, ngành", "Kỳ", "Phiên bản", "Trạng thái", "Có hiệu lực", "Nhận lúc"} <= set(
        headers(rows)
    )
    shown = {
        r["Tệp"]: (
            r["Sở, ngành"],
            r["Kỳ"],
            r["Phiên bản"],
            r["Trạng thái"],
            r["Có hiệu lực"],
            r["Dữ liệu mẫu"],
            r["Số lỗi nghiêm trọng"],
            r["Số cảnh báo"],
            r["Nhận lúc"],
            r["Bị thay thế lúc"],
        )
        for r in rows
    }
    # On ALL_KNOWN_AS_OF every file is known and the versions in force are the current ones.
    assert shown == {
        file_name: (
            agency,
            vn_period(period),
            "—" if version is None else str(version),
            FILE_STATUS_VI[status],
            YES_NO[is_current],
            YES_NO[is_sample],
            str(fatal),
            str(warnings),
            vn_moment(received_at),
            "—" if superseded_at is None else vn_moment(superseded_at),
        )
        for (
            file_name,
            agency,
            period,
            version,
            status,
            is_current,
            is_sample,
            fatal,
            warnings,
            received_at,
            superseded_at,
        ) in query(
            WITH,
            "select file_name, agency_code, period, version, status, is_current, is_sample, fatal_count, "
            "warning_count, received_at, superseded_at from marts.dim_submission",
        )
    }
    # The fixture's cases: a rejected file, a flagged one, a replaced one.
    statuses = {v[3] for v in shown.values()}
    assert {"bị từ chối", "được chấp nhận", "được chấp nhận, có cảnh báo"} <= statuses
    assert {v[4] for v in shown.values()} == {"có", "không"}


def test_submission_quality_rules_table_is_in_vietnamese() -> None:
    rows = html_table("submission_quality.py", WITH, RULES_TABLE)
    assert_reads_in_vietnamese(rows)
    assert headers(rows) == ["Mã quy tắc", "Mức độ", "Nội dung", "Số tệp"]
    # A rule's severity, from the fixture: a file with only fatal findings (rejected), or only warnings.
    severity = {}
    for rule_ids, fatal in query(
        WITH,
        "select rule_ids, fatal_count from marts.dim_submission "
        "where coalesce(rule_ids, '') <> '' and (fatal_count = 0 or warning_count = 0)",
    ):
        for rule in rule_ids.split(","):
            severity[rule] = "lỗi nghiêm trọng (tệp bị từ chối)" if fatal else "cảnh báo (tệp vẫn được nạp)"
    assert {r["Mã quy tắc"]: r["Mức độ"] for r in rows} == severity
    assert set(severity.values()) == {"lỗi nghiêm trọng (tệp bị từ chối)", "cảnh báo (tệp vẫn được nạp)"}
    # Each rule's message as the rule catalogue (docs/submissions.md) words it for departments.
    assert {r["Mã quy tắc"]: r["Nội dung"] for r in rows} == {
        rule: " ".join(RULES[rule].message_vi.split()) for rule in severity
    }


def test_submission_quality_page_shows_no_raw_column_names() -> None:
    page_text = text("submission_quality.py", WITH)
    columns = mart_columns(WITH, "dim_submission", "rpt_submission_status") | {"rule_id"}
    assert not sorted(c for c in columns if re.search(rf"\b{c}\b", page_text))
    assert not re.search(r"\b(True|False)\b", page_text)


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_progress_roadmap_is_in_vietnamese(kind: str) -> None:
    rows = html_table("kpi_progress.py", kind, ROADMAP_TABLE)
    assert_reads_in_vietnamese(rows)
    targets = query(
        kind, "select indicator_no, indicator_code, column_label, target_text from marts.fct_kpi_target"
    )
    labels = sorted({label for _no, _code, label, _text in targets})
    assert headers(rows) == ["STT", "Mã chỉ tiêu", *labels]
    shown = {(r["STT"], r["Mã chỉ tiêu"], label): r[label] for r in rows for label in labels}
    assert {key: v for key, v in shown.items() if v != "—"} == {
        (no, code, label): " ".join(target.split()) for no, code, label, target in targets
    }


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_progress_baselines_show_their_status_in_vietnamese(kind: str) -> None:
    rows = html_table("kpi_progress.py", kind, BASELINES_TABLE)
    assert_reads_in_vietnamese(rows)
    shown = sorted((r["Mã chỉ tiêu"], r["Năm"], r["Tình trạng số liệu"]) for r in rows)
    expected = sorted(
        (code, "—" if year is None else str(year), VALUE_STATUS_WORDS[status])
        for code, year, status in query(
            kind, "select indicator_code, year, value_status from marts.fct_kpi_baseline"
        )
    )
    assert shown == expected
    # DTI_RANK's 2024 baseline is printed "chưa công bố": no figure, said so in words, not "stated".
    assert ("DTI_RANK", "2024", "chưa công bố") in shown
    assert not re.search(r"\b(stated|not_published|year_not_stated)\b", text("kpi_progress.py", kind))


def test_kpi_progress_actuals_table_is_in_vietnamese() -> None:
    rows = html_table("kpi_progress.py", WITH, ACTUALS_TABLE)
    assert_reads_in_vietnamese(rows)
    assert headers(rows) == [
        "Mã chỉ tiêu",
        "Kỳ",
        "Sở, ngành",
        "Giá trị thực hiện",
        "Tình trạng số liệu",
        "Tệp",
        "Phiên bản",
    ]
    # On ALL_KNOWN_AS_OF the versions known are the current ones.
    expected = sorted(
        (code, vn_period(period), agency, cell(value), VALUE_STATUS_WORDS[status], file_name, str(version))
        for code, period, agency, value, status, file_name, version in query(
            WITH,
            "select indicator_code, period, agency_code, actual_value, value_status, file_name, version "
            "from marts.fct_kpi_actual where is_current",
        )
    )
    assert expected and sorted(tuple(r.values()) for r in rows) == expected


@pytest.mark.parametrize("kind", FIXTURES)
def test_kpi_progress_page_shows_no_raw_column_names(kind: str) -> None:
    page_text = text("kpi_progress.py", kind)
    columns = mart_columns(kind, "fct_kpi_target", "fct_kpi_baseline", "fct_kpi_actual") | {"column_label"}
    assert not sorted(c for c in columns if re.search(rf"\b{c}\b", page_text))
    assert not re.search(r"\b(True|False)\b", page_text)


@pytest.mark.parametrize("kind", [WITH, REAL])
def test_budget_explorer_shows_allocation_methods_and_yes_no_in_vietnamese(kind: str) -> None:
    # Sliced by how the year's amount was obtained and by state budget: codes and booleans read as words.
    import lxml.html

    params = {
        "warehouse_path": str(warehouse_file(kind)),
        "as_of": default_as_of(kind).isoformat(),
        "dimensions": ["allocation_method", "is_state_budget"],
    }
    nb = execute_notebook(NOTEBOOKS_DIR / "budget_explorer.py", params)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    (table,) = lxml.html.fromstring(notebook_to_html(nb, "budget_explorer.py")).iter("table")
    rows = table_rows(table)
    assert_reads_in_vietnamese(rows)
    assert table_headers(table) == [
        "Cách phân bổ theo năm",
        "Ngân sách nhà nước",
        "Kinh phí (triệu đồng)",
        "Số nhiệm vụ",
    ]
    expected = {
        (ALLOCATION_WORDS[method], YES_NO[state], vn_number(amount), str(tasks))
        for method, state, amount, tasks in query(
            kind,
            "select allocation_method, is_state_budget, sum(amount_mvnd), count(distinct item_no) "
            "from marts.fct_budget_plan group by all",
        )
    }
    assert {tuple(r.values()) for r in rows} == expected
    methods = {method for method, _state, _amount, _tasks in expected}
    # The real build has Appendix II's 2025 column (stated) besides split amounts; the fixture only splits.
    assert ALLOCATION_WORDS["even_split"] in methods
    assert (ALLOCATION_WORDS["stated"] in methods) is (kind == REAL)


# --------------------------------------------------------------------------- what a leader reads


def test_headline_gives_the_resolution_total_and_explains_the_difference_to_the_rows() -> None:
    # Part IV: 6.529.164 total, 6.139.164 state budget, 390.000 other sources. The rows: Appendix I
    # state 5.861.734 + Appendix 2 contents 250.430 = 6.112.164; other sources 420.000 (GUIDE §2).
    page_text = text("briefing.py", REAL)
    # What the plan is made of (GUIDE §2: 85 tasks in 12 groups; Appendix 2's 4 units, 22 contents;
    # 6 roadmap indicators, 7 headline targets in Part III.IV, lines 163-169).
    assert (
        "Đề án gồm 85 nhiệm vụ, giải pháp trong 12 nhóm (Phụ lục I), 22 nội dung chuyển đổi số của 4 đơn vị "
        "(Phụ lục 2) và 6 chỉ tiêu có lộ trình theo năm (Phần III.IV nêu 7 chỉ tiêu, xem mục 6)."
    ) in page_text
    assert "Tổng kinh phí theo Nghị quyết (Phần IV): 6.529.164 triệu đồng (6.529,2 tỷ đồng)" in page_text
    assert (
        "Tổng kinh phí kế hoạch (cộng từ các dòng Phụ lục I và Phụ lục 2): 6.532.164 triệu đồng" in page_text
    )
    # The resolution's own split (Part IV, lines 403-406) before the rows' (briefing review, session 14:
    # the headline's state budget was the rows' 6.112.164 only).
    assert (
        "Ngân sách nhà nước: 6.139.164 triệu đồng (94,03%), trong đó chuyển đổi số trong các cơ quan Đảng "
        "277.430"
    ) in page_text
    assert "Nguồn khác (ngoài ngân sách): 390.000 triệu đồng (5,97%)" in page_text
    assert page_text.index("6.139.164 triệu đồng (94,03%)") < page_text.index("6.112.164 triệu đồng (93,57%)")
    # Appendix I agrees with Part IV (5.861.734 + 277.430 = 6.139.164): the -27.000 is Appendix 2's.
    assert (
        "Hai số tổng khác nhau +3.000 triệu đồng: ngân sách nhà nước -27.000 (các dòng cộng được 6.112.164, "
        "Phần IV ghi 6.139.164; cả phần chênh ở Phụ lục 2: các nội dung cộng được 250.430, Phần IV ghi "
        "277.430 cho chuyển đổi số trong các cơ quan Đảng); nguồn khác +30.000 (các dòng cộng được 420.000, "
        "Phần IV ghi 390.000)."
    ) in page_text


def test_pillar_table_counts_every_task_and_appendix_2_content_once() -> None:
    # Counted from the amounts, tasks 57, 58, 59 and 78 ("-": to be determined) were missing and the
    # 22 contents of Appendix 2 were added to the tasks (103).
    rows = html_table("briefing.py", REAL, ("Trụ cột", "Nhiệm vụ (Phụ lục I)"))
    assert sum(int(r["Nhiệm vụ (Phụ lục I)"]) for r in rows) == 85
    assert sum(int(r["Nội dung (Phụ lục 2)"]) for r in rows) == 22
    # Their amounts leave out the four tasks printed "-" (lines 857, 864, 871, 1014): counted apart.
    assert sum(int(r["Trong đó chưa xác định kinh phí"]) for r in rows) == 4


def test_sector_table_says_what_rests_on_a_classification_awaiting_review() -> None:
    """Lineage review (session 13): Appendix I prints no sector, pillar or lead agency; the sector
    totals rested on the compilers' choices without a word, and the four tasks to be determined
    vanished from them."""
    rows = html_table("briefing.py", REAL, ("Lĩnh vực", "Chờ rà soát (triệu đồng)"))
    by_sector = dict(
        query(
            REAL,
            "select s.sector_name_vi, sum(f.amount_mvnd) filter (where t.classification_needs_review) "
            "from marts.fct_budget_plan f join marts.dim_task t using (task_key) "
            "join marts.dim_sector s on s.sector_code = f.sector_code group by all",
        )
    )
    assert {r["Lĩnh vực"]: r["Chờ rà soát (triệu đồng)"] for r in rows} == {
        name: cell(amount or Decimal(0)) for name, amount in by_sector.items()
    }
    assert sum(int(r["Nhiệm vụ chưa xác định kinh phí"]) for r in rows) == 4  # tasks 57, 58, 59, 78
    ((tasks, amount),) = query(
        REAL,
        "select count(distinct t.task_key), sum(f.amount_mvnd) from marts.dim_task t "
        "left join marts.fct_budget_plan f using (task_key) "
        "where t.classification_needs_review and t.appendix = 'I'",
    )
    page_text = " ".join(text("briefing.py", REAL).split())
    assert f"Với {tasks}/85 nhiệm vụ ({cell(amount)} triệu đồng, cột “Chờ rà soát”)" in page_text
    # Briefing review (session 14): the pillar "Khoa học, công nghệ" (1.547.200) beside the sector "Khoa
    # học và công nghệ" (1.082.200 state budget) read as a contradiction; the note says they are two cuts.
    two_cuts = "Trụ cột (ba trụ cột của Đề án) và lĩnh vực (lĩnh vực quản lý mà nhiệm vụ phục vụ) là hai cách"
    assert two_cuts in page_text


def test_kpi_table_says_where_each_latest_figure_comes_from_and_which_are_samples() -> None:
    rows = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", WITH, "Số gần nhất lấy từ")}
    names = dict(query(WITH, "select indicator_code, name_vi from marts.dim_indicator"))
    sample = dict(
        query(WITH, "select indicator_code, bool_and(is_sample) from marts.fct_kpi_actual group by all")
    )
    assert set(sample) == set(INDICATORS_WITH_ACTUALS) and all(
        sample.values()
    )  # the shipped files are samples
    for code in INDICATORS_WITH_ACTUALS:
        assert rows[names[code]]["Số gần nhất lấy từ"] == "dữ liệu mẫu", code
    # ADULT_DIGITAL_SKILLS: no actual in the fixture, its 2024 baseline is the latest figure.
    assert rows[names["ADULT_DIGITAL_SKILLS"]]["Số gần nhất lấy từ"] == "hiện trạng (Nghị quyết)"
    # TFP's 2030 target is the period's: "55% (Giai đoạn 2026 - 2030)" in the document.
    assert rows[names["TFP_CONTRIBUTION"]]["Chỉ tiêu 2030"] == "55 (giai đoạn 2026–2030)"
    banner = "Có dữ liệu mẫu: số thực hiện các chỉ tiêu dưới đây"
    assert banner in text("briefing.py", WITH) and banner not in text("briefing.py", WITHOUT)
    assert {r["Số gần nhất lấy từ"] for r in html_table("briefing.py", WITHOUT, "Số gần nhất lấy từ")} <= {
        "hiện trạng (Nghị quyết)",
        "—",
    }


def test_disbursement_and_due_tables_mark_the_rows_resting_on_sample_files() -> None:
    disbursement = {
        (r["Sở, ngành"], r["Năm"], r["Nguồn kinh phí"]): r["Dữ liệu mẫu"] for r in disbursement_table(WITH)
    }
    expected = query(
        WITH,
        "select coalesce(a.agency_name, r.agency_code), r.year, r.is_state_budget, bool_or(r.is_sample) "
        "from marts.rpt_disbursement_rate r left join marts.dim_agency a using (agency_code) group by all",
    )
    assert disbursement == {
        (name, str(year), FUNDING_WORDS[state]): "có" if s else "không" for name, year, state, s in expected
    }
    assert "có" in disbursement.values()
    due = {r["STT"]: r["Dữ liệu mẫu"] for r in html_table("briefing.py", WITH, DUE_TABLE)}
    reported = dict(query(WITH, "select item_no, is_sample from marts.rpt_task_risk where appendix = 'I'"))
    assert due and due == {item: "có" if reported[item] else "không" for item in due}


def test_a_dated_milestone_beside_the_period_end_deadline_is_shown_and_said_to_have_passed() -> None:
    # Task 30: "2025 - 2026 hoàn thành thủ tục; phân bổ kinh phí, đưa Quỹ vào vận hành chính thức Quý 2
    # năm 2026": due at the end of 2026 by its period, with a milestone on 30/06/2026.
    day = dt.date(2026, 12, 2)
    ((milestone, deadline),) = query(
        REAL,
        "select t.milestone_date, r.effective_deadline from marts.rpt_task_risk r "
        "join marts.dim_task t using (task_key) where r.appendix = 'I' and r.item_no = '30'",
        day,
    )
    assert (milestone, deadline) == (dt.date(2026, 6, 30), dt.date(2026, 12, 31))
    due = {r["STT"]: r["Hạn"] for r in html_table("briefing.py", REAL, DUE_TABLE, day)}
    assert due["30"] == "31/12/2026 (cuối giai đoạn); mốc ghi trong Phụ lục I: 30/06/2026 (đã qua)"


def test_discrepancies_show_where_both_figures_are_in_vietnamese_and_periods_as_printed() -> None:
    rows = html_table("briefing.py", REAL, ("Tài liệu ghi", "Đối chiếu với", "Vị trí số đối chiếu"))
    by_locator = {(r["Vị trí số ghi"], r["Vị trí số đối chiếu"]) for r in rows}
    # A1.TOTAL.OTHER_SOURCES: the total row (line 1074) against the four rows with other sources.
    four = "dòng 513–518; dòng 601–606; dòng 659–664; dòng 819–824"
    assert ("dòng 1074", f"Phụ lục I, 4 dòng nhiệm vụ: {four}") in by_locator
    assert not [r for r in rows if re.search(r"\blines?\b|scale word", " ".join(r.values()))]
    # Appendix 2's title says 2025 - 2028, its columns 2025 and 2026-2030 (GUIDE §2, inconsistency 4).
    assert any(r["Tài liệu ghi"] == "2025 - 2028" and r["Đối chiếu với"] == "2025; 2026-2030" for r in rows)
    # ... where each period is printed: the title's line 1084, the column header's line 1092.
    assert ("dòng 1084", "dòng 1092") in by_locator
    # Money that does not add up first ("lỗi"), then the labels and counts ("cảnh báo").
    severities = [r["Mức độ"] for r in rows]
    assert severities == sorted(severities, key=lambda s: s != "lỗi") and set(severities) == {
        "lỗi",
        "cảnh báo",
    }
    period_row = next(
        r for r in rows if r["Tài liệu ghi"] == "2025 - 2028" and r["Vị trí số ghi"] == "dòng 1084"
    )
    assert period_row["Mức độ"] == "cảnh báo"
    ((file_name,),) = query(
        REAL,
        "select distinct d.file_name from marts.rpt_reconciliation r join "
        "marts.dim_document d using (document_id) where r.status = 'fail'",
    )
    assert f"Vị trí là số dòng trong tệp {file_name}" in text("briefing.py", REAL)


def test_discrepancies_are_summed_up_in_plain_words_before_the_table() -> None:
    """Briefing review (session 14): twenty technical rows, the same 30.000 twice, Văn phòng Tỉnh ủy three
    times, the amount in words said only to be unreadable. GUIDE §2: other sources 420.000 in the rows,
    390.000 on the total row (line 1074); Văn phòng Tỉnh ủy's contents add to 151.730, its row prints
    180.930 (lines 1103-1105); the words at line 1077 repeat "tỷ" for 5.861.734 triệu đồng."""
    page_text = text("briefing.py", REAL)
    assert (
        "Phụ lục I: 1 chỗ số tiền không cộng khớp; chênh lớn nhất: dòng Tổng cộng (kinh phí nguồn khác) so "
        "với tổng các nhiệm vụ: tài liệu ghi 390.000, cộng lại được 420.000 triệu đồng."
    ) in page_text
    assert "tài liệu ghi 180.930, cộng lại được 151.730 triệu đồng." in page_text
    assert (
        "Số tiền bằng chữ (dòng 1077): tài liệu ghi “Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn "
        "tỷ đồng”, không khớp với số 5.861.734 triệu đồng; viết đúng: “Năm nghìn tám trăm sáu mươi mốt tỷ, "
        "bảy trăm ba mươi bốn triệu đồng”."
    ) in page_text
    assert "5 cảnh báo về giai đoạn, số nội dung hay số chỉ tiêu ghi không khớp" in page_text
    # Which figures the tables above rest on, said where the differences are.
    assert (
        "Các bảng của bản tin cộng từ các dòng nhiệm vụ (Phụ lục I) và các nội dung (Phụ lục 2)" in page_text
    )
    assert page_text.index("viết đúng:") < page_text.index("Vị trí số đối chiếu")


def test_file_list_names_the_departments_and_writes_quarters_as_people_do() -> None:
    rows = html_table("briefing.py", WITH, "Nhận lúc")
    agencies = dict(query(WITH, "select agency_code, agency_name from marts.dim_agency"))
    expected = query(WITH, "select file_name, agency_code, period from marts.dim_submission")
    shown = {r["Tệp"]: (r["Sở, ngành"], r["Kỳ"]) for r in rows}
    assert shown == {f: (agencies.get(a, a or "—"), vn_period(p) or "—") for f, a, p in expected}
    assert any(period.startswith("Quý ") for _agency, period in shown.values())


def test_plan_chart_draws_the_largest_sectors_and_the_rest_together() -> None:
    ((sectors,),) = query(REAL, "select count(distinct sector_code) from marts.fct_budget_plan")
    assert sectors > 8
    assert "chia theo 8 lĩnh vực lớn nhất và các lĩnh vực khác" in page("briefing.py", REAL)
    rows = html_table("briefing.py", REAL, ("Lĩnh vực", "2025", "Tổng"))
    assert len(rows) == sectors + 1  # the table keeps every sector, and its total


def test_disbursement_rows_resting_on_warned_cells_say_how_many() -> None:
    """Lineage review (session 13): Sở Y tế's 2026 rate counted a row disbursing 7.613 of 7.363 allocated
    (SUB-X02, a warning: loaded) with no mark; the table now says how many rows carry a warning."""
    day = ALL_KNOWN_AS_OF
    shown = {
        (r["Sở, ngành"], r["Năm"], r["Nguồn kinh phí"]): r["Dòng có cảnh báo"]
        for r in disbursement_table(REAL, day)
    }
    expected = {
        (name, str(year), FUNDING_WORDS[state]): (f"{warned}/{lines} dòng" if warned else "không")
        for name, year, state, lines, warned in query(
            REAL,
            "select coalesce(a.agency_name, r.agency_code), r.year, r.is_state_budget, "
            "sum(r.reported_lines), sum(r.reported_lines_with_warning) from marts.rpt_disbursement_rate r "
            "left join marts.dim_agency a using (agency_code) group by all",
            day,
        )
    }
    assert shown == expected
    assert shown["Sở Y tế", "2026", FUNDING_WORDS[True]] != "không"


def test_indicator_table_keeps_the_documents_comparators_and_says_the_units_of_change() -> None:
    """Briefing review (session 14): "≥50" (line 214) and "≥40" showed as bare 50 and 40; a share's
    yearly change read "3,95" without saying percentage points; a count of enterprises "4,00"."""
    rows = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", REAL, "Cần thay đổi mỗi năm")}
    units = dict(query(REAL, "select name_vi, unit from marts.dim_indicator"))
    assert rows["Chỉ số Đổi mới sáng tạo cấp địa phương (PII)"]["Chỉ tiêu 2030"] == "≥ 50"
    assert rows["Số doanh nghiệp khoa học và công nghệ, công nghệ cao"]["Chỉ tiêu 2030"] == "≥ 40"
    assert rows["Quy mô kinh tế số trong GRDP tỉnh"]["Chỉ tiêu 2030"] == "30"
    for name, row in rows.items():
        change = row["Cần thay đổi mỗi năm"]
        if change != "—":
            assert change.endswith("điểm phần trăm" if units[name] == "%" else units[name]), (name, change)
            assert not re.search(r",\d*0 ", change), change  # "4 doanh nghiệp", "3,2", never "4,00"


def test_a_period_figure_older_than_the_plan_is_shown_with_its_doubt() -> None:
    """TFP's 2025 column prints "35,49 % (Giai đoạn 2021- 2025)" (line 192), below the baseline's
    "43,35 % (Giai đoạn 2016 -2020)" (lines 190-191): a target or an estimate, the document does not
    say (analyst and briefing reviews, session 14). The briefing says so beside the chart it draws."""
    assert (
        "Đóng góp của năng suất nhân tố tổng hợp (TFP) vào tăng trưởng kinh tế: cột 2025 của bảng lộ trình "
        "ghi “35,49 % (Giai đoạn 2021- 2025)”, một số của giai đoạn 2021–2025, bắt đầu trước Đề án; cột hiện "
        "trạng ghi “43,35 % (Giai đoạn 2016 -2020)”. Văn bản không nói đây là chỉ tiêu hay số ước đạt"
    ) in text("briefing.py", REAL)


# --------------------------------------------------------------------------- review of session 15
# Four gaps a briefing reviewer left open: a mid-year KPI judged against the year-end target, no
# total in the disbursement table, two greys in the year chart, a half-empty printed page.


def test_a_mid_year_kpi_figure_says_its_quarter_and_is_not_judged_against_the_year_end_target() -> None:
    """On 31/12/2026 the latest KPI reports are for Q2/2026 (sample files): the year's target is for
    its end, so the figure is said to be mid-year and the verdict is the last year-end figure's."""
    day = ALL_KNOWN_AS_OF
    latest = query(
        REAL,
        "select i.indicator_code, i.name_vi, i.direction, k.year, k.quarter, k.actual_value "
        "from marts.fct_kpi_actual k join marts.dim_indicator i using (indicator_code) "
        "where k.is_current and k.actual_value is not null "
        "qualify row_number() over (partition by k.indicator_code order by k.year desc, k.quarter desc) = 1",
        day,
    )
    year_end = {
        code: (year, value)
        for code, year, value in query(
            REAL,
            "select indicator_code, year, actual_value from marts.fct_kpi_actual "
            "where is_current and quarter = 4 and actual_value is not null "
            "qualify row_number() over (partition by indicator_code order by year desc) = 1",
            day,
        )
    }
    targets = {
        (code, year): value
        for code, year, value in query(
            REAL, "select indicator_code, year, target_value from marts.fct_kpi_target where year is not null"
        )
    }
    rows = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", REAL, "Cần thay đổi mỗi năm", day)}
    judged = 0
    for code, name, direction, year, quarter, value in latest:
        assert (year, quarter) == (2026, 2), code  # the shipped samples' latest quarter
        assert rows[name]["Số gần nhất"] == f"{cell(value)} (Quý 2/2026)", code
        target = targets.get((code, 2026))
        if target is None:
            continue  # TFP: a period target, never compared year by year
        judged += 1
        status = rows[name]["Tình trạng"]
        expected = f"số giữa năm (Quý 2/2026), chưa so với chỉ tiêu cả năm 2026 ({cell(target)})"
        last_year, last_value = year_end[code]
        last_target = targets[(code, last_year)]
        better = (
            last_value <= last_target
            if direction in ("lower_is_better", "lower")
            else last_value >= last_target
        )
        expected += f"; cả năm {last_year}: {'đúng lộ trình' if better else 'chậm so với lộ trình'}"
        assert status == expected, code
    assert judged == 5
    # On the nightly date the latest reports are Q4/2025, the year's figures: judged, said by year.
    nightly = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", REAL, "Cần thay đổi mỗi năm", AS_OF)}
    pii = dict(query(REAL, "select indicator_code, name_vi from marts.dim_indicator"))["PII_SCORE"]
    assert nightly[pii]["Số gần nhất"] == "45,30 (2025)"  # 45,3 against 2025's target of 45
    assert nightly[pii]["Tình trạng"] == "đúng lộ trình"


def shown_decimal(text: str) -> Decimal:
    """ "0,62 điểm phần trăm" → 0.62, as the reader reads it."""
    number = text.split(" ")[0]
    return Decimal(number.replace(".", "").replace(",", "."))


def test_the_yearly_change_from_a_mid_year_figure_counts_the_rest_of_its_year() -> None:
    """Session 15 left this: from "45,30 (Quý 2/2026)" to 2030 the briefing divided the gap by 4 years
    (2030 − 2026), but from the end of Q2/2026 to the end of 2030 there are 4,5, so it asked for more
    each year than needed. From a year-end figure (Q4/2025 on the nightly date) it is 5."""
    for day, years, quarter in ((ALL_KNOWN_AS_OF, Decimal("4.5"), 2), (AS_OF, Decimal(5), 4)):
        latest = query(
            REAL,
            "select i.name_vi, k.actual_value, k.quarter, t.target_value from marts.fct_kpi_actual k "
            "join marts.dim_indicator i using (indicator_code) "
            "join marts.fct_kpi_target t on t.indicator_code = k.indicator_code and t.year = 2030 "
            f"where k.submission_id in ({versions_known(day)}) and k.actual_value is not null "
            "qualify row_number() over "
            "(partition by k.indicator_code order by k.year desc, k.quarter desc) = 1",
            day,
        )
        rows = {r["Chỉ tiêu"]: r for r in html_table("briefing.py", REAL, "Cần thay đổi mỗi năm", day)}
        assert len(latest) == 5, day  # the indicators with a 2030 target of their own and an actual
        for name, value, its_quarter, target in latest:
            assert its_quarter == quarter, (day, name)
            exact = (target - value) / years
            shown = shown_decimal(rows[name]["Cần thay đổi mỗi năm"])
            assert abs(shown - exact) <= Decimal("0.005"), (day, name, shown, exact)
            if quarter != 4 and exact != 0:
                # Not the old division by whole years, which asked for an eighth more.
                assert abs(shown - (target - value) / (years - Decimal("0.5"))) > Decimal("0.005"), name


def expected_disbursement_totals(path: Path, as_of: dt.date) -> dict[tuple[str, str, str], tuple]:
    """(label, year, funding) → (period, allocation, disbursement, rate, sample) of each total row,
    from the execution facts: per department the latest quarter of each task × source × year, then per
    year × state budget or not × sample or not the departments with both figures; the rate from the sums."""
    with connect_readonly(path, as_of=as_of) as con:
        totals = con.execute(
            """
            with r as (
                select e.*, f.is_state_budget from marts.fct_budget_execution e
                join marts.dim_funding_source f using (funding_source_code)
                where e.is_current
                qualify row_number() over (
                    partition by e.agency_code, e.appendix, e.item_no, e.funding_source_code, e.year,
                        e.is_sample
                    order by e.quarter desc) = 1
            ),
            departments as (
                select agency_code, year, is_state_budget, is_sample, min(period) as first_period,
                       max(period) as last_period, sum(allocated_mvnd) as allocated,
                       sum(disbursed_cumulative_mvnd) as disbursed
                from r group by all
            )
            select year, is_state_budget, is_sample, count(*), min(first_period), max(last_period),
                   sum(allocated), sum(disbursed)
            from departments where allocated is not null and disbursed is not null group by all
            """
        ).fetchall()
    expected = {}
    for year, state_budget, sample, n, first, last, allocated, disbursed in totals:
        label = f"Tổng cộng {n} sở, ngành" + (" (dữ liệu mẫu)" if sample else "")
        period = vn_period(last) if first == last else f"{vn_period(first)} – {vn_period(last)}"
        expected[label, str(year), FUNDING_WORDS[state_budget]] = (
            period,
            cell(allocated),
            cell(disbursed),
            rate(allocated, disbursed),
            "có" if sample else "không",
        )
    return expected


def shown_totals(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], tuple]:
    return {
        (r["Sở, ngành"], r["Năm"], r["Nguồn kinh phí"]): (
            r["Kỳ báo cáo gần nhất"],
            r["Dự toán"],
            r["Đã giải ngân"],
            r["Tỷ lệ giải ngân"],
            r["Dữ liệu mẫu"],
        )
        for r in rows
        if TOTAL_LABEL.fullmatch(r["Sở, ngành"])
    }


def test_disbursement_table_has_a_total_per_year_and_funding_with_the_rate_of_the_sums() -> None:
    shown = shown_totals(disbursement_rows(WITH))
    assert shown == expected_disbursement_totals(warehouse_file(WITH), ALL_KNOWN_AS_OF)
    # The fixture's 2026 state budget: Sở KH&CN (Q2) 4.721 / 1.267,003, Sở NN&MT (Q1) 352 / 29,568,
    # Sở Tài chính (Q1) 1.140 / 127,224; Sở Công Thương left out (both cells blank).
    key = ("Tổng cộng 3 sở, ngành (dữ liệu mẫu)", "2026", "NSNN")
    assert shown[key] == ("Quý 1/2026 – Quý 2/2026", "6.213", "1.423,80", "22,92%", "có")
    # 22,92 % is 1.423,795 / 6.213, not the mean of the three rates (26,84 %, 8,40 %, 11,16 %: 15,47 %).
    page_text = text("briefing.py", WITH)  # departments in the table's order, the largest allocation first
    assert (
        "Năm 2026, ngân sách nhà nước, dữ liệu mẫu: cộng số lũy kế đến Quý 2/2026 của Sở Khoa học và Công "
        "nghệ; đến Quý 1/2026 của Sở Tài chính, Sở Nông nghiệp và Môi trường; không tính Sở Công Thương "
        "(chưa có số dự toán hoặc giải ngân)." in page_text
    )
    assert "không phải trung bình tỷ lệ của các sở, ngành" in page_text


def test_a_real_report_is_totalled_apart_from_the_sample_files(tmp_path: Path) -> None:
    import duckdb

    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file(WITH), copy)
    with duckdb.connect(str(copy)) as con:  # Sở Tài chính's report becomes a real one
        con.execute("update marts.fct_budget_execution set is_sample = false where agency_code = 'STC'")
    shown = shown_totals(disbursement_rows(WITH, ALL_KNOWN_AS_OF, copy))
    expected = expected_disbursement_totals(copy, ALL_KNOWN_AS_OF)
    assert shown == expected
    state = "NSNN"
    assert shown["Tổng cộng 1 sở, ngành", "2026", state] == (
        "Quý 1/2026",
        "1.140",
        "127,22",
        "11,16%",
        "không",
    )
    assert shown["Tổng cộng 2 sở, ngành (dữ liệu mẫu)", "2026", state][1:4] == ("5.073", "1.296,57", "25,56%")


def test_lines_with_a_blank_figure_are_named_as_left_out_of_the_disbursement_table() -> None:
    """A blank allocation or disbursement is unknown, not 0: the table's figures leave such lines out
    (rpt_disbursement_rate.lines_missing_a_figure) and section 4 says whose and how many."""
    with connect_readonly(warehouse_file(WITH), as_of=ALL_KNOWN_AS_OF) as con:
        blanks = con.execute(
            """
            with latest as (
                select * from marts.fct_budget_execution where is_current
                qualify row_number() over (
                    partition by agency_code, appendix, item_no, funding_source_code, year, is_sample
                    order by quarter desc) = 1
            )
            select coalesce(a.agency_name, l.agency_code), l.year, count(*)
            from latest l left join marts.dim_agency a using (agency_code)
            where l.allocated_mvnd is null or l.disbursed_cumulative_mvnd is null
            group by all order by 1, 2
            """
        ).fetchall()
    assert blanks, "the fixture has a department leaving both cells blank (Sở Công Thương)"
    page_text = text("briefing.py", WITH)
    assert (
        "Không tính vào số và tỷ lệ của bảng các dòng báo cáo để trống ô dự toán hoặc ô giải ngân"
        in page_text
    )
    for name, year, count in blanks:
        assert f"{name}, năm {year} (dữ liệu mẫu): {count} dòng" in page_text


def test_a_departments_own_kpi_figure_is_shown_before_a_later_sample(tmp_path: Path) -> None:
    """Session 15 diff review: a year's KPI figure was the latest quarter's whatever its kind, so a
    sample file's Q2 hid a department's own Q1 report (progress reports already put real first)."""
    import duckdb
    import lxml.html

    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file(REAL), copy)
    with duckdb.connect(str(copy)) as con:  # PII's 2026-Q1 figure becomes the department's own report
        con.execute(
            "update marts.fct_kpi_actual set is_sample = false, actual_value = 44.1 "
            "where indicator_code = 'PII_SCORE' and year = 2026 and quarter = 1 and is_current"
        )
        name = con.execute(
            "select name_vi from marts.dim_indicator where indicator_code = 'PII_SCORE'"
        ).fetchone()[0]
    nb = execute_notebook(
        NOTEBOOKS_DIR / "briefing.py", {"warehouse_path": str(copy), "as_of": str(ALL_KNOWN_AS_OF)}
    )
    tables = lxml.html.fromstring(notebook_to_html(nb, "test")).iter("table")
    (rows,) = [table_rows(t) for t in tables if "Cần thay đổi mỗi năm" in table_headers(t)]
    (pii,) = [r for r in rows if r["Chỉ tiêu"] == name]
    assert pii["Số gần nhất"] == "44,10 (Quý 1/2026)"  # not the sample's 45,30 of Quý 2/2026


def test_a_disbursement_figure_from_a_report_sent_before_its_quarter_ended_is_named(tmp_path: Path) -> None:
    """SUB-H09 in the briefing (session 16): a department's cumulative figure from a report sent while
    its quarter was still running stops at the day it was sent, yet the table shows it as the quarter's.
    Section 4 names it with that day; on the shipped data (every report sent after its quarter) it does
    not appear."""
    import duckdb

    assert "gửi khi quý chưa kết thúc" not in text("briefing.py", REAL, ALL_KNOWN_AS_OF)
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file(REAL), copy)
    copy.chmod(0o644)
    with duckdb.connect(str(copy)) as con:  # SYT's 2026-Q2 report as if received on 20/06/2026
        con.execute(
            "update marts.dim_submission set received_before_period_end = true, "
            "received_at = timestamptz '2026-06-20 09:00:00+07' where file_name = 'SYT_2026-Q2.xlsx'"
        )
        ((name,),) = con.execute(
            "select agency_name from marts.dim_agency where agency_code = 'SYT'"
        ).fetchall()
    nb = execute_notebook(
        NOTEBOOKS_DIR / "briefing.py", {"warehouse_path": str(copy), "as_of": str(ALL_KNOWN_AS_OF)}
    )
    body = html_lib.unescape(re.sub(r"<[^>]+>", " ", notebook_to_html(nb, "test")))
    page_text = re.sub(r"\s+", " ", body)
    assert (
        "Số lũy kế lấy từ báo cáo gửi khi quý chưa kết thúc (cảnh báo SUB-H09), chỉ tính đến ngày gửi, "
        f"chưa phải số cả quý: {name}, Quý 2/2026 (gửi ngày 20/06/2026) (dữ liệu mẫu)."
    ) in page_text


def stack_runs(png: bytes) -> list[tuple[int, int, int]]:
    """The colours of the parts of the tallest bar of a stacked bar chart, bottom first: the chart's
    pixel column through that bar's middle, split into runs of one colour (a white line or a change of
    colour ends a run; runs under 3 pixels are edges)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()

    def dark(x: int, y: int) -> bool:
        return sum(pixels[x, y]) < 150

    # The x axis: the longest dark row; the bars stand on it.
    axis_y = max(range(height), key=lambda y: sum(dark(x, y) for x in range(width)))
    row = axis_y - 2
    bars, start = [], None
    for x in range(width):
        coloured = min(pixels[x, row]) < 245
        if coloured and start is None:
            start = x
        if not coloured and start is not None:
            bars.append((start, x))
            start = None
    bars = [b for b in bars if b[1] - b[0] > 20]  # not the y axis line

    def top(bar: tuple[int, int]) -> int:
        x = (bar[0] + bar[1]) // 2
        y = row
        while y > 0 and (min(pixels[x, y]) < 245 or min(pixels[x, y - 3]) < 245):
            y -= 1
        return y

    tallest = min(bars, key=top)
    x = (tallest[0] + tallest[1]) // 2
    runs: list[list] = []
    for y in range(row, top(tallest), -1):
        colour = pixels[x, y]
        if min(colour) >= 245:
            continue
        if runs and runs[-1][0] == colour and runs[-1][2] == y + 1:
            runs[-1][1] += 1
            runs[-1][2] = y
        else:
            runs.append([colour, 1, y])
    return [tuple(colour) for colour, length, _ in runs if length >= 3]


def luma_601(colour: tuple[int, int, int]) -> float:
    """The grey a colour prints as under ITU-R BT.601 (PIL's "L" mode, many printer drivers)."""
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


def luma_709(colour: tuple[int, int, int]) -> float:
    """The grey under ITU-R BT.709 (HD video, some PDF viewers' greyscale): green weighs more, red and
    blue less, so a green and an orange 25 apart in BT.601 can print 3 apart here."""
    red, green, blue = colour
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def lightness(colour: tuple[int, int, int]) -> float:
    """CIELAB L* (what the eye takes as light or dark, used by colour-managed greyscale), on 0–255."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    f = y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116
    return (116 * f - 16) * 2.55


GREYSCALE_CONVERSIONS = (luma_601, luma_709, lightness)


def test_every_part_of_the_year_chart_prints_as_its_own_grey_and_only_the_rest_is_grey() -> None:
    """Section 2's chart: tab10's grey sector sat under the grey "other sectors", and in greyscale
    blue, red, brown, purple and grey printed within 10 levels of each other. Every part stays 18
    levels (of 255) from the next under each common greyscale conversion: the first fix held in
    BT.601 only, and in BT.709 its green and orange red printed 3 apart, its teal and orange 5."""
    import base64

    drawn = query(
        REAL,
        """
        with sectors as (
            select sector_code, sum(amount_mvnd) as total,
                   row_number() over (order by sum(amount_mvnd) desc) as rank
            from marts.fct_budget_plan group by all
        ),
        years as (
            select year, least(s.rank, 9) as part, sum(f.amount_mvnd) as amount
            from marts.fct_budget_plan f join sectors s using (sector_code) group by all
        )
        select year, count(*) filter (where amount > 0) from years group by all
        order by sum(amount) desc limit 1
        """,
    )
    (year, parts) = drawn[0]
    assert (year, parts) == (2026, 9)  # 8 largest sectors and the rest, all with money in 2026
    first_chart = re.search(r'<img[^>]+src="data:image/png;base64,([^"]+)"', page("briefing.py", REAL))
    runs = stack_runs(base64.b64decode(first_chart.group(1)))
    assert len(runs) == parts, runs
    for conversion in GREYSCALE_CONVERSIONS:
        greys = sorted(conversion(c) for c in runs)
        assert min(b - a for a, b in itertools.pairwise(greys)) >= 18, (conversion.__name__, greys)
    neutral = [c for c in runs if max(c) - min(c) < 20]
    assert len(neutral) <= 1, neutral  # the rest of the sectors, and nothing else
