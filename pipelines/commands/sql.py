"""``nq57 sql``: an interactive, read-only SQL shell on the published warehouse.

A plain Python REPL rather than the duckdb CLI, which is not installed everywhere. The
shell holds a read-only snapshot: it never blocks the nightly publish, and it tells the
analyst when a newer warehouse has been published (``.reopen`` switches to it).
Statements end with ';'. With input from a pipe or file it runs the statements and exits
(exit code 1 if any failed), so it also works in scripts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import duckdb

from pipelines.commands.query import EXIT_SQL_ERROR, EXIT_UNAVAILABLE, execute_and_print, format_table
from pipelines.warehouse_access import (
    WarehouseUnavailableError,
    connect_readonly,
    file_identity,
    published_path,
)

PROMPT = "nq57> "
CONTINUATION = "  ...> "
HELP = """\
Lệnh (commands):
  <SQL>;            chạy câu SQL, kết thúc bằng dấu ; (run SQL ending with ;)
  .tables           liệt kê các bảng (list tables and views)
  .schema BẢNG      các cột của một bảng, ví dụ .schema marts.dim_task (columns of a table)
  .mode table|csv   in dạng bảng hoặc CSV (output mode)
  .reopen           mở bản công bố mới nhất (switch to the newest published warehouse)
  .version          bản đang mở và lúc công bố (which published version is open)
  .help             trợ giúp này (this help)
  .quit             thoát; cũng có thể bấm Ctrl-D (exit)
Ví dụ (example):  SELECT * FROM meta.publish_log ORDER BY publish_no DESC LIMIT 3;"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sql",
        help="cửa sổ SQL chỉ đọc trên kho dữ liệu đã công bố (read-only SQL shell on the warehouse)",
        description=(
            "Mở cửa sổ SQL tương tác, chỉ đọc, trên kho dữ liệu đã công bố; không chặn lần làm mới ban đêm "
            "(interactive read-only SQL shell; never blocks the nightly refresh)."
        ),
    )
    parser.add_argument("--db", type=Path, default=None, help="tệp DuckDB khác để đọc (another DuckDB file)")
    parser.add_argument("--csv", action="store_true", help="in kết quả dạng CSV (print results as CSV)")
    parser.set_defaults(handler=run)


class Shell:
    """The REPL state: one read-only connection (a snapshot) and the output mode."""

    def __init__(self, path: Path, *, csv_mode: bool, out: TextIO, err: TextIO) -> None:
        self.path = path
        self.csv_mode = csv_mode
        self.out = out
        self.err = err
        self.con: duckdb.DuckDBPyConnection | None = None
        self.identity: tuple[int, int] | None = None
        self.newer_notice_shown = False
        self.failures = 0

    def open(self) -> None:
        identity = file_identity(self.path)
        con = connect_readonly(self.path)
        if self.con is not None:
            self.con.close()
        self.con, self.identity, self.newer_notice_shown = con, identity, False

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def version_line(self) -> str:
        assert self.con is not None
        try:
            row = self.con.execute(
                "SELECT version, strftime(published_at AT TIME ZONE 'Asia/Ho_Chi_Minh', '%H:%M %d/%m/%Y') "
                "FROM meta.publish_log ORDER BY publish_no DESC LIMIT 1"
            ).fetchone()
        except duckdb.Error:
            row = None
        if row is None:
            return f"Kho dữ liệu (chỉ đọc, read-only): {self.path}"
        return (
            f"Kho dữ liệu (chỉ đọc, read-only): {self.path} — bản {row[0]}, "
            f"công bố lúc {row[1]} (giờ Việt Nam)"
        )

    def run_sql(self, sql: str) -> None:
        assert self.con is not None
        if not self.newer_notice_shown and file_identity(self.path) not in (None, self.identity):
            print(
                "Đã có bản kho dữ liệu mới hơn được công bố; gõ .reopen để dùng "
                "(a newer warehouse was published; type .reopen to use it)",
                file=self.err,
            )
            self.newer_notice_shown = True
        if not execute_and_print(self.con, sql, csv_mode=self.csv_mode, out=self.out, err=self.err):
            self.failures += 1

    def meta_command(self, line: str) -> bool:
        """Handle a dot-command; False means quit."""
        assert self.con is not None
        name, _, arg = line.strip().partition(" ")
        arg = arg.strip()
        if name in (".quit", ".exit", ".q"):
            return False
        if name == ".help":
            print(HELP, file=self.out)
        elif name == ".tables":
            rows = self.con.execute(
                "SELECT schema_name || '.' || table_name AS name, 'table' AS kind FROM duckdb_tables() "
                "WHERE database_name = current_database() "
                "UNION ALL SELECT schema_name || '.' || view_name, 'view' FROM duckdb_views() "
                "WHERE database_name = current_database() AND NOT internal ORDER BY name"
            ).fetchall()
            print(format_table(["bảng (table)", "loại (kind)"], rows), file=self.out)
        elif name == ".schema":
            self._schema(arg)
        elif name == ".mode" and arg in ("table", "csv"):
            self.csv_mode = arg == "csv"
        elif name == ".reopen":
            try:
                self.open()
            except WarehouseUnavailableError as error:
                print(error.reason, file=self.err)
                self.failures += 1
            else:
                print(self.version_line(), file=self.out)
        elif name == ".version":
            print(self.version_line(), file=self.out)
        else:
            print(f"Không hiểu lệnh {line.strip()!r}; gõ .help (unknown command; type .help)", file=self.err)
            self.failures += 1
        return True

    def _schema(self, table: str) -> None:
        assert self.con is not None
        schema, _, name = table.rpartition(".")
        rows = self.con.execute(
            "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
            "WHERE database_name = current_database() AND table_name = ? AND (? = '' OR schema_name = ?) "
            "ORDER BY schema_name, column_index",
            [name, schema, schema],
        ).fetchall()
        if not rows:
            print(f"Không có bảng {table!r} (no such table); gõ .tables", file=self.err)
            self.failures += 1
            return
        print(format_table(["cột (column)", "kiểu (type)", "mô tả (description)"], rows), file=self.out)


def run(args: argparse.Namespace) -> int:
    path = args.db if args.db is not None else published_path()
    shell = Shell(path, csv_mode=args.csv, out=sys.stdout, err=sys.stderr)
    try:
        shell.open()
    except WarehouseUnavailableError as error:
        print(error.reason, file=sys.stderr)
        return EXIT_UNAVAILABLE
    interactive = sys.stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401 - importing it gives input() line editing and history
        except ImportError:
            pass
        print(shell.version_line())
        print("Kết thúc câu lệnh bằng dấu ; — gõ .help để xem hướng dẫn, .quit để thoát.")
    try:
        loop(shell, interactive)
    finally:
        shell.close()
    return EXIT_SQL_ERROR if shell.failures and not interactive else 0


def loop(shell: Shell, interactive: bool) -> None:
    buffer: list[str] = []
    while True:
        try:
            line = input(CONTINUATION if buffer else PROMPT) if interactive else _read_line()
        except KeyboardInterrupt:
            print("", file=shell.out)
            buffer.clear()  # Ctrl-C abandons the statement being typed, like other SQL shells
            continue
        except EOFError:
            line = None
        if line is None:
            if "".join(buffer).strip():
                shell.run_sql("\n".join(buffer))
            if interactive:
                print("", file=shell.out)
            return
        if not buffer and line.strip().startswith("."):
            if not shell.meta_command(line):
                return
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            shell.run_sql("\n".join(buffer))
            buffer.clear()


def _read_line() -> str | None:
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")
