"""The publish asset's place in the graph: after every dbt model, before the docs site and briefing."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.dbt_assets import dbt_docs_site, nq57_dbt_models
from pipelines.assets.publishing import FATAL_CHECKS, published_warehouse
from pipelines.definitions import defs

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
