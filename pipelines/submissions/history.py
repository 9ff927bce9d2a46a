"""What the warehouse already holds, for ``nq57 validate`` (read-only, from the raw tables): earlier
cumulative disbursement figures (SUB-X01) and the departments' own reports (SUB-X04).

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
    _add_real_reports(history, path.with_name("submission_files.parquet"))
    return history


def _add_real_reports(history: CumulativeHistory, path: Path) -> None:
    """The departments' own reports loaded per period (SUB-X04), whether or not they have budget rows."""
    if not path.exists():
        return
    import pyarrow.parquet as pq

    columns = ["agency_code", "period", "file_name", "status", "is_sample", "received_at"]
    rows = sorted(pq.read_table(path, columns=columns).to_pylist(), key=lambda r: r["received_at"])
    for row in rows:  # oldest first: the latest loaded report is the one named
        period = parse_period(row["period"] or "")
        loaded = row["status"] in ("accepted", "flagged")
        if loaded and row["is_sample"] is False and row["agency_code"] and period:
            history.set_real_report(row["agency_code"], period, row["file_name"])
