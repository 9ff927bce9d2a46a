"""Earlier cumulative disbursement figures, for ``nq57 validate`` (read-only, from the raw tables).

Ingestion builds the history itself, file by file in received order (``CumulativeHistory``);
``nq57 validate`` loads nothing, so it reads what the last ingestion wrote, if anything.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipelines.submissions.layout import parse_period
from pipelines.submissions.validator import CumulativeHistory


def history_from_raw_tables(raw_dir: Path | None = None) -> CumulativeHistory:
    from pipelines.paths import raw_tables_dir

    history = CumulativeHistory()
    path = (raw_dir or raw_tables_dir()) / "submission_budget_rows.parquet"
    if not path.exists():
        return history
    import pyarrow.parquet as pq

    columns = ["agency_code", "period", "appendix", "item_no", "funding_source_code"]
    columns += ["disbursed_cumulative_mvnd", "file_name", "is_current", "file_status", "is_sample"]
    # Samples and real reports apart: SUB-X01 compares a file with earlier files of its own kind.
    figures: dict[tuple[str, str, bool], dict[tuple[str, str, str], tuple[Decimal, str]]] = {}
    for row in pq.read_table(path, columns=columns).to_pylist():
        if (
            not row["is_current"]
            or row["file_status"] == "rejected"
            or row["disbursed_cumulative_mvnd"] is None
        ):
            continue
        key = (row["appendix"], row["item_no"], row["funding_source_code"])
        sample = bool(row["is_sample"])
        figures.setdefault((row["agency_code"], row["period"], sample), {})[key] = (
            row["disbursed_cumulative_mvnd"],
            row["file_name"],
        )
    for (agency, period_code, sample), by_key in figures.items():
        period = parse_period(period_code or "")
        if agency and period:
            history.set_figures(agency, period, by_key, is_sample=sample)
    return history
