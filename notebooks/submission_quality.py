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
from IPython.display import Markdown, display

from pipelines.as_of_sql import received_by, vn_day
from pipelines.notebook_tables import (
    SEVERITY_VI,
    STATUS_VI,
    SUBMISSION_FILE_COLUMNS_VI,
    file_status_words,
    in_vietnamese,
    show,
    vn_period,
)
from pipelines.submissions.rules import RULES
from pipelines.warehouse_access import read_sql

WAREHOUSE = Path(warehouse_path) if warehouse_path else None
AS_OF = dt.date.fromisoformat(str(as_of)) if as_of else dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
AS_OF_VN = AS_OF.strftime("%d/%m/%Y")


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return read_sql(query, params, path=WAREHOUSE, as_of=AS_OF)


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
    # `files` stays raw for analysis; the table shows Vietnamese headers and values. The ids, hashes and
    # storage paths stay in `files`; a duplicate names the file it repeats.
    listed = (files.sort_values(order) if order else files).copy()
    if "status" in listed.columns:
        listed["status"] = file_status_words(listed)
    if "period" in listed.columns:
        listed["period"] = listed["period"].map(vn_period)
    if {"duplicate_of", "submission_id", "file_name"} <= set(listed.columns):
        names = dict(zip(files["submission_id"], files["file_name"], strict=True))
        listed["duplicate_of"] = in_vietnamese(listed["duplicate_of"], names)
    show(
        listed,
        {
            **SUBMISSION_FILE_COLUMNS_VI,
            "is_current": "Có hiệu lực",
            "fatal_count": "Số lỗi nghiêm trọng",
            "warning_count": "Số cảnh báo",
            "rule_ids": "Mã quy tắc vi phạm",
            "superseded_at": "Bị thay thế lúc",
            "duplicate_of": "Trùng với tệp",
            "file_format": "Định dạng",
            "template_version": "Phiên bản biểu mẫu",
            "budget_row_count": "Số dòng kinh phí",
            "progress_row_count": "Số dòng tiến độ",
            "kpi_row_count": "Số dòng chỉ tiêu",
            "error_report_xlsx": "Báo cáo lỗi (Excel)",
            "error_report_csv": "Báo cáo lỗi (CSV)",
        },
    )
    if "status" in files.columns:
        by_status = in_vietnamese(files["status"], STATUS_VI).value_counts()
        ax = by_status.plot(kind="barh", figsize=(6, 2.5), title="Tệp theo trạng thái")
        ax.set_ylabel("")
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
            submission_state=in_vietnamese(status["submission_state"], STATUS_VI),
            current_status=in_vietnamese(status["current_status"], STATUS_VI),
            period=status["period"].map(vn_period),
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
else:  # `counts` stays raw; the table adds each rule's severity and message from the rule catalogue
    shown = counts.copy()
    if "severity" not in shown.columns:
        shown["severity"] = shown["rule_id"].map(lambda rule: RULES[rule].severity if rule in RULES else None)
    shown["severity"] = in_vietnamese(shown["severity"], SEVERITY_VI)
    shown["message"] = shown["rule_id"].map(lambda rule: RULES[rule].message_vi if rule in RULES else None)
    show(
        shown,
        {
            "rule_id": "Mã quy tắc",
            "severity": "Mức độ",
            "message": "Nội dung",
            "files": "Số tệp",
            "n": "Số lần vi phạm",
        },
    )
