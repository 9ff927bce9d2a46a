# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tiến độ các chỉ tiêu (KPI progress)
# Hiện trạng, chỉ tiêu theo năm và số thực hiện (khi các sở, ngành đã báo cáo) của từng chỉ tiêu.

# %% tags=["parameters"]
as_of = None  # ISO date; None = today
warehouse_path = None  # None = the published warehouse

# %%
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from pipelines.as_of_sql import known_at
from pipelines.notebook_tables import VALUE_STATUS_VI, fmt_cell, in_vietnamese, show, vn_period
from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None
AS_OF = dt.date.fromisoformat(str(as_of)) if as_of else dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return read_sql(query, params, path=WAREHOUSE, as_of=AS_OF)


indicators = sql("select * from marts.dim_indicator order by indicator_no")
targets = sql("select * from marts.fct_kpi_target order by indicator_no, year")
baselines = sql("select * from marts.fct_kpi_baseline order by indicator_no, year")
has_actuals = bool(
    sql(
        "select count(*) as n from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'fct_kpi_actual'"
    )["n"].iloc[0]
)
# The actuals known on AS_OF: one version per agency and period (the one in force that day).
actuals = (
    sql(
        f"select * from marts.fct_kpi_actual where {known_at(AS_OF)} "
        "order by indicator_no, indicator_code, year, quarter, agency_code"
    )
    if has_actuals
    else pd.DataFrame()
)
display(
    Markdown(
        f"Ngày số liệu: {AS_OF.strftime('%d/%m/%Y')} · "
        f"{len(indicators)} chỉ tiêu · {len(targets)} giá trị chỉ tiêu · "
        f"{len(baselines)} giá trị hiện trạng · "
        + (
            f"{len(actuals)} số thực hiện đã báo cáo đến ngày này"
            if not actuals.empty
            else "chưa có số thực hiện nào được sở, ngành báo cáo"
        )
    )
)

# %%
# The roadmap as printed (text columns kept: "≥50", rank "15", period values); a cell the roadmap
# does not have shows '—'. `roadmap` stays as pivoted; the columns are the roadmap's own labels.
roadmap = targets.pivot_table(
    index=["indicator_no", "indicator_code"], columns="column_label", values="target_text", aggfunc="first"
)
show(
    roadmap.reset_index().rename_axis(columns=None),
    {
        "indicator_no": "STT",
        "indicator_code": "Mã chỉ tiêu",
        **{label: str(label) for label in roadmap.columns},
    },
    empty="Không có chỉ tiêu nào trong lộ trình.",
)

# %%
# The baselines as the documents print them (43,35 not 43.35); `baselines` itself stays raw.
show(
    baselines.assign(value_status=in_vietnamese(baselines["value_status"], VALUE_STATUS_VI)),
    {
        "indicator_code": "Mã chỉ tiêu",
        "year": "Năm",
        "observed_value": "Hiện trạng",
        "unit": "Đơn vị",
        "baseline_text": "Ghi trong văn bản",
        "value_status": "Tình trạng số liệu",
    },
    empty="Không có giá trị hiện trạng nào.",
)

# %%
for _, ind in indicators.iterrows():
    t_all = targets[(targets["indicator_code"] == ind["indicator_code"]) & targets["target_value"].notna()]
    b_all = baselines[
        (baselines["indicator_code"] == ind["indicator_code"]) & baselines["observed_value"].notna()
    ]
    # Only figures of one year have a place on a year axis (not a period's, not an undated one).
    t, b = t_all[t_all["year"].notna()], b_all[b_all["year"].notna()]
    if t.empty and b.empty:
        if not (t_all.empty and b_all.empty):
            figures = [
                f"{label} {', '.join(fmt_cell(v) for v in values)}"
                for label, values in (
                    ("hiện trạng", b_all["observed_value"]),
                    ("chỉ tiêu", t_all["target_value"]),
                )
                if len(values)
            ]
            display(
                Markdown(
                    f"*{ind['name_vi']}: không có gì để vẽ — các số liệu "
                    f"({'; '.join(figures)} {ind['unit']}) "
                    "không gắn với một năm cụ thể (không ghi năm hoặc tính cho cả giai đoạn).*"
                )
            )
        continue
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.plot(t["year"], t["target_value"].astype(float), "o-", label="Chỉ tiêu")
    ax.plot(b["year"], b["observed_value"].astype(float), "s--", color="grey", label="Hiện trạng")
    if not actuals.empty:
        # A year's actual: the figure of its latest reported quarter.
        a = actuals[(actuals["indicator_code"] == ind["indicator_code"]) & actuals["actual_value"].notna()]
        a = a.sort_values(["year", "quarter", "valid_from"]).groupby("year", as_index=False).last()
        if not a.empty:
            ax.plot(a["year"], a["actual_value"].astype(float), "D-", color="firebrick", label="Thực hiện")
    if ind["direction"] in ("lower_is_better", "lower"):
        ax.invert_yaxis()  # a rank: lower is better, so "up" means better on the chart too
    ax.set_title(f"{ind['name_vi']} ({ind['unit']})", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    plt.tight_layout()
    plt.show()

# %%
# The actuals the charts rest on: which file, which version, as known on the as-of date. `actuals`
# stays raw; the table shows Vietnamese headers and values.
if not actuals.empty:
    show(
        actuals.assign(
            value_status=in_vietnamese(actuals["value_status"], VALUE_STATUS_VI),
            period=actuals["period"].map(vn_period),
        ),
        {
            "indicator_code": "Mã chỉ tiêu",
            "period": "Kỳ",
            "agency_code": "Sở, ngành",
            "actual_value": "Giá trị thực hiện",
            "value_status": "Tình trạng số liệu",
            "file_name": "Tệp",
            "version": "Phiên bản",
        },
    )
