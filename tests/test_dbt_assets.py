"""The dbt project as Dagster assets: one graph from the raw tables to the marts, tests as checks."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import dbt_assets


def _keys(assets_def) -> set[str]:
    return {spec.key.to_user_string() for spec in assets_def.specs}


def test_models_and_seeds_are_assets_keyed_by_schema():
    keys = _keys(dbt_assets.nq57_dbt_models)
    for expected in (
        "marts/dim_task",
        "marts/fct_budget_plan",
        "marts/rpt_reconciliation",
        "reference/ref_agency",
        "reference/map_task_classification",
        "staging/stg_extraction__plan_items",
    ):
        assert expected in keys


def test_dbt_sources_are_the_extraction_raw_assets():
    upstream = {k.to_user_string() for k in dbt_assets.nq57_dbt_models.dependency_keys}
    assert {"raw/plan_items", "raw/stated_totals", "raw/documents"} <= upstream


def test_dbt_tests_are_asset_checks():
    checks = {(c.asset_key.to_user_string(), c.name) for c in dbt_assets.nq57_dbt_models.check_specs}
    assert any(key == "marts/fct_budget_plan" for key, _ in checks)
    assert any(key == "marts/rpt_reconciliation" and "unique" in name for key, name in checks)


def test_definitions_load_with_the_extraction_assets():
    from pipelines.assets import extraction

    defs = dg.Definitions(
        assets=[extraction.extracted_documents, *dbt_assets.DBT_ASSETS],
        resources={"dbt": dbt_assets.dbt_resource()},
    )
    graph = defs.resolve_asset_graph()
    assert (
        dg.AssetKey(["raw", "plan_items"])
        in graph.get(dg.AssetKey(["staging", "stg_extraction__plan_items"])).parent_keys
    )


def test_environment_for_dbt(monkeypatch, tmp_path):
    monkeypatch.setenv("NQ57_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("NQ57_DUCKDB_PATH", str(tmp_path / "build" / "w.duckdb"))
    env = dbt_assets.dbt_environment()
    assert env == {
        "NQ57_RAW_DIR": str(tmp_path / "raw"),
        "NQ57_DUCKDB_PATH": str(tmp_path / "build" / "w.duckdb"),
    }
    assert dbt_assets.dbt_docs_dir() == tmp_path / "build" / "dbt_docs"
