"""The reason a failed refresh records, from the events of real (small) Dagster runs."""

from __future__ import annotations

import dagster as dg

from pipelines.run_failure import describe_failure, failure_details


@dg.asset
def raw_tables() -> None:
    raise RuntimeError("Không đọc được bảng thô plan_items.parquet")


class Lock(dg.ConfigurableResource):
    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        raise RuntimeError("Một lần làm mới khác vẫn đang chạy (another refresh is still running)")


@dg.asset
def briefing(lock: Lock) -> None:
    return None


def test_a_failed_step_names_the_step_and_its_error():
    result = dg.materialize([raw_tables], raise_on_error=False)
    assert not result.success
    stage, reason = describe_failure(result.all_events)
    assert stage == "raw_tables"
    assert reason == "raw_tables: RuntimeError: Không đọc được bảng thô plan_items.parquet"


class PlanMissingError(Exception):
    """An exception of the project's own, as the refresh raises (NoPlanDocumentError)."""


@dg.asset
def plan_items() -> None:
    raise PlanMissingError("Chưa trích xuất được Nghị quyết có Phụ lục I")


def test_an_exception_of_the_project_is_named_by_its_class_alone_not_its_module_path():
    result = dg.materialize([plan_items], raise_on_error=False)
    stage, reason = describe_failure(result.all_events)
    assert (stage, reason) == (
        "plan_items",
        "plan_items: PlanMissingError: Chưa trích xuất được Nghị quyết có Phụ lục I",
    )


def test_a_resource_that_cannot_start_is_named_with_its_error_not_unknown():
    """The run fails before any step: no STEP_FAILURE, and the run's own message says nothing useful."""
    result = dg.materialize([briefing], resources={"lock": Lock()}, raise_on_error=False)
    assert not result.success
    assert not any(e.is_step_failure for e in result.all_events)
    stage, reason = describe_failure(result.all_events)
    assert stage == "briefing (khởi tạo tài nguyên, resources)"
    assert "another refresh is still running" in reason
    # The run failure event alone (what a sensor always has) gives the innermost cause too.
    (run_failure,) = [e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE"]
    assert describe_failure([run_failure]) == ("run", reason.split(": ", 1)[1])


def test_the_details_keep_every_error_in_full_with_its_frames():
    # What the console of `nq57 refresh` leaves out is kept in the failure record.
    result = dg.materialize([raw_tables], raise_on_error=False)
    details = failure_details(result.all_events)
    assert details.startswith("[raw_tables] ")
    assert "RuntimeError: Không đọc được bảng thô plan_items.parquet" in details
    assert 'raise RuntimeError("Không đọc được bảng thô plan_items.parquet")' in details  # the frame's line
    assert failure_details([e for e in result.all_events if not e.is_failure]) == ""


def test_no_failure_event_at_all_says_unknown():
    assert describe_failure([]) == ("run", "unknown")


@dg.asset
def documents() -> None:
    return None


@dg.asset(deps=[documents])
def marts() -> None:
    return None


def test_a_killed_run_names_the_step_it_died_in_and_the_signal():
    """kill -9 or the out-of-memory killer: no step failed, the run's own failure says only that it
    was "marked as failed from outside"; Dagster's code server logs which signal ended the process,
    with the same calls made here on a real run's event log."""
    with dg.instance_for_test() as instance:
        result = dg.materialize([documents, marts], instance=instance)
        run = result.dagster_run
        instance.report_engine_event(
            f"[DagsterApiServer] Run execution process for {run.run_id} was terminated by signal 9 "
            "(SIGKILL). This usually indicates that the process was killed by the operating system "
            "due to running out of memory.",
            run,
        )
        instance.report_run_failed(run)
        events = [record.dagster_event for record in instance.all_logs(run.run_id) if record.dagster_event]
    # The process died inside `marts`: its step started and never ended.
    events = [e for e in events if not (e.step_key == "marts" and e.is_step_success)]
    stage, reason = describe_failure(events)
    assert stage == "marts"
    assert reason.startswith("Tiến trình của lần làm mới bị dừng đột ngột")
    assert f"Run execution process for {run.run_id} was terminated by signal 9 (SIGKILL)" in reason
    assert "[DagsterApiServer]" not in reason


def test_a_killed_run_before_any_step_is_a_run_failure_with_the_signal():
    with dg.instance_for_test() as instance:
        result = dg.materialize([documents], instance=instance)
        run = result.dagster_run
        instance.report_engine_event(
            f"Run execution process for {run.run_id} was terminated by signal 9 (SIGKILL).", run
        )
        events = [record.dagster_event for record in instance.all_logs(run.run_id) if record.dagster_event]
    stage, reason = describe_failure([e for e in events if not e.is_step_event])
    assert stage == "run" and "SIGKILL" in reason


class FolderError(Exception):
    """An exception of the project's own that explains a system error it wraps (WarehouseDirError)."""


@dg.asset
def published() -> None:
    try:
        raise PermissionError(13, "Permission denied", "/srv/nq57/warehouse/.staging-x.duckdb")
    except PermissionError as error:
        raise FolderError(
            "Không có quyền ghi vào thư mục kho dữ liệu /srv/nq57/warehouse; kho dữ liệu hiện tại không "
            "bị thay đổi"
        ) from error


def test_the_projects_explanation_of_a_system_error_is_the_reason_not_the_bare_errno():
    """Operator review, session 12: an unwritable warehouse folder was reported as
    'PermissionError: [Errno 13] Permission denied', the explanation wrapping it skipped."""
    result = dg.materialize([published], raise_on_error=False)
    stage, reason = describe_failure(result.all_events)
    assert stage == "published"
    assert reason == (
        "published: FolderError: Không có quyền ghi vào thư mục kho dữ liệu /srv/nq57/warehouse; kho dữ "
        "liệu hiện tại không bị thay đổi"
    )
    # The system's error is still in the details, for whoever debugs.
    assert "Permission denied" in failure_details(result.all_events)
