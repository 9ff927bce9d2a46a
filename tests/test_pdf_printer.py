"""Printing the briefing to PDF: on a Chromium started ahead (the refresh's) or one started per print.

Real Chromium on the real nightly briefing: both ways give the same A4 pages with the same text;
the warm browser opens no debugging port, ends when the refresh is killed, and a browser that is
gone or refuses the page costs only the head start: the one-shot print takes over.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines import pdf_printer
from pipelines.pdf_printer import PrinterError, WarmPrinter, find_chromium, print_pdf, print_pdf_once
from tests.briefing_session import rendered_briefing
from tests.process_checks import outlives_its_killed_parent

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian package chromium")


@pytest.fixture
def printer() -> Iterator[WarmPrinter]:
    assert CHROMIUM is not None
    warm = WarmPrinter(CHROMIUM)
    try:
        yield warm
    finally:
        warm.close()


@pytest.fixture(scope="module")
def briefing_html() -> Path:
    return rendered_briefing().latest / "briefing.html"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+(.+)", info).group(1).strip()
    return pages, size


def test_warm_print_gives_the_same_pages_and_text_as_a_one_shot_print(
    printer: WarmPrinter, briefing_html: Path, tmp_path: Path
) -> None:
    warm, once = tmp_path / "warm.pdf", tmp_path / "once.pdf"
    printer.print_pdf(briefing_html, warm)
    print_pdf_once(briefing_html, once, CHROMIUM)
    assert warm.read_bytes().startswith(b"%PDF")
    pages, size = pdf_pages(warm)
    assert (pages, size) == pdf_pages(once)
    assert "A4" in size and pages > 3  # the CSS @page size, the whole briefing
    text = pdf_text(warm)
    assert text == pdf_text(once)
    assert "5.861.734 triệu đồng" in re.sub(r"\s+", " ", text)  # Appendix I state budget, from the marts
    assert not (tmp_path / "warm.pdf.tmp").exists()


def test_one_warm_browser_prints_several_pages_and_opens_no_debugging_port(
    printer: WarmPrinter, briefing_html: Path, tmp_path: Path
) -> None:
    small = tmp_path / "small.html"
    small.write_text(
        '<!DOCTYPE html><html lang="vi"><meta charset="utf-8">'
        "<body><h1>Thử in — Sở KH&amp;CN</h1></body></html>",
        encoding="utf-8",
    )
    printer.print_pdf(small, tmp_path / "1.pdf")
    printer.print_pdf(briefing_html, tmp_path / "2.pdf")
    printer.print_pdf(small, tmp_path / "3.pdf")
    assert "Thử in — Sở KH&CN" in pdf_text(tmp_path / "3.pdf")
    assert pdf_pages(tmp_path / "2.pdf")[0] > pdf_pages(tmp_path / "3.pdf")[0] == 1
    # A browser with a debugging port writes it to its profile; on the pipe there is none to write.
    assert not (printer._profile / "DevToolsActivePort").exists()
    listening = Path("/proc/net/tcp").read_text() + Path("/proc/net/tcp6").read_text()
    ports_of_browser = _listening_inodes_of(printer.pid)
    assert not any(inode in listening for inode in ports_of_browser)


def _listening_inodes_of(pid: int) -> set[str]:
    """Socket inodes held by the process and its children (Chromium's helpers)."""
    pids = {pid}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().split()
        except OSError:
            continue
        if int(fields[3]) in pids:
            pids.add(int(fields[0]))
    inodes: set[str] = set()
    for each in pids:
        try:
            for fd in Path(f"/proc/{each}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(f" {target[8:-1]} ")
        except OSError:
            continue
    return inodes


def test_a_missing_page_is_a_printer_error_and_the_browser_keeps_serving(
    printer: WarmPrinter, briefing_html: Path, tmp_path: Path
) -> None:
    with pytest.raises(PrinterError, match="ERR_FILE_NOT_FOUND"):
        printer.print_pdf(tmp_path / "missing.html", tmp_path / "missing.pdf")
    assert not (tmp_path / "missing.pdf").exists()
    printer.print_pdf(briefing_html, tmp_path / "after.pdf")
    assert pdf_pages(tmp_path / "after.pdf")[0] > 3


def test_a_browser_that_died_is_replaced_by_a_one_shot_print(
    printer: WarmPrinter, briefing_html: Path, tmp_path: Path
) -> None:
    os.kill(printer.pid, signal.SIGKILL)
    printer._process.wait(timeout=10)
    with pytest.raises(PrinterError, match="not running"):
        printer.print_pdf(briefing_html, tmp_path / "direct.pdf")
    print_pdf(briefing_html, tmp_path / "briefing.pdf", CHROMIUM, printer)
    assert pdf_pages(tmp_path / "briefing.pdf")[0] > 3


def test_no_answer_in_time_is_a_printer_error(
    printer: WarmPrinter, briefing_html: Path, tmp_path: Path
) -> None:
    with pytest.raises(PrinterError, match="in time"):
        printer.print_pdf(briefing_html, tmp_path / "late.pdf", timeout=0.0)
    assert not (tmp_path / "late.pdf").exists()


def test_close_ends_the_browser_removes_its_profile_and_can_be_repeated() -> None:
    assert CHROMIUM is not None
    warm = WarmPrinter(CHROMIUM)
    profile = warm._profile
    assert warm.is_alive() and profile.is_dir()
    warm.close()
    assert warm._process.poll() is not None and not warm.is_alive()
    assert not profile.exists()
    warm.close()


def test_the_browser_ends_when_the_refresh_that_started_it_is_killed() -> None:
    """kill -9 gives the refresh no chance to close it: its end of the pipe closes and Chromium exits."""
    code = (
        "import time; from pipelines.pdf_printer import WarmPrinter, find_chromium;"
        "p = WarmPrinter(find_chromium()); print(p.pid, flush=True); time.sleep(600)"
    )
    assert not outlives_its_killed_parent(code), "Chromium outlived the killed refresh"


def test_profiles_left_by_a_killed_refresh_are_removed_the_next_day(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / f"{pdf_printer.PROFILE_PREFIX}old"
    stale.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    assert CHROMIUM is not None
    warm = WarmPrinter(CHROMIUM)
    try:
        assert not stale.exists()
        assert warm._profile.parent == tmp_path
    finally:
        warm.close()


def test_a_browser_that_speaks_no_protocol_is_a_printer_error(tmp_path: Path) -> None:
    """Whatever answers on the pipe is checked: garbage is a PrinterError (the one-shot print then
    takes over), never a crash of the briefing."""
    impostor = tmp_path / "not-chromium"
    impostor.write_text("#!/bin/sh\nprintf 'Xin chao\\0' >&4\nexec sleep 30\n", encoding="utf-8")
    impostor.chmod(0o755)
    warm = WarmPrinter(str(impostor))
    try:
        with pytest.raises(PrinterError, match="no JSON"):
            warm.print_pdf(tmp_path / "any.html", tmp_path / "any.pdf", timeout=10)
    finally:
        warm.close(timeout=2)
    assert not warm.is_alive() and not (tmp_path / "any.pdf").exists()


# What a print may do on the network: nothing. A UDP socket connected to a public address (Chromium
# asks the kernel which local address routes there) sends nothing and is allowed.
_NETWORK_USE = re.compile(
    r"send(?:to|msg|mmsg)\(\d+<(?:UDP|TCP)"  # a packet sent on an internet socket
    r"|connect\(\d+<TCP(?:v6)?:\[\d+\]>, \{sa_family=AF_INET6?, sin6?_port=htons\(\d+\), "
    r"(?!sin_addr=inet_addr\(\"127\.)(?!.*\"::1\")"  # a TCP connection, but to this machine
    r"|htons\(53\)"  # the DNS port
)


@pytest.mark.skipif(
    subprocess.run(["which", "strace"], capture_output=True).returncode != 0,
    reason="needs Debian package strace",
)
def test_printing_sends_nothing_over_the_network_not_even_a_dns_query(tmp_path: Path) -> None:
    """Operator review, session 12: with --disable-background-networking Chromium still asked the
    resolver for clients2.google.com, accounts.google.com and update.googleapis.com on every print."""
    html = tmp_path / "page.html"
    html.write_text(
        '<!DOCTYPE html><html lang="vi"><body><h1>Bản tin</h1><p>5.861.734 triệu đồng</p>'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAH'
        'ggJ/PchI7wAAAABJRU5ErkJggg==" alt="x"></body></html>',
        encoding="utf-8",
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipelines.pdf_printer import WarmPrinter, find_chromium, print_pdf_once\n"
        "html, out, chromium = Path(sys.argv[1]), Path(sys.argv[2]), find_chromium()\n"
        "print_pdf_once(html, out / 'once.pdf', chromium)\n"
        "warm = WarmPrinter(chromium)\n"
        "try:\n"
        "    warm.print_pdf(html, out / 'warm.pdf')\n"
        "finally:\n"
        "    warm.close()\n"
    )
    trace = tmp_path / "trace.txt"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-yy",
            "-e",
            "trace=connect,sendto,sendmsg,sendmmsg",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            script,
            str(html),
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert (tmp_path / "once.pdf").stat().st_size > 1000 and (tmp_path / "warm.pdf").stat().st_size > 1000
    lines = trace.read_text(errors="replace").splitlines()
    assert any("connect(" in line for line in lines)  # the trace saw the browser's sockets at all
    assert [line[:200] for line in lines if _NETWORK_USE.search(line)] == []
