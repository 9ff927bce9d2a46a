"""Import dagster-dbt without loading dbt-core into the Dagster process (≈1.4 s less per start).

dagster-dbt 0.29 (pinned) imports dbt-core at import time only to learn its version, pick a few
enum types and, for dbt selections other than "every node", run dbt's selector in-process. This
project asks dagster-dbt for none of that: dbt always runs in a child process (the warm worker,
pipelines.dbt_worker, or the dbt CLI), the assets select every node, and Nq57DbtCliResource reads
the dbt version from the installed package. dagster-dbt supports this mode for dbt Fusion: when
``dbt.version`` cannot be imported it reads the manifest as plain JSON and uses its own enums.
A dbt selection narrower than every node (``@dbt_assets(select=...)``, build_dbt_asset_selection)
would then fail to load with DagsterDbtCoreNotInstalledError: drop this loader before adding one.

Every process that loads the code location pays for the import (``nq57 refresh``, the daemon, the
UI, each test module that loads the definitions), and in the refresh it sits on the path to the
first step. Measured with ``python -X importtime -c "import pipelines.definitions"`` on 2026-12-07:
2.94 s with dbt-core (dagster_dbt alone 1.55 s), 1.60 s without it.
tests/test_dagster_dbt_loader.py checks that the code location describes the same assets, checks
and dependencies either way, and that dbt still imports normally afterwards.
"""

from __future__ import annotations

import sys
from types import ModuleType

# The module dagster_dbt.compat tries first; while it maps to None, `import dbt.version` raises
# ImportError and dagster-dbt takes its no-dbt-core path.
_DBT_VERSION_MODULE = "dbt.version"


def import_dagster_dbt() -> ModuleType:
    """``dagster_dbt``, imported (once per process) without importing dbt-core.

    When dbt-core is already loaded in this process (a test that ran dbt in-process first), it is
    hidden for the import too, so dagster-dbt behaves the same in every process."""
    loaded = sys.modules.get("dagster_dbt")
    if loaded is not None:
        return loaded
    previous = sys.modules.get(_DBT_VERSION_MODULE)
    sys.modules[_DBT_VERSION_MODULE] = None  # type: ignore[assignment]
    try:
        import dagster_dbt
    finally:
        if previous is None:
            del sys.modules[_DBT_VERSION_MODULE]
        else:
            sys.modules[_DBT_VERSION_MODULE] = previous
    return dagster_dbt


def dagster_dbt_loads_dbt_core() -> bool:
    """Whether the dagster-dbt of this process took its dbt-core path (False after import_dagster_dbt)."""
    from dagster_dbt.compat import DBT_PYTHON_VERSION

    return DBT_PYTHON_VERSION is not None
