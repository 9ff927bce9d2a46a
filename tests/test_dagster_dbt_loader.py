"""dagster-dbt loaded without dbt-core: the same code location, ≈1.4 s less to load it.

Each case runs in a fresh interpreter: which modules an import loads is decided once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys

from pipelines.paths import PROJECT_ROOT

# The asset graph as a comparable value: every asset, every asset check, every dependency.
GRAPH = """
import json
from pipelines.definitions import defs
from pipelines.dagster_dbt_loader import dagster_dbt_loads_dbt_core
graph = defs.resolve_asset_graph()
keys = graph.get_all_asset_keys()
print(json.dumps({
    "dbt_core": dagster_dbt_loads_dbt_core(),
    "dbt_modules": sorted(m for m in __import__("sys").modules if m == "dbt" or m.startswith("dbt.")),
    "assets": sorted(k.to_user_string() for k in keys),
    "checks": sorted(c.to_user_string() for c in graph.asset_check_keys),
    "deps": sorted(
        f"{k.to_user_string()} <- {p.to_user_string()}" for k in keys for p in graph.get(k).parent_keys
    ),
}))
"""


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_the_code_location_loads_without_dbt_core_and_describes_the_same_assets() -> None:
    light = json.loads(_run(GRAPH))
    # dagster-dbt imported first and plainly: its dbt-core path, as before this loader existed.
    with_core = json.loads(_run("import dagster_dbt\n" + GRAPH))
    assert light["dbt_core"] is False and light["dbt_modules"] == []
    assert with_core["dbt_core"] is True and "dbt.version" in with_core["dbt_modules"]
    for part in ("assets", "checks", "deps"):
        assert light[part] == with_core[part], part
    # The project's graph, not an empty one: the marts, the dbt tests as checks, sources → raw assets.
    assert "marts/fct_budget_plan" in light["assets"]
    assert len(light["checks"]) > 100
    assert "staging/stg_extraction__plan_items <- raw/plan_items" in light["deps"]


def test_dbt_imports_normally_after_the_loader() -> None:
    code = """
from pipelines.dagster_dbt_loader import import_dagster_dbt, dagster_dbt_loads_dbt_core
import_dagster_dbt()
import dbt.version, importlib.metadata
assert dbt.version.__version__ == importlib.metadata.version("dbt-core"), dbt.version.__version__
print(dagster_dbt_loads_dbt_core())
"""
    assert _run(code).strip() == "False"


def test_dbt_already_loaded_is_hidden_for_the_import_and_then_put_back() -> None:
    # A process that ran dbt in-process before loading the definitions gets the same dagster-dbt.
    code = """
import sys
import dbt.version
before = sys.modules["dbt.version"]
from pipelines.dagster_dbt_loader import import_dagster_dbt, dagster_dbt_loads_dbt_core
import_dagster_dbt()
assert sys.modules["dbt.version"] is before
print(dagster_dbt_loads_dbt_core())
"""
    assert _run(code).strip() == "False"
