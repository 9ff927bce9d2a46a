"""The console of `nq57 refresh`: Dagster's lines, each cut before its stack trace."""

from __future__ import annotations

import logging

import dagster as dg

from pipelines.console_log import DETAILS_HIDDEN, WithoutStackTraces, console_without_stack_traces


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("dagster", logging.ERROR, __file__, 1, message, None, None)


def test_a_line_with_an_error_chain_is_cut_at_its_first_blank_line_and_says_so():
    formatter = WithoutStackTraces(logging.Formatter("%(levelname)s - %(message)s"))
    text = formatter.format(
        _record('Execution of step "x" failed.\n\nRuntimeError: hỏng\n\nStack Trace:\n  File "a.py", line 1')
    )
    assert text == 'ERROR - Execution of step "x" failed.' + DETAILS_HIDDEN
    assert formatter.format(_record("tài liệu đọc lại: 2")) == "ERROR - tài liệu đọc lại: 2"


@dg.asset
def broken() -> None:
    raise RuntimeError("Không đọc được bảng thô")


def test_a_failed_run_logs_one_line_per_error_on_the_console(capfd):
    # As `nq57 refresh` runs its job: resolved from the definitions, the console logger replaced.
    definitions = dg.Definitions(assets=[broken], jobs=[dg.define_asset_job("j", selection=[broken])])
    job = definitions.resolve_job_def("j").with_logger_defs({"console": console_without_stack_traces})
    result = job.execute_in_process(
        raise_on_error=False, run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}}
    )
    assert not result.success
    console = capfd.readouterr().err
    assert "Stack Trace" not in console and 'File "' not in console
    failure = [line for line in console.splitlines() if "STEP_FAILURE" in line]
    assert len(failure) == 1 and failure[0].endswith(DETAILS_HIDDEN)
