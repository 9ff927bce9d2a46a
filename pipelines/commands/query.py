"""``nq57 query "SQL" [--csv]``: run SQL on the published warehouse (read-only) and print the result.

The table form is for reading on screen (columns aligned, NULL shown as NULL so an unknown
amount is never mistaken for an empty one); ``--csv`` is for spreadsheets and scripts
(every row, plain numbers with '.' as decimal mark, NULL as an empty field).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

from pipelines.formatting import vn_number
from pipelines.warehouse_access import WarehouseUnavailableError, connect_readonly

EXIT_SQL_ERROR = 1
EXIT_UNAVAILABLE = 2
_FETCH = 10_000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="chạy một câu SQL trên kho dữ liệu đã công bố (run one SQL query on the published warehouse)",
        description=(
            "Chạy SQL trên kho dữ liệu đã công bố, chỉ đọc, và in kết quả dạng bảng hoặc CSV "
            "(run SQL read-only on the published warehouse; print a table or CSV)."
        ),
    )
    parser.add_argument("sql", help='câu SQL, hoặc "-" để đọc từ đầu vào chuẩn (SQL text, or "-" for stdin)')
    parser.add_argument(
        "--csv", action="store_true", help="in CSV thay vì bảng (print CSV instead of a table)"
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=1000,
        help="số dòng tối đa khi in bảng; CSV luôn in hết (table mode row limit; CSV prints all)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="tệp DuckDB khác để đọc, ví dụ một bản trong warehouse/published (another DuckDB file)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    sql = sys.stdin.read() if args.sql == "-" else args.sql
    try:
        con = connect_readonly(args.db)
    except WarehouseUnavailableError as error:
        print(error.reason, file=sys.stderr)
        return EXIT_UNAVAILABLE
    with con:
        ok = execute_and_print(con, sql, csv_mode=args.csv, max_rows=args.max_rows, out=sys.stdout)
    return 0 if ok else EXIT_SQL_ERROR


def execute_and_print(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    csv_mode: bool = False,
    max_rows: int = 1000,
    out: TextIO,
    err: TextIO | None = None,
) -> bool:
    """Run ``sql`` (the last statement's result is printed); False, with a message on ``err``, on error."""
    err = err if err is not None else sys.stderr
    try:
        cursor = con.execute(sql)
        if cursor is None:  # DuckDB returns no cursor for text with no statement (blank, a comment)
            print("Không có câu lệnh SQL nào để chạy (no SQL statement)", file=err)
            return False
        if cursor.description is None:
            print("OK", file=out)
            return True
        columns = [d[0] for d in cursor.description]
        if csv_mode:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            while batch := cursor.fetchmany(_FETCH):
                writer.writerows([csv_cell(v) for v in row] for row in batch)
            return True
        rows = cursor.fetchmany(max_rows + 1)
    except duckdb.Error as error:
        print(sql_error_message(error), file=err)
        return False
    more = len(rows) > max_rows
    rows = rows[:max_rows]
    print(format_table(columns, rows), file=out)
    if more:
        print(
            f"(chỉ hiện {vn_number(max_rows)} dòng đầu; dùng --csv hoặc LIMIT để lấy hết) "
            f"(first {max_rows} rows only; use --csv or LIMIT)",
            file=out,
        )
    else:
        print(f"({vn_number(len(rows))} dòng) ({len(rows)} rows)", file=out)
    return True


def sql_error_message(error: duckdb.Error) -> str:
    text = str(error).strip()
    if "read-only mode" in text or "attached in read-only" in text:
        return (
            "Kho dữ liệu chỉ cho phép đọc, không thể thêm, sửa hay xóa dữ liệu "
            f"(the warehouse is read-only): {text.splitlines()[0]}"
        )
    return f"Lỗi SQL (SQL error): {text}"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60) -> str:
    """An aligned text table; numbers right-aligned, long cells cut with '…'."""
    header = [_clip(str(c), max_width) for c in columns]
    body = [[_clip(table_cell(v), max_width) for v in row] for row in rows]
    numeric = [
        bool(rows) and all(row[i] is None or _is_number(row[i]) for row in rows) for i in range(len(columns))
    ]
    widths = [
        max([display_width(header[i])] + [display_width(r[i]) for r in body]) for i in range(len(columns))
    ]

    def line(cells: Sequence[str]) -> str:
        parts = [_pad(cell, widths[i], right=numeric[i]) for i, cell in enumerate(cells)]
        return " | ".join(parts).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in body)])


def table_cell(value: Any) -> str:
    if value is None:
        return "NULL"
    text = csv_cell(value)
    return text.replace("\r\n", "↵").replace("\n", "↵").replace("\t", " ")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E+3
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: combining marks take none, wide (CJK) characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _clip(text: str, max_width: int) -> str:
    if display_width(text) <= max_width:
        return text
    out = []
    used = 0
    for char in text:
        w = display_width(char)
        if used + w > max_width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap
