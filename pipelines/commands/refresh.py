"""``nq57 refresh``: the nightly refresh job, run from the command line, with a final summary."""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from pipelines.formatting import vn_number
from pipelines.input_warnings import input_warnings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "refresh",
        help="làm mới toàn bộ kho dữ liệu (run the full refresh: extract, build, check, publish)",
        description="Chạy lần làm mới như lịch hằng đêm: trích xuất, dựng marts, kiểm tra, công bố.",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="dựng lại toàn bộ kể cả khi không có dữ liệu mới (rebuild even when nothing changed)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="in cả nhật ký chi tiết của Dagster (print Dagster's debug events too)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.refresh_state import (
        interrupted_reason,
        interrupted_refreshes,
        mark_ended,
        mark_started,
        record_failure,
    )

    # A refresh killed before it could say so (kill -9, a reboot) left its mark: recorded now as the
    # failure it was, so the history has it (nq57 status showed it meanwhile, ST-16).
    for entry in interrupted_refreshes():
        record_failure(None, "?", interrupted_reason(entry))
        Path(entry["path"]).unlink(missing_ok=True)
    mark = mark_started("refresh --full" if args.full else "refresh")
    try:
        return _refresh(args)
    finally:
        mark_ended(mark)


def _refresh(args: argparse.Namespace) -> int:
    from pipelines.briefing import briefing_is_current
    from pipelines.publish import repair_published
    from pipelines.refresh_state import docs_site_is_current, rebuild_scope, record_failure, record_success

    started = time.monotonic()
    started_wall = time.time()  # the run's event log stamps events with wall-clock time
    print("nq57 refresh: bắt đầu (starting) …", flush=True)
    # A published file found corrupt is restored from the last good version before anything else.
    status, restored = repair_published()
    if restored is not None:
        print(f"  khôi phục phiên bản {restored.version} (restored: {status.problem})", flush=True)
    scope = "everything" if args.full else rebuild_scope()
    briefing_needed = True
    if scope == "nothing":
        # Same files, same code as the published warehouse: rebuilding would give the same tables,
        # and the date-dependent reports are views, current whenever they are read. Only the
        # briefing depends on the date, and only when today's is not rendered from this file yet;
        # and the docs site, only when the refresh that published this file failed to remake it.
        print("  không có tệp hay mã nguồn mới: giữ kho đã công bố (no new input: published warehouse kept)")
        briefing_needed = not briefing_is_current()
        docs_needed = not docs_site_is_current()
        if not briefing_needed and not docs_needed:
            print(
                "  bản tin hôm nay đã có, dựng từ đúng kho này: không cần làm lại "
                f"(today's briefing is current; nothing to redo) — {time.monotonic() - started:.1f} s"
            )
            record_success(None, "nothing_to_do")
            return 0
        if docs_needed:
            print(
                "  trang tài liệu dbt chưa khớp mã nguồn: dựng lại (docs site is not current: remade)",
                flush=True,
            )

    if scope != "nothing":
        # dbt loads and parses the project in its own process while this one loads Dagster and
        # extracts the documents; the run's dbt step takes it (pipelines.dbt_worker).
        from pipelines.dbt_worker import start_early

        try:
            start_early()
        except OSError as error:  # the run then starts its own, or runs dbt as dagster-dbt does
            print(f"  không khởi động trước được dbt (no early dbt worker): {error}", flush=True)

    # Fault tests hold the command here: its scope decided, its run not yet holding the lock.
    from pipelines.fault_points import pause_point

    pause_point("refresh_starting")
    # Dagster and the dbt manifest load only when there is work (≈4 s of start-up).
    import dagster as dg

    from pipelines.assets.publishing import REQUESTED_AT_TAG
    from pipelines.definitions import defs, published_version, run_request_for
    from pipelines.run_failure import describe_failure, failure_details

    job = defs.resolve_job_def("refresh")
    if not args.verbose:  # the console's error lines without their stack traces (pipelines.console_log)
        from pipelines.console_log import console_without_stack_traces

        job = job.with_logger_defs({"console": console_without_stack_traces})
    if scope == "submissions":
        print(
            "  chỉ có báo cáo của sở, ngành mới hoặc thay đổi: dựng lại phần báo cáo trên kho đã công bố "
            "(only submissions changed: their models are rebuilt on top of the published warehouse)",
            flush=True,
        )
    # The same run the 02:00 schedule would start for this scope.
    request = run_request_for(scope, briefing=briefing_needed)
    selection = request.asset_selection
    with dg.DagsterInstance.ephemeral() as instance:
        # Dagster's DEBUG events (≈400 lines: every output, every check) are kept in the run's event
        # log for the summary; the console shows what an operator reads: info, warnings, dbt progress.
        log_level = "DEBUG" if args.verbose else "INFO"
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            asset_selection=selection,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            # Began when this command did, before the scope was decided: a rollback made since
            # is not published over.
            tags={**request.tags, REQUESTED_AT_TAG: datetime.fromtimestamp(started_wall, UTC).isoformat()},
        )
        log_entries = instance.all_logs(result.run_id)
    stage_seconds = _stage_seconds(log_entries)
    published = _published_at(log_entries)
    published_after = None if published is None else published - started_wall
    print(summary(result, stage_seconds, time.monotonic() - started, published_after))
    if not result.success:
        stage, reason = describe_failure(result.all_events)
        path = record_failure(result.run_id, stage, reason, failure_details(result.all_events))
        # The last lines an operator reads: what failed and why, without scrolling up to the traces.
        print(
            f"Làm mới thất bại ở bước {stage} (refresh failed at): {reason}\n"
            f"Kho dữ liệu đã công bố trước đó được giữ nguyên (the published warehouse is kept). "
            f"Lý do ghi tại {path}",
            file=sys.stderr,
        )
        return 1
    record_success(
        result.run_id,
        request.tags["nq57/refresh"],
        published_version(result.all_events),
        warnings=input_warnings(result.all_events),
    )
    return 0


def _stage_seconds(log_entries) -> dict[str, float]:
    """Seconds from each step's start to its success or failure, from the run's event log."""
    starts: dict[str, float] = {}
    seconds: dict[str, float] = defaultdict(float)
    for entry in log_entries:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.is_step_start:
            starts[event.step_key] = entry.timestamp
        elif (event.is_step_success or event.is_step_failure) and event.step_key in starts:
            seconds[event.step_key] += entry.timestamp - starts[event.step_key]
    return dict(seconds)


PUBLISH_STEP = "warehouse__published"


def _published_at(log_entries) -> float | None:
    """Wall-clock time the publish step succeeded: from then on analysts read the new warehouse."""
    for entry in log_entries:
        event = entry.dagster_event
        if event is not None and event.step_key == PUBLISH_STEP and event.is_step_success:
            return entry.timestamp
    return None


def summary(
    result, stage_seconds: dict[str, float], total_seconds: float, published_after: float | None = None
) -> str:
    from pipelines.submissions.archive import archive_dir
    from pipelines.submissions.ingest import file_statuses

    lines = ["", "Tóm tắt lần làm mới (refresh summary)", f"  run id: {result.run_id}"]
    materializations = [
        e.event_specific_data.materialization for e in result.all_events if e.is_step_materialization
    ]
    metadata = {m.asset_key.to_user_string(): m.metadata for m in materializations}
    documents = metadata.get("raw/documents", {})
    if "rows" in documents:
        line = f"  tài liệu (documents): {documents['rows'].value}"
        if "documents_from_cache" in documents:
            line += (
                f" — đọc lại {documents['documents_extracted'].value}, "
                f"không đổi nên lấy từ bộ nhớ đệm {documents['documents_from_cache'].value} (read / cached)"
            )
        lines.append(line)
    submissions = metadata.get("raw/submission_files")
    if submissions is not None:
        by_status = submissions["by_status"].value
        lines.append(
            f"  báo cáo của sở, ngành (submissions): {submissions['files'].value} tệp — "
            + (file_statuses(by_status) or "không có")
        )
        rejected = submissions["rejected"].value if "rejected" in submissions else []
        for file in rejected[:REJECTED_SHOWN]:
            # Each needs its report sent back to the department: say which file and where the report is.
            report = f" — báo cáo lỗi: {archive_dir() / file['report']}" if file.get("report") else ""
            lines.append(f"    bị từ chối (rejected): {file['file']}{report}")
        if len(rejected) > REJECTED_SHOWN:
            lines.append(
                f"    … và {len(rejected) - REJECTED_SHOWN} tệp bị từ chối khác: xem marts.dim_submission "
                "(more: see marts.dim_submission)"
            )
        if "files_from_cache" in submissions:
            lines.append(
                f"    kiểm tra lại {submissions['files_validated'].value}, không đổi nên lấy kết quả cũ "
                f"{submissions['files_from_cache'].value} (validated / from cache)"
            )
    docs = metadata.get("docs/dbt_docs_site", {})
    if "reused" in docs:
        lines.append(
            "  trang tài liệu dbt (docs site): "
            + (
                "dùng lại, mã nguồn không đổi (reused)"
                if docs["reused"].value
                # Made beside the briefing after the publish: the docs step's own time below is only
                # its wait for it, which read as a contradiction ("5.8 s" here, "0.3 s" below).
                else f"dựng lại trong {docs['seconds'].value:.1f} s, song song với bản tin; bước "
                "docs__dbt_docs_site dưới đây chỉ là thời gian chờ (generated beside the briefing)"
                if "seconds" in docs
                else "dựng lại (generated)"
            )
        )
    published = metadata.get("warehouse/published")
    if published:
        lines.append(
            f"  công bố (published): phiên bản {published['version'].value} → {published['path'].value}"
        )
        rows = published["rows"].value
        for table, count in sorted(rows.items()):
            lines.append(f"    {table}: {vn_number(count)} dòng")
        lines.extend(_failing_reconciliation(published["path"].value))
    checks = [
        e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    failed_checks = [c for c in checks if not c.passed]
    lines.append(f"  kiểm tra (checks): {len(checks)} chạy, {len(failed_checks)} không đạt")
    for check in failed_checks[:20]:
        lines.append(f"    ✗ {check.asset_key.to_user_string()} · {check.check_name}")
    warnings = input_warnings(result.all_events)
    if warnings:
        # What someone must fix in raw/ (a manifest line, a copy, an unlisted file): the refresh went
        # on without it, so the log's warnings are easy to miss in a run that says "thành công".
        lines.append(f"  cảnh báo về tệp đầu vào (input warnings): {len(warnings)}")
        lines.extend(f"    ! {warning}" for warning in warnings[:INPUT_WARNINGS_SHOWN])
        if len(warnings) > INPUT_WARNINGS_SHOWN:
            lines.append(
                f"    … và {len(warnings) - INPUT_WARNINGS_SHOWN} cảnh báo khác trong nhật ký "
                "(more in the log)"
            )
    lines.append("  thời gian theo bước (seconds per stage):")
    for step, seconds in sorted(stage_seconds.items(), key=lambda item: -item[1]):
        lines.append(f"    {step}: {seconds:.1f} s")
    if published_after is not None:
        # The briefing renders after the publish: analysts can query the new data from this moment.
        lines.append(f"  kho mới đã công bố sau (new warehouse published after): {published_after:.1f} s")
    lines.append(f"  tổng (total): {total_seconds:.1f} s — {'thành công' if result.success else 'THẤT BẠI'}")
    return "\n".join(lines)


INPUT_WARNINGS_SHOWN = 20
REJECTED_SHOWN = 20


def _failing_reconciliation(path: str) -> list[str]:
    from pipelines.warehouse_access import connect_readonly

    try:
        with connect_readonly(Path(path)) as con:
            rows = con.execute(
                "select check_id, severity_vi, stated_value, computed_value from marts.rpt_reconciliation "
                "where status = 'fail' order by severity = 'error' desc, check_id"
            ).fetchall()
    except Exception as error:  # the summary must not hide a successful publish
        return [f"  (không đọc được rpt_reconciliation: {error})"]
    lines = [f"  đối chiếu không khớp (failing reconciliation checks): {len(rows)}"]
    lines.extend(
        f"    {check} ({severity}): ghi {_figure(check, stated)} / tính {_figure(check, computed)}"
        for check, severity, stated, computed in rows
    )
    return lines


def _figure(check_id: str, value) -> str:
    """Amounts and counts in Vietnamese format; the years compared by period checks as printed."""
    if check_id.startswith("PERIOD.") and value is not None:
        return str(int(value))
    return vn_number(value)
