"""The raw tables' writer: a value its column cannot hold exactly never stops the refresh."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.submissions.raw_tables import (
    AMOUNT,
    VALUE_UNSTORABLE,
    fits_decimal,
    unstorable_values,
    write_table,
)


def _budget_row(row_no: int, allocated: object, text: str) -> dict:
    return {
        "submission_id": f"s{row_no}",
        "file_name": f"SYT_2026-Q{row_no}.xlsx",
        "sheet": "KinhPhi",
        "row_no": row_no,
        "row_has_fatal": False,
        "appendix": "I",
        "item_no": "39",
        "allocated_mvnd": allocated,
        "allocated_status": "stated",
        "allocated_text": text,
        "disbursed_cumulative_mvnd": Decimal("154.38"),
        "disbursed_status": "stated",
        "disbursed_text": "154.38",
    }


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        (None, True),
        (Decimal("7363"), True),
        (Decimal("1250.5000"), True),  # trailing zeros lose nothing
        (Decimal("999999999999999.999"), True),
        (10**14, True),
        (Decimal("698.0125"), False),  # finer than 1,000 VND
        (Decimal("1E+15"), False),  # 16 integer digits
        (Decimal("7.363E+16"), False),
        (Decimal("NaN"), False),
        (0.5, False),  # a float's exact value is not guessed
        (True, False),
    ],
)
def test_fits_decimal(value: object, fits: bool) -> None:
    assert fits_decimal(value, AMOUNT) is fits


def test_unstorable_values_names_the_columns() -> None:
    row = _budget_row(1, Decimal("698.0125"), "698.0125")
    assert unstorable_values("submission_budget_rows", row) == {"allocated_mvnd": Decimal("698.0125")}
    assert unstorable_values("submission_budget_rows", _budget_row(2, Decimal(7363), "7363")) == {}


def test_a_value_the_validator_missed_is_kept_as_null_with_its_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [
        _budget_row(1, Decimal(7363), "7363"),
        _budget_row(2, Decimal("698.0125"), "698.0125"),
        _budget_row(3, Decimal("7.363E+16"), "73630000000000000"),
    ]
    with pytest.raises(pa.ArrowInvalid):  # what used to stop the whole refresh
        pa.array([r["allocated_mvnd"] for r in rows], AMOUNT)
    with caplog.at_level(logging.ERROR, logger="pipelines.submissions.raw_tables"):
        assert write_table("submission_budget_rows", rows, tmp_path) == 3
    written = pq.read_table(tmp_path / "submission_budget_rows.parquet").to_pylist()
    assert [(r["allocated_mvnd"], r["allocated_status"], r["allocated_text"]) for r in written] == [
        (Decimal("7363.000"), "stated", "7363"),
        (None, VALUE_UNSTORABLE, "698.0125"),  # never rounded to 698.013; the text keeps what was sent
        (None, VALUE_UNSTORABLE, "73630000000000000"),
    ]
    # the other figure of those rows, and every other column, is written as it was
    assert [r["disbursed_cumulative_mvnd"] for r in written] == [Decimal("154.380")] * 3
    assert [r["disbursed_status"] for r in written] == ["stated"] * 3
    assert [r["file_name"] for r in written] == [r["file_name"] for r in rows]
    logged = [record.getMessage() for record in caplog.records]
    assert len(logged) == 2
    assert "SYT_2026-Q2.xlsx" in logged[0] and "allocated_mvnd" in logged[0] and "698.0125" in logged[0]


def test_a_clean_table_is_written_as_given(tmp_path: Path) -> None:
    rows = [_budget_row(1, Decimal("1234.567"), "1234.567")]
    write_table("submission_budget_rows", rows, tmp_path)
    (written,) = pq.read_table(tmp_path / "submission_budget_rows.parquet").to_pylist()
    assert written["allocated_mvnd"] == Decimal("1234.567") and written["allocated_status"] == "stated"
