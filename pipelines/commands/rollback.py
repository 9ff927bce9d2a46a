"""``nq57 rollback [--to VERSION] [--reason TEXT]``: put back a kept published version (undo a bad publish).

The refresh keeps the last few published versions (``warehouse/published``). When a night
published wrong figures (a wrong document or report dropped in raw/), an operator puts the version
before it (or an older one) back, atomically, as the nightly restore of a damaged file does, and
re-renders today's briefing from it so the briefing and the warehouse agree again. The versions
newer than the one put back are dropped (a refresh makes them again from raw/).

A rollback changes the warehouse, not raw/ nor the submission archive: the next refresh rebuilds
from what it finds there. So the command lists the inputs that differ and the archived reports the
version put back did not load, and says what to do before the 02:00 run publishes them again: a
document is moved out of raw/documents; a report, archived on receipt, is loaded again even once
moved out of raw/, so it is withdrawn with `nq57 withdraw` (ROLLBACK_REMEDY_VI).
Exit 0 done, 2 not done (a refresh is running, no such version, nothing intact to restore).
"""

from __future__ import annotations

import argparse
import sys

EXIT_NOT_DONE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rollback",
        help="quay lại một phiên bản kho đã công bố trước đó (put back a kept published version)",
        description=(
            "Thay kho dữ liệu đang công bố bằng phiên bản trước đó (hoặc phiên bản --to) và dựng lại bản tin "
            "hôm nay từ nó (undo a bad publish: put back the previous kept version, re-render the briefing)."
        ),
    )
    parser.add_argument(
        "--to",
        metavar="VERSION",
        help="phiên bản cũ hơn cần quay lại (an older kept version; `nq57 status` lists them)",
    )
    parser.add_argument(
        "--reason", default="", help="lý do, ghi vào hồ sơ công bố (why; recorded in the sidecar)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.briefing import render_briefing
    from pipelines.publish import PublishError, list_versions, restore_previous, verify_published
    from pipelines.refresh_lock import RefreshBusyError, RefreshLock
    from pipelines.refresh_state import current_inputs
    from pipelines.warehouse_access import published_path
    from pipelines.warehouse_status import (
        ROLLBACK_REMEDY_VI,
        changed_inputs,
        describe_input_change,
        published_again,
        reports_loaded_again,
    )

    lock = RefreshLock()
    try:
        lock.acquire(timeout=0)
    except RefreshBusyError:
        print(
            "Đang có lần làm mới chạy trên kho này; hãy quay lại sau khi nó kết thúc "
            "(a refresh is running: roll back after it ends).",
            file=sys.stderr,
        )
        return EXIT_NOT_DONE
    try:
        in_use = verify_published().version
        if args.to is None and not any(in_use is None or r["version"] < in_use for r in list_versions()):
            print(
                f"Không có phiên bản nào cũ hơn phiên bản đang dùng {in_use} để quay lại "
                "(no older kept version to roll back to).",
                file=sys.stderr,
            )
            return EXIT_NOT_DONE
        reason = args.reason or "quay lại phiên bản trước (rollback by an operator)"
        try:
            restored = restore_previous(
                reason=reason, skip_current=args.to is None, version=args.to, lock_timeout=60, rollback=True
            )
        except PublishError as error:
            print(f"Không quay lại được (rollback not done): {error}", file=sys.stderr)
            return EXIT_NOT_DONE
        replaced = restored.previous_status.version
        print(f"Đã quay lại phiên bản {restored.version} (rolled back), thay cho {replaced}.")
        kept = list_versions()
        record = next((r for r in kept if r["version"] == restored.version), {})
        dropped = [r["version"] for r in kept if r["version"] > restored.version]
        if dropped:
            # pipelines.publish drops them at its next publish or restore: after a rollback they are
            # the same as copies of a publish killed before its replace, and a refresh makes them again.
            print(
                "Các phiên bản mới hơn sẽ bị bỏ ở lần công bố tới (newer versions are dropped): "
                + ", ".join(dropped)
            )
        recorded_inputs = record.get("input_hashes") or {}
        current = current_inputs()
        changed = changed_inputs(recorded_inputs, current)
        reloaded = reports_loaded_again(published_path(), recorded_inputs, current)
        # What the operator must deal with: not a withdrawal, nor a withdrawn report still in raw/
        # (counted and listed, they read as files to withdraw, and withdrawing one again is refused).
        again = published_again(changed, current)
        if again or reloaded:
            print(
                f"Lưu ý: lần làm mới tới (02:00) sẽ dựng lại kho từ {len(again) + len(reloaded)} tệp (hoặc "
                f"mã nguồn) mà phiên bản này không có. {ROLLBACK_REMEDY_VI} (The next refresh rebuilds "
                "from these. A document: move it out of raw/documents. A department's report is archived "
                "and loaded again even when moved out of raw/: withdraw it with `nq57 withdraw FILE "
                "--reason TEXT`, which keeps it out of the figures.)"
            )
            for key in again:
                print(f"  · {describe_input_change(key, recorded_inputs, current)}")
            for report in reloaded:
                print(f"  · {report}")
        try:
            briefing = render_briefing()
        except Exception as error:  # the warehouse is rolled back either way; say what is left to do
            print(
                f"Chưa dựng lại được bản tin (briefing not re-rendered): {error}. Chạy `nq57 briefing`.",
                file=sys.stderr,
            )
            return 0
        print(f"Bản tin hôm nay đã dựng lại từ phiên bản này (briefing re-rendered): {briefing.folder}")
        return 0
    finally:
        lock.release()
