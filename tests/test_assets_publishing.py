"""The publish asset: its place in the graph (after every dbt model, before the docs site and
briefing) and its fatal checks, each shown to refuse a real build that breaks it."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.dbt_assets import dbt_docs_site, nq57_dbt_models
from pipelines.assets.publishing import FATAL_CHECKS, published_warehouse
from pipelines.definitions import defs
from pipelines.publish import BuildRejectedError, list_versions, publish_build
from tests.dbt_warehouse import altered_copy, built_warehouse

PUBLISHED = dg.AssetKey(["warehouse", "published"])


def test_publish_needs_every_dbt_model_and_nothing_after_them():
    graph = defs.resolve_asset_graph()
    assert published_warehouse.key == PUBLISHED
    assert graph.get(PUBLISHED).parent_keys == set(nq57_dbt_models.keys)


def test_docs_site_and_briefing_are_made_after_the_publish():
    """Analysts get the new warehouse without waiting for the docs site or the briefing, and a
    failure in either never holds back the data."""
    graph = defs.resolve_asset_graph()
    assert graph.get(PUBLISHED).child_keys == {dbt_docs_site.key, dg.AssetKey(["briefing", "nightly"])}


def test_fatal_checks_are_named_queries():
    assert len({check.name for check in FATAL_CHECKS}) == len(FATAL_CHECKS) >= 3
    assert all(check.sql.lower().startswith("select") for check in FATAL_CHECKS)


def test_every_fatal_check_says_in_vietnamese_what_failed_and_what_to_do():
    """Rules audit: a refused publish said "dim_task_has_the_plan: 1 dòng lỗi", a name and a count."""
    for check in FATAL_CHECKS:
        assert "Kho đang công bố giữ nguyên; hãy " in check.message_vi, check.name
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", check.message_vi), check.name


# One way to break each fatal check, on a copy of the warehouse built from the shipped documents.
BREAKING_CHANGES = {
    # Appendix I gone: an extraction that read no task table still builds every mart, empty.
    "dim_task_has_the_plan": ["delete from marts.dim_task where appendix = 'I'"],
    # A split done in floating point: 5.000 over 3 years is no longer an exact amount in million VND.
    "budget_plan_amounts_are_exact": [
        "create or replace table marts.fct_budget_plan as "
        "select * replace (amount_mvnd::double / 3 as amount_mvnd) from marts.fct_budget_plan"
    ],
    # No reconciliation rows: the known inconsistencies (GUIDE §2) would vanish from the warehouse.
    "reconciliation_has_rows": ["delete from marts.rpt_reconciliation"],
}


def publish(build: Path, warehouse_dir: Path):
    return publish_build(
        build,
        run_id="test-fatal-checks",
        input_hashes={},
        fatal_checks=FATAL_CHECKS,
        warehouse_dir=warehouse_dir,
        code_version="test",
    )


def test_every_fatal_check_has_a_build_that_breaks_it():
    assert set(BREAKING_CHANGES) == {check.name for check in FATAL_CHECKS}


def test_the_build_from_the_shipped_documents_passes_every_fatal_check(tmp_path: Path):
    build = altered_copy(built_warehouse(), tmp_path / "build")
    result = publish(build, tmp_path / "warehouse")
    assert result.published_path.is_file()


@pytest.mark.parametrize("check_name", sorted(BREAKING_CHANGES))
def test_a_build_that_breaks_a_fatal_check_is_refused_naming_it(tmp_path: Path, check_name: str):
    build = altered_copy(built_warehouse(), tmp_path / "build", *BREAKING_CHANGES[check_name])
    warehouse_dir = tmp_path / "warehouse"

    with pytest.raises(BuildRejectedError) as refused:
        publish(build, warehouse_dir)

    [failure] = refused.value.failed_checks  # this check, and only this one
    assert failure.name == check_name
    assert failure.error is None and failure.failing_rows  # it ran and found rows, it did not crash
    assert f"{check_name}: " in refused.value.reason
    message = {check.name: check.message_vi for check in FATAL_CHECKS}[check_name]
    assert failure.message_vi == message and f"dòng lỗi (failing rows) – {message}" in refused.value.reason
    assert not (warehouse_dir / "warehouse.duckdb").exists()
    assert list_versions(warehouse_dir) == []
