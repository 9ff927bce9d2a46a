"""The submission raw tables (Parquet, read by dbt): explicit schemas, atomic writes.

Every row carries its lineage (submission_id, file_name, sheet, row_no) and the file's version,
status, is_current, is_sample and received_at, so dbt can filter without joining back. Rows of
rejected files are kept (file_status 'rejected'): nothing a department sent is lost, and the facts
simply leave them out. Amounts are decimal(18,3) million VND; a value that could not be read is NULL
with its status and the text as provided.
"""

from __future__ import annotations

import os
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

AMOUNT = pa.decimal128(18, 3)
TIMESTAMP = pa.timestamp("us", tz="UTC")

_FILE_CONTEXT = [
    ("submission_id", pa.string()),
    ("file_name", pa.string()),
    ("agency_code", pa.string()),
    ("period", pa.string()),
    ("report_year", pa.int64()),
    ("report_quarter", pa.int64()),
    ("version", pa.int64()),
    ("file_status", pa.string()),
    ("is_current", pa.bool_()),
    ("is_sample", pa.bool_()),
    ("received_at", TIMESTAMP),
    ("superseded_at", TIMESTAMP),
]
_ROW_LINEAGE = [("sheet", pa.string()), ("row_no", pa.int64()), ("row_has_fatal", pa.bool_())]

SCHEMAS: dict[str, pa.Schema] = {
    "submission_files": pa.schema(
        [
            ("submission_id", pa.string()),
            ("file_name", pa.string()),
            ("source_path", pa.string()),
            ("archive_path", pa.string()),
            ("sha256", pa.string()),
            ("size_bytes", pa.int64()),
            ("file_format", pa.string()),
            ("encoding", pa.string()),
            ("template_version", pa.string()),
            ("agency_code", pa.string()),
            ("agency_code_from_name", pa.string()),
            ("period", pa.string()),
            ("period_from_name", pa.string()),
            ("report_year", pa.int64()),
            ("report_quarter", pa.int64()),
            ("version", pa.int64()),
            ("status", pa.string()),
            ("is_current", pa.bool_()),
            ("is_sample", pa.bool_()),
            ("fatal_count", pa.int64()),
            ("warning_count", pa.int64()),
            ("rule_ids", pa.string()),
            ("budget_row_count", pa.int64()),
            ("progress_row_count", pa.int64()),
            ("kpi_row_count", pa.int64()),
            ("received_at", TIMESTAMP),
            ("received_at_source", pa.string()),
            ("superseded_at", TIMESTAMP),
            ("duplicate_of", pa.string()),
            ("error_report_xlsx", pa.string()),
            ("error_report_csv", pa.string()),
        ]
    ),
    "submission_budget_rows": pa.schema(
        [
            *_FILE_CONTEXT,
            *_ROW_LINEAGE,
            ("appendix", pa.string()),
            ("item_no", pa.string()),
            ("funding_source_code", pa.string()),
            ("funding_source_text", pa.string()),
            ("allocated_mvnd", AMOUNT),
            ("allocated_status", pa.string()),
            ("allocated_text", pa.string()),
            ("disbursed_cumulative_mvnd", AMOUNT),
            ("disbursed_status", pa.string()),
            ("disbursed_text", pa.string()),
            ("note", pa.string()),
        ]
    ),
    "submission_progress_rows": pa.schema(
        [
            *_FILE_CONTEXT,
            *_ROW_LINEAGE,
            ("appendix", pa.string()),
            ("item_no", pa.string()),
            ("status_code", pa.string()),
            ("status_text", pa.string()),
            ("percent_complete", AMOUNT),
            ("percent_status", pa.string()),
            ("percent_text", pa.string()),
            ("note", pa.string()),
        ]
    ),
    "submission_kpi_rows": pa.schema(
        [
            *_FILE_CONTEXT,
            *_ROW_LINEAGE,
            ("indicator_code", pa.string()),
            ("indicator_text", pa.string()),
            ("value", AMOUNT),
            ("value_status", pa.string()),
            ("value_text", pa.string()),
            ("unit", pa.string()),
            ("note", pa.string()),
        ]
    ),
    "submission_findings": pa.schema(
        [
            ("submission_id", pa.string()),
            ("file_name", pa.string()),
            ("agency_code", pa.string()),
            ("period", pa.string()),
            ("file_status", pa.string()),
            ("is_sample", pa.bool_()),
            ("received_at", TIMESTAMP),
            ("rule_id", pa.string()),
            ("severity", pa.string()),
            ("category", pa.string()),
            ("sheet", pa.string()),
            ("row_no", pa.int64()),
            ("column_code", pa.string()),
            ("cell_ref", pa.string()),
            ("value_provided", pa.string()),
            ("expected", pa.string()),
            ("message_vi", pa.string()),
            ("message_en", pa.string()),
        ]
    ),
}
TABLES = tuple(SCHEMAS)


def write_table(name: str, rows: list[dict[str, Any]], raw_dir: Path) -> int:
    """Write one table atomically (temp file + rename): dbt never reads half a file."""
    schema = SCHEMAS[name]
    names = schema.names
    try:  # every row has every column (as ingestion writes them): transpose in C
        columns = list(zip(*map(itemgetter(*names), rows), strict=True)) if rows else [() for _ in names]
    except KeyError:  # a row without some column: NULL there
        columns = [[row.get(name) for row in rows] for name in names]
    table = pa.table([pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / f"{name}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return len(rows)
