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
# # Khám phá kinh phí kế hoạch (budget explorer)
# Cắt kinh phí dự kiến theo bất kỳ chiều nào: đổi `dimensions` và `filters` trong ô tham số rồi chạy lại.
# Số tiền bằng triệu đồng; phân bổ theo năm là ước tính theo quy tắc (xem cột "Cách phân bổ theo năm",
# chiều `allocation_method`).

# %% tags=["parameters"]
as_of = None  # not used for the plan itself; kept so every notebook takes the same parameters
warehouse_path = None  # None = the published warehouse
# Any columns of the joined view below: year, funding_source, is_state_budget, sector, pillar,
# lead_agency, appendix, group_code, allocation_method.
dimensions = ["pillar", "year"]
# SQL conditions on the same view, e.g. "sector = 'Y tế'" or "is_state_budget".
filters = []

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.ticker import FuncFormatter

from pipelines.formatting import mvnd, vn_number
from pipelines.notebook_tables import ALLOCATION_METHOD_VI, in_vietnamese, show
from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None

# One wide view: each plan amount with the readable names of its dimensions.
PLAN_VIEW = """
    select f.year, fs.name_vi as funding_source, f.is_state_budget, s.sector_name_vi as sector,
           p.pillar_name_vi as pillar, a.agency_name as lead_agency, f.appendix, t.group_code,
           f.allocation_method, f.item_no, f.amount_mvnd
    from marts.fct_budget_plan f
    left join marts.dim_funding_source fs using (funding_source_code)
    left join marts.dim_sector s using (sector_code)
    left join marts.dim_pillar p using (pillar_code)
    left join marts.dim_agency a on a.agency_code = f.lead_agency_code
    left join marts.dim_task t using (task_key)
"""
ALLOWED = {
    "year",
    "funding_source",
    "is_state_budget",
    "sector",
    "pillar",
    "lead_agency",
    "appendix",
    "group_code",
    "allocation_method",
}
unknown = set(dimensions) - ALLOWED
if unknown:  # dimensions become SQL identifiers: only known names, never free text
    raise ValueError(f"Chiều không hợp lệ (unknown dimension): {sorted(unknown)}")
dims = ", ".join(dimensions)
where = " and ".join(f"({f})" for f in filters) or "true"
sliced = read_sql(
    f"select {dims}, sum(amount_mvnd) as amount_mvnd, count(distinct item_no) as tasks "
    f"from ({PLAN_VIEW}) where {where} group by all order by {dims}",
    path=WAREHOUSE,
)
total = sliced["amount_mvnd"].sum()
display(Markdown(f"**Tổng theo bộ lọc:** {mvnd(total)} · {len(sliced)} dòng"))


# Headers readers see; `sliced` keeps the column names above for analysis.
COLUMNS_VI = {
    "year": "Năm",
    "funding_source": "Nguồn vốn",
    "is_state_budget": "Ngân sách nhà nước",
    "sector": "Lĩnh vực",
    "pillar": "Trụ cột",
    "lead_agency": "Cơ quan chủ trì",
    "appendix": "Phụ lục",
    "group_code": "Nhóm nhiệm vụ",
    "allocation_method": "Cách phân bổ theo năm",
    "amount_mvnd": "Kinh phí (triệu đồng)",
    "tasks": "Số nhiệm vụ",
}

# %%
shown = sliced.copy()  # amounts in whole million VND, as the documents write them
shown["amount_mvnd"] = shown["amount_mvnd"].map(lambda v: "—" if pd.isna(v) else vn_number(v))
if "allocation_method" in shown.columns:
    shown["allocation_method"] = in_vietnamese(shown["allocation_method"], ALLOCATION_METHOD_VI)
show(
    shown,
    {c: COLUMNS_VI[c] for c in [*dimensions, "amount_mvnd", "tasks"]},
    "Không có dòng kinh phí nào khớp bộ lọc.",
)

# %%
# A chart of the first dimension, stacked by the second when there is one.
first = dimensions[0]
if sliced.empty:
    wide = None  # nothing to draw
elif len(dimensions) > 1:
    wide = sliced.pivot_table(index=first, columns=dimensions[1], values="amount_mvnd", aggfunc="sum")
else:
    wide = sliced.set_index(first)[["amount_mvnd"]]
if wide is not None:
    # Exact Decimals in the tables; the chart only needs floats to draw.
    ax = wide.fillna(0).astype(float).plot(kind="bar", stacked=True, figsize=(9, 4.5), colormap="tab20")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: vn_number(round(v))))
    ax.set_ylabel("triệu đồng")
    ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    plt.tight_layout()
    plt.show()
