"""The marts' enforced dbt contracts: a mart whose column changes type, name or goes missing fails the build.

Analysts query the marts by column name and read money as exact DECIMAL (million VND). Before the
contracts a mart whose money column became DOUBLE (a float division, a cast dropped) or whose column
was renamed still built and published; only the few data tests that happened to read that column
noticed. Each contract (the marts' yml: ``contract: {enforced: true}`` and a ``data_type`` per column)
is the column list and types of the built warehouse. dbt-duckdb (pinned) checks them for views too.

Every mart has one (dim_submission and rpt_submission_status since the end of session 16).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.assets.dbt_assets import dbt_executable
from pipelines.paths import DBT_PROJECT_DIR
from tests.dbt_warehouse import BuiltWarehouse, altered_copy, built_warehouse

pytestmark = pytest.mark.slow


# Mart → (what a regression does to it: a select over the model's own SQL, what the contract says:
# {column: (type in the model, type in the contract, why)}).
BREAKS: dict[str, tuple[str, dict[str, tuple[str, str, str]]]] = {
    # A table's money as a float, and a sum that widened the decimal (sum() of DECIMAL(18,3) is 38,3).
    "fct_stated_total": (
        "* replace (cast(stated_amount_mvnd as double) as stated_amount_mvnd,"
        " cast(rows_sum_mvnd as decimal(38,3)) as rows_sum_mvnd)",
        {
            "stated_amount_mvnd": ("DOUBLE", "DECIMAL(18,3)", "data type mismatch"),
            "rows_sum_mvnd": ("DECIMAL(38,3)", "DECIMAL(18,3)", "data type mismatch"),
        },
    ),
    # A view's money as a float: the as_of views are contracted too.
    "rpt_disbursement_rate": (
        "* replace (cast(disbursed_mvnd as double) as disbursed_mvnd)",
        {"disbursed_mvnd": ("DOUBLE", "DECIMAL(18,3)", "data type mismatch")},
    ),
    "dim_pillar": (
        "* rename (pillar_name_en as pillar_name_english)",
        {
            "pillar_name_en": ("", "VARCHAR", "missing in definition"),
            "pillar_name_english": ("VARCHAR", "", "missing in contract"),
        },
    ),
    "dim_sector": (
        "* exclude (description)",
        {"description": ("", "VARCHAR", "missing in definition")},
    ),
}
UNCHANGED = "dim_year"  # built in the same run: the copy's build works, only the changed marts fail


@pytest.fixture(scope="module")
def warehouse() -> BuiltWarehouse:
    return built_warehouse()


@pytest.fixture(scope="module")
def manifest(warehouse: BuiltWarehouse) -> dict[str, Any]:
    return warehouse.manifest()


def marts_of(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every model under models/marts, by name."""
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }


def test_every_mart_has_an_enforced_contract(manifest):
    marts = marts_of(manifest)
    assert len(marts) >= 22 and {"dim_submission", "rpt_submission_status"} <= set(marts)
    uncontracted = {name for name, node in marts.items() if not node["config"]["contract"]["enforced"]}
    assert uncontracted == set()
    for name, node in marts.items():
        untyped = [column for column, spec in node["columns"].items() if not spec.get("data_type")]
        assert node["columns"] and untyped == [], name


def test_money_is_contracted_as_an_exact_decimal(manifest):
    """House rule: million VND as DECIMAL, never a float; the contract is where a float would fail."""
    money = {
        (name, column): spec["data_type"]
        for name, node in marts_of(manifest).items()
        for column, spec in node["columns"].items()
        if column.endswith("_mvnd")
    }
    assert ("fct_budget_plan", "amount_mvnd") in money
    assert ("fct_budget_execution", "disbursed_cumulative_mvnd") in money
    assert {column: t for column, t in money.items() if not t.startswith("decimal(")} == {}


def _contract_mismatches(message: str) -> dict[str, tuple[str, str, str]]:
    """The table dbt prints when a contract fails, by column: (definition_type, contract_type, reason)."""
    rows = re.findall(r"^\s*\|([^|\n]*)\|([^|\n]*)\|([^|\n]*)\|([^|\n]*)\|\s*$", message, re.M)
    cells = [tuple(cell.strip() for cell in row) for row in rows]
    return {name: tuple(rest) for name, *rest in cells[1:] if not set(name) <= {"-"}}


def _build_changed_copy(warehouse: BuiltWarehouse, tmp_path: Path) -> subprocess.CompletedProcess:
    """`dbt build` of the changed marts in a copy of the project, on a copy of the built warehouse."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml"))
    for model, (select, _) in BREAKS.items():
        [sql] = project.glob(f"models/marts/**/{model}.sql")
        # Newline before the parenthesis: the model may end with a -- comment.
        sql.write_text(f"select {select} from (\n{sql.read_text(encoding='utf-8')}\n) as changed\n")
    copy = altered_copy(warehouse, tmp_path / "build")
    return subprocess.run(
        [
            *(dbt_executable(), "build", "--profiles-dir", "."),
            *("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")),
            # Only the tests of the selected marts, not other marts' relationships tests into them.
            *("--indirect-selection", "cautious", "--select", *BREAKS, UNCHANGED),
        ],
        cwd=project,
        env={**os.environ, "NQ57_RAW_DIR": str(warehouse.raw_dir), "NQ57_DUCKDB_PATH": str(copy)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_mart_that_changes_a_column_type_name_or_count_fails_the_build(warehouse, tmp_path):
    proc = _build_changed_copy(warehouse, tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))
    models = {
        r["unique_id"].split(".")[-1]: r for r in results["results"] if r["unique_id"].startswith("model.")
    }
    assert models[UNCHANGED]["status"] == "success"
    for model, (_, expected) in BREAKS.items():
        assert models[model]["status"] == "error", model
        assert "This model has an enforced contract that failed" in models[model]["message"], model
        assert _contract_mismatches(models[model]["message"]) == expected, model
    # Nothing was replaced: the warehouse keeps the marts as they were, money still exact.
    with duckdb.connect(str(tmp_path / "build" / warehouse.duckdb_path.name), read_only=True) as con:
        types = dict(
            con.execute(
                "select table_name || '.' || column_name, data_type from duckdb_columns() "
                "where schema_name = 'marts' and table_name in ('fct_stated_total', 'rpt_disbursement_rate', "
                "'dim_pillar', 'dim_sector')"
            ).fetchall()
        )
    assert types["fct_stated_total.stated_amount_mvnd"] == "DECIMAL(18,3)"
    assert types["rpt_disbursement_rate.disbursed_mvnd"] == "DECIMAL(18,3)"
    assert "dim_pillar.pillar_name_en" in types and "dim_sector.description" in types
