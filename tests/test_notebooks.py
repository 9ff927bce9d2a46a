"""Every notebook runs top to bottom on the warehouse built from the shipped documents."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from pipelines.briefing import NOTEBOOKS_DIR, execute_notebook
from tests.briefing_session import rendered_briefing

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.py"))
ANALYSIS = [p for p in NOTEBOOKS if p.name != "briefing.py"]  # the briefing runs in test_briefing.py


def test_the_four_notebooks_exist() -> None:
    assert {p.name for p in NOTEBOOKS} == {
        "briefing.py",
        "budget_explorer.py",
        "kpi_progress.py",
        "submission_quality.py",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_percent_format_with_a_parameters_cell(path: Path) -> None:
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "warehouse_path" in tagged[0].source and "as_of" in tagged[0].source


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
def test_analysis_notebook_runs_on_the_real_warehouse(path: Path) -> None:
    warehouse = rendered_briefing().warehouse_file
    nb = execute_notebook(path, {"warehouse_path": str(warehouse), "as_of": "2026-03-01"})
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert outputs, "the notebook showed nothing"
