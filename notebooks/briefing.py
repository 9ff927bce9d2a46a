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

# %% tags=["parameters"]
# Parameters (pipelines/briefing.py injects new values in a cell right after this one).
# as_of: the briefing date (ISO, YYYY-MM-DD); None = today in Vietnam.
# warehouse_path: the DuckDB file to read; None = the published warehouse.
as_of = None
warehouse_path = None

# %%
# Setup: read-only access through the project's helper, Vietnamese number formats, offline charts.
import datetime as dt
import textwrap
from decimal import Decimal
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from pipelines.as_of_sql import known_at, received_by, vn_day
from pipelines.formatting import bvnd, mvnd, vn_number, vn_percent
from pipelines.notebook_tables import (
    DISBURSEMENT_LEGEND,
    DISBURSEMENT_TABLE_CLASS,
    STATUS_VI,
    SUBMISSION_FILE_COLUMNS_VI,
    chart_year,
    disbursement_years,
    file_status_words,
    fmt_cell,
    formatted,
    funding_short,
    in_vietnamese,
    late_report_grid,
    latest_received,
    quarters_unbroken,
    show,
    task_numbers,
    unaccented,
    vn_locator,
    vn_period,
    vn_period_range,
    vn_rate,
    without_english_gloss,
)
from pipelines.parsing.amount_words import amount_to_words
from pipelines.publish import restored_version
from pipelines.warehouse_access import connect_readonly, published_path

AS_OF = dt.date.fromisoformat(str(as_of)) if as_of else dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
WAREHOUSE = Path(warehouse_path) if warehouse_path else published_path()

# PNG output only: the HTML must render with no JavaScript and no network (no Plotly/Altair).
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "figure.dpi": 110, "savefig.dpi": 110})
VN_AXIS = FuncFormatter(lambda value, _pos: vn_number(Decimal(str(round(value)))))
# Small values with their decimals, written the Vietnamese way: 42,5 (not 42.5).
VN_TICK = FuncFormatter(lambda value, _pos: f"{value:g}".replace(".", ","))


# One read-only connection for the whole briefing: every figure comes from the same published
# version (a publish during the render cannot mix two nights), and it saves opening the file for
# each of the ~30 queries. as_of: the date-dependent views are computed as of AS_OF.
WAREHOUSE_CONNECTION = connect_readonly(WAREHOUSE, as_of=AS_OF)


def sql(query: str, params: list | None = None) -> pd.DataFrame:
    return WAREHOUSE_CONNECTION.execute(query, params).df()


# What was known on the briefing date. The warehouse keeps every version of every departmental
# submission; a briefing for AS_OF (also one re-rendered later for a past date) uses only:
# * the files received on or before AS_OF: received_at, as a date in Vietnam, <= AS_OF;
# * of those, per agency × period, the loaded version (accepted or flagged) in force at the end of that
#   day: not superseded by then. valid_from/valid_to on the facts are their file's received_at and
#   superseded_at (the time the next version arrived), so at most one version per agency × period counts.
# Reporting periods are not filtered separately: a quarter's report exists only once its file is
# received, so the received date is the one rule. A file sent before its quarter ended (an early or
# mis-dated report) was still what the province knew that day, and the briefing lists it as received.
RECEIVED = received_by(AS_OF)  # dim_submission: files received
FILE_IN_FORCE = f"status in ('accepted', 'flagged') and {known_at(AS_OF, 'received_at', 'superseded_at')}"
KNOWN = known_at(AS_OF)  # the facts' rows (fct_task_progress, fct_kpi_actual)


def table_exists(schema: str, name: str) -> bool:
    found = sql(
        "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    )
    return int(found["n"].iloc[0]) > 0


def show_chart(fig, alt: str) -> None:
    """The chart as a PNG whose alt text says in Vietnamese what it shows: read out by screen readers
    and shown where images are off (nbconvert's default is an English "No description")."""
    display(fig, metadata={"image/png": {"alt": alt}})
    plt.close(fig)


def note(text: str, kind: str = "note") -> None:
    display(HTML(f'<div class="nq57-{kind}">{escape(text)}</div>'))


def table_legend(text: str) -> None:
    """A line under a table saying what its abbreviations and units stand for."""
    display(HTML(f'<p class="nq57-legend">{escape(text)}</p>'))


def is_sample(frame: pd.DataFrame) -> pd.Series:
    """The rows of ``frame`` resting on sample files (its is_sample column; unknown counts as not)."""
    return frame["is_sample"].fillna(False).astype(bool)


# The same for the documents' kind and extraction status (marts.dim_document).
DOCUMENT_KIND_VI = {
    "resolution": "Nghị quyết (kế hoạch)",
    "slide_deck": "Bài trình chiếu",
    "unknown": "Chưa rõ",
}
EXTRACTION_STATUS_VI = {
    "ok": "đã nạp",
    "failed": "không đọc được",
    "duplicate": "bản trùng, không nạp",
    "not_listed": "chưa khai báo trong manifest, không nạp",
    "changed_since_listed": "khác với bản đã khai báo trong manifest, không nạp",
    "superseded": "văn bản cũ hơn, không nạp",
}


def vn_date_text(value: object) -> object:
    """'2025-06' → '06/2025', '2025-06-15' → '15/06/2025'; anything else as it is."""
    if not isinstance(value, str):
        return value
    parts = value.split("-")
    if len(parts) in (2, 3) and all(part.isdigit() for part in parts) and len(parts[0]) == 4:
        return "/".join(reversed(parts))
    return value


# %% [markdown]
# # Bản tin điều hành thực hiện Nghị quyết 57-NQ/TW
# Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số của tỉnh, giai đoạn 2025–2030.
# Số tiền tính bằng triệu đồng (hoặc tỷ đồng khi ghi rõ); dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần
# thập phân (1.250,5).

# %%
# Which submission marts exist decides which sections appear (they may not be built yet).
SUBMISSION_MARTS = {
    name: table_exists("marts", name)
    for name in (
        "dim_submission",
        "fct_task_progress",
        "fct_kpi_actual",
        "rpt_submission_status",
        "rpt_disbursement_rate",
    )
}
# The files received by AS_OF; in_force marks the versions the figures below rest on.
submissions = (
    sql(f"select *, coalesce({FILE_IN_FORCE}, false) as in_force from marts.dim_submission where {RECEIVED}")
    if SUBMISSION_MARTS["dim_submission"]
    else pd.DataFrame(columns=["in_force", "is_sample"])
)
in_force = submissions[submissions["in_force"].astype(bool)]
HAS_SAMPLE = bool(is_sample(in_force).any())
AS_OF_VN = AS_OF.strftime("%d/%m/%Y")
display(Markdown(f"**Ngày số liệu:** {AS_OF_VN}"))
display(
    Markdown(
        f"Số liệu báo cáo của sở, ngành: các tệp đã nhận đến hết ngày {AS_OF_VN}, mỗi kỳ lấy phiên bản "
        "có hiệu lực vào ngày đó (tệp nhận sau ngày này, kể cả bản nộp lại, không được tính)."
    )
)
SAMPLE_FILES = int(is_sample(in_force).sum())
if HAS_SAMPLE:
    # How many, not "some": when every report is a sample, nothing from the departments is real.
    share = (
        f"cả {vn_number(len(in_force))} tệp báo cáo của sở, ngành đang dùng"
        if SAMPLE_FILES == len(in_force)
        else f"{vn_number(SAMPLE_FILES)}/{vn_number(len(in_force))} tệp báo cáo của sở, ngành đang dùng"
    )
    note(
        f"Có dữ liệu mẫu: {share} là dữ liệu mẫu để trình diễn, không phải số liệu thật. Không dùng "
        "các số thực hiện chỉ tiêu, giải ngân, tiến độ nhiệm vụ và tình trạng nộp báo cáo có đánh dấu "
        "“dữ liệu mẫu” dưới đây để báo cáo.",
        "banner",
    )
# A version put back by `nq57 rollback` (or the restore of a damaged file): its figures are an
# earlier night's, and the reader is told so before any of them.
RESTORED = restored_version(WAREHOUSE)
VN_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_time(moment: dt.datetime) -> str:
    return moment.astimezone(VN_ZONE).strftime("%H:%M ngày %d/%m/%Y")


if RESTORED is not None:
    note(
        f"Kho dữ liệu đã được quay lại bản công bố lúc {vn_time(RESTORED.published_at)} "
        f"(đặt lại lúc {vn_time(RESTORED.restored_at)}"
        + (f"; lý do: {RESTORED.reason}" if RESTORED.reason else "")
        + "). Số liệu trong bản tin là của bản công bố đó, không gồm các lần làm mới sau nó."
    )
if in_force.empty:
    note(
        f"Chưa có báo cáo nào của sở, ngành được nạp đến ngày {AS_OF_VN}: "
        "bản tin chỉ dựa trên các tài liệu kế hoạch."
    )

# %% [markdown]
# ## 1. Số liệu chính

# %%
# What the plan is made of, counted from the warehouse: the first thing a leader is asked.
shape = sql(
    """
    select count(*) filter (where item_level = 'task') as tasks,
           count(distinct group_code) filter (where item_level = 'task') as groups,
           count(*) filter (where item_level = 'unit') as units,
           count(*) filter (where item_level = 'item') as items,
           (select count(*) from marts.dim_indicator) as indicators,
           (select max(stated_value) from marts.rpt_reconciliation
            where check_id = 'KPI.HEADLINE_VS_ROADMAP' and status = 'fail') as headline_targets
    from marts.dim_task
    """
).iloc[0]
display(
    Markdown(
        f"Đề án gồm **{vn_number(int(shape['tasks']))}** nhiệm vụ, giải pháp trong "
        f"**{vn_number(int(shape['groups']))}** nhóm (Phụ lục I)"
        + (
            f", **{vn_number(int(shape['items']))}** nội dung chuyển đổi số của "
            f"**{vn_number(int(shape['units']))}** đơn vị (Phụ lục 2)"
            if shape["items"]
            else ""
        )
        + f" và **{vn_number(int(shape['indicators']))}** chỉ tiêu có lộ trình theo năm"
        + (
            f" (Phần III.IV nêu {vn_number(int(shape['headline_targets']))} chỉ tiêu, xem mục 6)"
            if not pd.isna(shape["headline_targets"])
            else ""
        )
        + "."
    )
)
totals = sql(
    """
    select
      sum(amount_mvnd) as total,
      sum(amount_mvnd) filter (where is_state_budget) as state,
      sum(amount_mvnd) filter (where not is_state_budget) as other,
      sum(amount_mvnd) filter (where appendix = 'I' and funding_source_code = 'NSNN') as a1_state,
      sum(amount_mvnd) filter (where appendix = 'II') as a2_state
    from marts.fct_budget_plan
    """
).iloc[0]
stated = sql(
    "select scope, measure, stated_amount_mvnd from marts.fct_stated_total "
    "where scope like 'part_IV%' order by scope, measure"
)
PART_IV = {
    measure: amount
    for scope, measure, amount in stated.itertuples(index=False)
    if scope == "part_IV" and amount is not None and not pd.isna(amount)
}


def percent_of(part: object, whole: object) -> str:
    return vn_percent(Decimal(str(part)) * 100 / Decimal(str(whole)))


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + vn_number(value)


lines = []
if {"total", "state_budget", "other_sources"} <= PART_IV.keys():
    # The resolution's own figures first, with its own split: the ones a leader has read. The sums of
    # the rows follow, with what makes the two differ, so no total in the briefing is left unexplained.
    party = PART_IV.get("party_digital_transformation")
    lines += [
        f"- **Tổng kinh phí theo Nghị quyết (Phần IV):** {mvnd(PART_IV['total'])} ({bvnd(PART_IV['total'])})",
        f"    - Ngân sách nhà nước: {mvnd(PART_IV['state_budget'])} "
        f"({percent_of(PART_IV['state_budget'], PART_IV['total'])})"
        + (f", trong đó chuyển đổi số trong các cơ quan Đảng {vn_number(party)}" if party else ""),
        f"    - Nguồn khác (ngoài ngân sách): {mvnd(PART_IV['other_sources'])} "
        f"({percent_of(PART_IV['other_sources'], PART_IV['total'])})",
    ]
lines += [
    f"- **Tổng kinh phí kế hoạch (cộng từ các dòng Phụ lục I và Phụ lục 2):** {mvnd(totals['total'])} "
    f"({bvnd(totals['total'])})",
    f"    - Ngân sách nhà nước: {mvnd(totals['state'])} ({percent_of(totals['state'], totals['total'])})",
    f"    - Nguồn khác (ngoài ngân sách): {mvnd(totals['other'])} "
    f"({percent_of(totals['other'], totals['total'])})",
    f"    - Phụ lục I, ngân sách nhà nước: {mvnd(totals['a1_state'])}",
    f"    - Phụ lục 2 (chuyển đổi số cơ quan Đảng), cộng các nội dung: {mvnd(totals['a2_state'])}",
]
display(Markdown("\n".join(lines)))

if {"total", "state_budget", "other_sources"} <= PART_IV.keys() and totals["total"] != PART_IV["total"]:
    parts = []
    for label, measure, rows in (
        ("ngân sách nhà nước", "state_budget", totals["state"]),
        ("nguồn khác", "other_sources", totals["other"]),
    ):
        if rows is None or pd.isna(rows) or Decimal(str(rows)) == Decimal(str(PART_IV[measure])):
            continue
        part = (
            f"{label} {signed(Decimal(str(rows)) - Decimal(str(PART_IV[measure])))} "
            f"(các dòng cộng được {vn_number(Decimal(str(rows)))}, Phần IV ghi {vn_number(PART_IV[measure])}"
        )
        party = PART_IV.get("party_digital_transformation")
        a1, a2 = Decimal(str(totals["a1_state"])), Decimal(str(totals["a2_state"]))
        if measure == "state_budget" and party is not None and a1 + Decimal(str(party)) == PART_IV[measure]:
            # Appendix I's state budget agrees with Part IV: the whole difference is Appendix 2's.
            part += (
                f"; cả phần chênh ở Phụ lục 2: các nội dung cộng được {vn_number(a2)}, "
                f"Phần IV ghi {vn_number(party)} cho chuyển đổi số trong các cơ quan Đảng"
            )
        parts.append(part + ")")
    display(
        Markdown(
            "Hai số tổng khác nhau "
            f"{signed(Decimal(str(totals['total'])) - Decimal(str(PART_IV['total'])))} triệu đồng: "
            + "; ".join(parts)
            + ". Các bảng dưới đây (trụ cột, nhóm, lĩnh vực, năm, giải ngân) cộng từ các dòng; từng chỗ "
            "không khớp ở mục 6."
        )
    )

# %%
display(Markdown("### Theo trụ cột"))
# Counts from dim_task, not from the amounts: a task whose funding is "to be determined" (tasks 57,
# 58, 59, 78: NULL, no amount row) is still one of the plan's tasks; Appendix 2's contents are
# counted apart from Appendix I's tasks (they are items of four units, not tasks of the plan).
by_pillar = sql(
    """
    with amounts as (
        select pillar_code,
               coalesce(sum(amount_mvnd) filter (where is_state_budget), 0) as state,
               coalesce(sum(amount_mvnd) filter (where not is_state_budget), 0) as other,
               sum(amount_mvnd) as total
        from marts.fct_budget_plan group by all
    ),
    counts as (
        select pillar_code,
               count(*) filter (where appendix = 'I' and item_level = 'task') as tasks,
               count(*) filter (where appendix = 'II' and item_level = 'item') as items,
               count(*) filter (where budget_status = 'to_be_determined') as to_be_determined
        from marts.dim_task group by all
    )
    select p.pillar_name_vi, a.state, a.other, a.total, c.tasks, c.items, c.to_be_determined
    from amounts a full join counts c using (pillar_code) left join marts.dim_pillar p using (pillar_code)
    order by a.total desc nulls last
    """
)
show(
    by_pillar,
    {
        "pillar_name_vi": "Trụ cột",
        "state": "NSNN (triệu đồng)",
        "other": "Nguồn khác (triệu đồng)",
        "total": "Tổng (triệu đồng)",
        "tasks": "Nhiệm vụ (Phụ lục I)",
        "items": "Nội dung (Phụ lục 2)",
        "to_be_determined": "Trong đó chưa xác định kinh phí",
    },
)
display(Markdown("### Theo nhóm nhiệm vụ (Phụ lục I)"))
by_group = sql(
    "select group_code, group_name, task_count, state_budget_mvnd, other_budget_mvnd, tasks_to_be_determined "
    "from marts.dim_group where appendix = 'I' order by sequence"
)
show(
    by_group,
    {
        "group_code": "Nhóm",
        "group_name": "Tên nhóm",
        "task_count": "Số nhiệm vụ",
        "state_budget_mvnd": "NSNN (triệu đồng)",
        "other_budget_mvnd": "Nguồn khác (triệu đồng)",
        "tasks_to_be_determined": "Chưa xác định kinh phí",
    },
)
display(Markdown("### Theo lĩnh vực"))
# The document prints no sector, pillar or lead agency per task (Appendix I has no such column): the
# warehouse assigns them by rule or by a compiler's choice that Sở KH&CN has yet to review
# (dim_task.classification_needs_review). Said here with how much money rests on such a choice, and
# the tasks "to be determined" (no amount, so in no sum) counted per sector.
by_sector = sql(
    """
    with amounts as (
        select f.sector_code,
               coalesce(sum(f.amount_mvnd) filter (where f.is_state_budget), 0) as state,
               coalesce(sum(f.amount_mvnd) filter (where not f.is_state_budget), 0) as other,
               sum(f.amount_mvnd) as total,
               coalesce(sum(f.amount_mvnd) filter (where t.classification_needs_review), 0) as to_review
        from marts.fct_budget_plan f join marts.dim_task t using (task_key)
        group by all
    ),
    undetermined as (
        select sector_code, count(*) as to_be_determined from marts.dim_task
        where budget_status = 'to_be_determined' group by all
    )
    select s.sector_name_vi, a.state, a.other, a.total, a.to_review,
           coalesce(u.to_be_determined, 0) as to_be_determined
    from amounts a full join undetermined u using (sector_code)
    left join marts.dim_sector s using (sector_code)
    order by a.total desc nulls last
    """
)
review = sql(
    """
    select count(*) filter (where t.appendix = 'I' and t.item_level = 'task') as tasks,
           (select count(*) from marts.dim_task where appendix = 'I' and item_level = 'task') as all_tasks,
           (select coalesce(sum(f.amount_mvnd), 0) from marts.fct_budget_plan f
            join marts.dim_task r using (task_key) where r.classification_needs_review) as amount
    from marts.dim_task t where t.classification_needs_review
    """
).iloc[0]
if review["tasks"]:
    note(
        f"Lĩnh vực, trụ cột và cơ quan chủ trì: Phụ lục I không ghi cho từng nhiệm vụ, kho dữ liệu gán theo "
        f"quy tắc hoặc do người biên soạn chọn. Với {vn_number(review['tasks'])}/"
        f"{vn_number(review['all_tasks'])} nhiệm vụ ({fmt_cell(review['amount'])} triệu đồng, cột “Chờ rà "
        "soát”), ít nhất một trong ba do người biên soạn chọn, chờ Sở Khoa học và Công nghệ rà soát; số theo "
        "lĩnh vực, trụ cột và cơ quan chủ trì trong bản tin này có thể đổi sau rà soát. Trụ cột (ba trụ "
        "cột của Đề án) và lĩnh vực (lĩnh vực quản lý mà nhiệm vụ phục vụ) là hai cách chia khác nhau: một "
        "trụ cột và một lĩnh vực có tên gần giống nhau không có cùng số tiền."
    )
show(
    by_sector,
    {
        "sector_name_vi": "Lĩnh vực",
        "state": "NSNN (triệu đồng)",
        "other": "Nguồn khác (triệu đồng)",
        "total": "Tổng (triệu đồng)",
        "to_review": "Chờ rà soát (triệu đồng)",
        "to_be_determined": "Nhiệm vụ chưa xác định kinh phí",
    },
)

# %% [markdown]
# ## 2. Kinh phí dự kiến theo năm và lĩnh vực
# Phân bổ theo năm là ước tính theo quy tắc (chia đều theo thời gian thực hiện khi tài liệu không ghi năm).

# %%
by_year_sector = sql(
    """
    select f.year, coalesce(s.sector_name_vi, '(chưa phân loại)') as sector, sum(f.amount_mvnd) as amount
    from marts.fct_budget_plan f left join marts.dim_sector s using (sector_code)
    group by all order by f.year
    """
)
# The sums are exact DECIMALs in DuckDB; pandas receives them as float64, exact at these sizes.
pivot = by_year_sector.pivot_table(
    index="sector", columns="year", values="amount", aggfunc="sum", fill_value=0
)
pivot = pivot.loc[pivot.sum(axis=1).sort_values(ascending=False).index]
# The chart draws the largest sectors and one bar part for the rest: twenty slivers in twenty
# colours could not be told apart. The table under it has every sector.
CHART_SECTORS = 8
drawn = pivot.head(CHART_SECTORS)
if len(pivot) > CHART_SECTORS:
    rest = pivot.iloc[CHART_SECTORS:]
    drawn = pd.concat([drawn, rest.sum().to_frame(f"Các lĩnh vực khác ({len(rest)} lĩnh vực)").T])
fig, ax = plt.subplots(figsize=(9, 4.8))
bottom = pd.Series(0.0, index=drawn.columns)
# One colour per part, from dark at the bottom of the bar to light at the top, each at least 18 (of
# 255) lighter than the one below it in BT.601, BT.709 and CIELAB L* alike (printers and viewers turn
# colour to grey by different weights: green counts more in BT.709, so a green and an orange red 24
# apart in BT.601 came out 3 apart there): printed in greyscale, every part is still its own shade,
# in the legend's order. Only "the rest" is grey (tab10 had a grey sector beside it: two greys no
# reader could tell apart). The white edge separates parts of close colour on screen too.
STACK_COLORS = [
    "#061739",  # navy
    "#70170f",  # dark red
    "#1e5931",  # dark green
    "#9d4f22",  # brown
    "#a650fb",  # purple
    "#3db8a8",  # teal
    "#f7ac50",  # orange
    "#b7d3e7",  # pale blue
]
REST_COLOR = "#e3e3e3"
has_rest = len(pivot) > CHART_SECTORS  # CHART_SECTORS is len(STACK_COLORS): a colour per sector drawn
colors = STACK_COLORS[: len(drawn) - has_rest] + ([REST_COLOR] if has_rest else [])
for i, (sector, row) in enumerate(drawn.iterrows()):
    values = row.astype(float)
    ax.bar(
        [str(y) for y in drawn.columns],
        values,
        bottom=bottom,
        label=sector,
        color=colors[i],
        edgecolor="white",
        linewidth=0.8,
    )
    bottom += values
ax.set_title("Kinh phí dự kiến theo năm và lĩnh vực (triệu đồng)")
ax.yaxis.set_major_formatter(VN_AXIS)
# Legend top to bottom as the bars are stacked: the top part of the bar first.
handles, labels = ax.get_legend_handles_labels()
ax.legend(handles[::-1], labels[::-1], fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout()
show_chart(
    fig,
    f"Biểu đồ cột chồng: kinh phí dự kiến theo năm, {min(pivot.columns)}–{max(pivot.columns)}, chia theo "
    f"{min(len(pivot), CHART_SECTORS)} lĩnh vực lớn nhất"
    + (" và các lĩnh vực khác" if len(pivot) > CHART_SECTORS else "")
    + ", đơn vị triệu đồng. Số liệu ở bảng ngay dưới biểu đồ, đủ mọi lĩnh vực.",
)
year_table = pivot.copy()
year_table.columns = [str(c) for c in year_table.columns]
year_table["Tổng"] = year_table.sum(axis=1)
year_table.loc["Tổng cộng"] = year_table.sum(axis=0)
show(year_table.reset_index().rename(columns={"sector": "Lĩnh vực"}))

# %% [markdown]
# ## 3. Lộ trình các chỉ tiêu
# Hiện trạng → chỉ tiêu từng năm → số thực hiện (nếu sở, ngành đã báo cáo); mức thay đổi mỗi năm còn cần
# để đạt chỉ tiêu năm 2030, từ kỳ của số gần nhất đến hết năm 2030.

# %%
targets = sql(
    """
    select t.indicator_code, i.name_vi, t.year, t.target_value, t.target_text, t.comparator, t.unit,
           i.direction
    from marts.fct_kpi_target t left join marts.dim_indicator i using (indicator_code)
    where t.year is not null order by i.indicator_no, t.year
    """
)
# Targets set for a whole period ("55% (Giai đoạn 2026 - 2030)", TFP): no year of their own, so
# drawn as a line across their period and shown as the period's target, never put on one year.
period_targets = sql(
    """
    select indicator_code, period_start, period_end, target_value, target_text, column_label
    from marts.fct_kpi_target
    where year is null and period_start is not null and period_end is not null and target_value is not null
    order by indicator_code, period_start
    """
)
baselines = sql(
    """
    select indicator_code, year, period_start, period_end, observed_value, baseline_text
    from marts.fct_kpi_baseline
    where observed_value is not null and (year is not null or period_end is not null)
    order by indicator_code, coalesce(year, period_end)
    """
)
actuals = pd.DataFrame(columns=["indicator_code", "year", "quarter", "value", "is_sample"])
if SUBMISSION_MARTS["fct_kpi_actual"]:
    # The figures known on AS_OF; a year's actual is the one of its latest reported quarter, a
    # department's own report before any sample file (as rpt_task_risk: a sample never speaks for a
    # real report, even a later quarter's). The quarter is kept: an annual indicator reported for
    # Q1–Q3 is a mid-year figure, not the year's.
    actuals = sql(
        f"""
        select indicator_code, year, quarter, actual_value as value, is_sample
        from marts.fct_kpi_actual
        where actual_value is not null and {KNOWN}
        qualify row_number() over (
            partition by indicator_code, year order by is_sample, quarter desc, valid_from desc
        ) = 1
        order by indicator_code, year
        """
    )
SAMPLE_ACTUALS = bool(is_sample(actuals).any())
# After the plan's last day no year is left to reach its final targets: "Cần thay đổi mỗi năm" (what
# must change each year until then) would tell a leader in 2031 to gain 1,18 points a year.
last_plan_year = sql("select max(year) from marts.dim_year where is_last_plan_year").iloc[0, 0]
PLAN_ENDED = not pd.isna(last_plan_year) and AS_OF.year > int(last_plan_year)
if PLAN_ENDED:
    note(
        f"Đề án đã kết thúc ngày 31/12/{int(last_plan_year)}: không còn năm nào để đạt chỉ tiêu năm "
        f"{int(last_plan_year)}, nên cột “Cần thay đổi mỗi năm” để trống; bảng so sánh số gần nhất với "
        "chỉ tiêu."
    )
if SAMPLE_ACTUALS:
    note(
        "Có dữ liệu mẫu: số thực hiện các chỉ tiêu dưới đây (điểm đỏ rỗng trên biểu đồ, cột “Số gần nhất lấy "
        "từ” trong bảng) là dữ liệu mẫu, không phải số liệu thật.",
        "banner",
    )

TITLE_LINE = 44


def panel_title(name: object) -> str:
    """A panel's title on at most two lines; a longer name ends with "…" so it reads as cut (the
    table under the chart has it whole)."""
    return "\n".join(textwrap.wrap(str(name), TITLE_LINE, max_lines=2, placeholder=" …"))


def period_words(start: object, end: object) -> str:
    return f"giai đoạn {int(start)}–{int(end)}"


# The document's own comparator ("≥50"): a target printed "at least" is not shown as a bare number.
COMPARATOR_SIGN = {">=": "≥ ", "<=": "≤ ", ">": "> ", "<": "< "}


def is_year_end(quarter: object) -> bool:
    """Whether an actual is the year's figure: reported for Q4 (or for the year, no quarter). A Q1–Q3
    figure of an annual indicator is mid-year: set beside the year-end target it reads as missed."""
    return quarter is None or pd.isna(quarter) or int(quarter) == 4


def actual_when(year: object, quarter: object) -> str:
    """When an actual is for, as the table says it: "2025" for the year, "Quý 2/2026" mid-year."""
    return str(int(year)) if is_year_end(quarter) else f"Quý {int(quarter)}/{int(year)}"


def against_target(value: Decimal, target: Decimal, better_low: bool) -> str:
    on_track = value <= target if better_low else value >= target
    return "đúng lộ trình" if on_track else "chậm so với lộ trình"


def years_left(year: int, quarter: object, last_year: int = 2030) -> Decimal:
    """Years from the end of a figure's period to the end of ``last_year``: 4 from a 2026 figure, 4,5
    from a Q2/2026 one (dividing by 4 asked for more each year than is needed)."""
    if is_year_end(quarter):
        return Decimal(last_year - year)
    return Decimal(last_year - year) + Decimal(4 - int(quarter)) / 4


def change_per_year(needed: Decimal, unit: object) -> str:
    """What must change each year, with its unit: a share in % changes by percentage points, a count
    by whole units when that is what it comes to (it printed "4,00 doanh nghiệp")."""
    digits = next((d for d in (0, 1) if needed == round(needed, d)), 2)
    words = "điểm phần trăm" if unit == "%" else str(unit)
    return f"{vn_number(needed, digits)} {words}"


kpi_rows = []
indicators = targets.drop_duplicates("indicator_code")
n = len(indicators)
fig, axes = plt.subplots((n + 2) // 3 or 1, 3, figsize=(10, 3.2 * ((n + 2) // 3 or 1)), squeeze=False)
for ax, (_, ind) in zip(axes.flat, indicators.iterrows(), strict=False):
    code = ind["indicator_code"]
    t = targets[(targets["indicator_code"] == code) & targets["target_value"].notna()]
    pt = period_targets[period_targets["indicator_code"] == code]
    b = baselines[baselines["indicator_code"] == code]
    yearly_b = b[b["year"].notna()]
    period_b = b[b["year"].isna()]
    a = actuals[actuals["indicator_code"] == code]
    if t.empty and pt.empty and b.empty and a.empty:
        ax.text(
            0.5,
            0.5,
            "Không có chỉ tiêu theo từng năm",
            ha="center",
            va="center",
            fontsize=8,
            transform=ax.transAxes,
        )
        # Only the message: the year locator and formatter below would put ticks back on an empty
        # axis (printed "0 0 0 0 0 0 0"). Its table row: no figure, no 2030 target, no actual.
        ax.set_title(panel_title(ind["name_vi"]), fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        kpi_rows.append(
            {
                "Chỉ tiêu": ind["name_vi"],
                "Đơn vị": ind["unit"],
                "Số gần nhất": None,
                "Số gần nhất lấy từ": None,
                "Chỉ tiêu 2030": None,
                "Cần thay đổi mỗi năm": None,
                "Tình trạng": "chưa có số thực hiện",
            }
        )
        continue
    if not t.empty:
        ax.plot(t["year"], t["target_value"].astype(float), "o-", color="#1f5fa8", label="Chỉ tiêu")
    for _, p in pt.iterrows():  # a period's target: one level across its years
        ax.hlines(float(p["target_value"]), p["period_start"], p["period_end"], colors="#1f5fa8", linewidth=2)
    if not yearly_b.empty:
        ax.plot(yearly_b["year"], yearly_b["observed_value"].astype(float), "s--", color="#666666")
    for _, p in period_b.iterrows():
        ax.hlines(
            float(p["observed_value"]),
            p["period_start"],
            p["period_end"],
            colors="#666666",
            linestyles="dashed",
        )
    if not a.empty:
        sample = is_sample(a)
        ax.plot(a["year"], a["value"].astype(float), "-", color="#c0392b")
        # A sample figure is drawn hollow: the legend says what that means.
        ax.plot(a.loc[~sample, "year"], a.loc[~sample, "value"].astype(float), "D", color="#c0392b")
        ax.plot(
            a.loc[sample, "year"],
            a.loc[sample, "value"].astype(float),
            "D",
            color="#c0392b",
            markerfacecolor="white",
        )
        # A mid-year point says its quarter: drawn on its year, it would read as the year's figure.
        for _, mid in a[~a["quarter"].map(is_year_end)].iterrows():
            ax.annotate(
                f"Quý {int(mid['quarter'])}",
                (mid["year"], float(mid["value"])),
                textcoords="offset points",
                xytext=(4, 5),
                fontsize=6,
                color="#c0392b",
            )
    ax.set_title(panel_title(ind["name_vi"]), fontsize=8)
    better_low = ind["direction"] in ("lower_is_better", "lower")
    if better_low:
        # A rank: 1 is best. Drawn upside down so that better is up, as on every other panel.
        ax.invert_yaxis()
    ax.set_ylabel(f"{ind['unit']} (thấp là tốt)" if better_low else str(ind["unit"]), fontsize=7)
    ax.yaxis.set_major_formatter(VN_TICK)
    # Whole years only: with one or two points matplotlib would tick 2025.5 (printed as "2025-5").
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: str(int(value))))
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    # Latest known value: an actual when reported, else the latest yearly baseline.
    latest_quarter = None
    if not a.empty:
        latest_value, latest_year = Decimal(str(a.iloc[-1]["value"])), int(a.iloc[-1]["year"])
        latest_quarter = a.iloc[-1]["quarter"]
        source = "dữ liệu mẫu" if bool(a.iloc[-1]["is_sample"]) else "báo cáo của sở, ngành"
    elif not yearly_b.empty:
        latest_value = Decimal(str(yearly_b.iloc[-1]["observed_value"]))
        latest_year = int(yearly_b.iloc[-1]["year"])
        source = "hiện trạng (Nghị quyết)"
    else:
        latest_value, latest_year, source = None, None, None
    target_2030 = t[t["year"] == 2030]["target_value"]
    goal = Decimal(str(target_2030.iloc[0])) if not target_2030.empty else None
    period_2030 = pt[pt["period_end"] == 2030]
    goal_cell: object = goal
    if goal is not None:
        sign = COMPARATOR_SIGN.get(str(t[t["year"] == 2030]["comparator"].iloc[0]), "")
        goal_cell = f"{sign}{fmt_cell(goal)}"
    if goal is None and not period_2030.empty:
        p = period_2030.iloc[-1]
        goal_cell = f"{fmt_cell(p['target_value'])} ({period_words(p['period_start'], p['period_end'])})"
    needed = None
    if (
        not PLAN_ENDED
        and goal is not None
        and latest_value is not None
        and latest_year is not None
        and years_left(latest_year, latest_quarter) > 0  # a Q2/2030 figure still has half a year
    ):
        needed = (goal - latest_value) / years_left(latest_year, latest_quarter)
    status = "chưa có số thực hiện"
    if not a.empty:
        this_year = t[t["year"] == latest_year]["target_value"]
        covering = pt[(pt["period_start"] <= latest_year) & (pt["period_end"] >= latest_year)]
        # E.g. TFP: its target is for the whole period, not for the year reported.
        status = f"không có chỉ tiêu năm {latest_year} để so sánh"
        if this_year.empty and not covering.empty:
            p = covering.iloc[-1]
            status = (
                f"chỉ tiêu đặt cho cả {period_words(p['period_start'], p['period_end'])}, "
                "không so sánh từng năm"
            )
        if not this_year.empty and is_year_end(latest_quarter):
            status = against_target(latest_value, Decimal(str(this_year.iloc[0])), better_low)
        elif not this_year.empty:
            # A mid-year figure is not judged against the year-end target; the last year-end figure
            # (a Q4 report of an earlier year) is, when there is one with a target of its year.
            status = (
                f"số giữa năm ({actual_when(latest_year, latest_quarter)}), chưa so với chỉ tiêu cả năm "
                f"{latest_year} ({fmt_cell(Decimal(str(this_year.iloc[0])))})"
            )
            year_ends = a[a["quarter"].map(is_year_end) & (a["year"] < latest_year)]
            if not year_ends.empty:
                last = year_ends.iloc[-1]
                its_target = t[t["year"] == last["year"]]["target_value"]
                if not its_target.empty:
                    verdict = against_target(
                        Decimal(str(last["value"])), Decimal(str(its_target.iloc[0])), better_low
                    )
                    status += f"; cả năm {int(last['year'])}: {verdict}"
    kpi_rows.append(
        {
            "Chỉ tiêu": ind["name_vi"],
            "Đơn vị": ind["unit"],
            "Số gần nhất": None
            if latest_value is None
            else f"{fmt_cell(latest_value)} ({actual_when(latest_year, latest_quarter)})",
            "Số gần nhất lấy từ": source,
            "Chỉ tiêu 2030": goal_cell,
            "Cần thay đổi mỗi năm": None if needed is None else change_per_year(needed, ind["unit"]),
            "Tình trạng": status,
        }
    )
for ax in list(axes.flat)[n:]:
    ax.axis("off")
if n:
    actual_label = "Thực hiện (dữ liệu mẫu)" if SAMPLE_ACTUALS else "Thực hiện"
    legend = [
        Line2D([], [], marker="o", color="#1f5fa8", label="Chỉ tiêu (đường ngang: cả giai đoạn)"),
        Line2D([], [], marker="s", linestyle="--", color="#666666", label="Hiện trạng"),
        Line2D(
            [],
            [],
            marker="D",
            color="#c0392b",
            markerfacecolor="white" if SAMPLE_ACTUALS else "#c0392b",
            label=actual_label,
        ),
    ]
    fig.legend(handles=legend, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Lộ trình chỉ tiêu: hiện trạng, chỉ tiêu theo năm, thực hiện", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    show_chart(
        fig,
        f"{n} biểu đồ nhỏ, mỗi chỉ tiêu một biểu đồ: hiện trạng, chỉ tiêu từng năm và số thực hiện sở, "
        "ngành đã báo cáo" + (" (dữ liệu mẫu)" if SAMPLE_ACTUALS else "") + ". Số liệu ở bảng ngay dưới.",
    )
else:
    plt.close(fig)
show(pd.DataFrame(kpi_rows), empty="Chưa có chỉ tiêu nào trong kho dữ liệu.")
# A period figure in the roadmap's first year column for a period that began before the plan (TFP:
# "35,49 % (Giai đoạn 2021- 2025)" in the 2025 column, below the 43,35 % of 2016–2020): the document
# does not say whether it is a target or what was expected to be achieved. Drawn as a target, said so.
first_year = sql("select min(year) from marts.dim_year where is_first_plan_year").iloc[0, 0]
early_periods = period_targets.iloc[0:0] if pd.isna(first_year) else period_targets
early_periods = early_periods[early_periods["period_start"] < (0 if pd.isna(first_year) else int(first_year))]
for _, p in early_periods.iterrows():
    name = indicators.loc[indicators["indicator_code"] == p["indicator_code"], "name_vi"]
    earlier = baselines[
        (baselines["indicator_code"] == p["indicator_code"]) & baselines["period_end"].notna()
    ]
    label = name.iloc[0] if not name.empty else p["indicator_code"]
    note(
        f"{label}: cột {p['column_label']} của bảng lộ trình "
        f"ghi “{p['target_text']}”, một số của {period_words(p['period_start'], p['period_end'])}, bắt đầu "
        "trước Đề án"
        + (
            "; cột hiện trạng ghi " + ", ".join(f"“{text}”" for text in earlier["baseline_text"])
            if not earlier.empty
            else ""
        )
        + ". Văn bản không nói đây là chỉ tiêu hay số ước đạt; biểu đồ vẽ như chỉ tiêu, cần Sở Khoa học và "
        "Công nghệ xác nhận."
    )

# %% [markdown]
# ## 4. Giải ngân so với dự toán và kế hoạch

# %%
# marts.rpt_disbursement_rate is a view computed as of the connection's date (AS_OF): the versions in
# force that day, per task × funding source × year the latest reported quarter. Disbursement is
# cumulative within a year (year to date), so one row per department × year, summed over its sectors:
# adding 2025's full-year figure to 2026's year to date would count nothing real.
disb = pd.DataFrame()
if SUBMISSION_MARTS["rpt_disbursement_rate"]:
    disb = sql(
        """
        with rows as (
            -- is_sample is part of the mart's key: a department's sample rows and its own report's
            -- stay on separate rows, never summed.
            select r.agency_code, coalesce(a.agency_name, r.agency_code) as agency_name, r.year,
                   r.is_state_budget, r.is_sample,
                   case when r.is_state_budget then 'Ngân sách nhà nước' else 'Nguồn khác (ngoài NSNN)' end
                       as funding,
                   max(r.latest_period) as latest_period, min(r.earliest_period) as earliest_period,
                   sum(r.plan_mvnd) as plan_mvnd,
                   sum(r.allocated_mvnd) as allocated_mvnd, sum(r.disbursed_mvnd) as disbursed_mvnd,
                   sum(r.reported_lines) as lines, sum(r.reported_lines_with_warning) as lines_warned,
                   sum(r.lines_missing_a_figure) as lines_missing
            from marts.rpt_disbursement_rate r
            left join marts.dim_agency a using (agency_code)
            group by all
        )
        select * from rows
        -- a department's state budget row, then its other sources', departments by state budget
        order by year desc,
                 max(allocated_mvnd) filter (where is_state_budget)
                     over (partition by agency_code, year) desc nulls last,
                 agency_code, is_state_budget desc, is_sample
        """
    )
if disb.empty:
    note(f"Chưa có số giải ngân nào được báo cáo đến ngày {AS_OF_VN}.")
else:
    if is_sample(disb).any():
        note(
            "Có dữ liệu mẫu: các dòng ghi “có” ở cột “Dữ liệu mẫu” của bảng dưới là số liệu mẫu để "
            "trình diễn, không phải báo cáo thật.",
            "banner",
        )
    # Unknown (a blank cell, NULL) or zero allocation gives no rate: "—", never "NaN%" or 0% (as the mart).
    disb["rate"] = [
        vn_rate(d, a) for a, d in zip(disb["allocated_mvnd"], disb["disbursed_mvnd"], strict=True)
    ]
    # The chart shows one year, the latest with any report known on AS_OF (cumulative figures of two
    # years side by side would read as one total) unless few departments have reported on it yet
    # (chart_year: in April one early Q1 report drew a new year's chart with one bar), and the state
    # budget only: "giải ngân" reads as public money, and enterprise or private funds added in would
    # move a department's rate (SKHCN 2026: 30,84 % all sources, 30,11 % state budget).
    state = disb[disb["is_state_budget"].fillna(False).astype(bool)]
    CHART_YEAR, CHART_YEAR_WHY = chart_year(
        (state if not state.empty else disb).groupby("year")["agency_code"].nunique().to_dict()
    )
    chart = state[state["year"] == CHART_YEAR].reset_index(drop=True)
    if chart["is_sample"].nunique() > 1:
        # A department with both its own report and sample files has two bars: the sample's is named so.
        chart["agency_name"] = [
            f"{name} (mẫu)" if sample else name
            for name, sample in zip(chart["agency_name"], chart["is_sample"], strict=True)
        ]
    # The chart's caption stands right above it, the table's explanation after it: printed, a heading,
    # the banner and a long introduction ended a page and the chart went to the next (20/04/2026).
    display(
        Markdown(
            f"Biểu đồ: vốn ngân sách nhà nước, năm {CHART_YEAR}, năm gần nhất có số giải ngân được báo "
            f"cáo đến ngày {AS_OF_VN}."
            if CHART_YEAR_WHY is None
            else f"Biểu đồ: vốn ngân sách nhà nước, năm {CHART_YEAR}: {CHART_YEAR_WHY}."
        )
    )
    # 0,38 in a bar: at 0,45 the heading, banner, caption and chart did not fit below section 3's table
    # and left that page half empty (20/04/2026, 31/12/2026).
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(chart) + 1.0))
    y = range(len(chart))
    ax.barh([i + 0.2 for i in y], chart["allocated_mvnd"].astype(float), 0.4, label="Dự toán được giao")
    ax.barh([i - 0.2 for i in y], chart["disbursed_mvnd"].astype(float), 0.4, label="Đã giải ngân (lũy kế)")
    # Departments reported up to different quarters: each bar says which (a Q1 year-to-date beside
    # a Q2 one reads as a slower department).
    bar_names = (
        [
            f"{name} ({vn_period(period)})"
            for name, period in zip(chart["agency_name"], chart["latest_period"], strict=True)
        ]
        if chart["latest_period"].nunique() > 1
        else list(chart["agency_name"])
    )
    ax.set_yticks(list(y), bar_names, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(VN_AXIS)
    chart_sample = bool(is_sample(chart).any())
    ax.set_title(
        f"Giải ngân vốn ngân sách nhà nước so với dự toán theo sở, ngành, năm {CHART_YEAR} (triệu đồng)"
        + ("\nDỮ LIỆU MẪU, không phải báo cáo thật" if chart_sample else ""),
        color="#9c0006" if chart_sample else "black",
    )
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], fontsize=8, frameon=False)  # in the bars' order, top first
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    show_chart(
        fig,
        f"Biểu đồ thanh ngang: dự toán vốn ngân sách nhà nước được giao và số đã giải ngân lũy kế của "
        f"{len(chart)} sở, ngành, năm {CHART_YEAR}, đơn vị triệu đồng"
        + (", dữ liệu mẫu" if chart_sample else "")
        # The table's explanations stand between chart and table (printed layout, session 16).
        + ". Số liệu ở bảng dưới phần giải thích.",
    )
    other_sources = not disb["is_state_budget"].fillna(False).astype(bool).all()
    display(
        Markdown(
            "Số giải ngân là số lũy kế từ đầu năm đến kỳ báo cáo gần nhất của năm, nên mỗi sở, ngành có "
            "một dòng cho mỗi năm; không cộng các năm với nhau. Kế hoạch: kinh phí năm đó của các nhiệm vụ "
            "sở, ngành chủ trì (cơ quan chủ trì do kho dữ liệu gán, xem mục 1), trong các lĩnh vực đã báo "
            "cáo."
            + (
                " Vốn ngân sách nhà nước và các nguồn khác (doanh nghiệp, tư nhân, quỹ phát triển khoa học "
                "và công nghệ của doanh nghiệp …) ở hai dòng riêng, mỗi dòng một tỷ lệ: không gộp tiền ngoài "
                "ngân sách vào tỷ lệ giải ngân vốn nhà nước."
                if other_sources
                else ""
            )
        )
    )
    # A rate resting on rows the validator warned about (disbursed above allocated, say) says how many:
    # such rows are loaded, and a leader should know which figures a department may still correct.
    disb["warned"] = [
        f"{vn_number(int(w))}/{vn_number(int(n))} dòng" if w else "không"
        for w, n in zip(disb["lines_warned"], disb["lines"], strict=True)
    ]
    if (disb["lines_warned"] > 0).any():
        note(
            "Cột “Dòng có cảnh báo”: số dòng báo cáo mà bước kiểm tra đã cảnh báo (ví dụ giải ngân lớn hơn "
            "dự toán được giao) nhưng vẫn được tính vào tỷ lệ; sở, ngành có thể còn sửa các số này."
        )
    # A line with a blank allocation or disbursement is in no figure of the table (the mart keeps the
    # lines giving both): said per department, as a blank is unknown, not 0.
    blanks = disb[disb["lines_missing"] > 0]
    if not blanks.empty:
        note(
            "Không tính vào số và tỷ lệ của bảng các dòng báo cáo để trống ô dự toán hoặc ô giải ngân (chưa "
            "biết, không phải 0): "
            + "; ".join(
                f"{name}, năm {year}{' (dữ liệu mẫu)' if sample else ''}: {vn_number(int(n))} dòng"
                for name, year, sample, n in zip(
                    blanks["agency_name"],
                    blanks["year"],
                    blanks["is_sample"],
                    blanks["lines_missing"],
                    strict=True,
                )
            )
            + "."
        )
    # A row whose tasks were reported up to different quarters sums those quarters' year-to-date
    # figures: the period cell names both ends instead of the latest alone.
    mixed = disb["earliest_period"] != disb["latest_period"]
    if mixed.any():
        note(
            "Khi “Kỳ báo cáo gần nhất” ghi hai quý, các nhiệm vụ của sở, ngành đó được báo cáo đến các quý "
            "khác nhau: số lũy kế của dòng cộng số của các quý ấy."
        )
    # A department's figure from a report sent while its quarter was still running (SUB-H09) stops at
    # the day it was sent, though the table shows it as the quarter's: named, with that day, until the
    # department sends the whole quarter again.
    early_reports = (
        in_force[in_force["received_before_period_end"].fillna(False).astype(bool)]
        if "received_before_period_end" in in_force
        else in_force.iloc[0:0]
    )
    early_shown = [
        (name, period, received, bool(sample))
        for code, period, received, sample in zip(
            early_reports["agency_code"],
            early_reports["period"],
            early_reports["received_at"],
            early_reports["is_sample"],
            strict=True,
        )
        for name in disb.loc[
            (disb["agency_code"] == code)
            & (disb["earliest_period"] <= period)
            & (disb["latest_period"] >= period),
            "agency_name",
        ].drop_duplicates()
    ]
    if early_shown:
        note(
            "Số lũy kế lấy từ báo cáo gửi khi quý chưa kết thúc (cảnh báo SUB-H09), chỉ tính đến ngày gửi, "
            "chưa phải số cả quý: "
            + "; ".join(
                f"{name}, {vn_period(period)} (gửi ngày "
                f"{pd.Timestamp(received).tz_convert(VN_ZONE):%d/%m/%Y})"
                + (" (dữ liệu mẫu)" if sample else "")
                for name, period, received, sample in early_shown
            )
            + ". Sở, ngành cần gửi lại báo cáo cả quý."
        )
    disb["period_cell"] = [
        vn_period_range(early, late)
        for early, late in zip(disb["earliest_period"], disb["latest_period"], strict=True)
    ]
    # Each department's rows for the latest two years; the years before added over the departments
    # (disbursement_years, after this table): by 2030, 6 years × 21 departments took 13 printed pages.
    full, earlier = disbursement_years(disb)

    def exact(value: object) -> Decimal | None:
        """A money cell as an exact Decimal (pandas hands DECIMAL over as float); None when unknown."""
        return None if value is None or pd.isna(value) else Decimal(str(value))

    # A total per year and funding, the way the rows are kept apart: the state budget and the other
    # sources apart, and sample rows apart from real ones (a sample figure never enters a real total).
    # Years are never added (year-to-date figures). The rate is the sum disbursed over the sum
    # allocated, exact, not an average of the rows' rates; a row with no allocation or no disbursement
    # figure is left out of all three sums and named.
    shown_rows, total_positions, total_notes = [], [], []
    sample_rows = is_sample(full)
    for year in full["year"].drop_duplicates():
        in_year = full[full["year"] == year]
        shown_rows += in_year.to_dict("records")
        for sample in (False, True):
            for state_budget in (True, False):
                group = in_year[
                    (sample_rows[in_year.index] == sample)
                    & (in_year["is_state_budget"].fillna(False).astype(bool) == state_budget)
                ]
                if group.empty:
                    continue
                known = group[group["allocated_mvnd"].notna() & group["disbursed_mvnd"].notna()]
                allocated = sum((exact(v) for v in known["allocated_mvnd"]), Decimal(0))
                disbursed = sum((exact(v) for v in known["disbursed_mvnd"]), Decimal(0))
                plans = [exact(v) for v in known["plan_mvnd"]]
                # No department with both figures: no total row ("Tổng cộng 0 sở, ngành"); the note names
                # them.
                if not known.empty:
                    label = f"Tổng cộng {len(known)} sở, ngành" + (" (dữ liệu mẫu)" if sample else "")
                    total_positions.append(len(shown_rows))
                    shown_rows.append(
                        {
                            "agency_name": label,
                            "year": year,
                            "funding": group["funding"].iloc[0],
                            "period_cell": vn_period_range(
                                known["earliest_period"].min(), known["latest_period"].max()
                            ),
                            "plan_mvnd": None if None in plans else sum(plans, Decimal(0)),
                            "allocated_mvnd": allocated,
                            "disbursed_mvnd": disbursed,
                            "rate": vn_rate(disbursed, allocated),
                            "warned": f"{vn_number(int(known['lines_warned'].sum()))}/"
                            f"{vn_number(int(known['lines'].sum()))} dòng"
                            if known["lines_warned"].sum()
                            else "không",
                            "is_sample": sample,
                        }
                    )
                # What the total sums: the quarter each department's year-to-date figure is at, when
                # they differ (a Q1 figure added to a Q2 one is no one moment's disbursement).
                where = (
                    f"Năm {year}, "
                    + ("ngân sách nhà nước" if state_budget else "nguồn khác")
                    + (", dữ liệu mẫu" if sample else "")
                )
                parts = []
                if known["period_cell"].nunique() > 1:
                    by_period = known.groupby("period_cell", sort=False)["agency_name"].agg(list)
                    parts.append(
                        "cộng số lũy kế "
                        + "; ".join(
                            f"đến {period} của {', '.join(names)}"
                            for period, names in sorted(by_period.items(), reverse=True)
                        )
                    )
                left_out = group[~group.index.isin(known.index)]
                if not left_out.empty:
                    parts.append(
                        f"không tính {', '.join(left_out['agency_name'])} (chưa có số dự toán hoặc giải ngân)"
                    )
                if parts:
                    total_notes.append(f"{where}: {'; '.join(parts)}.")
    display(
        Markdown(
            "Dòng “Tổng cộng” cộng các sở, ngành của cùng năm và cùng nguồn kinh phí; số của tệp dữ liệu mẫu "
            "cộng riêng, không cộng vào số báo cáo thật. Tỷ lệ của dòng tổng là tổng đã giải ngân chia tổng "
            "dự toán, không phải trung bình tỷ lệ của các sở, ngành."
            + "".join(f"\n- {line}" for line in total_notes)
        )
    )
    shown = pd.DataFrame(shown_rows)
    show(
        shown.assign(
            funding=funding_short(shown["funding"]), period_cell=quarters_unbroken(shown["period_cell"])
        ),
        {
            "agency_name": "Sở, ngành",
            "year": "Năm",
            "funding": "Nguồn kinh phí",
            "period_cell": "Kỳ báo cáo gần nhất",
            "plan_mvnd": "Kế hoạch",
            "allocated_mvnd": "Dự toán",
            "disbursed_mvnd": "Đã giải ngân",
            "rate": "Tỷ lệ giải ngân",
            "warned": "Dòng có cảnh báo",
            "is_sample": "Dữ liệu mẫu",
        },
        total_rows=total_positions,
        table_class=DISBURSEMENT_TABLE_CLASS,
    )
    table_legend(DISBURSEMENT_LEGEND)
    if not earlier.empty:
        display(Markdown("### Các năm trước: cộng các sở, ngành đã báo cáo"))
        # As the total rows above: the departments giving both figures are added, the others named.
        left_out_notes = [
            f"Năm {year}, {funding}{', dữ liệu mẫu' if sample else ''}: không tính "
            f"{', '.join(names)} (chưa có số dự toán hoặc giải ngân)"
            for year, funding, sample, names in zip(
                earlier["year"], earlier["funding"], earlier["is_sample"], earlier["left_out"], strict=True
            )
            if names
        ]
        display(
            Markdown(
                f"Mỗi năm trước năm {int(full['year'].min())} một dòng cho mỗi nguồn kinh phí (số của tệp "
                "dữ liệu mẫu cộng riêng, một dòng riêng), cộng số của các sở, ngành đã báo cáo đủ dự toán "
                "và giải ngân năm đó (số từng sở, ngành: bảng marts.rpt_disbursement_rate); tỷ lệ là tổng "
                "đã giải ngân chia tổng dự toán." + "".join(f"\n- {line}." for line in left_out_notes)
            )
        )
        show(
            earlier.assign(
                funding=funding_short(earlier["funding"]),
                periods=quarters_unbroken(
                    pd.Series(
                        [
                            vn_period_range(early, late)
                            for early, late in zip(
                                earlier["earliest_period"], earlier["latest_period"], strict=True
                            )
                        ],
                        index=earlier.index,
                        dtype=object,
                    )
                ),
                rate=[
                    vn_rate(d, a)
                    for a, d in zip(earlier["allocated_mvnd"], earlier["disbursed_mvnd"], strict=True)
                ],
            ),
            {
                "year": "Năm",
                "funding": "Nguồn kinh phí",
                "departments": "Số sở, ngành báo cáo",
                "periods": "Kỳ báo cáo gần nhất",
                "plan_mvnd": "Kế hoạch",
                "allocated_mvnd": "Dự toán",
                "disbursed_mvnd": "Đã giải ngân",
                "rate": "Tỷ lệ giải ngân",
                "is_sample": "Dữ liệu mẫu",
            },
            table_class=DISBURSEMENT_TABLE_CLASS,
        )
        table_legend(DISBURSEMENT_LEGEND)

# %% [markdown]
# ## 5. Nhiệm vụ quá hạn và đến hạn trong 90 ngày tới

# %%
DAY = f"date '{AS_OF.isoformat()}'"
# Each task's latest progress report known on AS_OF (the rule of marts.rpt_task_risk): a task whose
# latest known report says "done" is neither overdue nor due, whatever its printed deadline; a "done"
# reported only after AS_OF does not clear it here.
LATEST_PROGRESS = (
    f"""
    select appendix, item_no, year, period, status_code, percent_complete, is_sample
    from marts.fct_task_progress
    where {KNOWN}
    qualify row_number() over (
        partition by appendix, item_no order by is_sample, year desc, quarter desc, valid_from desc
    ) = 1
    """
    if SUBMISSION_MARTS["fct_task_progress"]
    else "select null::varchar as appendix, null::varchar as item_no, null::integer as year, "
    "null::varchar as period, null::varchar as status_code, null::decimal(5, 2) as percent_complete, "
    "null::boolean as is_sample where false"
)
# The report year (the view's rule, from its expected quarters and deadlines): the year of the latest
# quarter whose report is past due on AS_OF, so 2026 until 15/04/2027 and 2027 from the 16th; a task with
# money that year and no report for it is behind. "This year" turned with the calendar before: on
# 01/01/2027 every such task of 2026 left the list. REPORT_DUE: that year's first report past due.
REPORT_YEAR, REPORT_DUE = None, None
if SUBMISSION_MARTS["rpt_submission_status"]:
    due_quarters = sql(
        "select distinct year, period from marts.rpt_submission_status "
        f"where deadline_date < {DAY} order by period"
    )
    if not due_quarters.empty:
        REPORT_YEAR = int(due_quarters["year"].max())
        REPORT_DUE = str(due_quarters.loc[due_quarters["year"] == REPORT_YEAR, "period"].iloc[0])
# One assessment of every task with the rules of marts.rpt_task_risk, over the progress reports known
# on AS_OF (the same versions the view takes as of AS_OF; written out here so the briefing does not
# depend on the view's as-of date). The headline, the due table and the risk table below are all cut
# from it, so they cannot disagree: a task with no printed deadline is due at the end of its period
# (31/12 of period_end_year), as in the view; with printed deadlines only, the headline missed them.
TASK_ASSESSMENT = sql(
    f"""
    with tasks as (
        select task_key, appendix, item_no, sequence, task_name, lead_agency_name, milestone_date,
               effective_deadline_date as effective_deadline,
               deadline_basis = 'end_of_period' as deadline_is_period_end
        from marts.dim_task where item_level in ('task', 'item')
    ),
    latest_progress as ({LATEST_PROGRESS}),
    plan_report_year as (
        select task_key, sum(amount_mvnd) as planned_mvnd
        from marts.fct_budget_plan where year = {REPORT_YEAR or "null"} group by all
    )
    select t.*,
           -- Appendix 2's contents are numbered 1.1…4.4: said, so none is read as an Appendix I task.
           case when t.appendix = 'II' then t.item_no || ' (Phụ lục 2)' else t.item_no end as stt,
           p.period as latest_report_period, p.percent_complete as latest_percent_complete,
           p.is_sample, coalesce(p.status_code = 'done', false) as reported_done,
           case
               when coalesce(p.status_code, '') <> 'done' and t.effective_deadline < {DAY}
                   then 'deadline_passed_not_done'
               when coalesce(p.status_code, '') <> 'done'
                   and t.effective_deadline <= {DAY} + interval 90 day
                   then 'deadline_within_90_days_not_done'
               when y.planned_mvnd > 0 and (p.year is null or p.year < {REPORT_YEAR or "null"})
                   then 'money_but_no_report_this_year'
           end as risk_reason
    from tasks t
    left join latest_progress p on p.appendix = t.appendix and p.item_no = t.item_no
    left join plan_report_year y on y.task_key = t.task_key
    order by effective_deadline nulls last, appendix, sequence
    """
)


def deadline_cell(deadline: object, is_period_end: bool, milestone: object) -> str:
    """The deadline as the table shows it. One at the end of the period is marked, so a reader does
    not take it for a date printed in Phụ lục I; a dated milestone the text also gives (task 30: "đưa
    Quỹ vào vận hành chính thức Quý 2 năm 2026") is shown beside it, and whether it has passed."""
    text = f"{fmt_cell(deadline)} (cuối giai đoạn)" if is_period_end else fmt_cell(deadline)
    if milestone is not None and not pd.isna(milestone):
        day = pd.Timestamp(milestone).date()
        text += f"; mốc ghi trong Phụ lục I: {day:%d/%m/%Y}" + (" (đã qua)" if day < AS_OF else "")
    return text


DEADLINE_REASONS = {
    "deadline_passed_not_done": "Quá hạn",
    "deadline_within_90_days_not_done": "Đến hạn trong 90 ngày",
}
due = TASK_ASSESSMENT[TASK_ASSESSMENT["risk_reason"].isin(list(DEADLINE_REASONS))].assign(
    tinh_trang=lambda df: df["risk_reason"].map(DEADLINE_REASONS),
    # The period-end deadline is marked, so a reader does not take it for a date printed in Phụ lục I.
    han=lambda df: [
        deadline_cell(d, is_end, m)
        for d, is_end, m in zip(
            df["effective_deadline"], df["deadline_is_period_end"], df["milestone_date"], strict=True
        )
    ],
)
# Tasks that would be overdue or due but whose latest report known on AS_OF says "done", in the plan's
# order (named by number in a sentence: by deadline, "STT 10, 21, 11, 50" read as a jumble).
reported_done = TASK_ASSESSMENT[
    TASK_ASSESSMENT["reported_done"].astype(bool)
    & (pd.to_datetime(TASK_ASSESSMENT["effective_deadline"]) <= pd.Timestamp(AS_OF + dt.timedelta(days=90)))
].sort_values(["appendix", "sequence"])
if SUBMISSION_MARTS["fct_task_progress"]:
    checked = (
        "; đã đối chiếu báo cáo tiến độ nhận đến ngày này: không liệt kê nhiệm vụ có báo cáo gần nhất là "
        "đã hoàn thành"
        + (
            f" ({vn_number(len(reported_done))} nhiệm vụ, {task_numbers(list(reported_done['stt']))})"
            if not reported_done.empty
            else ""
        )
        + (", theo báo cáo là dữ liệu mẫu" if is_sample(reported_done).any() else "")
        + "; xem thêm bảng rủi ro bên dưới)."
    )
else:
    checked = "; chưa đối chiếu báo cáo tiến độ)."
# Counts a leader repeats: when a sample's "done" is what keeps a task off the list, the banner says so
# and gives the count by the plan alone (briefing review, session 14: "8 overdue" rested on two samples).
sample_done = reported_done[is_sample(reported_done)]
if is_sample(due).any() or not sample_done.empty:
    overdue_by_plan = int((due["tinh_trang"] == "Quá hạn").sum()) + int(
        (pd.to_datetime(sample_done["effective_deadline"]) < pd.Timestamp(AS_OF)).sum()
    )
    note(
        "Có dữ liệu mẫu: "
        + (
            f"{vn_number(len(sample_done))} nhiệm vụ ({task_numbers(list(sample_done['stt']))}) không có "
            f"trong bảng dưới chỉ vì dữ liệu mẫu ghi là đã hoàn thành; chỉ theo hạn trong kế hoạch, "
            f"{vn_number(overdue_by_plan)} nhiệm vụ đã quá hạn. "
            if not sample_done.empty
            else ""
        )
        + "Các dòng ghi “có” ở cột “Dữ liệu mẫu” lấy kỳ báo cáo và % hoàn thành từ tệp mẫu, không phải "
        "báo cáo thật.",
        "banner",
    )
display(
    Markdown(
        f"Tính đến {AS_OF_VN}: **{int((due['tinh_trang'] == 'Quá hạn').sum())}** "
        f"nhiệm vụ đã quá hạn hoàn thành theo kế hoạch, **{int((due['tinh_trang'] != 'Quá hạn').sum())}**"
        " nhiệm vụ đến hạn trong 90 ngày tới (theo hạn ghi trong Phụ lục I, nhiệm vụ không ghi hạn thì"
        " lấy ngày cuối giai đoạn" + checked
    )
)
show(
    due.assign(latest_report_period=lambda df: df["latest_report_period"].map(vn_period)),
    {
        "tinh_trang": "Tình trạng",
        "stt": "STT",
        "han": "Hạn",
        "lead_agency_name": "Cơ quan chủ trì",
        "task_name": "Nhiệm vụ",
        **(
            {
                "latest_report_period": "Kỳ báo cáo gần nhất",
                "latest_percent_complete": "% hoàn thành",
                "is_sample": "Dữ liệu mẫu",
            }
            if SUBMISSION_MARTS["fct_task_progress"]
            else {}
        ),
    },
    empty="Không có nhiệm vụ nào quá hạn hoặc đến hạn trong 90 ngày tới.",
)
RISK_VI = {
    "deadline_passed_not_done": "Quá hạn, chưa báo cáo hoàn thành",
    "deadline_within_90_days_not_done": "Đến hạn trong 90 ngày, chưa hoàn thành",
    # The year named: from 01/01 to 15/04 it is last year's money and reports that are meant.
    "money_but_no_report_this_year": (
        f"Có kinh phí năm {REPORT_YEAR}, chưa báo cáo tiến độ năm {REPORT_YEAR} "
        f"(đã quá hạn nộp báo cáo {vn_period(REPORT_DUE)})"
    ),
}
if SUBMISSION_MARTS["fct_task_progress"]:
    display(Markdown("### Nhiệm vụ có rủi ro khác (theo báo cáo tiến độ của sở, ngành)"))
    # The same assessment as the headline and the table above (TASK_ASSESSMENT: the view's rules).
    # The overdue and due tasks are in the table above, with their latest report: listed again
    # here they took a page and a half of the same rows.
    risk = TASK_ASSESSMENT[
        TASK_ASSESSMENT["risk_reason"].notna() & ~TASK_ASSESSMENT["risk_reason"].isin(list(DEADLINE_REASONS))
    ]
    display(
        Markdown(
            "Nhiệm vụ quá hạn hoặc đến hạn trong 90 ngày: bảng trên."
            + ("" if not risk.empty else " Không có nhiệm vụ rủi ro nào khác.")
        )
    )
    # One table per risk, under its name and count: the reason is not repeated on every row, so the
    # task names get the width (printed, the reason beside them took a column of its own on ~6 pages).
    # A reason the view gains before this list does is shown under its code, never dropped.
    for reason in [*RISK_VI, *sorted(set(risk["risk_reason"]) - set(RISK_VI))]:
        rows = risk[risk["risk_reason"] == reason]
        if rows.empty:
            continue
        display(Markdown(f"#### {RISK_VI.get(reason, reason)}: {vn_number(len(rows))} nhiệm vụ"))
        show(
            rows.assign(latest_report_period=lambda df: df["latest_report_period"].map(vn_period)),
            {
                "stt": "STT",
                "effective_deadline": "Hạn",
                "lead_agency_name": "Cơ quan chủ trì",
                "task_name": "Nhiệm vụ",
                "latest_report_period": "Kỳ báo cáo gần nhất",
                "latest_percent_complete": "% hoàn thành",
                "is_sample": "Dữ liệu mẫu",
            },
        )
if SUBMISSION_MARTS["rpt_submission_status"] and SUBMISSION_MARTS["dim_submission"]:
    display(Markdown("### Sở, ngành nộp chậm hoặc có tệp bị từ chối"))
    # Who had to report which quarter by when comes from marts.rpt_submission_status (as of AS_OF);
    # which files had arrived by then is counted again here from the files received by AS_OF, with
    # the view's rules, the days taken in Vietnam time.
    status_df = sql(
        f"""
        with files as (
            select agency_code, period, count(*) as files_received,
                   count(*) filter (where status in ('accepted', 'flagged')) as versions_loaded,
                   count(*) filter (where status = 'rejected') as files_rejected,
                   count(*) filter (where status = 'withdrawn') as files_withdrawn,
                   min(received_at) filter (where status in ('accepted', 'flagged')) as first_loaded_at,
                   -- As the view: the version in force (the latest loaded) when there is one, else
                   -- the files received; a rejected sample never marks a real report a sample.
                   coalesce(
                       arg_max(is_sample, received_at) filter (where status in ('accepted', 'flagged')),
                       bool_or(is_sample)
                   ) as is_sample
            from marts.dim_submission
            where {RECEIVED} and agency_code is not null and period is not null
            group by all
        ),
        assessed as (
            select s.agency_code, s.period, s.deadline_date,
                   case when f.first_loaded_at is not null then 'submitted'
                        when f.files_withdrawn > 0 and f.files_rejected = 0 then 'withdrawn_only'
                        when f.files_received > 0 then 'rejected_only'
                        when s.deadline_date >= {DAY} then 'not_yet_due'
                        else 'missing' end as submission_state,
                   case when f.first_loaded_at is not null
                        then {vn_day("f.first_loaded_at")} > s.deadline_date
                        else s.deadline_date < {DAY} end as is_late,
                   coalesce(f.files_rejected, 0) > 0 as has_fatal_errors,
                   greatest(coalesce(f.versions_loaded, 0) - 1, 0) as revision_count,
                   coalesce(f.is_sample, false) as is_sample
            from marts.rpt_submission_status s
            left join files f using (agency_code, period)
        )
        select a.*, coalesce(g.agency_name, a.agency_code) as agency_name
        from assessed a left join marts.dim_agency g using (agency_code)
        order by a.period, a.agency_code
        """
    )

    SAMPLE_WORDS = "dữ liệu mẫu"

    def report_cell(row: pd.Series) -> str:
        """One agency's report for one quarter, in a few words."""
        if row["submission_state"] == "submitted":
            words = ["nộp chậm" if row["is_late"] else "đúng hạn"]
            if row["has_fatal_errors"]:
                words.append("có tệp bị từ chối")
        elif row["submission_state"] in ("rejected_only", "withdrawn_only"):
            words = [STATUS_VI[row["submission_state"]]]
        else:
            words = ["chưa nộp" if row["is_late"] else "chưa đến hạn"]
        if row["revision_count"]:
            words.append(f"nộp lại {row['revision_count']} lần")
        if row["is_sample"]:  # the cell rests on sample files, not on a department's real report
            words.append(SAMPLE_WORDS)
        return "; ".join(words)

    # One row per department with a quarter late, missing or rejected, one column per quarter of the
    # last year and one for the quarters before it, counted (late_report_grid): the list of
    # (department, quarter) pairs ran to ~70 lines while few departments reported, and by 2030 a
    # column for each of 20 quarters could not be read.
    if status_df.empty:
        flagged = []
    else:
        status_df["cell"] = status_df.apply(report_cell, axis=1)
        flagged = sorted(
            status_df.loc[status_df["is_late"] | status_df["has_fatal_errors"], "agency_code"].unique()
        )
    if not flagged:
        display(Markdown("*Không có sở, ngành nào nộp chậm hoặc bị từ chối.*"))
    else:
        grid = late_report_grid(status_df[status_df["agency_code"].isin(flagged)])
        # In the order of the alphabet a reader expects: "Ủy ban" among the U, not after the Z.
        grid = grid.sort_values("Sở, ngành", key=lambda names: names.map(unaccented)).reset_index(drop=True)
        everyone = status_df["agency_code"].nunique()
        others = everyone - len(flagged)
        display(
            Markdown(
                f"{len(flagged)}/{everyone} sở, ngành có quý nộp báo cáo chậm, chưa nộp hoặc có tệp bị từ "
                "chối (so với hạn nộp của từng quý)"
                + (f"; {others} sở, ngành còn lại không có quý nào như vậy." if others else ".")
            )
        )
        if status_df.loc[status_df["agency_code"].isin(flagged), "is_sample"].any():
            note(
                f"Ô có chữ “{SAMPLE_WORDS}”: tình trạng nộp dựa trên tệp mẫu, "
                "không phải báo cáo thật của sở, ngành.",
                "banner",
            )
        # Equal quarter columns, the department's name in the first (the briefing's stylesheet).
        display(HTML(formatted(grid).to_html(index=False, escape=True, classes="nq57 nq57-grid")))

# %% [markdown]
# ## 6. Các điểm không khớp trong tài liệu nguồn
# Kho dữ liệu không tự "sửa" tài liệu: mỗi điểm không khớp ghi cả số tài liệu ghi và số tính lại.

# %%
fails = sql(
    """
    select check_id, severity_vi, description, value_unit, stated_value, computed_value, difference,
           coalesce(stated_text, '') as stated_text, coalesce(computed_text, '') as computed_text,
           stated_locator, computed_locator, document_id
    from marts.rpt_reconciliation where status = 'fail'
    -- money that does not add up first: the leader must know which amount is right before using it
    order by severity = 'error' desc, check_id
    """
)
sources = sql(
    "select document_id, file_name, title from marts.dim_document where document_id in "
    "(select document_id from marts.rpt_reconciliation where status = 'fail')"
)
display(
    Markdown(
        f"**{vn_number(len(fails))}** điểm không khớp. “Tài liệu ghi” là số in trong tài liệu; “Đối chiếu "
        "với” là số cộng lại từ các dòng (hoặc điều tài liệu ghi ở chỗ khác: số tiền bằng chữ, giai đoạn, số "
        "nội dung). “Lỗi”: số tiền không cộng khớp hoặc số bằng chữ khác số bằng chữ số, phải biết số nào "
        "đúng trước khi dùng; “cảnh báo”: số đếm, giai đoạn hay số thứ tự ghi không khớp, không làm đổi số "
        "tiền nào. Vị trí là số dòng trong tệp "
        + "; ".join(
            f"{row.file_name} ({row.title})" if row.title else row.file_name for row in sources.itertuples()
        )
        + "."
    )
)


def check_value(value: object, text: str, unit: str) -> str:
    """A number as the checks give it; a period as printed ("2025 - 2028", not only its last year);
    no number → the text."""
    if unit == "năm" and text:
        return text
    if value is None or pd.isna(value):
        return text or "—"
    return str(int(value)) if unit == "năm" else fmt_cell(value)


# In plain words first (briefing review, session 14: twenty technical rows, the same 30.000 twice and
# Văn phòng Tỉnh ủy three times): per part of the document, how many amounts do not add up and the
# largest gap; an amount in words that reads as no number, with what it should say.
FAMILY_VI = {"A1": "Phụ lục I", "A2": "Phụ lục 2", "P4": "Phần IV so với các dòng của hai phụ lục"}
summary = []
money = fails[(fails["severity_vi"] == "lỗi") & (fails["value_unit"] == "triệu đồng")]
for family, label in FAMILY_VI.items():
    rows = money[money["check_id"].str.startswith(family + ".")]
    if rows.empty:
        continue
    largest = rows.loc[rows["difference"].abs().astype(float).idxmax()]
    what = str(without_english_gloss(largest["description"]))
    what = what.split(": ", 1)[1] if what.startswith(("Phụ lục", "Phần")) and ": " in what else what
    summary.append(
        f"- **{label}:** {vn_number(len(rows))} chỗ số tiền không cộng khớp; chênh lớn nhất: "
        f"{what}: tài liệu ghi {fmt_cell(largest['stated_value'])}, "
        f"cộng lại được {fmt_cell(largest['computed_value'])} triệu đồng."
    )
for row in fails[fails["check_id"].str.startswith("WORDS.")].itertuples():
    written = f"“{row.computed_text.strip('() ')}”" if row.computed_text else "không đọc được"
    correct = ""
    if row.stated_value is not None and not pd.isna(row.stated_value):
        millions = Decimal(str(row.stated_value))
        if millions == millions.to_integral_value():
            correct = f"; viết đúng: “{amount_to_words(millions * 1_000_000)}”"
    summary.append(
        f"- **Số tiền bằng chữ** ({vn_locator(row.computed_locator)}): tài liệu ghi {written}, không khớp "
        f"với số {row.stated_text or fmt_cell(row.stated_value)} triệu đồng{correct}."
    )
warnings_count = int((fails["severity_vi"] != "lỗi").sum())
if warnings_count:
    summary.append(
        f"- **{vn_number(warnings_count)} cảnh báo** về giai đoạn, số nội dung hay số chỉ tiêu ghi không "
        "khớp: không làm đổi số tiền nào."
    )
if summary:
    summary.append(
        "- Các bảng của bản tin cộng từ các dòng nhiệm vụ (Phụ lục I) và các nội dung (Phụ lục 2), không lấy "
        "dòng tổng cộng hay dòng đơn vị."
    )
    display(Markdown("\n".join(summary)))

fails["so_ghi"] = [
    check_value(v, t, u)
    for v, t, u in zip(fails["stated_value"], fails["stated_text"], fails["value_unit"], strict=True)
]
fails["so_tinh"] = [
    check_value(v, t, u)
    for v, t, u in zip(fails["computed_value"], fails["computed_text"], fails["value_unit"], strict=True)
]
fails["difference"] = [
    None if d is None or pd.isna(d) else (f"{int(d):+d}" if u == "năm" else fmt_cell(d))
    for d, u in zip(fails["difference"], fails["value_unit"], strict=True)
]
show(
    fails.assign(
        description=lambda df: df["description"].map(without_english_gloss),
        stated_locator=lambda df: df["stated_locator"].map(vn_locator),
        computed_locator=lambda df: df["computed_locator"].map(vn_locator),
    ),
    {
        "severity_vi": "Mức độ",
        "description": "Nội dung",
        "so_ghi": "Tài liệu ghi",
        "so_tinh": "Đối chiếu với",
        "difference": "Chênh lệch",
        "value_unit": "Đơn vị",
        "stated_locator": "Vị trí số ghi",
        "computed_locator": "Vị trí số đối chiếu",
    },
    empty="Không phát hiện điểm không khớp nào.",
)

# %% [markdown]
# ## 7. Nguồn dữ liệu và độ mới

# %%
docs = sql(
    "select file_name, document_kind, title, document_date, source_format, extraction_status, is_sample "
    "from marts.dim_document order by document_id"
).assign(
    document_kind=lambda df: in_vietnamese(df["document_kind"], DOCUMENT_KIND_VI),
    extraction_status=lambda df: in_vietnamese(df["extraction_status"], EXTRACTION_STATUS_VI),
    document_date=lambda df: df["document_date"].map(vn_date_text),
)
show(
    docs,
    {
        "file_name": "Tệp",
        "document_kind": "Loại",
        "title": "Tiêu đề",
        "document_date": "Ngày",
        "extraction_status": "Trích xuất",
        "is_sample": "Dữ liệu mẫu",
    },
)
if submissions.empty:
    note(f"Chưa có báo cáo nào của sở, ngành được nạp đến ngày {AS_OF_VN}.")
else:
    # Every file received by AS_OF, with the versions the figures above rest on marked; files received
    # later are not listed, and a version replaced only after AS_OF is still the one in force here.
    agency_names = dict(sql("select agency_code, agency_name from marts.dim_agency").itertuples(index=False))
    # After a few years only the latest received are listed (latest_received), the others counted.
    recent, left_out = latest_received(submissions.sort_values(["agency_code", "period", "received_at"]))
    listed = recent.assign(
        status=file_status_words,
        agency_code=lambda df: in_vietnamese(df["agency_code"], agency_names),
        period=lambda df: df["period"].map(vn_period),
    )
    display(
        Markdown(
            f"**{vn_number(len(submissions))}** tệp báo cáo của sở, ngành đã nhận đến hết ngày {AS_OF_VN}; "
            f"các số liệu trên dựa trên **{vn_number(len(in_force))}** phiên bản có hiệu lực vào ngày đó"
            + (
                f". Dưới đây là {vn_number(len(recent))} tệp nhận gần nhất; {vn_number(left_out)} tệp nhận "
                "trước đó có trong notebook submission_quality và bảng marts.dim_submission:"
                if left_out
                else ":"
            )
        )
    )
    show(
        listed,
        {**SUBMISSION_FILE_COLUMNS_VI, "in_force": "Dùng cho số liệu"},
    )
published = (
    sql("select max(published_at) as at from meta.publish_log")
    if table_exists("meta", "publish_log")
    else None
)
if published is not None and not published.empty and published["at"].iloc[0] is not None:
    # The connection reads times in Vietnam's zone (warehouse_access): shown as people write them.
    at = published["at"].iloc[0]
    display(
        Markdown(
            f"Kho dữ liệu công bố lúc {at.strftime('%H:%M ngày %d/%m/%Y')}."
            # A briefing for an earlier day, made from a later publish: said, so the dates do not
            # read as a contradiction (briefing review, session 14).
            + (
                f" Bản tin lập cho ngày {AS_OF_VN} từ bản công bố này: chỉ tính các tệp nhận đến hết ngày đó."
                if at.date() > AS_OF
                else ""
            )
        )
    )
if RESTORED is not None:
    display(
        Markdown(
            f"Bản công bố này ({RESTORED.version}) được đặt lại lúc {vn_time(RESTORED.restored_at)}"
            + (f"; lý do: {escape(RESTORED.reason)}." if RESTORED.reason else ".")
        )
    )
generated = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
display(Markdown(f"Bản tin tạo lúc {generated.strftime('%H:%M %d/%m/%Y')}."))
