"""Small fixture warehouses for the notebook tests: real rows, few of them, published for real.

How it is built, and why this way:

* **Schema from the real build.** Each fixture table is ``CREATE TABLE … AS SELECT * FROM`` the
  same table of the warehouse built from the shipped documents (``tests.dbt_warehouse``), so its
  columns and types are the real ones by construction: nothing here is hand-typed DDL that could
  drift from the dbt models. Every table of schema ``marts`` is copied (a mart added later is
  copied in full until it gets a rule below; ``test_notebooks`` checks the fixture stays small).
  Marts the real build keeps as **views** (the date-dependent reports ``rpt_submission_status``,
  ``rpt_task_risk`` and ``rpt_disbursement_rate``, computed when read, as of the reader's date)
  are created from the real view definitions, unchanged, so in the fixture they compute over the
  fixture's own rows.
* **Rows are a chosen subset of real rows.** Appendix I groups II (tasks 10–13: deadlines in Q1/Q2
  2026, other sources on task 12) and XI (tasks 77–81: task 78 "to be determined", NULL amount
  with its status), Appendix II unit 3 (Tỉnh Đoàn, items 3.1–3.3, 2025 amount blank = NULL), four
  indicators (PII_SCORE with actuals; DTI_RANK, rank, lower is better, its 2024 baseline NULL
  "not published", with actuals; ADULT_DIGITAL_SKILLS without actuals; TFP_CONTRIBUTION, period
  targets only, without actuals), the failing reconciliation checks plus three passing ones, the
  small reference dimensions in full. Aggregates inside real rows (``dim_group.task_count``,
  ``dim_submission.kpi_row_count``, ``rpt_*`` sums, the documents' stated totals) still describe
  the full data: they are facts of the real rows, not recomputed for the subset.
* **Known dates.** The notebooks show only what was known on their as-of date (files received by
  then, the version in force then); every sample file of the fixture was received by
  ``ALL_KNOWN_AS_OF``, so on that date the fixture's current versions are the ones shown.
* **Two variants.** ``with_submissions=True`` keeps the sample submission files of SKHCN, STC and
  SNNMT, and SGDDT's 2026-Q2 pair (a rejected file and its accepted re-send), with their rows for
  the fixture's tasks and indicators. ``with_submissions=False`` is the warehouse before any
  department has reported: the submission facts are empty (same columns), so the status and risk
  views show every expected report as missing and no progress. (Were those reports tables, as in
  older builds, only their rows for "nothing received" are kept: what dbt gives with no submissions.)
* **One made-up row**, in ``with_submissions=True`` only, because the real data has no such case:
  ``fct_budget_execution`` for SCT's task 79, 2026-Q1, state budget, with allocation and
  disbursement both NULL (a department that left both cells blank, status ``blank`` in the
  template), ``is_sample = true``, in force from 09/04/2026 (``valid_from``; never superseded).
  No number in it is invented. It has no file behind it (SCT's reports stay "missing" in the
  status view): only the disbursement view (and the briefing's table read from it), which reads
  the execution facts as known on its date, shows it.
* **Published by the real publish** (``pipelines.publish.publish_build``) into a temp warehouse
  folder, so ``meta.publish_log`` and the file the notebooks open are exactly what analysts get.

Running the extraction and dbt again on trimmed inputs was the alternative; it would cost a dbt
build per variant (≈ 20 s each here) and still could not trim the one resolution document without
editing it. Copying real rows is faster and keeps every value traceable to the real build.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

GROUPS = ("II", "XI")  # Appendix I groups kept whole
APPENDIX_II_UNIT = "3"  # Appendix II unit kept with its items
INDICATORS = ("PII_SCORE", "DTI_RANK", "ADULT_DIGITAL_SKILLS", "TFP_CONTRIBUTION")
INDICATORS_WITH_ACTUALS = ("PII_SCORE", "DTI_RANK")
SUBMITTING_AGENCIES = ("SKHCN", "STC", "SNNMT")  # all their sample files are kept
EXTRA_SUBMISSIONS = (("SGDDT", "2026-Q2"),)  # a rejected file and its accepted re-send
PASSING_CHECKS_KEPT = 3
SLIDE_INDICATORS_KEPT = 6
MADE_UP_AGENCY = "SCT"  # the one fabricated row (see the module docstring)
MADE_UP_ITEM_NO = "79"  # SCT's task in group XI
# A date after every shipped sample file was received (the last: 16/07/2026), so that on it every
# current version is in force; tests/test_notebooks.py checks the real build still agrees.
ALL_KNOWN_AS_OF = dt.date(2026, 12, 31)
# Marts that exist only because departments reported: empty in the no-submission variant.
SUBMISSION_FACTS = ("dim_submission", "fct_budget_execution", "fct_task_progress", "fct_kpi_actual")

_FULL = "select * from real.marts.{table}"
_TASKS = "select * from real.marts.{table} where task_key in (select task_key from fx_tasks)"
_INDICATORS = "select * from real.marts.{table} where indicator_code in (select code from fx_indicators)"
_SUBMITTED = (
    "select * from real.marts.{table} where submission_id in (select submission_id from fx_submissions) "
    "and task_key in (select task_key from fx_tasks)"
)
# table → rows kept (SQL over the real build attached as ``real``); {table} is the table name.
RULES: dict[str, str] = {
    "dim_agency": _FULL,
    "dim_document": _FULL,
    "dim_funding_source": _FULL,
    "dim_pillar": _FULL,
    "dim_sector": _FULL,
    "dim_year": _FULL,
    "fct_stated_total": _FULL,  # the documents' stated totals: 20 rows, all of them
    "dim_task": _TASKS,
    "fct_budget_plan": _TASKS,
    "dim_group": "select * from real.marts.{table} where appendix = 'I' and list_contains(?, group_code)",
    "dim_indicator": _INDICATORS,
    "fct_kpi_target": _INDICATORS,
    "fct_kpi_baseline": _INDICATORS,
    "rpt_reconciliation": (
        "select * from real.marts.{table} where status <> 'pass' or check_id in ("
        "select check_id from real.marts.{table} where status = 'pass' order by check_id limit "
        f"{PASSING_CHECKS_KEPT})"
    ),
    "fct_slide_indicator": (
        "select * from real.marts.{table} order by source_locator, indicator_text "
        f"limit {SLIDE_INDICATORS_KEPT}"
    ),
    "dim_submission": (
        "select * from real.marts.{table} where submission_id in (select submission_id from fx_submissions)"
    ),
    "fct_budget_execution": _SUBMITTED,
    "fct_task_progress": _SUBMITTED,
    "fct_kpi_actual": (
        "select * from real.marts.{table} where submission_id in (select submission_id from fx_submissions) "
        "and list_contains(?, indicator_code)"
    ),
    "rpt_submission_status": (
        "select * from real.marts.{table} where agency_code in (select agency_code from fx_leads) "
        "or agency_code || '/' || period in (select agency_code || '/' || period from fx_submissions)"
    ),
    "rpt_task_risk": _TASKS,
}
# Extra condition per table in the no-submission variant (rows dbt gives when nothing was submitted).
NO_SUBMISSION_RULES: dict[str, str] = {
    **{table: "false" for table in SUBMISSION_FACTS},
    "rpt_submission_status": "files_received = 0",
    "rpt_task_risk": "latest_report_period is null",
}
_PARAMS = {"dim_group": [list(GROUPS)], "fct_kpi_actual": [list(INDICATORS_WITH_ACTUALS)]}


@dataclass(frozen=True)
class FixtureWarehouse:
    warehouse_dir: Path
    warehouse_file: Path  # the published file (read-only), what the notebooks open
    with_submissions: bool
    source_build: Path  # the real build the rows were taken from


@functools.cache
def fixture_warehouse(with_submissions: bool = True) -> FixtureWarehouse:
    """Build (once per session and variant) and publish a small fixture warehouse; see the module doc."""
    from pipelines.publish import publish_build
    from tests.dbt_warehouse import built_warehouse

    source = built_warehouse().duckdb_path
    root = Path(tempfile.mkdtemp(prefix="nq57_fixture_"))
    atexit.register(shutil.rmtree, root, True)
    build = root / "build" / "warehouse.duckdb"  # the real build's name, as views might name the catalog
    build.parent.mkdir()
    write_fixture(source, build, with_submissions=with_submissions)
    warehouse_dir = root / "warehouse"
    result = publish_build(
        build,
        run_id=f"fixture-{'with' if with_submissions else 'without'}-submissions",
        input_hashes={},
        warehouse_dir=warehouse_dir,
        code_version="test-fixture",
    )
    return FixtureWarehouse(
        warehouse_dir=warehouse_dir,
        warehouse_file=result.published_path,
        with_submissions=with_submissions,
        source_build=source,
    )


def write_fixture(source: Path, target: Path, *, with_submissions: bool) -> None:
    """Write the fixture tables into a new DuckDB file ``target`` from the real build ``source``."""
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach '{_sql_path(source)}' as real (read_only)")
        _selection_tables(con, with_submissions)
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'real' "
                "and schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        views = con.execute(
            "select view_name, sql from duckdb_views() where database_name = 'real' "
            "and schema_name = 'marts' order by view_name"
        ).fetchall()
        con.execute("create schema marts")
        for table in tables:
            select = RULES.get(table, _FULL).format(table=table)
            extra = "true" if with_submissions else NO_SUBMISSION_RULES.get(table, "true")
            con.execute(
                f"create table marts.{table} as select * from ({select}) where {extra} order by all",
                _PARAMS.get(table, []),
            )
            _copy_comments(con, table, "table")
        _create_views(con, views)
        if with_submissions and "fct_budget_execution" in tables:
            _add_made_up_execution_row(con)
        con.execute("detach real")
        con.execute("checkpoint")
    finally:
        con.close()


def _selection_tables(con: duckdb.DuckDBPyConnection, with_submissions: bool) -> None:
    con.execute(
        "create temp table fx_tasks as select task_key, lead_agency_code from real.marts.dim_task "
        "where (appendix = 'I' and list_contains(?, group_code)) "
        "or (appendix = 'II' and (item_no = ? or parent_item_no = ?))",
        [list(GROUPS), APPENDIX_II_UNIT, APPENDIX_II_UNIT],
    )
    con.execute("create temp table fx_indicators as select unnest(?::varchar[]) as code", [list(INDICATORS)])
    con.execute(
        "create temp table fx_leads as select distinct lead_agency_code as agency_code from fx_tasks "
        "where lead_agency_code is not null"
    )
    con.execute(
        "create temp table fx_submissions as select submission_id, agency_code, period "
        "from real.marts.dim_submission where ? and (list_contains(?, agency_code) "
        "or list_contains(?, agency_code || '/' || period))",
        [with_submissions, list(SUBMITTING_AGENCIES), [f"{a}/{p}" for a, p in EXTRA_SUBMISSIONS]],
    )


def _add_made_up_execution_row(con: duckdb.DuckDBPyConnection) -> None:
    """The one fabricated row: a department that left allocation and disbursement blank (sample)."""
    con.execute(
        """
        insert into marts.fct_budget_execution by name
        select 'made-up:' || lead_agency_code || ':' || item_no as budget_execution_key,
               task_key, appendix, item_no, lead_agency_code as agency_code, sector_code, pillar_code,
               2026 as year, 1 as quarter, '2026-Q1' as period, 'NSNN' as funding_source_code,
               null as allocated_mvnd, 'blank' as allocated_status,
               null as disbursed_cumulative_mvnd, 'blank' as disbursed_status,
               null as disbursed_in_period_mvnd, 'not_reported' as disbursed_in_period_status,
               1 as version, true as is_current, true as is_sample,
               timestamptz '2026-04-09 10:00:00+07' as valid_from, null as valid_to, false as row_has_fatal
        from marts.dim_task
        where appendix = 'I' and lead_agency_code = ? and item_no = ?
        """,
        [MADE_UP_AGENCY, MADE_UP_ITEM_NO],
    )
    (added,) = con.execute(
        "select count(*) from marts.fct_budget_execution where budget_execution_key like 'made-up:%'"
    ).fetchone()
    assert added == 1, f"fixture: the made-up execution row needs {MADE_UP_AGENCY}'s task {MADE_UP_ITEM_NO}"


def _create_views(con: duckdb.DuckDBPyConnection, views: list[tuple[str, str]]) -> None:
    """The real view definitions, unchanged: they read ``marts.*`` of the fixture itself.

    DuckDB stores a view's SQL with schema-qualified, catalog-free names (``marts.dim_task``), and
    binds them when the view is created; a view over another view waits for it (a few passes).
    """
    pending = list(views)
    while pending:
        failed: list[tuple[str, str]] = []
        error: duckdb.Error | None = None
        for name, sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException as missing:
                failed.append((name, sql))
                error = missing
                continue
            _copy_comments(con, name, "view")
        if len(failed) == len(pending):
            raise RuntimeError(f"fixture: cannot create views {[n for n, _ in failed]}: {error}")
        pending = failed


def _copy_comments(con: duckdb.DuckDBPyConnection, name: str, kind: str) -> None:
    """Keep the dbt descriptions (stored as DuckDB comments) on the fixture tables and views too."""
    catalog = "duckdb_tables()" if kind == "table" else "duckdb_views()"
    found = con.execute(
        f"select comment from {catalog} where database_name = 'real' and schema_name = 'marts' "
        f"and {kind}_name = ?",
        [name],
    ).fetchone()
    if found and found[0]:
        con.execute(f"comment on {kind} marts.{name} is {_sql_literal(found[0])}")
    for column, comment in con.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'real' "
        "and schema_name = 'marts' and table_name = ? and comment is not null",
        [name],
    ).fetchall():
        con.execute(f'comment on column marts.{name}."{column}" is {_sql_literal(comment)}')


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
