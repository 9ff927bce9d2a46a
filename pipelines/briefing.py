"""Render the nightly briefing: execute notebooks/briefing.py on a warehouse, write HTML, PDF and .ipynb.

Output goes to ``<warehouse dir>/briefings/<YYYY-MM-DD>/`` (briefing.html, briefing.pdf,
briefing.ipynb) and ``briefings/latest/`` is replaced by a copy of the newest folder. A copy, not
a symlink: the folder is opened from Windows shares and zipped for e-mail, where symlinks break.

The HTML uses nbconvert's ``basic`` template (body only) inside our own page with inline CSS: the
lab/classic templates pull require.js and MathJax from a CDN, and the briefing must open and
print with no network. Charts are matplotlib PNGs embedded as data URIs.

The PDF is printed from that HTML by headless Chromium (Debian package ``chromium``). Without
Chromium no PDF is written and ``BriefingResult.pdf`` is None (the caller says so): a
fallback renderer would give a second, differently laid-out document to keep in sync.

The nightly refresh renders the briefing after the publish, so what the render waits for is
started ahead, while dbt builds: a kernel with the notebook's imports (WarmKernel), a browser
(pipelines.pdf_printer.WarmPrinter) and the notebook and HTML tools (preload_renderer).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import queue
import shutil
import tempfile
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pipelines import paths
from pipelines.pdf_printer import WarmPrinter, find_chromium, print_pdf
from pipelines.stale_temp import remove_stale_folders
from pipelines.warehouse_access import published_path

if TYPE_CHECKING:
    from jupyter_client.manager import AsyncKernelManager

NOTEBOOKS_DIR = paths.PROJECT_ROOT / "notebooks"
BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "briefing.py"
CELL_TIMEOUT_S = 300


@dataclass(frozen=True)
class BriefingResult:
    folder: Path
    html: Path
    notebook: Path
    pdf: Path | None  # None when no Chromium is installed
    latest: Path
    seconds: float


def today_vn() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


# What the briefing notebook's setup cell imports (≈0.9 s), run by WarmKernel ahead of the briefing.
# Only a head start: the notebook imports them again (instant once loaded), so a list that falls
# behind the notebook costs time, never correctness.
WARM_UP_CODE = """\
import duckdb, matplotlib, matplotlib.pyplot, numpy, pandas
from IPython.display import HTML, Markdown, display
import pipelines.as_of_sql, pipelines.formatting, pipelines.notebook_tables, pipelines.warehouse_access
"""


WARM_UP_TIMEOUT_S = 60


SOCKET_FOLDER_PREFIX = "nq57_kernel_"


def private_kernel_manager() -> tuple[AsyncKernelManager, Path]:
    """A kernel manager whose kernel talks over Unix sockets in a folder only this user can open;
    returns it with that folder (remove it after the kernel's shutdown).

    Jupyter's default is localhost TCP in plain text, which any local user can listen to, and
    which ipykernel warns about in every night's log."""
    from jupyter_client.manager import AsyncKernelManager

    remove_stale_folders(SOCKET_FOLDER_PREFIX)
    folder = Path(tempfile.mkdtemp(prefix=SOCKET_FOLDER_PREFIX))  # mode 0700
    return AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(folder / "kernel")), folder


class WarmKernel:
    """A Jupyter kernel started ahead of the briefing, the briefing's imports already loaded.

    The nightly refresh starts one when its run starts, so the kernel's start (≈0.5 s) and the
    imports (≈0.9 s) happen while dbt builds instead of after the publish. The kernel serves one
    notebook run (``take``); a kernel that died or whose warm-up failed is not handed out, the
    briefing then starts its own. If the refresh is killed, ipykernel notices its parent is gone and exits.
    """

    def __init__(self, cwd: Path = NOTEBOOKS_DIR) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self._manager, self._sockets = private_kernel_manager()
        run_sync(self._manager.start_kernel)(cwd=str(cwd))
        # A client of our own for the warm-up, sent now and answered by the time the briefing
        # takes the kernel (take() waits for the answer); nbclient ignores messages that answer
        # requests it did not send.
        self._warmer = BlockingKernelClient()
        self._warmer.load_connection_info(self._manager.get_connection_info())
        self._warmer.start_channels()
        self._warm_up = self._warmer.execute(WARM_UP_CODE, silent=True, store_history=False)
        self._taken = False

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None once shut down)."""
        provisioner = self._manager.provisioner
        if not self._manager.has_kernel or provisioner is None:
            return None
        return getattr(provisioner, "pid", None)

    def take(self, timeout: float = WARM_UP_TIMEOUT_S) -> AsyncKernelManager | None:
        """The kernel's manager for one notebook run, once its warm-up finished; None when already
        taken, dead, or the warm-up failed (the caller then starts a kernel of its own)."""
        if self._taken:
            return None
        self._taken = True
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._run_sync(self._manager.is_alive)():
                try:
                    reply = self._warmer.get_shell_msg(timeout=0.5)
                except queue.Empty:
                    continue
                if reply["parent_header"].get("msg_id") == self._warm_up:
                    return self._manager if reply["content"].get("status") == "ok" else None
            return None
        finally:
            self._warmer.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel (idempotent)."""
        self._warmer.stop_channels()
        try:
            if self._manager.has_kernel:
                self._run_sync(self._manager.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)


def execute_notebook(
    source: Path,
    parameters: dict[str, object],
    cwd: Path | None = None,
    kernel_manager: AsyncKernelManager | None = None,
):
    """Execute a Jupytext notebook with papermill-style parameters; returns the executed nbformat node.

    The values go into a new cell right after the cell tagged ``parameters`` (the notebook's
    defaults stay visible above them, as papermill does), so a notebook also runs unchanged by hand.
    ``kernel_manager``: a kernel already running (``WarmKernel.take()``); the caller shuts it down.
    Without one, a kernel of its own (private_kernel_manager), shut down here.
    """
    import jupytext
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient

    nb = jupytext.read(source)
    assignments = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    injected = nbformat.v4.new_code_cell(
        "# Parameters injected by pipelines.briefing\n" + assignments,
        metadata={"tags": ["injected-parameters"]},
    )
    index = next(
        (i + 1 for i, cell in enumerate(nb.cells) if "parameters" in cell.metadata.get("tags", [])), 0
    )
    nb.cells.insert(index, injected)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    own_sockets = None
    if kernel_manager is None:
        kernel_manager, own_sockets = private_kernel_manager()
    client = NotebookClient(
        nb,
        km=kernel_manager,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or source.parent)}},
    )
    try:
        client.execute()  # starts the kernel when it is not running yet
    finally:
        if client.kc is not None:
            client.kc.stop_channels()  # nbclient closes only the clients of kernels it manages itself
        if own_sockets is not None:
            try:
                if kernel_manager.has_kernel:
                    run_sync(kernel_manager.shutdown_kernel)(now=True)
            finally:
                shutil.rmtree(own_sockets, ignore_errors=True)
    return nb


_CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 11pt; color: #111;
       max-width: 1000px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 16pt; color: #12355b; border-bottom: 3px solid #12355b; padding-bottom: 4px; }
h2 { font-size: 15pt; color: #12355b; margin-top: 28px; border-bottom: 1px solid #9ab; break-after: avoid; }
h3 { font-size: 12pt; color: #12355b; break-after: avoid; }
h4 { font-size: 11pt; color: #12355b; margin: 14px 0 4px; break-after: avoid; }
table.nq57 { border-collapse: collapse; margin: 8px 0 16px; font-size: 9pt; width: 100%; }
table.nq57 th { background: #e8eef5; text-align: left; }
table.nq57 th, table.nq57 td { border: 1px solid #b8c4d0; padding: 3px 6px; vertical-align: top; }
table.nq57 tr { break-inside: avoid; }
table.nq57 td.num { text-align: right; white-space: nowrap; }
table.nq57-short { break-inside: avoid; }
table.nq57 tr.nq57-total td { font-weight: bold; background: #f3f6f9; }
table.nq57-grid { table-layout: fixed; }
table.nq57-grid th:first-child { width: 34%; }
img { max-width: 100%; break-inside: avoid; }
.nq57-banner { background: #fde2e1; border: 2px solid #9c0006; color: #9c0006; font-weight: bold;
               padding: 8px 12px; margin: 10px 0; }
.nq57-note { background: #f3f6f9; border-left: 4px solid #12355b; padding: 6px 10px; margin: 8px 0; }
/* A heading, an introduction, a banner or a note stays on the page of what it introduces:
   printed, they were left alone at the foot of a page, the chart or table on the next. */
.text_cell, .output_area:has(.nq57-banner), .output_area:has(.nq57-note),
.output_area:has(.output_markdown) { break-after: avoid; }
/* A section starts only where about a quarter of the page is left for it: the heading carries an
   empty, unbreakable 70 mm below it (taken back by the negative margin, so nothing moves on screen),
   and goes to the next page when that does not fit. Chromium does not carry a heading over when a
   long table follows a long paragraph (section 6 began on the last lines of a page); the forced page
   break used for it instead left the page before section 6 half or nine tenths empty. */
h2 { break-inside: avoid; }
h2::after { content: ""; display: block; height: 70mm; margin-bottom: -70mm; }
.nq57-banner, .nq57-note { break-inside: avoid; }
/* What introduces a chart (a banner, a note, a paragraph: up to three in a row) is not cut and goes
   to the next page with it: Chromium broke inside the paragraph instead, and the heading of section
   4, its banner and introduction ended a page, the chart on the next (20/04/2026). */
.output_area:is(:has(.nq57-banner), :has(.nq57-note), :has(.output_markdown)):is(
  :has(+ .output_area img),
  :has(+ .output_area:is(:has(.nq57-banner), :has(.nq57-note), :has(.output_markdown)) + .output_area img),
  :has(+ .output_area:is(:has(.nq57-banner), :has(.nq57-note), :has(.output_markdown))
       + .output_area:is(:has(.nq57-banner), :has(.nq57-note), :has(.output_markdown))
       + .output_area img)) { break-inside: avoid; break-after: avoid; }
/* A section may begin on a new page: the last note or paragraph of the section before gives up its
   "keep with the next" (it would hold the heading to the foot of the page instead). */
.cell:has(+ .text_cell h2), .cell:has(+ .text_cell h2) .output_area:last-child { break-after: auto; }
/* Section 4's disbursement tables (ten columns on a portrait page): figures, years and short words on
   one line, the quarters (4th column; a range of two wraps between them), the departments' names
   taking the width left, on two lines at most. A half point smaller and narrower padding than the other
   tables: at 9 pt the ten columns were wider than the page and Chromium shrank every page to fit. */
table.nq57-disbursement { font-size: 8.5pt; }
table.nq57-disbursement th, table.nq57-disbursement td { padding: 3px; }
table.nq57-disbursement td { white-space: nowrap; }
table.nq57-disbursement td:first-child { white-space: normal; min-width: 9em; }
table.nq57-disbursement td:nth-child(4) { white-space: normal; }
.nq57-legend { font-size: 9pt; margin: -10px 0 16px; }
.jp-OutputPrompt, .jp-InputPrompt, .prompt { display: none; }
@page { size: A4; margin: 14mm 12mm; }
"""


def notebook_to_html(nb, title: str) -> str:
    """Self-contained HTML, outputs only: no code cells, no scripts, no external URLs."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""  # the "¶" heading anchors would print into the PDF text
    # Warnings (stderr) stay in the kept .ipynb for whoever debugs; readers never see them.
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    body, _resources = exporter.from_notebook_node(nb)
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def preload_renderer() -> None:
    """Load what executing and exporting the notebook needs, ahead of the briefing (≈0.7 s).

    Importing jupytext, nbclient and nbconvert takes ≈0.3 s and nbconvert's first export ≈0.4 s
    more (it loads and compiles its templates, markdown and highlighting once per process), so a
    tiny notebook is exported here once. The refresh runs this in a thread while dbt builds.
    """
    import jupytext  # noqa: F401  (imported for its load time)
    import nbclient  # noqa: F401
    import nbformat

    code = nbformat.v4.new_code_cell(
        "",
        outputs=[
            nbformat.v4.new_output(
                "display_data", data={"text/html": "<p>x</p>", "text/markdown": "**x**", "text/plain": "x"}
            )
        ],
    )
    notebook_to_html(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x\n\n| a |\n|---|\n| 1 |"), code]),
        "x",
    )


def render_briefing(
    as_of: dt.date | None = None,
    warehouse_file: Path | None = None,
    out_root: Path | None = None,
    notebook: Path = BRIEFING_NOTEBOOK,
    kernel: WarmKernel | None = None,
    printer: WarmPrinter | None = None,
) -> BriefingResult:
    """Execute the briefing notebook on ``warehouse_file`` (default: the published one) and write it out.

    ``kernel``, ``printer``: a kernel and a browser started ahead (the refresh's); without them the
    briefing starts its own."""
    import nbformat

    started = time.perf_counter()
    as_of = as_of or today_vn()
    warehouse_file = (warehouse_file or published_path()).resolve()
    if not warehouse_file.exists():
        raise FileNotFoundError(f"Không có kho dữ liệu (no warehouse) at {warehouse_file}")
    out_root = out_root or paths.warehouse_dir() / "briefings"
    folder = out_root / as_of.isoformat()
    # Write into a staging folder first, so a failed run never leaves a half briefing under its date.
    staging = Path(tempfile.mkdtemp(prefix=f".{as_of.isoformat()}.", dir=_ensure(out_root)))
    staging.chmod(0o755)  # mkdtemp makes it owner-only; analysts and the web share must read it
    try:
        nb = execute_notebook(
            notebook,
            {"as_of": as_of.isoformat(), "warehouse_path": str(warehouse_file)},
            NOTEBOOKS_DIR,
            kernel_manager=kernel.take() if kernel is not None else None,
        )
        nbformat.write(nb, staging / "briefing.ipynb")
        html = staging / "briefing.html"
        html.write_text(
            notebook_to_html(nb, f"Bản tin Nghị quyết 57 — {as_of.strftime('%d/%m/%Y')}"), encoding="utf-8"
        )
        chromium = find_chromium()
        if chromium:
            print_pdf(html, staging / "briefing.pdf", chromium, printer)
        (staging / SOURCE_STAMP).write_text(
            json.dumps(briefing_source(as_of, warehouse_file, notebook), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        if folder.exists():
            shutil.rmtree(folder)
        staging.replace(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    latest = _update_latest(out_root, folder)
    pdf = folder / "briefing.pdf"
    return BriefingResult(
        folder=folder,
        html=folder / "briefing.html",
        notebook=folder / "briefing.ipynb",
        pdf=pdf if pdf.exists() else None,
        latest=latest,
        seconds=time.perf_counter() - started,
    )


# Beside each rendered briefing: what it was rendered from, so a refresh that brings nothing new can
# tell that today's briefing is already the one it would render.
SOURCE_STAMP = "source.json"


def briefing_source(as_of: dt.date, warehouse_file: Path, notebook: Path) -> dict[str, str]:
    """What a briefing is rendered from, as its SOURCE_STAMP records it."""
    from pipelines.manifest import sha256_of

    return {
        "as_of": as_of.isoformat(),
        "warehouse_sha256": sha256_of(warehouse_file),
        "notebook_sha256": sha256_of(notebook),
    }


def briefing_is_current(
    as_of: dt.date | None = None,
    warehouse_file: Path | None = None,
    out_root: Path | None = None,
    notebook: Path = BRIEFING_NOTEBOOK,
) -> bool:
    """True when the briefing of ``as_of`` (today) was rendered from exactly this warehouse file and
    notebook, with every output this machine can make (the PDF needs Chromium)."""
    return briefing_staleness(as_of, warehouse_file, out_root, notebook) is None


def briefing_staleness(
    as_of: dt.date | None = None,
    warehouse_file: Path | None = None,
    out_root: Path | None = None,
    notebook: Path = BRIEFING_NOTEBOOK,
) -> str | None:
    """None when the briefing of ``as_of`` (today) is current (see briefing_is_current); else why not,
    in words for `nq57 status` (ST-07). "Not rendered from the published warehouse" beside a latest
    briefing dated today read as a contradiction when the notebook or the warehouse had changed."""
    as_of = as_of or today_vn()
    warehouse_file = (warehouse_file or published_path()).resolve()
    folder = (out_root or paths.warehouse_dir() / "briefings") / as_of.isoformat()
    try:
        recorded = json.loads((folder / SOURCE_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "chưa có bản tin của ngày này"
    if not warehouse_file.is_file():
        return "không có tệp kho dữ liệu để so"
    wanted = briefing_source(as_of, warehouse_file, notebook)
    if not isinstance(recorded, dict) or recorded.get("warehouse_sha256") != wanted["warehouse_sha256"]:
        return "bản tin của ngày này được dựng từ một bản kho khác, không phải bản đang công bố"
    if recorded.get("notebook_sha256") != wanted["notebook_sha256"]:
        return "bản tin của ngày này được dựng bằng notebook bản tin (notebooks/briefing.py) trước khi sửa"
    if recorded != wanted:
        return "bản tin của ngày này ghi nguồn dựng khác (source.json)"
    outputs = ["briefing.html", "briefing.ipynb"] + (["briefing.pdf"] if find_chromium() else [])
    missing = [name for name in outputs if not (folder / name).is_file()]
    if missing:
        return f"bản tin của ngày này thiếu {', '.join(missing)}"
    return None


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _update_latest(out_root: Path, folder: Path, today: dt.date | None = None) -> Path:
    """briefings/latest = a copy of the newest dated folder not after today (Vietnam), swapped in by
    rename.

    A briefing rendered with a future --as-of (a trial, a typo) stays in its own folder but must not
    become `latest`: by name it would stay the newest for good, hiding every briefing rendered since.
    It is taken only when there is no other dated folder, so `latest` always exists.
    """
    newest = latest_dated_folder(out_root, today) or folder
    latest = out_root / "latest"
    tmp = out_root / ".latest.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(newest, tmp)
    old = out_root / ".latest.old"
    shutil.rmtree(old, ignore_errors=True)
    if latest.is_symlink() or latest.is_file():
        latest.unlink()
    elif latest.exists():
        latest.replace(old)
    tmp.replace(latest)
    shutil.rmtree(old, ignore_errors=True)
    return latest


def latest_dated_folder(out_root: Path, today: dt.date | None = None) -> Path | None:
    """The briefing folder `latest` shows: the newest dated one not after today (Vietnam); a
    future-dated one only when there is no other; None when there is none."""
    today_name = (today or today_vn()).isoformat()
    try:
        dated = sorted(p for p in out_root.iterdir() if p.is_dir() and _is_date(p.name))
    except OSError:
        return None
    current = [p for p in dated if p.name <= today_name]  # ISO names: text order is date order
    return (current or dated or [None])[-1]


def latest_briefing_date(out_root: Path | None = None) -> str | None:
    """The date (YYYY-MM-DD) of the briefing `latest` shows (latest_dated_folder), or None."""
    folder = latest_dated_folder(out_root or paths.warehouse_dir() / "briefings")
    return folder.name if folder is not None else None


def _is_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
    except ValueError:
        return False
    return True
