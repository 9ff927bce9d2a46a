"""Print the briefing's HTML to PDF with headless Chromium: one-shot, or on a browser started ahead.

One-shot (``print_pdf_once``) is ``chromium --print-to-pdf``: simple, but starting Chromium is most
of its ≈1.5 s. The nightly refresh publishes first and renders the briefing after, so that start
would come after the publish; instead the refresh starts a ``WarmPrinter`` when its run starts and
the PDF then costs only the print (≈0.5 s).

The warm browser is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages ending in a NUL byte, Chromium reads fd 3 and writes fd 4), not on a TCP port: a port on
127.0.0.1 would let any local user drive a browser that reads our files. The pipe also ends the
browser by itself when the refresh is killed: its end of the pipe closes and Chromium exits.

Both ways print with what ``--print-to-pdf`` uses (backgrounds on, the page size from the CSS
``@page``, no header or footer), so a briefing's PDF is the same whichever way it was printed.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from pipelines.stale_temp import remove_stale_folders

LOG = logging.getLogger(__name__)

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# Flags that keep Chromium from calling home (updates, sync, safe-browsing lists) and run it as root.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    # The page is a file with its images inline: nothing to look up. Without these Chromium still
    # asked the resolver for clients2.google.com, accounts.google.com and update.googleapis.com
    # on every print (strace, session 12), despite --disable-background-networking.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--dns-prefetch-disable",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-features=DnsOverHttps,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,Translate",
)
PROFILE_PREFIX = "nq57_chromium_"
PRINT_TIMEOUT_S = 120
# Page.printToPDF options equal to what `--print-to-pdf --no-pdf-header-footer` prints with.
PRINT_OPTIONS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


class PrinterError(RuntimeError):
    """The warm browser could not print (gone, timed out, or refused the page)."""


def find_chromium() -> str | None:
    """The Chromium executable (env NQ57_CHROMIUM overrides), or None."""
    override = os.environ.get("NQ57_CHROMIUM")
    if override:
        return override
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _new_profile() -> Path:
    """A throwaway Chromium profile folder; profiles of killed runs older than a day are removed."""
    remove_stale_folders(PROFILE_PREFIX)
    return Path(tempfile.mkdtemp(prefix=PROFILE_PREFIX))


def print_pdf_once(html: Path, pdf: Path, chromium: str) -> None:
    """Print the HTML to PDF with a Chromium started for this print only, in a throwaway profile."""
    profile = _new_profile()
    tmp = pdf.with_suffix(".pdf.tmp")
    try:
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=PRINT_TIMEOUT_S,
        )
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium wrote no PDF for {html}")
        tmp.replace(pdf)
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


def print_pdf(html: Path, pdf: Path, chromium: str, printer: WarmPrinter | None = None) -> None:
    """Print on ``printer`` when one was started ahead; one-shot when there is none or it fails."""
    if printer is not None:
        try:
            printer.print_pdf(html, pdf)
            return
        except PrinterError as error:
            LOG.warning("warm Chromium could not print (%s); printing with a new one", error)
    print_pdf_once(html, pdf, chromium)


class WarmPrinter:
    """A headless Chromium started ahead of the briefing, driven over a DevTools pipe.

    Starting returns at once (the browser starts in the background while the refresh works); the
    first print waits for it. Not thread-safe: one caller at a time, as the refresh's one briefing.
    """

    def __init__(self, chromium: str) -> None:
        self._profile = _new_profile()
        browser_reads, self._to_browser = os.pipe()
        self._from_browser, browser_writes = os.pipe()
        try:
            # Chromium wants the pipe on fds 3 and 4. subprocess can renumber only stdin and stdout
            # (preexec_fn could do more but is unsafe in a process with threads, as Dagster's), so
            # the pipe comes in as stdin and stdout and the shell moves it to 3 and 4 (single-digit
            # fds: dash takes no others), then exec leaves no shell behind.
            self._process = subprocess.Popen(
                [
                    "/bin/sh",
                    "-c",
                    'exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null',
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={self._profile}",
                    "--remote-debugging-pipe",
                    "about:blank",
                ],
                stdin=browser_reads,
                stdout=browser_writes,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            for fd in (self._to_browser, self._from_browser):
                os.close(fd)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        finally:
            os.close(browser_reads)
            os.close(browser_writes)
        self._ids = itertools.count(1)
        self._buffer = bytearray()
        self._events: list[dict[str, Any]] = []
        self._closed = False

    @property
    def pid(self) -> int:
        return self._process.pid

    def is_alive(self) -> bool:
        return not self._closed and self._process.poll() is None

    def print_pdf(self, html: Path, pdf: Path, timeout: float = PRINT_TIMEOUT_S) -> None:
        """Print the HTML file to ``pdf`` (written whole, then renamed into place)."""
        if not self.is_alive():
            raise PrinterError("the browser is not running")
        deadline = time.monotonic() + timeout
        self._events.clear()  # events of earlier prints belong to their closed pages
        target = self._call("Target.createTarget", deadline, url="about:blank")["targetId"]
        try:
            session = self._call("Target.attachToTarget", deadline, targetId=target, flatten=True)[
                "sessionId"
            ]
            self._call("Page.enable", deadline, session=session)
            navigated = self._call("Page.navigate", deadline, session=session, url=html.resolve().as_uri())
            if navigated.get("errorText"):
                raise PrinterError(f"could not open {html}: {navigated['errorText']}")
            self._wait_for("Page.loadEventFired", session, deadline)
            data = self._call("Page.printToPDF", deadline, session=session, **PRINT_OPTIONS)["data"]
        finally:
            if self.is_alive():
                self._call("Target.closeTarget", deadline, targetId=target)
        content = base64.b64decode(data)
        if not content.startswith(b"%PDF"):
            raise PrinterError(f"Chromium returned no PDF for {html}")
        tmp = pdf.with_suffix(".pdf.tmp")
        tmp.write_bytes(content)
        tmp.replace(pdf)

    def close(self, timeout: float = 10) -> None:
        """Close the browser and remove its profile (idempotent)."""
        if self._closed:
            return
        try:
            if self._process.poll() is None:
                try:
                    self._send("Browser.close")
                    self._process.wait(timeout=timeout)
                except (OSError, subprocess.TimeoutExpired):
                    self._process.kill()
                    self._process.wait(timeout=timeout)
        finally:
            self._closed = True
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._profile, ignore_errors=True)

    def _send(self, method: str, session: str | None = None, **params: Any) -> int:
        call_id = next(self._ids)
        message: dict[str, Any] = {"id": call_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data) :]
        return call_id

    def _call(
        self, method: str, deadline: float, session: str | None = None, **params: Any
    ) -> dict[str, Any]:
        try:
            call_id = self._send(method, session, **params)
        except OSError as error:  # BrokenPipeError: the browser is gone
            raise PrinterError(f"{method}: {error}") from error
        while True:
            message = self._receive(deadline)
            if message.get("id") == call_id:
                if "error" in message:
                    raise PrinterError(f"{method}: {message['error'].get('message', message['error'])}")
                return message.get("result", {})
            self._events.append(message)

    def _wait_for(self, event: str, session: str, deadline: float) -> None:
        def seen() -> bool:
            return any(e.get("method") == event and e.get("sessionId") == session for e in self._events)

        while not seen():
            self._events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict[str, Any]:
        """The next whole message from the browser; PrinterError when it is gone or the time is up."""
        searched = 0
        while (end := self._buffer.find(b"\0", searched)) < 0:
            searched = len(self._buffer)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PrinterError("the browser did not answer in time")
            readable, _, _ = select.select([self._from_browser], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise PrinterError("the browser closed its pipe")
            self._buffer += chunk
        raw = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        try:
            message = json.loads(raw)
        except ValueError as error:  # not the protocol: treat the browser as unusable
            raise PrinterError(f"the browser sent no JSON: {raw[:80]!r}") from error
        return message
