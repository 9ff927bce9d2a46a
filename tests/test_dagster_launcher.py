"""`make dev`, `make webserver` and `make daemon` stop on SIGINT or SIGTERM however they were started,
and leave no process behind and the port free (pipelines/dagster_launcher.py).

Real make, real Dagster, on a free port (never 3000: someone's UI may be on it) and a throwaway
instance. Started as a script's background job starts them: SIGINT and SIGQUIT ignored, which is
what made `dagster dev` and its children ignore SIGTERM too before the launcher."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Collection
from pathlib import Path

import pytest

from pipelines import dagster_launcher
from tests.process_checks import is_running
from tests.test_deploy import instance_home

ROOT = Path(__file__).resolve().parents[1]
# Bounds for a hang, not speed: Dagster takes ≈20 s to serve on this 2-core machine, seconds to stop.
START_TIMEOUT_S = 240
STOP_TIMEOUT_S = dagster_launcher.STOP_GRACE_S + 3 * dagster_launcher.LEFTOVER_GRACE_S


def signal_masks(pids: Collection[int]) -> str:
    """The pending, blocked, ignored and caught signal masks of each process, from /proc."""
    lines = []
    for pid in sorted(pids):
        try:
            status = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        masks = " ".join(
            line.replace("\t", "")
            for line in status
            if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"))
        )
        lines.append(f"{pid}: {masks}")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((dagster_launcher.HOST, 0))
        return probe.getsockname()[1]


def as_a_background_job() -> None:
    """What a non-interactive shell does to `make dev &`: SIGINT and SIGQUIT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGQUIT, signal.SIG_IGN)


def as_from_a_terminal() -> None:
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


@pytest.fixture
def quiet_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a Dagster instance whose sensor finds nothing to refresh: empty inputs,
    and a published warehouse built from them (a refresh would only load the machine)."""
    from pipelines.refresh_state import current_inputs

    folders = {
        "NQ57_WAREHOUSE_DIR": tmp_path / "warehouse",
        "NQ57_DOCUMENTS_DIR": tmp_path / "documents",
        "NQ57_SUBMISSIONS_DIR": tmp_path / "submissions",
    }
    for variable, folder in folders.items():
        folder.mkdir()
        monkeypatch.setenv(variable, str(folder))
    warehouse = folders["NQ57_WAREHOUSE_DIR"]
    (warehouse / "warehouse.duckdb").write_bytes(b"")
    (warehouse / "warehouse.duckdb.json").write_text(
        json.dumps({"input_hashes": current_inputs()}), encoding="utf-8"
    )
    env = {**os.environ, **{variable: str(folder) for variable, folder in folders.items()}}
    for variable in ("NQ57_DUCKDB_PATH", "NQ57_RAW_DIR"):
        env.pop(variable, None)
    env["DAGSTER_HOME"] = str(instance_home(tmp_path))
    return env


class Make:
    """One real `make <target>` and every process under it, as they were once Dagster was up."""

    def __init__(self, target: str, env: dict[str, str], log: Path, port: int, started_as: Callable) -> None:
        self.target, self.log, self.port = target, log, port
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    "make",
                    "--no-print-directory",
                    target,
                    f"DAGSTER_PORT={port}",
                    f"DAGSTER_HOME={env['DAGSTER_HOME']}",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own, as a shell's job has
                preexec_fn=started_as,
            )
        self.seen: set[int] = set()
        self.groups: set[int] = set()

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                ended = f"make {self.target} ended ({self.process.returncode}) before {what}"
                pytest.fail(f"{ended}:\n{self.text()[-4000:]}")
            time.sleep(0.5)
        pytest.fail(f"timed out waiting for {what}; log:\n{self.text()[-4000:]}")

    def wait_until_up(self) -> None:
        if self.target == "daemon":
            self.wait_until(
                lambda: "Checking for new runs for sensor" in self.text(),
                "the daemon's sensors",
                START_TIMEOUT_S,
            )
        else:
            self.wait_until(
                lambda: dagster_launcher.dagster_answers(dagster_launcher.HOST, self.port),
                "the UI",
                START_TIMEOUT_S,
            )
        self.snapshot()
        assert len(self.seen) >= 4, self.seen  # make, the launcher, Dagster and its code server at least
        assert len(self.groups) == 2  # make's (with the launcher) and Dagster's own

    def snapshot(self) -> None:
        for pid in descendants(self.process.pid):
            try:
                self.groups.add(os.getpgid(pid))
            except ProcessLookupError:
                continue
            self.seen.add(pid)

    def left(self) -> set[int]:
        """What still runs of every process seen, or of their process groups."""
        in_groups = {pid for group in self.groups for pid in dagster_launcher.group_members(group)}
        return {pid for pid in self.seen if is_running(pid)} | in_groups

    def wait_until_gone(self) -> None:
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.left() and time.monotonic() < deadline:
            time.sleep(0.5)
        left = {pid: command_line(pid) for pid in self.left()}
        # Once in a full suite under load (session 15) make and the launcher were both still there and
        # the launcher had said nothing: their signal masks say whether the signal was blocked,
        # ignored or never handled.
        assert not left, f"still running: {left}\n{signal_masks(left)}\n{self.text()[-3000:]}"
        self.process.wait(timeout=10)
        assert not dagster_launcher.port_in_use(dagster_launcher.HOST, self.port)

    def kill_what_is_left(self) -> None:
        self.snapshot()
        for pid in self.left():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:150]
    except OSError:
        return "(gone)"


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


@pytest.fixture
def make_target(tmp_path: Path, quiet_instance: dict[str, str]):
    started: list[Make] = []

    def start(target: str, started_as: Callable = as_a_background_job, port: int | None = None) -> Make:
        make = Make(
            target, quiet_instance, tmp_path / f"{target}-{len(started)}.log", port or free_port(), started_as
        )
        started.append(make)
        return make

    yield start
    for make in started:  # a failed test must not leave a UI running either
        make.kill_what_is_left()


@pytest.mark.slow
def test_make_dev_in_the_background_refuses_a_second_and_stops_on_sigterm_to_make(make_target):
    """One UI started as `make dev &` from a script (SIGINT ignored): a second `make dev` on its port
    refuses at once and starts nothing (it used to leave a daemon of its own running); SIGTERM to the
    first make then stops everything (it used to wait forever). One start for both: a UI takes ~15 s."""
    first = make_target("dev")
    first.wait_until_up()
    second = make_target("dev", port=first.port)
    assert second.process.wait(timeout=120) != 0
    assert "Giao diện Dagster đã chạy tại" in second.text() and "already running" in second.text()
    assert "Launching Dagster services" not in second.text()
    assert [pid for pid in descendants(second.process.pid) if is_running(pid)] == []
    assert dagster_launcher.dagster_answers(dagster_launcher.HOST, first.port)  # the first one untouched
    os.kill(first.process.pid, signal.SIGTERM)  # make passes it on to its child, the launcher
    first.wait_until_gone()
    assert "Dagster services shut down" in first.text()  # Dagster's own clean shutdown, not a kill


@pytest.mark.slow
def test_sigint_to_make_alone_stops_dev_started_from_a_terminal(make_target):
    """GNU make does not pass SIGINT on (the terminal sends it to every process of the job): it
    waited for its child forever. The launcher sees make stopping and stops Dagster."""
    dev = make_target("dev", started_as=as_from_a_terminal)
    dev.wait_until_up()
    os.kill(dev.process.pid, signal.SIGINT)
    dev.wait_until_gone()


@pytest.mark.slow
def test_sigterm_to_the_group_of_make_webserver_stops_everything(make_target):
    webserver = make_target("webserver")
    webserver.wait_until_up()
    os.killpg(webserver.process.pid, signal.SIGTERM)  # as systemd or `kill -- -PGID` does
    webserver.wait_until_gone()


@pytest.mark.slow
def test_sigint_to_the_group_of_make_daemon_stops_everything(make_target):
    daemon = make_target("daemon")
    daemon.wait_until_up()
    os.killpg(daemon.process.pid, signal.SIGINT)  # make ignores it here: the launcher does not
    daemon.wait_until_gone()


def test_a_port_another_program_holds_is_named_as_such(tmp_path):
    with socket.socket() as holder:
        holder.bind((dagster_launcher.HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert dagster_launcher.port_in_use(dagster_launcher.HOST, port)
        message = dagster_launcher.port_in_use_message(dagster_launcher.HOST, port)
    assert "chương trình khác" in message and "another program" in message
    assert f"DAGSTER_PORT={port + 1}" in message
    assert not dagster_launcher.port_in_use(dagster_launcher.HOST, port)
