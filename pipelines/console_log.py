"""The console log of `nq57 refresh`: Dagster's colored lines, without the stack traces.

Dagster writes a failed step's error into its log line: the message, a blank line, then the
exception chain with every frame (≈50 lines for one missing document), above the summary and the
last lines that say which step failed and why. The operator at the console needs those last
lines; the frames are for whoever mends the code. So this logger keeps each line up to its first
blank line and says where the rest is: the run's failure record (pipelines.refresh_state) keeps
every frame, and `nq57 refresh --verbose` prints them as Dagster does. Runs started by the schedule,
the sensor or the UI keep Dagster's own console logger.
"""

from __future__ import annotations

import logging

import dagster as dg

DETAILS_HIDDEN = " […chi tiết kỹ thuật (stack trace) ghi trong tệp lý do; --verbose để in ra đây]"


class WithoutStackTraces(logging.Formatter):
    """Formats with ``inner``, then cuts the text at its first blank line, noting the cut."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        head, blank_line, _details = text.partition("\n\n")
        return head.rstrip() + DETAILS_HIDDEN if blank_line else text


@dg.logger(
    config_schema=dg.colored_console_logger.config_schema,
    description="Dagster's colored console logger, each line cut before its stack trace.",
)
def console_without_stack_traces(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = dg.colored_console_logger.logger_fn(init_context)
    for handler in logger.handlers:
        handler.setFormatter(WithoutStackTraces(handler.formatter))
    return logger
