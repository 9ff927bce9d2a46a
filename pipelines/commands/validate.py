"""``nq57 validate FILE``: check one submission and print its error report; loads nothing.

Exit 0: clean; 1: warnings only (it would be loaded and flagged); 2: fatal (it would not be loaded).
The cumulative-disbursement check (SUB-X01) compares with what the warehouse already holds, read
from the raw tables when they exist; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.submissions.report import report_text, write_report
from pipelines.submissions.validator import validate_file


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="kiểm tra một tệp báo cáo của sở, ngành (validate one submission; loads nothing)",
        description=(
            "Kiểm tra tệp báo cáo (.xlsx, .csv) theo danh mục quy tắc và in danh sách lỗi. "
            "Mã thoát: 0 đạt, 1 chỉ có cảnh báo, 2 có lỗi nghiêm trọng."
        ),
    )
    parser.add_argument("file", type=Path, help="tệp báo cáo (.xlsx hoặc .csv)")
    parser.add_argument(
        "--report",
        type=Path,
        help="thư mục ghi báo cáo lỗi (.errors.xlsx, .errors.csv) (also write the error report here)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.submissions.history import history_from_raw_tables
    from pipelines.submissions.reference import load_reference_data

    path: Path = args.file
    if not path.is_file():
        print(f"{path}: không tìm thấy tệp (file not found)", file=sys.stderr)
        return 2
    result = validate_file(path, load_reference_data(), history_from_raw_tables())
    print(report_text(result))
    if args.report:
        args.report.mkdir(parents=True, exist_ok=True)
        for written in write_report(result, args.report / path.name, preview=True):
            print(f"  → {written}")
    return result.exit_code
