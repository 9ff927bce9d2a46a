"""The analysis notebooks' display tables: Vietnamese headers, cells as the briefing writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.notebook_tables import fmt_cell, formatted


def test_cells_read_as_the_briefing_writes_them():
    assert fmt_cell(Decimal("43.35")) == "43,35"  # the KPI baseline in the document
    assert fmt_cell(5861734.0) == "5.861.734"
    assert fmt_cell(np.int64(12500)) == "12.500" and fmt_cell(2026) == "2026"  # years stay as typed
    assert fmt_cell(True) == "có" and fmt_cell(np.bool_(False)) == "không"
    assert fmt_cell(dt.date(2026, 12, 2)) == "02/12/2026"
    utc = dt.datetime(2026, 12, 1, 19, 20, tzinfo=dt.UTC)
    assert fmt_cell(utc) == "02:20 02/12/2026"  # a moment, in Vietnam time
    assert fmt_cell(pd.Timestamp(utc).tz_convert(ZoneInfo("Asia/Ho_Chi_Minh"))) == "02:20 02/12/2026"


def test_unknown_is_a_dash_never_zero():
    for unknown in (None, float("nan"), pd.NA, pd.NaT, np.float64("nan")):
        assert fmt_cell(unknown) == "—"


def test_only_the_named_columns_under_their_vietnamese_headers_and_the_frame_stays_raw():
    df = pd.DataFrame({"pillar": ["KH&CN"], "amount_mvnd": [Decimal("1250.5")], "internal": [1]})
    shown = formatted(df, {"pillar": "Trụ cột", "amount_mvnd": "Kinh phí (triệu đồng)", "absent": "—"})
    assert shown.to_dict("records") == [{"Trụ cột": "KH&CN", "Kinh phí (triệu đồng)": "1.250,50"}]
    assert list(df.columns) == ["pillar", "amount_mvnd", "internal"]
