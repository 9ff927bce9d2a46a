"""The briefing in a real browser: headless Chromium over the DevTools protocol.

Opens briefing.html from the nightly asset's output and checks what a reader would get: no page
errors, no request leaving the machine (only file: and data: URLs), the Vietnamese headings, chart
images that actually decoded; saves a full-page screenshot. Then the PDF: pdftotext shows the
headings and the Appendix I state-budget total, which must equal the marts' figure. Last, the
printed pages on several dates whose content differs (PRINT_DATES): no section heading ends a page
apart from what it introduces, no page but the last is left a third empty, and section 4's
disbursement table reads on a portrait page.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import functools
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipelines.pdf_printer import CHROMIUM_FLAGS, find_chromium
from tests.briefing_session import AS_OF, rendered_briefing
from tests.test_briefing import HEADINGS, appendix_i_state_total

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian package chromium")


class DevTools:
    """A minimal synchronous CDP client: send commands, keep every event received."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(method)
            self.events.append(json.loads(self.ws.recv(timeout=remaining)))


@pytest.fixture(scope="module")
def browser() -> Iterator[str]:
    """Chromium with a DevTools port on 127.0.0.1; yields the page target's websocket URL."""
    profile = Path(tempfile.mkdtemp(prefix="nq57_chromium_"))
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",  # Chromium picks a free port and writes it to the profile
            "--window-size=1100,1400",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        yield next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def page(browser: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from websockets.sync.client import connect

    html = rendered_briefing().latest / "briefing.html"
    with connect(browser, max_size=64 * 1024 * 1024) as ws:
        tools = DevTools(ws)
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.send(f"{domain}.enable")
        tools.send("Page.navigate", url=html.resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        state = tools.send(
            "Runtime.evaluate",
            returnByValue=True,
            expression="""({
                headings: [...document.querySelectorAll('h1, h2')].map(h => h.textContent.trim()),
                images: [...document.images].map(
                    i => ({src: i.src.slice(0, 22), w: i.naturalWidth, alt: i.alt})
                ),
                text: document.body.innerText,
            })""",
        )["result"]["value"]
        shot = tools.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        screenshot = tmp_path_factory.mktemp("briefing_browser") / "briefing.png"
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        return {"state": state, "events": list(tools.events), "screenshot": screenshot}


def test_no_page_errors(page: dict[str, Any]) -> None:
    events = page["events"]
    errors = [e for e in events if e.get("method") == "Runtime.exceptionThrown"]
    errors += [
        e for e in events if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
    ]
    errors += [
        e
        for e in events
        if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")
    ]
    assert not errors


def test_no_request_leaves_the_machine(page: dict[str, Any]) -> None:
    urls = [
        e["params"]["request"]["url"]
        for e in page["events"]
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert urls, "the DevTools Network domain saw no request at all"
    assert [u for u in urls if not u.startswith(("file:", "data:"))] == []


def test_vietnamese_headings_and_decoded_charts(page: dict[str, Any]) -> None:
    headings = [re.sub(r"\s+", " ", h) for h in page["state"]["headings"]]
    for heading in HEADINGS:
        assert heading in headings, heading
    charts = [i for i in page["state"]["images"] if i["src"].startswith("data:image/png")]
    assert len(charts) >= 2
    assert all(i["w"] > 300 for i in charts), "a chart image did not decode"
    assert appendix_i_state_total(rendered_briefing().warehouse_file) in page["state"]["text"]


def test_every_chart_says_in_vietnamese_what_it_shows(page: dict[str, Any]) -> None:
    """Alt text, read out by screen readers and shown where images are off: nbconvert's default is
    the English "No description has been provided for this image"."""
    charts = [i for i in page["state"]["images"] if i["src"].startswith("data:image/png")]
    alts = [i["alt"] for i in charts]
    assert len(alts) == 3, alts  # budget by year and sector, KPI roadmaps, disbursement
    assert alts[0].startswith("Biểu đồ cột chồng: kinh phí dự kiến theo năm, 2025–2030")
    assert "biểu đồ nhỏ, mỗi chỉ tiêu một biểu đồ" in alts[1]
    assert alts[2].startswith(
        "Biểu đồ thanh ngang: dự toán vốn ngân sách nhà nước được giao và số đã giải ngân"
    )
    # Each names where its figures are: the disbursement table comes after the paragraphs explaining it.
    assert all("Số liệu ở bảng ngay dưới" in alt for alt in alts[:2])
    assert alts[2].endswith("Số liệu ở bảng dưới phần giải thích.")


def test_screenshot_saved(page: dict[str, Any]) -> None:
    shot: Path = page["screenshot"]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a page with text and charts, not a blank one
    print(f"screenshot: {shot}")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs Debian package poppler-utils")
def test_pdf_text_has_the_headings_and_the_headline_total() -> None:
    rendered = rendered_briefing()
    pdf = rendered.latest / "briefing.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for heading in HEADINGS[1:]:  # the long title may wrap with a hyphen in print
        assert heading in flat, heading
    expected = appendix_i_state_total(rendered.warehouse_file)
    assert expected == "5.861.734"
    assert f"{expected} triệu đồng" in flat


# ── the printed pages, on dates whose content differs ─────────────────────────────────────────────
# Each date is executed once per test process (tests/test_notebooks.py caches it; the shared-build
# scope runs both modules on one worker) and printed once here: ≈7 s a date.
BEFORE_ANY_REPORT = "before any report"  # the day before the first submission was received
PRINT_DATES = (
    BEFORE_ANY_REPORT,
    AS_OF,  # 01/03/2026, the nightly render: the 2025-Q4 reports
    dt.date(2026, 4, 20),  # the Q1 reports just due: section 4 ended a page, its chart on the next
    dt.date(2026, 12, 31),  # every file known
    dt.date(2027, 1, 16),  # the day after the Q4 deadline: the year's reports overdue
)
H2_SIZE, TABLE_SIZE = "22", "13"  # pdftohtml's font sizes of a section heading and of table text


def resolved(as_of: dt.date | str) -> dt.date:
    if as_of != BEFORE_ANY_REPORT:
        return as_of
    from tests.test_notebooks import REAL, day_of, query

    ((first,),) = query(REAL, "select min(received_at) from marts.dim_submission")
    return day_of(first) - dt.timedelta(days=1)


@functools.cache
def printed(as_of: dt.date | str) -> Path:
    """The briefing as of that date printed to PDF as the nightly run prints it (its own PDF for AS_OF)."""
    if as_of == AS_OF:
        return rendered_briefing().folder / "briefing.pdf"
    from pipelines.pdf_printer import print_pdf_once
    from tests.test_notebooks import REAL, page

    folder = Path(tempfile.mkdtemp(prefix="nq57_print_"))
    atexit.register(shutil.rmtree, folder, True)
    html = folder / "briefing.html"
    html.write_text(page("briefing.py", REAL, resolved(as_of)), encoding="utf-8")
    print_pdf_once(html, folder / "briefing.pdf", CHROMIUM)
    return folder / "briefing.pdf"


@dataclass(frozen=True)
class PrintedItem:
    top: int
    height: int
    kind: str  # "text" or "image"
    size: str  # the font size pdftohtml gives (""  for an image)
    text: str


@functools.cache
def printed_pages(as_of: dt.date | str) -> tuple[tuple[tuple[PrintedItem, ...], int], ...]:
    """Each printed page: its lines of text and images with their positions (pdftohtml -xml), and its
    height."""
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftohtml", "-xml", "-q", str(printed(as_of)), str(Path(folder) / "out")], check=True
        )
        root = ET.parse(Path(folder) / "out.xml").getroot()
    sizes = {f.get("id"): f.get("size") for f in root.iter("fontspec")}
    return tuple(
        (
            tuple(
                PrintedItem(
                    int(e.get("top")),
                    int(e.get("height")),
                    e.tag,
                    sizes.get(e.get("font"), ""),
                    " ".join("".join(e.itertext()).split()),
                )
                for e in page
                if e.tag in ("text", "image")
            ),
            int(page.get("height")),
        )
        for page in root.findall("page")
    )


def headings_left_at_a_page_foot(as_of: dt.date | str) -> list[tuple[int, str, int]]:
    """(page, heading, lines below it) of each section heading that has, below it on its page, no chart,
    no line of a table and at most 12 lines of text (its banner, notes, introduction), while the
    document goes on: what it introduces is on the next page."""
    pages = printed_pages(as_of)
    left = []
    for number, (items, _height) in enumerate(pages[:-1], start=1):
        for heading in items:
            if heading.kind != "text" or heading.size != H2_SIZE or heading.text not in HEADINGS[1:]:
                continue
            below = [item for item in items if item.top > heading.top]
            lines = len({item.top for item in below if item.kind == "text"})
            if not any(item.kind == "image" or item.size == TABLE_SIZE for item in below) and lines <= 12:
                left.append((number, heading.text, lines))
    return left


@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="needs Debian package poppler-utils")
@pytest.mark.parametrize("as_of", PRINT_DATES, ids=str)
def test_no_section_heading_ends_a_page_apart_from_what_it_introduces(as_of: dt.date | str) -> None:
    """Printed, sections 3, 4 and 6 once began on the last lines of a page, their chart or table on the
    next one; as of 20/04/2026 (and 31/12/2026, 16/01/2027) section 4's heading, banner and
    introduction ended page 6 and its chart began page 7."""
    pages = printed_pages(as_of)
    found = [item.text for items, _ in pages for item in items if item.size == H2_SIZE]
    assert set(HEADINGS[1:]) <= set(found), found  # every heading printed and recognised
    assert headings_left_at_a_page_foot(as_of) == []


@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="needs Debian package poppler-utils")
@pytest.mark.parametrize("as_of", PRINT_DATES, ids=str)
def test_no_printed_page_before_the_last_is_left_a_third_empty(as_of: dt.date | str) -> None:
    """Printed on 31/12/2026, section 6 began on a page of its own and left page 13 half empty
    (1 October: nine tenths). The tallest blocks that must not be cut (a chart with its heading and
    caption, a table of at most 5 rows with its heading, a section heading with the quarter page it
    needs) are shorter than a third of a page, so every page but the last is filled to two thirds."""
    pages = printed_pages(as_of)
    assert len(pages) > 8
    filled = [max(item.top + item.height for item in items) / height for items, height in pages]
    assert [(n + 1, round(f, 2)) for n, f in enumerate(filled[:-1]) if f < 2 / 3] == []


def disbursement_layout(browser: str, html: Path) -> dict[str, Any]:
    """Section 4's disbursement table as Chromium lays it out for print on A4 (210 mm less 2 × 12 mm of
    margin: 703 CSS px): its width and the body's, and each cell's text with its number of lines."""
    from websockets.sync.client import connect

    with connect(browser, max_size=64 * 1024 * 1024) as ws:
        tools = DevTools(ws)
        tools.send("Page.enable")
        tools.send("Emulation.setEmulatedMedia", media="print")
        tools.send("Emulation.setScrollbarsHidden", hidden=True)
        tools.send(
            "Emulation.setDeviceMetricsOverride", width=703, height=1000, deviceScaleFactor=1, mobile=False
        )
        tools.events.clear()
        tools.send("Page.navigate", url=html.resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        layout = tools.send(
            "Runtime.evaluate",
            returnByValue=True,
            expression="""(() => {
                const table = document.querySelector('table.nq57-disbursement');
                const body = getComputedStyle(document.body);
                const lines = cell => {
                    const range = document.createRange();
                    range.selectNodeContents(cell);
                    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
                };
                return {
                    table_right: table.getBoundingClientRect().right,
                    body_right: document.body.getBoundingClientRect().right - parseFloat(body.paddingRight),
                    headers: [...table.querySelectorAll('th')].map(th => th.textContent.trim()),
                    rows: [...table.querySelectorAll('tbody tr')].map(
                        tr => [...tr.cells].map(td => [td.textContent.trim(), lines(td)])
                    ),
                    legend: table.closest('.output_area').nextElementSibling.textContent.trim(),
                };
            })()""",
        )["result"]["value"]
        tools.send("Emulation.clearDeviceMetricsOverride")
        tools.send("Emulation.setEmulatedMedia", media="")
        return layout


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2026, 4, 20), dt.date(2026, 12, 31)], ids=str)
def test_the_disbursement_table_reads_on_a_portrait_page(
    browser: str, as_of: dt.date, tmp_path: Path
) -> None:
    """Printed as of 20/04/2026, the ten-column table wrapped "Ngân sách nhà nước" over four lines and
    the departments' names over three. Now every figure, year, funding word and flag is on one line,
    a quarter is never cut ("Quý 1/2026 –" and "Quý 2/2026" for a range), a name takes two lines at
    most (a total's label three), the table is no wider than the page, and the legend line under it
    says what NSNN, Khác and the unit are."""
    from tests.test_notebooks import REAL, page

    html = tmp_path / "briefing.html"
    html.write_text(page("briefing.py", REAL, as_of), encoding="utf-8")
    layout = disbursement_layout(browser, html)
    assert layout["table_right"] <= layout["body_right"] + 0.5
    assert layout["headers"][2:9] == [
        "Nguồn kinh phí",
        "Kỳ báo cáo gần nhất",
        "Kế hoạch",
        "Dự toán",
        "Đã giải ngân",
        "Tỷ lệ giải ngân",
        "Dòng có cảnh báo",
    ]
    rows = layout["rows"]
    assert len(rows) >= 4
    too_tall = []
    for cells in rows:
        (name, name_lines), (period, period_lines) = cells[0], cells[3]
        if name_lines > (3 if name.startswith("Tổng cộng") else 2):
            too_tall.append((name, name_lines))
        if period_lines != period.count("Quý"):
            too_tall.append((period, period_lines))
        too_tall += [(text, lines) for n, (text, lines) in enumerate(cells) if n not in (0, 3) and lines != 1]
    assert too_tall == []
    assert {cells[2][0] for cells in rows} <= {"NSNN", "Khác"}
    assert layout["legend"].startswith(
        "Số tiền: triệu đồng. Tỷ lệ giải ngân: số đã giải ngân so với dự toán."
    )
    assert "NSNN là ngân sách nhà nước; Khác là các nguồn ngoài ngân sách nhà nước" in layout["legend"]
