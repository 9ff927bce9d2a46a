"""``nq57 withdraw FILE --reason TEXT | FILE --undo | --list | --history``: take a wrong report out, kept.

A department's report is archived on receipt, and the archive, not raw/submissions, is what every
refresh loads: moving a wrong file (another department's figures, a test file sent by mistake,
figures the department disowns) out of raw/ does not take it out of the warehouse. Withdrawing it
does, without deleting anything: the archive keeps the copy, the registry records when, by whom and
why (pipelines.submissions.withdrawal), and from the next refresh on the file is listed in
``marts.dim_submission`` with status 'withdrawn' and loaded nowhere; the version before it is in force
again. ``--undo`` (or ``--restore``) puts it back; ``--list`` shows what is withdrawn, ``--history``
every withdrawal and undo ever made (an undo clears the registry's columns, not the history).

FILE is the file name as received, its path in raw/submissions, or a sha256 prefix (``--list`` and
``marts.dim_submission`` show them). Exit 0 done, 2 not done (no such file, several, no reason, a
refresh running, a damaged registry).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.submissions.archive import ArchiveEntry

EXIT_NOT_DONE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "withdraw",
        help="rút một báo cáo sai khỏi số liệu, vẫn lưu tệp (withdraw a wrong report, keeping it)",
        description=(
            "Rút một báo cáo của sở, ngành khỏi số liệu mà không xoá: tệp vẫn được lưu, lần làm mới tới "
            "liệt kê nó với trạng thái 'đã rút' và không nạp; phiên bản trước đó có hiệu lực lại (withdraw "
            "an archived report: kept, listed as withdrawn, never loaded; the version before it is in force "
            "again)."
        ),
    )
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help=(
            "tên tệp, đường dẫn trong raw/submissions hoặc đầu mã sha256 "
            "(file name, inbox path or sha256 prefix)"
        ),
    )
    parser.add_argument("--reason", default="", help="lý do rút, bắt buộc (why; required to withdraw)")
    parser.add_argument(
        "--undo",
        "--restore",
        dest="undo",
        action="store_true",
        help="đưa tệp đã rút trở lại số liệu (put a withdrawn report back)",
    )
    parser.add_argument("--list", action="store_true", help="liệt kê các tệp đã rút (list withdrawn reports)")
    parser.add_argument(
        "--history",
        action="store_true",
        help="mọi lần rút và đưa lại, cũ trước (every withdrawal and undo, oldest first)",
    )
    parser.set_defaults(handler=run)


def refuse(text: str) -> int:
    print(text, file=sys.stderr)
    return EXIT_NOT_DONE


def run(args: argparse.Namespace) -> int:
    from pipelines.paths import submissions_dir
    from pipelines.refresh_lock import RefreshBusyError, RefreshLock
    from pipelines.submissions.archive import RegistryDamagedError, archive_dir, load_registry

    # An option that would be ignored is refused: an operator who typed a reason with --undo, or a file
    # with --list, expects it to be used.
    listing = args.list or args.history
    if listing and (args.file or args.undo or args.reason or (args.list and args.history)):
        return refuse(
            "--list và --history không đi cùng tên tệp, --undo, --reason hay với nhau "
            "(--list and --history take nothing else)."
        )
    if args.history:
        return show_history()
    if args.undo and args.reason.strip():
        return refuse(
            "--undo không cần lý do, và lý do không được ghi lại: bỏ --reason rồi chạy lại "
            "(--undo takes no --reason; it would not be recorded)."
        )
    if args.list:
        return show_withdrawn()
    if not args.file:
        return refuse("Hãy cho biết tệp cần rút (name the file: FILE, or --list).")
    reason = " ".join(args.reason.split())  # one line in the registry and in every listing
    if not args.undo and not reason:
        return refuse(
            'Phải ghi lý do rút tệp: --reason "…" (a reason is required: it is shown wherever the file is '
            "listed)."
        )
    lock = RefreshLock()
    try:
        lock.acquire(timeout=0)
    except RefreshBusyError:
        return refuse(
            "Đang có lần làm mới chạy trên kho này; hãy rút tệp sau khi nó kết thúc "
            "(a refresh is running: withdraw after it ends)."
        )
    try:
        try:
            entries = load_registry(archive_dir())
        except RegistryDamagedError as error:
            return refuse(f"Không đọc được sổ đăng ký của kho lưu trữ báo cáo, chưa làm gì: {error}")
        return change(entries, args.file, reason, undo=args.undo, inbox=submissions_dir())
    finally:
        lock.release()


def change(entries: list[ArchiveEntry], query: str, reason: str, *, undo: bool, inbox: Path) -> int:
    """Withdraw (or put back) the one entry ``query`` names among those the action applies to."""
    from pipelines.submissions.archive import archive_dir
    from pipelines.submissions.withdrawal import describe, matching_entries, restore, withdraw

    named = matching_entries(entries, query, inbox)
    if not named:
        return refuse(
            f"Không có tệp báo cáo nào đã nhận khớp với {query!r} (tên tệp, đường dẫn trong "
            'raw/submissions hoặc đầu mã sha256, ít nhất 8 ký tự); xem `nq57 query "select file_name, '
            f'source_path, sha256 from marts.dim_submission"` (no received report matches {query!r}).'
        )
    # Among the files named, those the action applies to: a withdrawn file is not withdrawn again.
    candidates = [e for e in named if e.withdrawn == undo]
    if not candidates:
        if undo:
            return refuse(
                f"Tệp {named[0].source_path} chưa bị rút nên không có gì để đưa lại "
                f"({query!r} is not withdrawn)."
            )
        return refuse(
            f"Tệp đã được rút từ trước, không làm gì thêm ({query!r} is withdrawn already): "
            f"{describe(named[0])}"
        )
    if len(candidates) > 1:
        listed = "\n".join(f"  · {_line(e)}" for e in candidates)
        action = "đưa lại" if undo else "rút"
        # What tells the candidates apart: the same bytes received twice (a duplicate, in another
        # folder) share their sha256, so asking for a sha256 prefix sent the operator round in a
        # circle; a corrected report re-sent under the same name shares its path. A path as listed
        # may be another file's name ('X.xlsx' and 'lan2/X.xlsx'): from raw/submissions/ it is one.
        path = f"đường dẫn bắt đầu bằng raw/submissions/ (ví dụ raw/submissions/{candidates[0].source_path})"
        same_bytes = len({e.sha256 for e in candidates}) < len(candidates)
        same_path = len({e.source_path for e in candidates}) < len(candidates)
        if same_bytes and not same_path:
            how, how_en = path, "give the path, starting raw/submissions/"
        elif same_path and not same_bytes:
            how, how_en = "đầu mã sha256 (ít nhất 8 ký tự)", "give a sha256 prefix"
        else:
            how, how_en = f"đầu mã sha256 hoặc {path}", "give a sha256 prefix or the path"
        return refuse(
            f"{query!r} khớp với {len(candidates)} tệp; hãy ghi {how} của tệp cần {action} "
            f"(matches {len(candidates)} files: {how_en}):\n{listed}"
        )
    (entry,) = candidates
    if undo:
        restore(archive_dir(), entry)
        print(
            f"Đã đưa tệp {entry.source_path} trở lại (put back). Lần làm mới tới (02:00, hoặc "
            "`nq57 refresh` ngay) sẽ nạp lại tệp này theo đúng thứ tự nhận (loaded again by the next "
            "refresh)."
        )
        return 0
    marked = withdraw(archive_dir(), entry, reason)
    print(f"Đã rút tệp (withdrawn): {describe(marked)}.")
    print(
        "Tệp vẫn được lưu trong kho lưu trữ báo cáo. Lần làm mới tới (02:00, hoặc chạy `nq57 refresh` "
        "ngay) sẽ bỏ số liệu của tệp khỏi kho, phiên bản trước đó (nếu có) của sở, ngành có hiệu lực lại; "
        f"`nq57 withdraw --undo {shlex.quote(entry.source_path)}` đưa tệp trở lại (the next refresh takes "
        "its figures out; the earlier version is in force again)."
    )
    return 0


def _line(entry: ArchiveEntry) -> str:
    from pipelines.submissions.withdrawal import describe, received_words

    return describe(entry) if entry.withdrawn else received_words(entry)


def show_withdrawn() -> int:
    from pipelines.submissions.archive import RegistryDamagedError, archive_dir
    from pipelines.submissions.withdrawal import describe, withdrawn_entries

    try:
        withdrawn = withdrawn_entries(archive_dir())
    except RegistryDamagedError as error:
        return refuse(f"Không đọc được sổ đăng ký của kho lưu trữ báo cáo: {error}")
    if not withdrawn:
        print("Không có tệp báo cáo nào đã rút (no withdrawn reports).")
        return 0
    print(f"{len(withdrawn)} tệp báo cáo đã rút (withdrawn reports):")
    for entry in withdrawn:
        print(f"  · {describe(entry)}")
    return 0


def show_history() -> int:
    """Every withdrawal and undo, oldest first: the registry keeps only what is withdrawn now."""
    from pipelines.submissions.archive import archive_dir
    from pipelines.submissions.withdrawal import history

    records = history(archive_dir())
    if not records:
        print("Chưa có lần rút hay đưa lại tệp báo cáo nào (no withdrawal recorded).")
        return 0
    print(f"{len(records)} lần rút hoặc đưa lại, cũ trước (withdrawals and undos, oldest first):")
    for record in records:
        print(f"  · {history_words(record)}")
    return 0


def history_words(record: dict) -> str:
    """One history line in words: when, what, which file, who, why."""
    from datetime import datetime

    from pipelines.submissions.inbox_manifest import VIETNAM

    if record.get("action") not in ("withdrawn", "restored"):
        return f"dòng không đọc được (unreadable line): {record.get('line', record)}"
    at = datetime.fromisoformat(str(record["at"])).astimezone(VIETNAM)
    file = f"{record['source_path']} (sha256 {str(record['sha256'])[:12]})"
    if record["action"] == "withdrawn":
        return f"{at:%d/%m/%Y %H:%M} rút {file}, người rút: {record['by']}, lý do: {record['reason']}"
    undone = record.get("undoes") or {}
    return (
        f"{at:%d/%m/%Y %H:%M} đưa lại {file}, người đưa lại: {record['by']} "
        f"(bỏ lần rút của {undone.get('by', '?')}, lý do: {undone.get('reason', '?')})"
    )
