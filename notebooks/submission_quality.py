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
# # Chất lượng báo cáo của sở, ngành (submission quality)
# Tệp đã nạp, trạng thái, lỗi theo quy tắc. Các bảng báo cáo chỉ có sau khi dựng các mart về báo cáo
# (dim_submission, rpt_submission_status); khi chưa có, notebook nói rõ như vậy.

# %% tags=["parameters"]
as_of = None  # ISO date; None = today
warehouse_path = None  # None = the published warehouse

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return read_sql(query, params, path=WAREHOUSE)


tables = set(
    sql("select table_name from information_schema.tables where table_schema = 'marts'")["table_name"]
)
SUBMISSION_TABLES = [
    t for t in ("dim_submission", "rpt_submission_status", "fct_submission_finding") if t in tables
]
if not SUBMISSION_TABLES:
    display(
        Markdown("**Chưa có báo cáo nào của sở, ngành được nạp** (không có bảng báo cáo trong kho dữ liệu).")
    )

# %%
if "dim_submission" in tables:
    files = sql("select * from marts.dim_submission")
    if "is_sample" in files.columns and files["is_sample"].fillna(False).any():
        display(Markdown("**Có dữ liệu mẫu (sample data)**"))
    display(HTML(files.to_html(index=False)))
    if "status" in files.columns and not files.empty:
        ax = files["status"].value_counts().plot(kind="barh", figsize=(6, 2.5), title="Tệp theo trạng thái")
        plt.tight_layout()
        plt.show()

# %%
if "rpt_submission_status" in tables:
    display(HTML(sql("select * from marts.rpt_submission_status").to_html(index=False)))

# %%
# Findings by rule: which rules fire most often, to fix the template or the guidance.
finding_table = next((t for t in ("fct_submission_finding", "fct_submission_findings") if t in tables), None)
if finding_table:
    counts = sql(
        f"select rule_id, severity, count(*) as n from marts.{finding_table} group by all order by n desc"
    )
    display(HTML(counts.to_html(index=False)))
