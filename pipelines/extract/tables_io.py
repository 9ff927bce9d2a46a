"""Writing extracted records out: Parquet raw tables (for dbt) and CSV files (for people).

Column types come from the record dataclasses, so the Parquet schema is explicit and
stable even when a table is empty: Decimal → decimal(18,3) (million VND, exact),
date → date32, int → int64, bool → bool, str → string.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import types
import typing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.export_safety import neutralise_formula

AMOUNT_TYPE = pa.decimal128(18, 3)
_ARROW_TYPES: dict[type, pa.DataType] = {
    Decimal: AMOUNT_TYPE,
    date: pa.date32(),
    int: pa.int64(),
    bool: pa.bool_(),
    str: pa.string(),
}


def _base_type(hint: Any) -> type:
    """``Decimal | None`` → Decimal."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0]
    return hint


def arrow_schema(record_type: type) -> pa.Schema:
    hints = typing.get_type_hints(record_type)
    return pa.schema(
        [pa.field(f.name, _ARROW_TYPES[_base_type(hints[f.name])]) for f in dataclasses.fields(record_type)]
    )


def _arrow_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.001"))
    return value


def write_parquet(records: list[Any], record_type: type, path: Path) -> int:
    """Write records atomically (temp file + rename) so a reader never sees half a file."""
    schema = arrow_schema(record_type)
    columns = {name: [] for name in schema.names}
    for record in records:
        for name in schema.names:
            columns[name].append(_arrow_value(getattr(record, name)))
    table = pa.table({name: pa.array(columns[name], schema.field(name).type) for name in schema.names})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return len(records)


def format_csv_value(value: Any) -> str:
    """Plain text for a CSV cell: amounts without exponent or trailing zeros, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_formula(str(value))


def write_csv(records: list[Any], record_type: type, path: Path) -> int:
    names = [f.name for f in dataclasses.fields(record_type)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for record in records:
            writer.writerow([format_csv_value(getattr(record, name)) for name in names])
    return len(records)


def read_parquet_records(path: Path, record_type: type) -> list[Any]:
    """The records a raw table holds, as the dataclass they were written from."""
    names = [f.name for f in dataclasses.fields(record_type)]
    return [record_type(**{name: row[name] for name in names}) for row in pq.read_table(path).to_pylist()]
