"""dbt's own data tests, shown to fail: a data test that cannot fail guards nothing.

Each test runs exactly as the shared build ran it (its compiled SQL, from the run results in the
build's dbt target folder) against a copy of the built warehouse with one table altered the way a
regression would alter it, and must select rows there; on an unaltered copy it must select none.
Every singular test (dbt_project/tests) and every instance of every generic test macro
(dbt_project/macros/generic_tests) is covered: one added without a breaking case here fails
``test_every_singular_test_has_a_breaking_case`` or ``test_every_generic_macro_is_used_and_breakable``.

Expected values (tasks 57, 58, 59, 78 to be determined; other sources 390.000 stated against 420.000
in the rows; group 1.2's five contents) are GUIDE §2's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.paths import DBT_PROJECT_DIR
from tests.dbt_warehouse import BuiltWarehouse, altered_copy, built_warehouse

SINGULAR_TESTS = sorted(p.stem for p in (DBT_PROJECT_DIR / "tests").glob("*.sql"))
GENERIC_MACROS = sorted(
    name
    for path in (DBT_PROJECT_DIR / "macros" / "generic_tests").glob("*.sql")
    for name in re.findall(r"\{%-?\s*test\s+(\w+)\s*\(", path.read_text(encoding="utf-8"))
)
A1_OTHER_SOURCES = "A1.TOTAL.OTHER_SOURCES"  # GUIDE §2: rows 420.000, the total row says 390.000

# Singular test → {what breaks: statements on the copy}.
SINGULAR_BREAKS: dict[str, dict[str, list[str]]] = {
    "assert_classification_covers_extracted_items": {
        "a task without a mapping row": [
            "delete from reference.map_task_classification where appendix = 'I' and item_no = '1'"
        ],
        "a mapping row for a task 86 the plan does not have": [
            "insert into reference.map_task_classification select * replace ('86' as item_no) "
            "from reference.map_task_classification where appendix = 'I' and item_no = '85'"
        ],
    },
    "assert_no_amount_for_tasks_to_be_determined": {
        # Task 57's NSNN cell is "-": planned money for it means a dash was read as an amount.
        "money planned for task 57": [
            "insert into marts.fct_budget_plan select * replace ((select task_key from marts.dim_task "
            "where appendix = 'I' and item_no = '57') as task_key) "
            "from marts.fct_budget_plan where source_column = 'state_budget' limit 1"
        ],
    },
    "assert_one_catch_all_funding_source": {
        "no catch-all source": [
            "delete from reference.ref_funding_source where funding_source_code = 'NGUON_KHAC'"
        ],
        "two catch-all sources": [
            "update reference.ref_funding_source set note_pattern = null "
            "where funding_source_code = 'VON_TU_NHAN'"
        ],
    },
    "assert_reconciliation_shows_known_inconsistencies": {
        "other sources 'corrected' to agree": [
            "update marts.rpt_reconciliation set status = 'pass', computed_value = stated_value, "
            f"difference = 0 where check_id = '{A1_OTHER_SOURCES}'"
        ],
        "group 1.2's content count check missing": [
            "delete from marts.rpt_reconciliation where check_id = 'CONTENT.1.2'"
        ],
    },
    "assert_reconciliation_status_matches_values": {
        "a pass whose values differ": [
            f"update marts.rpt_reconciliation set status = 'pass' where check_id = '{A1_OTHER_SOURCES}'"
        ],
        "a difference that is not computed minus stated": [
            "update marts.rpt_reconciliation set difference = -difference "
            f"where check_id = '{A1_OTHER_SOURCES}'"
        ],
    },
    "assert_year_split_parts_sum_to_stated_amount": {
        "a year's part changed": [
            "update marts.fct_budget_plan set amount_mvnd = amount_mvnd + 1 "
            "where budget_plan_key = (select min(budget_plan_key) from marts.fct_budget_plan)"
        ],
        "a year's part lost": [
            "delete from marts.fct_budget_plan "
            "where budget_plan_key = (select min(budget_plan_key) from marts.fct_budget_plan)"
        ],
    },
}


def _first_row(relation: str, column: str | None = None) -> str:
    not_null = f" where {column} is not null" if column else ""
    return f"rowid = (select min(rowid) from {relation}{not_null})"


def _break_accepted_range(relation: str, kwargs: dict[str, Any]) -> list[str]:
    column, low, high = kwargs["column_name"], kwargs.get("min_value"), kwargs.get("max_value")
    outside = high + 1 if high is not None else low - 1
    return [f"update {relation} set {column} = {outside} where {_first_row(relation, column)}"]


def _break_provenance(relation: str, kwargs: dict[str, Any]) -> list[str]:
    # Said on the phone: neither a quote from the document, nor a rule, nor flagged as curated.
    column = kwargs["column_name"]
    return [f"update {relation} set {column} = 'theo trao đổi qua điện thoại' where {_first_row(relation)}"]


def _break_sums_to(relation: str, kwargs: dict[str, Any]) -> list[str]:
    column = kwargs["column_name"]
    return [f"update {relation} set {column} = {column} + 1 where {_first_row(relation, column)}"]


def _break_unique_combination_of_columns(relation: str, kwargs: dict[str, Any]) -> list[str]:
    return [f"insert into {relation} select * from {relation} limit 1"]


# expression_is_true: the expression is free SQL, so each model it is used on says how to break it.
EXPRESSION_BREAKS: dict[str, list[str]] = {
    # A curated classification with no review note for the person who must check it.
    "map_task_classification": [
        "update reference.map_task_classification set pillar_source = 'curated', review_note = null "
        "where appendix = 'I' and item_no = '1'"
    ],
    "map_indicator_agency": [
        "update reference.map_indicator_agency set source = 'curated', review_note = null "
        "where indicator_code = 'PII_SCORE'"
    ],
    # A loaded file marked as sent before its quarter ended (SYT's 2026-Q2 report, received 09/07/2026)
    # without the validator's SUB-H09: the mart and the error report would tell two stories.
    "dim_submission": [
        "update marts.dim_submission set received_before_period_end = true "
        "where file_name = 'SYT_2026-Q2.xlsx' and status in ('accepted', 'flagged')",
        # A file withdrawn without saying why, and a loaded one carrying a withdrawal's reason.
        "update marts.dim_submission set status = 'withdrawn' where file_name = 'SYT_2025-Q4.xlsx'",
        "update marts.dim_submission set withdraw_reason = 'gửi nhầm' where file_name = 'STC_2026-Q1.xlsx'",
    ],
}


def _break_expression_is_true(relation: str, kwargs: dict[str, Any], model: str) -> list[str]:
    return EXPRESSION_BREAKS[model]


GENERIC_BREAKS = {
    "accepted_range": _break_accepted_range,
    "expression_is_true": _break_expression_is_true,
    "provenance": _break_provenance,
    "sums_to": _break_sums_to,
    "unique_combination_of_columns": _break_unique_combination_of_columns,
}


@dataclass(frozen=True)
class DataTest:
    unique_id: str
    macro: str | None  # the generic test macro; None for a singular test
    kwargs: dict[str, Any]
    model: str | None  # the model or seed a generic test is attached to
    relation: str | None  # its relation, as the compiled SQL names it
    sql: str  # the compiled SQL, as the build ran it

    def breaking_statements(self) -> list[str]:
        assert self.macro is not None and self.relation is not None and self.model is not None
        if self.macro == "expression_is_true":
            return _break_expression_is_true(self.relation, self.kwargs, self.model)
        return GENERIC_BREAKS[self.macro](self.relation, self.kwargs)


def data_tests_of(build: BuiltWarehouse) -> dict[str, DataTest]:
    """The build's singular tests and its instances of this project's generic macros, by unique id."""
    manifest = build.manifest()
    results = json.loads((build.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    compiled = {r["unique_id"]: r["compiled_code"] for r in results["results"] if r.get("compiled_code")}
    tests = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "test":
            continue
        metadata = node.get("test_metadata")
        macro = metadata["name"] if metadata else None
        if macro is not None and macro not in GENERIC_MACROS:
            continue  # dbt's built-in not_null, unique, accepted_values, relationships
        # The default fail_calc: any row selected fails the test, so "rows selected" is "fails".
        assert node["config"]["fail_calc"] == "count(*)", unique_id
        attached = manifest["nodes"].get(node.get("attached_node") or "")
        tests[unique_id] = DataTest(
            unique_id=unique_id,
            macro=macro,
            kwargs=metadata["kwargs"] if metadata else {},
            model=attached["name"] if attached else None,
            relation=attached["relation_name"] if attached else None,
            sql=compiled[unique_id],
        )
    return tests


def selected_rows(warehouse_file: Path, sql: str) -> int:
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        (count,) = con.execute(f"select count(*) from (\n{sql}\n) as failing_rows").fetchone() or (0,)
    return int(count)


@pytest.fixture(scope="module")
def build() -> BuiltWarehouse:
    return built_warehouse()


@pytest.fixture(scope="module")
def data_tests(build: BuiltWarehouse) -> dict[str, DataTest]:
    return data_tests_of(build)


@pytest.fixture(scope="module")
def unaltered(build: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return altered_copy(build, tmp_path_factory.mktemp("unaltered"))


def test_every_singular_test_has_a_breaking_case(data_tests: dict[str, DataTest]) -> None:
    assert sorted(SINGULAR_BREAKS) == SINGULAR_TESTS
    singular = sorted(t.unique_id.rsplit(".", 1)[-1] for t in data_tests.values() if t.macro is None)
    assert singular == SINGULAR_TESTS  # and the build ran each of them


def test_every_generic_macro_is_used_and_breakable(data_tests: dict[str, DataTest]) -> None:
    assert sorted(GENERIC_BREAKS) == GENERIC_MACROS
    used = {t.macro for t in data_tests.values() if t.macro is not None}
    assert used == set(GENERIC_MACROS), "a generic test macro no model uses is never run"
    expressions = {t.model for t in data_tests.values() if t.macro == "expression_is_true"}
    assert expressions == set(EXPRESSION_BREAKS)


def test_no_data_test_selects_a_row_on_the_build(data_tests: dict[str, DataTest], unaltered: Path) -> None:
    failing = {uid: n for uid, t in data_tests.items() if (n := selected_rows(unaltered, t.sql))}
    assert failing == {}


@pytest.mark.parametrize(
    ("test_name", "case"),
    [(name, case) for name, cases in SINGULAR_BREAKS.items() for case in cases],
)
def test_a_singular_test_fails_when_what_it_guards_breaks(
    build: BuiltWarehouse, data_tests: dict[str, DataTest], tmp_path: Path, test_name: str, case: str
) -> None:
    test = data_tests[f"test.nq57.{test_name}"]
    broken = altered_copy(build, tmp_path, *SINGULAR_BREAKS[test_name][case])
    assert selected_rows(broken, test.sql) > 0


@pytest.mark.parametrize("macro", GENERIC_MACROS)
def test_every_instance_of_a_generic_test_fails_when_its_model_breaks(
    build: BuiltWarehouse, data_tests: dict[str, DataTest], tmp_path: Path, macro: str
) -> None:
    instances = [t for t in data_tests.values() if t.macro == macro]
    assert instances
    never_failed = []
    for number, test in enumerate(instances):
        broken = altered_copy(build, tmp_path / str(number), *test.breaking_statements())
        if selected_rows(broken, test.sql) == 0:
            never_failed.append(test.unique_id)
    assert never_failed == []
