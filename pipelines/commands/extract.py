"""``nq57 extract FILE --out DIR``: the plan's records from one document, as CSV files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.document_model import UnreadableDocumentError
from pipelines.extract.plan_document import NotAPlanDocumentError, extract_document
from pipelines.extract.records import RECORD_TYPES, ExtractionResult
from pipelines.extract.tables_io import write_csv
from pipelines.formatting import mvnd
from pipelines.readers import read_document

# Always written for a plan document, even when empty, so scripts can rely on them.
_ALWAYS = {"plan_items", "stated_totals"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="trích xuất bảng từ một tài liệu (extract the plan tables of one document to CSV)",
        description="Đọc một tài liệu (.txt, .docx, .pdf) và ghi các bảng trích xuất ra CSV.",
    )
    parser.add_argument("file", type=Path, help="tài liệu cần đọc (.txt, .docx, .pdf)")
    parser.add_argument("--out", type=Path, required=True, help="thư mục ghi các tệp CSV")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        model = read_document(path)
        result = extract_document(model, path.stem)
    except (UnreadableDocumentError, NotAPlanDocumentError) as error:
        print(error.reason.replace("\n", " "), file=sys.stderr)
        return 2
    written = write_result_csvs(result, args.out)
    print(summary(result, model.page_count, written, args.out))
    return 0


def write_result_csvs(result: ExtractionResult, out_dir: Path) -> dict[str, int]:
    written = {}
    for table, record_type in RECORD_TYPES.items():
        records = result.records(table)
        if records or (table in _ALWAYS and result.document_kind == "resolution"):
            written[table] = write_csv(records, record_type, out_dir / f"{table}.csv")
    return written


def summary(result: ExtractionResult, page_count: int | None, written: dict[str, int], out_dir: Path) -> str:
    lines = [f"{result.document_id} ({result.document_kind}, {result.source_format}"]
    lines[0] += f", {page_count} trang)" if page_count else ")"
    tasks = [i for i in result.plan_items if i.item_level == "task"]
    if tasks:
        state = sum((i.state_budget_mvnd or 0) for i in tasks)
        other = sum((i.other_budget_mvnd or 0) for i in tasks)
        tbd = [i.item_no for i in tasks if i.state_budget_status == "to_be_determined"]
        lines.append(
            f"  Phụ lục I: {len(tasks)} nhiệm vụ trong {len(result.plan_groups)} nhóm; "
            f"NSNN {mvnd(state)}; nguồn khác {mvnd(other)}; chưa xác định: {', '.join(tbd) or '—'}"
        )
    units = [i for i in result.plan_items if i.item_level == "unit"]
    if units:
        items = [i for i in result.plan_items if i.item_level == "item"]
        lines.append(f"  Phụ lục II: {len(units)} đơn vị, {len(items)} hạng mục")
    if result.kpi_targets:
        indicators = {t.indicator_no for t in result.kpi_targets}
        lines.append(f"  Lộ trình chỉ tiêu: {len(indicators)} chỉ tiêu, {len(result.kpi_targets)} giá trị")
    if result.slide_indicators:
        lines.append(f"  Trang chiếu: {len(result.slide_indicators)} chỉ tiêu/số liệu")
    for issue in result.issues:
        lines.append(f"  [{issue.severity}] {issue.code}: {issue.message} ({issue.source_locator})")
    files = ", ".join(f"{name}.csv ({count})" for name, count in written.items())
    lines.append(f"  → {out_dir}: {files}")
    return "\n".join(lines)
