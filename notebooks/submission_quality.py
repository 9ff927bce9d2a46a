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
from zoneinfo import ZoneInfo

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from pipelines.as_of_sql import received_by, vn_day
from pipelines.notebook_tables import show
from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None
AS_OF = dt.date.fromisoformat(str(as_of)) if as_of else dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
AS_OF_VN = AS_OF.strftime("%d/%m/%Y")


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return read_sql(query, params, path=WAREHOUSE, as_of=AS_OF)


def table(df: pd.DataFrame) -> HTML:
    """A plain HTML table; NULL shows as '—' (unknown or not applicable), never NaN or None."""
    return HTML(df.astype(object).where(df.notna(), "—").to_html(index=False))


# Readers get Vietnamese words for the marts' status codes; an unknown code is shown as it is.
STATUS_VI = {
    "accepted": "được chấp nhận",
    "flagged": "được chấp nhận, có cảnh báo",
    "rejected": "bị từ chối",
    "duplicate": "trùng tệp đã nộp",
    "submitted": "đã nộp",
    "rejected_only": "chỉ có tệp bị từ chối",
    "missing": "chưa nộp",
}


# What was known on AS_OF, by the briefing's rule (notebooks/briefing.py): a file counts from the
# Vietnam date it was received; a loaded version (accepted or flagged) is in force from then until
# the day a later version of the same agency and period arrived. Files received after AS_OF are not
# listed, and a replacement that came only after AS_OF is not known yet.
DAY = f"date '{AS_OF.isoformat()}'"
RECEIVED = received_by(AS_OF)
SUPERSEDED = f"(superseded_at is not null and {vn_day('superseded_at')} <= {DAY})"
FILE_IN_FORCE = f"status in ('accepted', 'flagged') and not {SUPERSEDED}"

NO_SUBMISSIONS = "**Chưa có báo cáo nào của sở, ngành được nạp**"
tables = set(
    sql("select table_name from information_schema.tables where table_schema = 'marts'")["table_name"]
)
SUBMISSION_TABLES = [
    t for t in ("dim_submission", "rpt_submission_status", "fct_submission_finding") if t in tables
]
# is_current and superseded_at describe the warehouse today; here they say what held on AS_OF.
files = (
    sql(
        f"""
        select * replace (
            coalesce({FILE_IN_FORCE}, false) as is_current,
            case when {SUPERSEDED} then superseded_at end as superseded_at
        )
        from marts.dim_submission where {RECEIVED}
        """
    )
    if "dim_submission" in tables
    else pd.DataFrame()
)
display(Markdown(f"Ngày số liệu: {AS_OF_VN} · các tệp đã nhận đến hết ngày này."))
if not SUBMISSION_TABLES:
    display(Markdown(f"{NO_SUBMISSIONS} (không có bảng báo cáo trong kho dữ liệu)."))
elif files.empty:
    display(Markdown(f"{NO_SUBMISSIONS}: kho dữ liệu chưa nhận tệp nào đến ngày {AS_OF_VN}."))

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
# Expected reports per department and quarter: submitted, late, missing, rejected. The view is computed
# as of AS_OF (read_sql sets it) and counts only the files received by then.
if "rpt_submission_status" in tables:
    status = sql("select * from marts.rpt_submission_status order by agency_code, period")
    if status.empty:
        display(Markdown("*Chưa đến kỳ báo cáo nào: không có sở, ngành nào phải nộp.*"))
    else:  # `status` stays raw for analysis; the table shows Vietnamese headers and values
        shown = status.assign(
            submission_state=status["submission_state"].map(lambda v: STATUS_VI.get(v, v)),
            current_status=status["current_status"].map(lambda v: STATUS_VI.get(v, v)),
        )
        show(
            shown,
            {
                "agency_code": "Sở, ngành",
                "period": "Kỳ",
                "deadline_date": "Hạn nộp",
                "submission_state": "Trạng thái",
                "is_late": "Nộp chậm",
                "has_fatal_errors": "Có tệp bị từ chối",
                "files_received": "Số tệp đã nhận",
                "revision_count": "Số lần nộp lại",
                "current_status": "Tình trạng bản có hiệu lực",
                "first_received_at": "Nhận lần đầu",
                "last_received_at": "Nhận lần cuối",
                "is_sample": "Dữ liệu mẫu",
            },
        )

# %%
# Findings by rule: which rules fire most often, to fix the template or the guidance. The findings
# table when the warehouse has one (per submission), else the rule IDs each file carries in
# dim_submission; only the files received by AS_OF.
finding_table = next((t for t in ("fct_submission_finding", "fct_submission_findings") if t in tables), None)
finding_columns = set(sql(f"select * from marts.{finding_table} limit 0").columns) if finding_table else set()
if finding_table and "submission_id" in finding_columns:
    counts = sql(
        f"select rule_id, severity, count(*) as n from marts.{finding_table} "
        f"where submission_id in (select submission_id from marts.dim_submission where {RECEIVED}) "
        "group by all order by n desc, rule_id"
    )
elif "rule_ids" in files.columns:
    counts = sql(
        "select rule_id, count(*) as files from ("
        "  select unnest(string_split(rule_ids, ',')) as rule_id from marts.dim_submission"
        f"  where coalesce(rule_ids, '') <> '' and {RECEIVED}"
        ") group by all order by files desc, rule_id"
    )
else:
    counts = pd.DataFrame()
if counts.empty:
    display(Markdown("*Không có lỗi hay cảnh báo nào theo quy tắc.*"))
else:
    display(table(counts))
