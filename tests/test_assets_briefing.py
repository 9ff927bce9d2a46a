"""The briefing asset's head start (kernel, browser, preloaded tools): started with the runs that
render the briefing, and only those; handed to the briefing and freed after it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest

from pipelines.assets import briefing as briefing_asset
from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.briefing import BriefingResult

PRELOADED: list[bool] = []  # one entry per preload_renderer call


class RecordingKernel:
    """Stands in for WarmKernel: records that it was started, handed out and shut down."""

    started: ClassVar[list[RecordingKernel]] = []

    def __init__(self) -> None:
        self.shut_down = False
        RecordingKernel.started.append(self)

    def shutdown(self) -> None:
        self.shut_down = True


class RecordingPrinter:
    """Stands in for WarmPrinter: records that it was started, handed out and closed."""

    started: ClassVar[list[RecordingPrinter]] = []

    def __init__(self, chromium: str) -> None:
        self.chromium = chromium
        self.closed = False
        RecordingPrinter.started.append(self)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[RecordingKernel]:
    RecordingKernel.started = []
    RecordingPrinter.started = []
    monkeypatch.setattr(briefing_asset, "WarmKernel", RecordingKernel)
    monkeypatch.setattr(briefing_asset, "WarmPrinter", RecordingPrinter)
    monkeypatch.setattr(briefing_asset, "find_chromium", lambda: "/usr/bin/chromium-for-test")
    PRELOADED.clear()
    monkeypatch.setattr(briefing_asset, "preload_renderer", lambda: PRELOADED.append(True))
    return RecordingKernel.started


def test_the_briefing_gets_the_kernel_and_browser_started_with_the_run_and_frees_them(
    recorded, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    handed: list[object] = []
    printers: list[object] = []

    def fake_render(kernel=None, printer=None) -> BriefingResult:
        handed.append(kernel)
        printers.append(printer)
        assert not kernel.shut_down and not printer.closed  # still running while the briefing renders
        return BriefingResult(tmp_path, tmp_path / "b.html", tmp_path / "b.ipynb", None, tmp_path, 0.1)

    monkeypatch.setattr(briefing_asset, "render_briefing", fake_render)
    result = dg.materialize(
        [briefing_asset.nightly_briefing],
        instance=dg.DagsterInstance.ephemeral(),
        resources={
            "briefing_warm_up": briefing_asset.BriefingWarmUp(),
            "refresh_lock": RefreshLockResource(),
        },
    )
    assert result.success
    assert len(recorded) == 1 and handed == recorded
    assert recorded[0].shut_down
    assert len(RecordingPrinter.started) == 1 and printers == RecordingPrinter.started
    assert printers[0].chromium == "/usr/bin/chromium-for-test" and printers[0].closed
    assert PRELOADED == [True]


def test_a_run_without_the_briefing_starts_no_kernel(recorded, monkeypatch, tmp_path: Path) -> None:
    from pipelines.assets.extraction import extracted_documents
    from pipelines.definitions import defs

    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=list(extracted_documents.keys)
    )
    assert result.success
    assert recorded == [] and RecordingPrinter.started == [] and PRELOADED == []


def test_no_head_start_is_no_failure(monkeypatch, tmp_path) -> None:
    """If the kernel, the browser or the preload cannot start ahead, the briefing still renders with
    its own kernel and browser."""
    monkeypatch.setenv("NQ57_WAREHOUSE_DIR", str(tmp_path / "warehouse"))

    def broken(*args: object) -> None:
        raise RuntimeError("no ports left")

    handed: list[object] = []

    def fake_render(kernel=None, printer=None) -> BriefingResult:
        handed.append((kernel, printer))
        return BriefingResult(tmp_path, tmp_path / "b.html", tmp_path / "b.ipynb", None, tmp_path, 0.1)

    monkeypatch.setattr(briefing_asset, "WarmKernel", broken)
    monkeypatch.setattr(briefing_asset, "WarmPrinter", broken)
    monkeypatch.setattr(briefing_asset, "preload_renderer", broken)
    monkeypatch.setattr(briefing_asset, "render_briefing", fake_render)
    result = dg.materialize(
        [briefing_asset.nightly_briefing],
        instance=dg.DagsterInstance.ephemeral(),
        resources={
            "briefing_warm_up": briefing_asset.BriefingWarmUp(),
            "refresh_lock": RefreshLockResource(),
        },
    )
    assert result.success and handed == [(None, None)]
