"""Dagster asset: the nightly briefing, rendered from the warehouse just published.

It depends on ``["warehouse", "published"]`` so it only ever reads a file that passed the
publish checks; if the publish is refused, the briefing is not rendered and yesterday's
``briefings/latest`` stays in place.
"""

import threading

import dagster as dg
from pydantic import PrivateAttr

from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.assets.resource_setup import run_is_over
from pipelines.briefing import WarmKernel, preload_renderer, render_briefing
from pipelines.pdf_printer import WarmPrinter, find_chromium


class BriefingWarmUp(dg.ConfigurableResource):
    """What the briefing waits for, started when a run that renders the briefing starts.

    Dagster sets up a run's resources before its first step, so while the documents are extracted
    and dbt builds: the briefing's Jupyter kernel starts and loads the notebook's imports
    (WarmKernel, ≈1.5 s), headless Chromium starts (WarmPrinter, ≈1 s) and a thread loads the
    notebook and HTML tools (preload_renderer, ≈0.7 s). All of it would otherwise come after the
    publish. Runs that do not render the briefing start none of it. Whatever fails to start is not
    a failure: the briefing then starts its own, as it does by hand.
    """

    _kernel: WarmKernel | None = PrivateAttr(default=None)
    _printer: WarmPrinter | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if run_is_over(context):
            return
        threading.Thread(target=_preload, name="nq57-preload-briefing", daemon=True).start()
        try:
            self._kernel = WarmKernel()
        except Exception as error:
            _warn(context, f"Không khởi động trước được kernel cho bản tin (no warm kernel): {error}")
            self._kernel = None
        chromium = find_chromium()
        if chromium is None:
            return  # no PDF on this machine; the briefing says so
        try:
            self._printer = WarmPrinter(chromium)
        except Exception as error:
            _warn(context, f"Không khởi động trước được Chromium cho bản PDF (no warm Chromium): {error}")
            self._printer = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release()

    def warm_kernel(self) -> WarmKernel | None:
        return self._kernel

    def warm_printer(self) -> WarmPrinter | None:
        return self._printer

    def release(self) -> None:
        """Stop the kernel and the browser (idempotent)."""
        try:
            if self._kernel is not None:
                self._kernel.shutdown()
                self._kernel = None
        finally:
            if self._printer is not None:
                self._printer.close()
                self._printer = None


def _warn(context: dg.InitResourceContext, message: str) -> None:
    if context.log is not None:
        context.log.warning(message)


def _preload() -> None:
    try:
        preload_renderer()
    except Exception:  # only a head start: the briefing imports and exports again, and fails there
        pass


@dg.asset(
    key=["briefing", "nightly"],
    group_name="publish",
    deps=[dg.AssetKey(["warehouse", "published"])],
    kinds={"html", "pdf"},
    description="Bản tin điều hành (HTML + PDF) từ kho dữ liệu vừa công bố (the nightly briefing).",
)
def nightly_briefing(
    context: dg.AssetExecutionContext, briefing_warm_up: BriefingWarmUp, refresh_lock: RefreshLockResource
) -> dg.MaterializeResult:
    try:
        result = render_briefing(
            kernel=briefing_warm_up.warm_kernel(), printer=briefing_warm_up.warm_printer()
        )
    finally:
        briefing_warm_up.release()  # its one briefing is rendered: free them now, not at the end of the run
    if result.pdf is None:
        # No Chromium on this machine: the HTML is still there; say so rather than fail the night.
        context.log.warning("Không có Chromium: chỉ tạo bản HTML, không có PDF (no Chromium, no PDF).")
    return dg.MaterializeResult(
        metadata={
            "folder": str(result.folder),
            "html": str(result.html),
            "pdf": str(result.pdf) if result.pdf else "—",
            "latest": str(result.latest),
            "seconds": round(result.seconds, 2),
        }
    )
