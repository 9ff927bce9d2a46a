"""Why a refresh run failed, in a line a person can act on, from the run's Dagster events.

A step that raised says so in its STEP_FAILURE event. A run can also fail before any step
runs: a resource that cannot start (the refresh lock still held by another refresh, the dbt
worker) leaves only a RESOURCE_INIT_FAILURE and the run's own failure, whose message alone
("An exception was thrown during execution") tells nobody anything. Both the command line and
the daemon's run-failure sensor record what this returns.
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
    for event in events:
        if event.event_type_value == "PIPELINE_FAILURE":
            error = _error(event)
            return "run", (_innermost(error) if error is not None else event.message or "unknown")
    return "run", "unknown"


def _joined(events: list[Any], stage_of) -> tuple[str, str]:
    stages = list(dict.fromkeys(stage_of(e) for e in events))
    reasons = [f"{stage_of(e)}: {_innermost(_error(e))}" for e in events if _error(e) is not None]
    return ", ".join(stages), "; ".join(dict.fromkeys(reasons)) or "unknown"


def _error(event: Any) -> Any:
    return getattr(event.event_specific_data, "error", None)


def _innermost(error: Any) -> str:
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip()[:REASON_LIMIT]
