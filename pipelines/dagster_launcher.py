"""Start the Dagster UI (`make dev`), the daemon (`make daemon`) or the UI alone (`make webserver`)
so that SIGINT or SIGTERM stops it, however it was started, and nothing it started outlives it.

Why a launcher instead of running `dagster dev` from the recipe:

* A job a non-interactive shell starts in the background (``make dev &`` in a script) begins with
  SIGINT and SIGQUIT ignored, and an ignored disposition survives exec. Python then installs no
  KeyboardInterrupt handler, and Dagster's ``setup_interrupt_handlers()`` copies SIGINT's handler
  (``SIG_IGN``) onto SIGTERM: `dagster dev` ignored INT, QUIT and TERM, and so did its code server.
  A shell script cannot undo that (``trap - INT`` does not restore a signal ignored on entry to a
  non-interactive shell); this process installs its own handlers, which exec resets to the default.
* GNU make passes SIGTERM on to its child but not SIGINT (it expects the terminal to have sent it to
  the whole process group): it waits for its child, forever if the child never heard the signal.
  So the launcher also stops when its parent make is stopping (below), or is gone.
* Dagster stops cleanly on one SIGINT to `dagster dev` (it tells the webserver and the daemon to
  stop over their shutdown pipes). Signals sent to make's whole group arrived twice (once from the
  group, once passed on by make) and the second could cut that shutdown short. So Dagster runs in a
  process group of its own, hears only the launcher's one SIGINT, and whatever is left of that group
  when it has stopped (a code server, a run's process) is ended, so the port is free again.

`make dev` while another is running stopped with "address already in use" after starting a daemon
of its own; the port is now checked first and the second one refuses at once.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"  # never every interface: the UI has no login (reach it through an SSH tunnel)
DEFAULT_PORT = 3000
CODE_LOCATION = ("-m", "pipelines.definitions")

# What stops the launcher. SIGHUP only when not ignored on entry: `nohup make dev` asked to keep it.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP)
# After its SIGINT, Dagster has this long to stop (it takes a few seconds; it waits up to a minute
# for a child that does not answer, which the group kill below does sooner).
STOP_GRACE_S = 30.0
# Then anything left in its process group has this long after SIGTERM before SIGKILL.
LEFTOVER_GRACE_S = 10.0
POLL_S = 0.2

EXIT_PORT_IN_USE = 2


def bin_dir() -> Path:
    """The venv's scripts, beside the interpreter running this (`make` runs .venv/bin/python)."""
    return Path(sys.executable).parent


def command(target: str, port: int = DEFAULT_PORT) -> list[str]:
    """The Dagster command of a make target; `deploy/systemd/` runs the same two unattended."""
    scripts = bin_dir()
    if target == "dev":
        return [str(scripts / "dagster"), "dev", *CODE_LOCATION, "-h", HOST, "-p", str(port)]
    if target == "daemon":
        return [str(scripts / "dagster-daemon"), "run", *CODE_LOCATION]
    if target == "webserver":
        return [str(scripts / "dagster-webserver"), *CODE_LOCATION, "-h", HOST, "-p", str(port)]
    raise ValueError(f"unknown target {target!r}")


def serves_a_port(target: str) -> bool:
    return target in ("dev", "webserver")


def port_in_use(host: str, port: int) -> bool:
    """True when something listens on host:port (the bind the webserver would do fails)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a UI just stopped is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def dagster_answers(host: str, port: int) -> bool:
    """True when the program on host:port is a Dagster webserver (its /server_info says so)."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/server_info", timeout=3) as response:
            return b"dagster_webserver_version" in response.read(4096)
    except (OSError, ValueError):
        return False


def port_in_use_message(host: str, port: int) -> str:
    url = f"http://{host}:{port}"
    if dagster_answers(host, port):
        return (
            f"Giao diện Dagster đã chạy tại {url} (một `make dev` hoặc `make webserver` khác): mở địa chỉ "
            "đó, hoặc dừng nó trước khi chạy lại; không khởi động thêm gì. "
            f"(The Dagster UI is already running at {url}: use it, or stop it first; nothing was started.)"
        )
    return (
        f"Cổng {port} đã có chương trình khác dùng ({url}): dừng chương trình đó hoặc chọn cổng khác, "
        f"ví dụ `make dev DAGSTER_PORT={port + 1}`; không khởi động gì. "
        f"(Port {port} is in use by another program: stop it or pick another port; nothing was started.)"
    )


# The parent: GNU make, which does not pass SIGINT (nor SIGHUP, SIGQUIT) on to its child.


def caught_signals(pid: int) -> int | None:
    """The bit mask of signals ``pid`` has a handler for (SigCgt in /proc), None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    except (OSError, ValueError):
        return None
    return None


def is_make(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() in ("make", "gmake")
    except OSError:
        return False


def _mask(signals: tuple[int, ...]) -> int:
    return sum(1 << (sig - 1) for sig in signals)


class ParentWatch:
    """Tells when the process that started the launcher is gone or, for GNU make, stopping.

    On SIGINT, SIGHUP or SIGQUIT, GNU make (4.x, `fatal_error_signal`) sets that signal back to
    its default and waits for its children without passing the signal on; the signal is then no
    longer among those make catches. That change, seen in /proc, is make asking us to stop."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.make = is_make(pid)
        caught = caught_signals(pid) if self.make else None
        self.watched = (caught or 0) & _mask(STOP_SIGNALS)

    def reason(self) -> str | None:
        if os.getppid() != self.pid:
            return "tiến trình cha đã kết thúc (the parent process is gone)"
        if self.watched:
            caught = caught_signals(self.pid)
            if caught is not None and self.watched & ~caught:
                return "make đang dừng vì nhận tín hiệu (make was signalled and is stopping)"
        return None


# Dagster's process group.


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (zombies waiting for init do not count)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def end_group(pgid: int, log: Callable[[str], None]) -> None:
    """SIGTERM, then SIGKILL, whatever is left of Dagster's group (a code server, a run's process)."""
    for sig, grace in ((signal.SIGTERM, LEFTOVER_GRACE_S), (signal.SIGKILL, LEFTOVER_GRACE_S)):
        left = group_members(pgid)
        if not left:
            return
        # Usual after a clean stop: `dagster dev` returns before its code server has ended.
        log(
            f"Dừng nốt {len(left)} tiến trình Dagster còn chạy bằng {sig.name} "
            f"(ending {len(left)} Dagster processes still running): {', '.join(map(str, left))}"
        )
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        deadline = time.monotonic() + grace
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(POLL_S)


def _die_with_launcher() -> None:
    """In Dagster's process, before exec: SIGINT from the kernel if the launcher dies (kill -9),
    since Dagster's group no longer hears the signals sent to make's. Linux only, like /proc."""
    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGINT)


def run(target: str, port: int = DEFAULT_PORT, log: Callable[[str], None] | None = None) -> int:
    """Run the target's Dagster command until it ends or is asked to stop; exit code for make."""
    say = log or (lambda message: print(f"[nq57] {message}", file=sys.stderr, flush=True))
    requested: list[str] = []

    def stop(signum: int, _frame: object) -> None:
        requested.append(signal.Signals(signum).name)

    # Handlers first: a signal from now on is a request to stop. exec resets them to the default
    # in Dagster's process, which is the point (an ignored signal would stay ignored).
    for sig in STOP_SIGNALS:
        if sig == signal.SIGHUP and signal.getsignal(sig) == signal.SIG_IGN:
            continue
        signal.signal(sig, stop)

    if serves_a_port(target) and port_in_use(HOST, port):
        say(port_in_use_message(HOST, port))
        return EXIT_PORT_IN_USE
    if requested:
        return 0  # asked to stop before anything started

    parent = ParentWatch(os.getppid())
    dagster = subprocess.Popen(
        command(target, port),
        stdin=subprocess.DEVNULL,  # its own process group: reading the terminal would stop it
        process_group=0,
        preexec_fn=_die_with_launcher,
    )
    stopping_since: float | None = None
    while True:
        try:
            code = dagster.wait(timeout=POLL_S)
            break
        except subprocess.TimeoutExpired:
            pass
        if stopping_since is None:
            reason = f"nhận {requested[0]} (received {requested[0]})" if requested else parent.reason()
            if reason:
                say(f"Đang dừng Dagster: {reason} (stopping Dagster)")
                stopping_since = time.monotonic()
                with contextlib.suppress(ProcessLookupError):
                    os.kill(dagster.pid, signal.SIGINT)  # what Ctrl-C in its terminal would send
        elif time.monotonic() - stopping_since > STOP_GRACE_S:
            say(f"Dagster chưa dừng sau {STOP_GRACE_S:.0f} s, buộc dừng (not stopped, killing it)")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(dagster.pid, signal.SIGKILL)
    end_group(dagster.pid, say)
    if stopping_since is not None:
        say("Dagster đã dừng (stopped).")
        return 0
    # Nobody asked it to stop: a server that ends by itself failed, whatever its exit code says
    # (`dagster dev` returns 0 after its webserver died on a busy port).
    say(f"Dagster tự dừng, mã thoát {code} (stopped by itself, exit code {code}): xem log phía trên.")
    return code if code else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.dagster_launcher",
        description="Chạy Dagster cho `make dev`, `make daemon`, `make webserver` "
        "(runs Dagster so that SIGINT or SIGTERM stops it and everything it started).",
    )
    parser.add_argument("target", choices=("dev", "daemon", "webserver"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="cổng của giao diện (UI port)")
    args = parser.parse_args(argv)
    return run(args.target, args.port)


if __name__ == "__main__":
    sys.exit(main())
