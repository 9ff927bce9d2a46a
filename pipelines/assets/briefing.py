"""Dagster asset: the nightly briefing, rendered from the warehouse just published.

It depends on ``["warehouse", "published"]`` so it only ever reads a file that passed the
publish checks; if the publish is refused, the briefing is not rendered and yesterday's
``briefings/latest`` stays in place.
"""

import dagster as dg

from pipelines.briefing import render_briefing


@dg.asset(
    key=["briefing", "nightly"],
    group_name="publish",
    deps=[dg.AssetKey(["warehouse", "published"])],
    kinds={"html", "pdf"},
    description="Bản tin điều hành (HTML + PDF) từ kho dữ liệu vừa công bố (the nightly briefing).",
)
def nightly_briefing(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    result = render_briefing()
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
