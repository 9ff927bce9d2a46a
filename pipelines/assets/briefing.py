"""Dagster asset: the nightly briefing, rendered from the warehouse just published.

It depends on ``["warehouse", "published"]`` so it only ever reads a file that passed the
publish checks; if the publish is refused, the briefing is not rendered and yesterday's
``briefings/latest`` stays in place.
"""

import dagster as dg
from pydantic import PrivateAttr

from pipelines.assets.refresh_lock import RefreshLockResource
from pipelines.assets.resource_setup import run_is_over
from pipelines.briefing import WarmKernel, render_briefing


class BriefingKernel(dg.ConfigurableResource):
    """The briefing's Jupyter kernel, started when a run that renders the briefing starts.

    Dagster sets up a run's resources before its first step, so the kernel starts and loads the
    briefing's imports while the documents are extracted and dbt builds: ≈1.5 s less between the
    publish and the finished briefing. Runs that do not render the briefing do not start it.
    """

    _kernel: WarmKernel | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if run_is_over(context):
            return
        try:
            self._kernel = WarmKernel()
        except Exception as error:  # the briefing then starts its own kernel, as it would by hand
            if context.log is not None:
                context.log.warning(
                    f"Không khởi động trước được kernel cho bản tin (no warm kernel): {error}"
                )
            self._kernel = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release()

    def warm_kernel(self) -> WarmKernel | None:
        return self._kernel

    def release(self) -> None:
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None


@dg.asset(
    key=["briefing", "nightly"],
    group_name="publish",
    deps=[dg.AssetKey(["warehouse", "published"])],
    kinds={"html", "pdf"},
    description="Bản tin điều hành (HTML + PDF) từ kho dữ liệu vừa công bố (the nightly briefing).",
)
def nightly_briefing(
    context: dg.AssetExecutionContext, briefing_kernel: BriefingKernel, refresh_lock: RefreshLockResource
) -> dg.MaterializeResult:
    try:
        result = render_briefing(kernel=briefing_kernel.warm_kernel())
    finally:
        briefing_kernel.release()  # its one notebook has run: free it now, not at the end of the run
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
