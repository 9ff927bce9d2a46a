"""Why a refresh run failed, in a line a person can act on, from the run's Dagster events.

A step that raised says so in its STEP_FAILURE event. A run can also fail before any step
runs: a resource that cannot start (the refresh lock still held by another refresh, the dbt
worker) leaves only a RESOURCE_INIT_FAILURE and the run's own failure, whose message alone
("An exception was thrown during execution") tells nobody anything. Both the command line and
the daemon's run-failure sensor record what this returns. A run whose process was killed has
neither: Dagster's code server notices the dead process and logs why (an ENGINE_EVENT), which
names the signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

REASON_LIMIT = 500


def describe_failure(events: Iterable[Any]) -> tuple[str, str]:
    """(stage, reason) of a failed run: the failed steps and their errors; else the resources that
    could not start; else the run's own error (the innermost cause, which names what went wrong)."""
    events = list(events)
    steps = [e for e in events if e.is_step_failure]
    if steps:
        return _joined(steps, lambda e: e.step_key)
    resources = [e for e in events if e.event_type_value == "RESOURCE_INIT_FAILURE"]
    if resources:
        return _joined(resources, lambda e: f"{e.step_key or 'run'} (khởi tạo tài nguyên, resources)")
    crash = next((e for e in events if _is_crash_report(e)), None)
    if crash is not None:
        return _crash(events, crash)
    for event in events:
        if event.event_type_value == "PIPELINE_FAILURE":
            error = _error(event)
            return "run", (_innermost(error) if error is not None else event.message or "unknown")
    return "run", "unknown"


def failure_details(events: Iterable[Any]) -> str:
    """Every error of a failed run in full (message, cause chain, stack frames), as Dagster prints
    them: kept in the failure record, since the command line's console shows only their first line."""
    texts = [
        f"[{e.step_key or 'run'}] {_error(e).to_string()}"
        for e in events
        if (e.is_step_failure or e.event_type_value in ("RESOURCE_INIT_FAILURE", "PIPELINE_FAILURE"))
        and _error(e) is not None
    ]
    return "\n".join(dict.fromkeys(texts))


# What Dagster's code server logs when the process of a run it launched died without ending the
# run (kill -9, the kernel's out-of-memory killer): the run's own failure then only says it "has
# been marked as failed from outside the execution context".
_CRASH_MARKER = "Run execution process for"


def _is_crash_report(event: Any) -> bool:
    return event.event_type_value == "ENGINE_EVENT" and _CRASH_MARKER in (event.message or "")


def _crash(events: list[Any], crash: Any) -> tuple[str, str]:
    """The step the dead process was in (started, never ended), and the code server's explanation."""
    ended = {e.step_key for e in events if e.is_step_success or e.is_step_failure or e.is_step_skipped}
    running = [e.step_key for e in events if e.is_step_start and e.step_key not in ended]
    explanation = crash.message[crash.message.index(_CRASH_MARKER) :].strip()
    reason = (
        "Tiến trình của lần làm mới bị dừng đột ngột, giữa chừng (thường do hết bộ nhớ hoặc bị tắt); "
        f"kho dữ liệu công bố trước đó vẫn nguyên vẹn (the run's process died): {explanation}"
    )
    return (running[-1] if running else "run"), reason[:REASON_LIMIT]


def _joined(events: list[Any], stage_of) -> tuple[str, str]:
    stages = list(dict.fromkeys(stage_of(e) for e in events))
    reasons = [f"{stage_of(e)}: {_innermost(_error(e))}" for e in events if _error(e) is not None]
    return ", ".join(stages), "; ".join(dict.fromkeys(reasons)) or "unknown"


def _is_explained(error: Any) -> bool:
    """An error of a class defined in a module other than Dagster's: its message is written as
    ``module.Class: …`` (a builtin's as ``Class: …``)."""
    name = getattr(error, "cls_name", None)
    head = (getattr(error, "message", "") or "").strip().partition(": ")[0]
    return bool(name) and head.endswith("." + name) and not head.startswith("dagster")


def _error(event: Any) -> Any:
    return getattr(event.event_specific_data, "error", None)


def _innermost(error: Any) -> str:
    """The reason to show: the innermost error, unless the code wrapped it in one of its own.

    Dagster's error wraps the step's; a step's error may wrap the system's ("raise
    WarehouseDirError(…) from PermissionError"): the wrapper says in Vietnamese what happened and
    what to do, the system's error only "[Errno 13] Permission denied". So the innermost error
    raised by an exception class of a module (not a builtin, not Dagster's) wins over its causes."""
    chain = [error]
    while getattr(chain[-1], "cause", None) is not None:
        chain.append(chain[-1].cause)
    explained = [e for e in chain if _is_explained(e)]
    error = explained[-1] if explained else chain[-1]
    message = error.message.strip()
    # Dagster writes the class with its module ("pipelines.assets.submissions.NoPlanDocumentError:
    # …"): the operator reads the class name alone, as Python prints builtins ("RuntimeError: …").
    name = getattr(error, "cls_name", None)
    head, separator, rest = message.partition(": ")
    if name and separator and head.endswith("." + name):
        message = f"{name}: {rest}"
    return message[:REASON_LIMIT]
