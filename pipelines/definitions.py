"""The Dagster code location: every asset, check, job, schedule and sensor of the warehouse.

`dagster dev -m pipelines.definitions` (or `make dev`) serves it.
"""

from __future__ import annotations

import dagster as dg

from pipelines.assets import extraction

defs = dg.Definitions(
    assets=[extraction.extracted_documents],
    asset_checks=[],
)
