"""``nq57 briefing [--as-of DATE]``: render the briefing (HTML, PDF) from the published warehouse."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "briefing",
        help="tạo bản tin điều hành HTML/PDF (render the briefing from the published warehouse)",
        description="Chạy notebook bản tin trên kho dữ liệu đã công bố; ghi warehouse/briefings/<ngày>/.",
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        default=None,
        help="ngày số liệu YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam)",
    )
    parser.add_argument(
        "--warehouse", type=Path, default=None, help="tệp DuckDB cần đọc (mặc định: kho đã công bố)"
    )
    parser.set_defaults(handler=run)


def as_of_date(text: str) -> dt.date:
    """--as-of as a real date. argparse would otherwise answer a typo (2026-02-30) with its English
    "invalid fromisoformat value"; ArgumentTypeError keeps its exit status 2 with our words."""
    # fromisoformat alone also takes 20260331 and 2026-W13-2, which would name the folder oddly.
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' không phải một ngày có thật dạng YYYY-MM-DD, ví dụ 2026-03-31 "
            "(the date must be YYYY-MM-DD and exist)"
        ) from None


def run(args: argparse.Namespace) -> int:
    from pipelines.briefing import render_briefing

    try:
        result = render_briefing(as_of=args.as_of, warehouse_file=args.warehouse)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Bản tin (briefing): {result.html}")
    if result.pdf:
        print(f"PDF: {result.pdf}")
    else:
        print("Không có Chromium: không tạo PDF (no Chromium found: HTML only)", file=sys.stderr)
    print(f"Mới nhất (latest): {result.latest} · {result.seconds:.1f} s")
    return 0
