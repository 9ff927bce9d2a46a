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
import datetime as dt
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None
AS_OF = dt.date.fromisoformat(str(as_of)) if as_of else None  # None: the reports are as of today


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return read_sql(query, params, path=WAREHOUSE, as_of=AS_OF)


def table(df: pd.DataFrame) -> HTML:
    """A plain HTML table; NULL shows as '—' (unknown or not applicable), never NaN or None."""
    return HTML(df.astype(object).where(df.notna(), "—").to_html(index=False))


NO_SUBMISSIONS = "**Chưa có báo cáo nào của sở, ngành được nạp**"
tables = set(
    sql("select table_name from information_schema.tables where table_schema = 'marts'")["table_name"]
)
SUBMISSION_TABLES = [
    t for t in ("dim_submission", "rpt_submission_status", "fct_submission_finding") if t in tables
]
files = sql("select * from marts.dim_submission") if "dim_submission" in tables else pd.DataFrame()
if not SUBMISSION_TABLES:
    display(Markdown(f"{NO_SUBMISSIONS} (không có bảng báo cáo trong kho dữ liệu)."))
elif files.empty:
    display(Markdown(f"{NO_SUBMISSIONS}: kho dữ liệu chưa nhận tệp nào."))

# %%
if not files.empty:
    if "is_sample" in files.columns and files["is_sample"].fillna(False).any():
        display(Markdown("**Có dữ liệu mẫu (sample data)**"))
    order = [c for c in ("agency_code", "period", "received_at") if c in files.columns]
    display(table(files.sort_values(order) if order else files))
    if "status" in files.columns:
        ax = files["status"].value_counts().plot(kind="barh", figsize=(6, 2.5), title="Tệp theo trạng thái")
        plt.tight_layout()
        plt.show()

# %%
# Expected reports per department and quarter: submitted, late, missing, rejected.
if "rpt_submission_status" in tables:
    status = sql("select * from marts.rpt_submission_status order by agency_code, period")
    if status.empty:
        display(Markdown("*Chưa đến kỳ báo cáo nào: không có sở, ngành nào phải nộp.*"))
    else:
        display(table(status))

# %%
# Findings by rule: which rules fire most often, to fix the template or the guidance. The findings
# table when the warehouse has one, else the rule IDs each file carries in dim_submission.
finding_table = next((t for t in ("fct_submission_finding", "fct_submission_findings") if t in tables), None)
if finding_table:
    counts = sql(
        f"select rule_id, severity, count(*) as n from marts.{finding_table} group by all order by n desc"
    )
elif "rule_ids" in files.columns:
    counts = sql(
        "select rule_id, count(*) as files from ("
        "  select unnest(string_split(rule_ids, ',')) as rule_id from marts.dim_submission"
        "  where coalesce(rule_ids, '') <> ''"
        ") group by all order by files desc, rule_id"
    )
else:
    counts = pd.DataFrame()
if counts.empty:
    display(Markdown("*Không có lỗi hay cảnh báo nào theo quy tắc.*"))
else:
    display(table(counts))
