"""SQL conditions for "what was known on a date", for the notebooks' own queries.

The Python twin of the dbt macros in ``dbt_project/macros/as_of.sql`` (``vn_date``,
``in_force_on``, ``received_by``), which the date-dependent views use: a department's figure
counts from the Vietnam date its file was received until the Vietnam date a later version of the
same agency and period replaced it. Days are days in Hà Nội whatever the session's time zone: a
file received at 00:30 there is already the next day.
"""

from __future__ import annotations

import datetime as dt


def vn_day(column: str) -> str:
    """The calendar date in Vietnam of a TIMESTAMPTZ column."""
    return f"cast(timezone('Asia/Ho_Chi_Minh', {column}) as date)"


def _day(as_of: dt.date) -> str:
    return f"date '{as_of.isoformat()}'"


def received_by(as_of: dt.date, received_at: str = "received_at") -> str:
    """A file received on or before ``as_of``."""
    return f"{vn_day(received_at)} <= {_day(as_of)}"


def known_at(as_of: dt.date, valid_from: str = "valid_from", valid_to: str = "valid_to") -> str:
    """A version received by the end of ``as_of`` and not yet replaced then (``valid_to`` NULL: never)."""
    day = _day(as_of)
    return f"{vn_day(valid_from)} <= {day} and ({valid_to} is null or {vn_day(valid_to)} > {day})"
