"""The briefing in a real browser: headless Chromium over the DevTools protocol.

Opens briefing.html from the nightly asset's output and checks what a reader would get: no page
errors, no request leaving the machine (only file: and data: URLs), the Vietnamese headings, chart
images that actually decoded; saves a full-page screenshot. Then the PDF: pdftotext shows the
headings and the Appendix I state-budget total, which must equal the marts' figure.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.pdf_printer import CHROMIUM_FLAGS, find_chromium
from tests.briefing_session import rendered_briefing
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
    assert all("Số liệu ở bảng ngay dưới" in alt for alt in alts)


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


def headings_left_at_a_page_foot(pdf: Path) -> list[tuple[str, str, int]]:
    """(page, heading, lines after it) of each section heading that has, below it on its page, no
    chart and at most 8 lines of text (its introduction, a banner) while the document goes on."""
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as folder:
        # pdftohtml -xml gives every line of text and every image with its position on the page.
        subprocess.run(["pdftohtml", "-xml", "-q", str(pdf), str(Path(folder) / "out")], check=True)
        pages = ET.parse(Path(folder) / "out.xml").getroot().findall("page")
    left = []
    for page in pages[:-1]:
        items = [
            (int(e.get("top")), e.tag, " ".join("".join(e.itertext()).split()))
            for e in page
            if e.tag in ("text", "image")
        ]
        for top, tag, content in items:
            if tag == "text" and content in HEADINGS[1:]:
                below = [item for item in items if item[0] > top]
                if not any(kind == "image" for _, kind, _ in below) and len(below) <= 8:
                    left.append((page.get("number"), content, len(below)))
    return left


@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="needs Debian package poppler-utils")
def test_no_section_heading_is_left_alone_at_the_foot_of_a_pdf_page() -> None:
    # Printed, sections 3, 4 and 6 once began on the last lines of a page, their chart or table on
    # the next one.
    assert headings_left_at_a_page_foot(rendered_briefing().latest / "briefing.pdf") == []
