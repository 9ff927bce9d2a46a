"""The submission raw tables (Parquet, read by dbt): explicit schemas, atomic writes.

Every row carries its lineage (submission_id, file_name, sheet, row_no) and the file's version,
status, is_current, is_sample and received_at, so dbt can filter without joining back. Rows of
rejected files are kept (file_status 'rejected'): nothing a department sent is lost, and the facts
simply leave them out. Amounts are decimal(18,3) million VND; a value that could not be read is NULL
with its status and the text as provided.

The validator rejects any figure decimal(18,3) cannot hold exactly (SUB-V11, SUB-V12). Should one
reach ``write_table`` anyway (a check missed), it is written as NULL with the status ``unstorable`` (its
text column keeps it as provided, the archive keeps the file) and logged: one bad value never stops
the refresh, and is never rounded into a wrong figure.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.submissions.rules import STORED_DECIMALS, STORED_DIGITS

log = logging.getLogger(__name__)

AMOUNT = pa.decimal128(STORED_DIGITS, STORED_DECIMALS)
VALUE_UNSTORABLE = "unstorable"
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
            # `nq57 withdraw`: when, by whom and why the file was taken out of the figures (else NULL).
            ("withdrawn_at", TIMESTAMP),
            ("withdrawn_by", pa.string()),
            ("withdraw_reason", pa.string()),
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
# The status column that says why a value column is NULL.
_STATUS_OF = {
    "allocated_mvnd": "allocated_status",
    "disbursed_cumulative_mvnd": "disbursed_status",
    "percent_complete": "percent_status",
    "value": "value_status",
}
_DECIMAL_FIELDS = {
    name: [f for f in schema if pa.types.is_decimal(f.type)] for name, schema in SCHEMAS.items()
}
_ARROW_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError)


def fits_decimal(value: Any, decimal_type: pa.Decimal128Type) -> bool:
    """True when ``value`` (Decimal or int; None is NULL) is held exactly by ``decimal_type``."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return False  # pyarrow refuses floats for a decimal column: exactness is not guessed
    number = Decimal(value)
    if not number.is_finite() or abs(number) >= Decimal(10) ** (decimal_type.precision - decimal_type.scale):
        return False
    return number == number.quantize(Decimal(1).scaleb(-decimal_type.scale))


def unstorable_values(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """The decimal columns of a row of table ``name`` whose value the column cannot hold exactly.

    Cheap (Decimal arithmetic, decimal columns only): ingestion can ask it per file, before writing.
    """
    return {
        f.name: row[f.name]
        for f in _DECIMAL_FIELDS[name]
        if row.get(f.name) is not None and not fits_decimal(row[f.name], f.type)
    }


def _storable(value: Any, field: pa.Field) -> bool:
    if pa.types.is_decimal(field.type):
        return fits_decimal(value, field.type)
    try:
        pa.array([value], field.type)
    except _ARROW_ERRORS:
        return False
    return True


def _arrays(name: str, columns: list[Any], rows: list[dict[str, Any]]) -> list[pa.Array]:
    """Every column as Arrow. A value Arrow cannot hold exactly becomes NULL (status ``unstorable``)."""
    schema = SCHEMAS[name]
    arrays: list[pa.Array] = []
    dropped: dict[str, list[int]] = {}
    for values, field in zip(columns, schema, strict=True):
        try:
            arrays.append(pa.array(list(values), field.type))
        except _ARROW_ERRORS:  # rare: find the culprits one by one
            bad = {i for i, value in enumerate(values) if not _storable(value, field)}
            dropped[field.name] = sorted(bad)
            arrays.append(pa.array([None if i in bad else v for i, v in enumerate(values)], field.type))
    for column, indexes in dropped.items():
        values = columns[schema.get_field_index(column)]
        for index in indexes:
            row = rows[index]
            log.error(
                "%s.%s: %r does not fit %s; written as NULL, status %r (file %s, sheet %s, row %s)",
                name,
                column,
                values[index],
                schema.field(column).type,
                VALUE_UNSTORABLE,
                row.get("file_name"),
                row.get("sheet"),
                row.get("row_no"),
            )
        status = _STATUS_OF.get(column)
        if status in schema.names:
            position = schema.get_field_index(status)
            statuses = list(columns[position])
            for index in indexes:
                statuses[index] = VALUE_UNSTORABLE
            arrays[position] = pa.array(statuses, schema.field(status).type)
    return arrays


def write_table(name: str, rows: list[dict[str, Any]], raw_dir: Path) -> int:
    """Write one table atomically (temp file + rename): dbt never reads half a file."""
    schema = SCHEMAS[name]
    names = schema.names
    try:  # every row has every column (as ingestion writes them): transpose in C
        columns = list(zip(*map(itemgetter(*names), rows), strict=True)) if rows else [() for _ in names]
    except KeyError:  # a row without some column: NULL there
        columns = [[row.get(name) for row in rows] for name in names]
    table = pa.table(_arrays(name, columns, rows), schema=schema)
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / f"{name}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return len(rows)
