"""The notebooks' "known on a date" conditions, run in DuckDB on rows whose answer is known."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.as_of_sql import known_at, received_by, vn_day


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    # A session on UTC, as a server's may be: the Vietnamese day must still be used.
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        """create table versions as select * from (values
            ('v1', timestamptz '2026-04-11 15:45:00+07', timestamptz '2026-04-20 08:10:00+07'),
            ('v2', timestamptz '2026-04-20 08:10:00+07', null),
            ('late', timestamptz '2026-07-16 00:30:00+07', null)
        ) as t(name, valid_from, valid_to)"""
    )
    yield con
    con.close()


def names(con, condition: str) -> list[str]:
    return [
        row[0] for row in con.execute(f"select name from versions where {condition} order by name").fetchall()
    ]


def test_vn_day_is_the_day_in_hanoi_not_in_the_session_time_zone(con):
    # 00:30 on 16/07 in Hà Nội is still 15/07 in UTC.
    assert con.execute(f"select {vn_day('valid_from')} from versions where name = 'late'").fetchone() == (
        dt.date(2026, 7, 16),
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 4, 10), []),  # before any file
        (dt.date(2026, 4, 11), ["v1"]),  # the day the first version came
        (dt.date(2026, 4, 19), ["v1"]),
        (dt.date(2026, 4, 20), ["v2"]),  # replaced that day: the resubmission is what was known
        (dt.date(2026, 7, 15), ["v2"]),  # the late file is not known yet (still 15/07 in UTC!)
        (dt.date(2026, 7, 16), ["late", "v2"]),
    ],
)
def test_known_at_is_the_version_in_force_at_the_end_of_the_day(con, day, expected):
    assert names(con, known_at(day)) == expected


def test_received_by_counts_every_file_received_whether_or_not_replaced(con):
    assert names(con, received_by(dt.date(2026, 4, 20), "valid_from")) == ["v1", "v2"]
    assert names(con, received_by(dt.date(2026, 7, 15), "valid_from")) == ["v1", "v2"]
