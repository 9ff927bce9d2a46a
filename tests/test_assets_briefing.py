"""The briefing asset's warm kernel: started with the runs that render the briefing, and only those."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest

from pipelines.assets import briefing as briefing_asset
from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.briefing import BriefingResult


class RecordingKernel:
    """Stands in for WarmKernel: records that it was started, handed out and shut down."""

    started: ClassVar[list[RecordingKernel]] = []

    def __init__(self) -> None:
        self.shut_down = False
        RecordingKernel.started.append(self)

    def shutdown(self) -> None:
        self.shut_down = True


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[RecordingKernel]:
    RecordingKernel.started = []
    monkeypatch.setattr(briefing_asset, "WarmKernel", RecordingKernel)
    return RecordingKernel.started


def test_the_briefing_gets_the_kernel_started_with_the_run_and_frees_it(
    recorded, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    handed: list[object] = []

    def fake_render(kernel=None) -> BriefingResult:
        handed.append(kernel)
        assert not kernel.shut_down  # still running while the notebook executes
        return BriefingResult(tmp_path, tmp_path / "b.html", tmp_path / "b.ipynb", None, tmp_path, 0.1)

    monkeypatch.setattr(briefing_asset, "render_briefing", fake_render)
    result = dg.materialize(
        [briefing_asset.nightly_briefing],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"briefing_kernel": briefing_asset.BriefingKernel(), "refresh_lock": RefreshLockResource()},
    )
    assert result.success
    assert len(recorded) == 1 and handed == recorded
    assert recorded[0].shut_down


def test_a_run_without_the_briefing_starts_no_kernel(recorded, monkeypatch, tmp_path: Path) -> None:
    from pipelines.assets.extraction import extracted_documents
    from pipelines.definitions import defs

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=list(extracted_documents.keys)
    )
    assert result.success
    assert recorded == []


def test_no_warm_kernel_is_no_failure(monkeypatch, tmp_path) -> None:
    """If the kernel cannot be started ahead, the briefing still renders with a kernel of its own."""
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))

    def broken() -> None:
        raise RuntimeError("no ports left")

    handed: list[object] = []

    def fake_render(kernel=None) -> BriefingResult:
        handed.append(kernel)
        return BriefingResult(tmp_path, tmp_path / "b.html", tmp_path / "b.ipynb", None, tmp_path, 0.1)

    monkeypatch.setattr(briefing_asset, "WarmKernel", broken)
    monkeypatch.setattr(briefing_asset, "render_briefing", fake_render)
    result = dg.materialize(
        [briefing_asset.nightly_briefing],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"briefing_kernel": briefing_asset.BriefingKernel(), "refresh_lock": RefreshLockResource()},
    )
    assert result.success and handed == [None]
