"""The notebooks as dbt exposures (dbt_project/models/exposures.yml): who reads which mart.

The docs site's lineage shows, from any mart, the notebooks that read it, so whoever changes a mart
sees whom it affects (the briefing the leaders read above all). The declaration is held to the
notebooks' own text: each exposure depends on exactly the marts its notebook names (``marts.<name>``),
so a notebook that starts reading another mart, or stops, fails here until the yml says so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipelines.paths import PROJECT_ROOT
from tests.dbt_warehouse import BuiltWarehouse, built_warehouse

pytestmark = pytest.mark.slow

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
MART_NAMED = re.compile(r"\bmarts\.([a-z_][a-z0-9_]*)")
_VIETNAMESE_LETTER = re.compile(
    r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I
)


@pytest.fixture(scope="module")
def warehouse() -> BuiltWarehouse:
    return built_warehouse()


@pytest.fixture(scope="module")
def manifest(warehouse: BuiltWarehouse) -> dict[str, Any]:
    return warehouse.manifest()


@pytest.fixture(scope="module")
def exposures(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The exposures by the notebook they declare (config meta ``notebook``: its path in the project)."""
    return {e["config"]["meta"]["notebook"]: e for e in manifest["exposures"].values()}


def marts_named_in(notebook: Path) -> set[str]:
    """The marts a notebook's text names as ``marts.<name>`` (its SQL, the only way it reads them)."""
    return set(MART_NAMED.findall(notebook.read_text(encoding="utf-8")))


def test_every_notebook_is_an_exposure(exposures):
    notebooks = {path.relative_to(PROJECT_ROOT).as_posix() for path in NOTEBOOKS_DIR.glob("*.py")}
    assert "notebooks/briefing.py" in notebooks and len(notebooks) == 4
    assert set(exposures) == notebooks


def test_each_exposure_depends_on_exactly_the_marts_its_notebook_names(manifest, exposures):
    # Read off the notebooks: the KPI notebook reads the indicator, its baseline, targets and actuals.
    assert marts_named_in(NOTEBOOKS_DIR / "kpi_progress.py") == {
        "dim_indicator",
        "fct_kpi_baseline",
        "fct_kpi_target",
        "fct_kpi_actual",
    }
    for notebook, exposure in exposures.items():
        nodes = [manifest["nodes"][unique_id] for unique_id in exposure["depends_on"]["nodes"]]
        assert all(node["schema"] == "marts" for node in nodes), notebook
        assert {node["name"] for node in nodes} == marts_named_in(PROJECT_ROOT / notebook), notebook


def test_each_exposure_says_what_it_is_and_who_uses_it_in_vietnamese_then_english(exposures):
    assert exposures["notebooks/briefing.py"]["type"] == "notebook"
    assert exposures["notebooks/briefing.py"]["maturity"] == "high"
    for notebook, exposure in exposures.items():
        assert exposure["type"] in ("notebook", "analysis"), notebook
        assert exposure["owner"]["name"] and exposure["label"], notebook
        description = exposure["description"].strip()
        # Vietnamese first, an English gist in the last parentheses (as the marts' descriptions).
        gist = re.search(r"\(([^()]*)\)\.?$", description)
        assert gist and not _VIETNAMESE_LETTER.search(gist.group(1)), notebook
        assert _VIETNAMESE_LETTER.search(description[: gist.start()]), notebook


def test_the_docs_site_shows_the_exposures(warehouse, exposures):
    html = warehouse.docs_index.read_text(encoding="utf-8")
    for exposure in exposures.values():
        # The site embeds the manifest as JSON, Vietnamese letters escaped (\u1ea3).
        assert exposure["unique_id"] in html and json.dumps(exposure["label"])[1:-1] in html
