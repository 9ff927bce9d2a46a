"""Tables the analysis notebooks display: Vietnamese headers and cells in Vietnamese format.

Display only: the DataFrames analysts work with keep their raw columns and values. NULL shows as
'—', never as 0; a moment (a timestamp with a time zone) is shown in Vietnam time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pipelines.formatting import vn_number

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def fmt_cell(value: object) -> str:
    """One cell as the briefing writes it: 12.500; 43,35; có/không; 02/12/2026; '—' for NULL."""
    if isinstance(value, np.generic):  # numpy scalars from pandas → plain Python values
        value = value.item()
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        # Years and small counts stay as typed (2026, not 2.026).
        return vn_number(value) if abs(value) >= 10000 or value < 0 else str(value)
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        return vn_number(number, 0 if number == number.to_integral_value() else 2)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date | dt.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def formatted(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns named in ``columns`` (those present), renamed to their Vietnamese headers, as text."""
    return df[[c for c in columns if c in df.columns]].rename(columns=columns).astype(object).map(fmt_cell)


def show(df: pd.DataFrame, columns: dict[str, str], empty: str = "Không có dòng nào.") -> None:
    """Display ``df`` with Vietnamese headers and formatted cells (``empty`` when it has no rows)."""
    from IPython.display import HTML, Markdown, display

    if df.empty:
        display(Markdown(f"*{empty}*"))
        return
    display(HTML(formatted(df, columns).to_html(index=False, escape=True)))
