"""The analysis notebooks' display tables: Vietnamese headers, cells as the briefing writes them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import yaml

from pipelines.notebook_tables import (
    ALLOCATION_METHOD_VI,
    SEVERITY_VI,
    SHORT_TABLE_ROWS,
    STATUS_VI,
    SUBMISSION_FILE_COLUMNS_VI,
    VALUE_STATUS_VI,
    disbursement_years,
    file_status_words,
    fmt_cell,
    formatted,
    in_vietnamese,
    late_report_grid,
    latest_received,
    show,
    task_numbers,
    unaccented,
    vn_locator,
    vn_period,
    without_english_gloss,
)
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.submissions.rules import RULES


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


def test_a_table_already_in_vietnamese_is_shown_whole_with_the_briefing_style(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    df = pd.DataFrame({"Lĩnh vực": ["Y tế"], "2026": [Decimal("6600")], "Tổng": [Decimal("180930")]})
    assert formatted(df).to_dict("records") == [{"Lĩnh vực": "Y tế", "2026": "6.600", "Tổng": "180.930"}]
    show(df)
    (html,) = shown
    # The briefing's stylesheet draws borders for table.nq57 only.
    # (a short table also has nq57-short: kept on one printed page)
    assert '<table border="1" class="dataframe nq57 nq57-short">' in html.data
    assert "<th>Lĩnh vực</th>" in html.data and "<td>Y tế</td>" in html.data
    # Figures right-aligned (briefing review, session 14: numbers stood left, thousands unaligned).
    assert '<td class="num">6.600</td>' in html.data and '<td class="num">180.930</td>' in html.data


def test_a_column_of_figures_with_unknowns_is_still_a_column_of_figures(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    df = pd.DataFrame({"STT": ["1", "2"], "amount": [None, Decimal("5.5")], "text": ["a", None]})
    show(df, {"STT": "STT", "amount": "Kinh phí", "text": "Ghi chú"})
    (html,) = shown
    assert "<td>1</td>" in html.data and '<td class="num">—</td>' in html.data
    assert '<td class="num">5,50</td>' in html.data and "<td>a</td>" in html.data


def test_submission_file_headers_cover_the_columns_of_dim_submission_they_name():
    spec = DBT_PROJECT_DIR / "models" / "marts" / "submissions" / "_submissions__marts.yml"
    models = yaml.safe_load(spec.read_text(encoding="utf-8"))["models"]
    (dim_submission,) = [model for model in models if model["name"] == "dim_submission"]
    columns = {column["name"] for column in dim_submission["columns"]}
    assert set(SUBMISSION_FILE_COLUMNS_VI) <= columns
    assert len(set(SUBMISSION_FILE_COLUMNS_VI.values())) == len(SUBMISSION_FILE_COLUMNS_VI)


def test_status_words_cover_every_submission_status_the_warehouse_uses():
    marts = DBT_PROJECT_DIR / "models" / "marts" / "submissions"
    # A file's status: dim_submission.status (and rpt_submission_status.current_status, taken from it).
    file_statuses = {"accepted", "flagged", "rejected", "duplicate", "withdrawn"}
    models = yaml.safe_load((marts / "_submissions__marts.yml").read_text(encoding="utf-8"))["models"]
    (dim_submission,) = [model for model in models if model["name"] == "dim_submission"]
    declared = [
        test["accepted_values"]["arguments"]
        for test in dim_submission["data_tests"]
        if "accepted_values" in test and test["accepted_values"]["arguments"]["column_name"] == "status"
    ]
    assert [set(arguments["values"]) for arguments in declared] == [file_statuses]
    # An agency's state for a period: rpt_submission_status.submission_state.
    submission_states = {"submitted", "rejected_only", "withdrawn_only", "missing", "not_yet_due"}
    sql = (marts / "rpt_submission_status.sql").read_text(encoding="utf-8")
    case = re.search(r"case((?:(?!case).)*?)end as submission_state", sql, re.DOTALL)
    assert case is not None and set(re.findall(r"'(\w+)'", case.group(1))) == submission_states
    assert set(STATUS_VI) == file_statuses | submission_states
    assert all(STATUS_VI.values()) and len(set(STATUS_VI.values())) == len(STATUS_VI)


def test_a_withdrawn_file_is_listed_with_the_operators_reason():
    """The briefing's list of files and submission_quality: a department asks why its report is not in
    the figures; "đã rút" alone does not say."""
    files = pd.DataFrame(
        {
            "status": ["accepted", "withdrawn", "rejected", "withdrawn"],
            "withdraw_reason": [None, "số liệu của sở khác", None, None],
        }
    )
    assert list(file_status_words(files)) == [
        "được chấp nhận",
        "đã rút (lý do: số liệu của sở khác)",
        "bị từ chối",
        "đã rút",  # a reason is always written; a row without one is shown as what it is
    ]
    # A warehouse built before withdrawals has no withdraw_reason column.
    assert list(file_status_words(files[["status"]])) == ["được chấp nhận", "đã rút", "bị từ chối", "đã rút"]


def _columns(yml: str, model: str) -> dict[str, dict]:
    """A dbt model's documented columns, by name, from its yml under dbt_project/models/marts."""
    spec = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / yml).read_text(encoding="utf-8"))
    (documented,) = [m for m in spec["models"] if m["name"] == model]
    return {c["name"]: c for c in documented["columns"]}


def _listed_codes(description: str) -> set[str]:
    """The codes a column description lists: "Tình trạng giá trị: stated / blank" → {stated, blank}."""
    listed = description.rsplit(":", 1)[-1]
    return {re.match(r"\s*([a-z_]+)", part).group(1) for part in listed.split(" / ")}


def test_value_status_words_cover_every_code_the_kpi_marts_document():
    documented = {
        "fct_kpi_baseline": _columns("fct_kpi_baseline.yml", "fct_kpi_baseline"),
        "fct_kpi_target": _columns("fct_kpi_target.yml", "fct_kpi_target"),
        "fct_kpi_actual": _columns("submissions/_submissions__marts.yml", "fct_kpi_actual"),
    }
    codes = {
        model: _listed_codes(columns["value_status"]["description"]) for model, columns in documented.items()
    }
    assert codes == {
        "fct_kpi_baseline": {"stated", "not_published", "year_not_stated"},
        "fct_kpi_target": {"stated", "not_set"},
        "fct_kpi_actual": {"stated", "blank"},
    }
    assert set(VALUE_STATUS_VI) == set().union(*codes.values())
    assert all(VALUE_STATUS_VI.values()) and len(set(VALUE_STATUS_VI.values())) == len(VALUE_STATUS_VI)


def test_allocation_method_words_cover_the_values_fct_budget_plan_accepts():
    (declared,) = [
        test["accepted_values"]["arguments"]["values"]
        for test in _columns("fct_budget_plan.yml", "fct_budget_plan")["allocation_method"]["data_tests"]
        if isinstance(test, dict) and "accepted_values" in test
    ]
    assert set(ALLOCATION_METHOD_VI) == set(declared) == {"stated", "even_split", "even_split_default_period"}
    assert all(ALLOCATION_METHOD_VI.values()) and len(set(ALLOCATION_METHOD_VI.values())) == 3


def test_severity_words_cover_every_severity_of_the_rule_catalogue():
    assert set(SEVERITY_VI) == {rule.severity for rule in RULES.values()} == {"fatal", "warning"}
    assert all(SEVERITY_VI.values()) and len(set(SEVERITY_VI.values())) == 2


def test_codes_in_vietnamese_on_a_copy_unknown_code_and_null_kept():
    raw = pd.Series(["stated", "not_published", "something_new", None])
    before = raw.copy()
    shown = in_vietnamese(raw, {"stated": "có số liệu", "not_published": "chưa công bố"})
    assert [fmt_cell(v) for v in shown] == ["có số liệu", "chưa công bố", "something_new", "—"]
    assert raw.equals(before)  # the analysts' column is unchanged


def test_names_sort_as_a_vietnamese_reader_looks_for_them():
    assert unaccented("Ủy ban MTTQ Việt Nam tỉnh") == "uy ban mttq viet nam tinh"
    assert unaccented("Đài Phát thanh") == "dai phat thanh" and unaccented("Sở Y tế") == "so y te"
    names = ["Văn phòng Tỉnh ủy", "Ủy ban MTTQ Việt Nam tỉnh", "Đài Phát thanh", "Công an tỉnh", "Sở Y tế"]
    assert sorted(names, key=unaccented) == [
        "Công an tỉnh",
        "Đài Phát thanh",
        "Sở Y tế",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Văn phòng Tỉnh ủy",
    ]


def test_quarters_read_as_people_write_them_and_other_periods_stay():
    assert [vn_period(v) for v in ("2026-Q2", "2025-Q4", " 2027-Q1 ")] == [
        "Quý 2/2026",
        "Quý 4/2025",
        "Quý 1/2027",
    ]
    # A year, an unknown form, a NULL: as they are (never a made-up quarter).
    assert [vn_period(v) for v in ("2026", "2026-Q5", "Q2-2026", None)] == [
        "2026",
        "2026-Q5",
        "Q2-2026",
        None,
    ]


def test_locators_in_vietnamese_words_every_range_kept():
    assert vn_locator("line 1074") == "dòng 1074"
    assert vn_locator("lines 1077-1077") == "dòng 1077"
    # The reconciliation's computed side: prose around several ranges, each turned, the prose kept.
    assert (
        vn_locator("Phụ lục I, 4 dòng nhiệm vụ: lines 513-518 … lines 819-824")
        == "Phụ lục I, 4 dòng nhiệm vụ: dòng 513–518 … dòng 819–824"
    )
    assert vn_locator("line 274; line 277") == "dòng 274; dòng 277"
    assert vn_locator("page 3") == "trang 3" and vn_locator("pages 2-4") == "trang 2–4"
    assert vn_locator("Phụ lục 2, các dòng đơn vị") == "Phụ lục 2, các dòng đơn vị"
    assert vn_locator(None) is None


def test_english_glosses_left_out_of_messages_and_nothing_else():
    words_check = (
        "Số tiền bằng chữ so với bằng số: Tổng cộng: (không đọc được số tiền bằng chữ: từ chỉ hàng 'tỷ' "
        "lặp lại sau 'tỷ' (scale word repeated))"
    )
    assert without_english_gloss(words_check) == (
        "Số tiền bằng chữ so với bằng số: Tổng cộng: (không đọc được số tiền bằng chữ: từ chỉ hàng 'tỷ' "
        "lặp lại sau 'tỷ')"
    )
    # Vietnamese, codes, ranges and numbers in parentheses stay.
    for kept in (
        "Đóng góp của TFP (TFP)",
        "các nội dung chi tiết (1.1…4.4)",
        "giai đoạn (năm cuối)",
        "(2025)",
    ):
        assert without_english_gloss(kept) == kept
    assert without_english_gloss(None) is None


def test_only_a_short_table_is_kept_on_one_printed_page(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    show(pd.DataFrame({"n": range(SHORT_TABLE_ROWS)}))
    show(pd.DataFrame({"n": range(SHORT_TABLE_ROWS + 1)}))
    short, long = (html.data for html in shown)
    assert 'class="dataframe nq57 nq57-short"' in short
    assert 'class="dataframe nq57"' in long  # a long table may break between rows, never inside one


# ── tables that grow with the years (bench/scale.py: 21 departments × 20 quarters by 2030) ─────────
def test_task_numbers_beyond_the_limit_are_counted_not_written_out():
    assert task_numbers(["1", "6", "7"]) == "STT 1, 6, 7"
    stts = [str(n) for n in range(1, 62)]
    assert task_numbers(stts, limit=12) == "STT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 và 49 nhiệm vụ khác"
    assert task_numbers(stts[:12], limit=12) == "STT " + ", ".join(stts[:12])


def _status(agency: str, period: str, state: str = "submitted", late: bool = False, fatal: bool = False):
    return {
        "agency_name": agency,
        "period": period,
        "cell": f"{agency} {period}",
        "submission_state": state,
        "is_late": late,
        "has_fatal_errors": fatal,
        "is_sample": agency == "Sở Y tế",
    }


def test_late_report_grid_keeps_the_last_quarters_and_counts_the_earlier_ones():
    periods = [f"{y}-Q{q}" for y in (2026, 2027) for q in (1, 2, 3, 4)]
    rows = [_status("Sở Tư pháp", p, late=p in ("2026-Q1", "2026-Q3")) for p in periods]
    rows[1]["submission_state"] = "withdrawn_only"  # 2026-Q2: its one report withdrawn (`nq57 withdraw`)
    rows += [_status("Sở Y tế", p) for p in periods[:3]]
    rows += [_status("Sở Y tế", "2026-Q4", "missing", late=True)]
    rows += [_status("Sở Y tế", "2027-Q1", "rejected_only", late=True)]
    rows += [_status("Sở Y tế", p, fatal=True) for p in periods[5:]]
    grid = late_report_grid(pd.DataFrame(rows), quarters=3)
    assert list(grid.columns) == [
        "Sở, ngành",
        "Các quý trước (Quý 1/2026 – Quý 1/2027)",
        "Quý 2/2027",
        "Quý 3/2027",
        "Quý 4/2027",
    ]
    assert grid.to_dict("records") == [
        {
            "Sở, ngành": "Sở Tư pháp",
            "Các quý trước (Quý 1/2026 – Quý 1/2027)": "5 quý: 2 nộp chậm; 1 chỉ có tệp đã rút",
            "Quý 2/2027": "Sở Tư pháp 2027-Q2",
            "Quý 3/2027": "Sở Tư pháp 2027-Q3",
            "Quý 4/2027": "Sở Tư pháp 2027-Q4",
        },
        {
            "Sở, ngành": "Sở Y tế",
            "Các quý trước (Quý 1/2026 – Quý 1/2027)": (
                "5 quý: 1 chưa nộp; 1 chỉ có tệp bị từ chối; dữ liệu mẫu"
            ),
            "Quý 2/2027": "Sở Y tế 2027-Q2",
            "Quý 3/2027": "Sở Y tế 2027-Q3",
            "Quý 4/2027": "Sở Y tế 2027-Q4",
        },
    ]


def test_late_report_grid_says_every_earlier_quarter_was_on_time_and_has_no_such_column_when_few():
    periods = ["2025-Q4", "2026-Q1", "2026-Q2"]
    rows = [_status("Sở Tư pháp", p) for p in periods] + [_status("Sở Tư pháp", "2026-Q3", fatal=True)]
    grid = late_report_grid(pd.DataFrame(rows), quarters=2)
    assert grid.iloc[0]["Các quý trước (Quý 4/2025 – Quý 1/2026)"] == "đúng hạn cả 2 quý"
    assert grid.iloc[0]["Quý 3/2026"] == "Sở Tư pháp 2026-Q3"
    few = late_report_grid(pd.DataFrame(rows), quarters=4)
    assert list(few.columns) == ["Sở, ngành", "Quý 4/2025", "Quý 1/2026", "Quý 2/2026", "Quý 3/2026"]


def test_latest_received_lists_the_newest_files_in_the_tables_order_and_counts_the_rest():
    moments = pd.to_datetime(["2026-01-10", "2026-04-09", "2026-07-01", "2026-01-12", "2026-07-15"], utc=True)
    files = pd.DataFrame({"file_name": ["A1", "A2", "A3", "B1", "B3"], "received_at": moments})
    shown, left_out = latest_received(files, limit=3)
    assert list(shown["file_name"]) == ["A2", "A3", "B3"] and left_out == 2
    shown, left_out = latest_received(files, limit=5)
    assert list(shown["file_name"]) == ["A1", "A2", "A3", "B1", "B3"] and left_out == 0


def test_disbursement_years_keeps_the_latest_two_and_adds_earlier_years_over_departments():
    state, other = "Ngân sách nhà nước", "Nguồn khác (ngoài NSNN)"

    def row(agency, year, funding, period, plan, allocated, disbursed, sample=True):
        return {
            "agency_code": agency,
            "year": year,
            "funding": funding,
            "is_state_budget": funding == state,
            "is_sample": sample,
            "earliest_period": period,
            "latest_period": period,
            "plan_mvnd": Decimal(plan),
            "allocated_mvnd": None if allocated is None else Decimal(allocated),
            "disbursed_mvnd": None if disbursed is None else Decimal(disbursed),
        }

    disb = pd.DataFrame(
        [
            row("SYT", 2027, state, "2027-Q2", "100", "90", "20.5"),
            row("SYT", 2026, state, "2026-Q4", "100", "90", "80.25"),
            row("SYT", 2025, state, "2025-Q4", "100", "95", "90.125"),
            row("STP", 2025, state, "2025-Q3", "50", "40", "30"),
            row("SKHCN", 2025, other, "2025-Q4", "15000", "15000", "14068.5"),
            row("SCT", 2024, state, "2024-Q4", "10", None, None),
            row("SCT", 2024, state, "2024-Q4", "10", "10", "9", sample=False),
            row("STC", 2024, state, "2024-Q3", "20", "20", "12.5"),
        ]
    )
    full, earlier = disbursement_years(disb)
    assert sorted(full["year"].unique()) == [2026, 2027] and len(full) == 2
    assert earlier[
        [
            "year",
            "funding",
            "is_sample",
            "departments",
            "left_out",
            "earliest_period",
            "latest_period",
            "plan_mvnd",
            "allocated_mvnd",
            "disbursed_mvnd",
        ]
    ].to_dict("records") == [
        # Two departments' year-to-date of one year added; sample rows never with real ones.
        {
            "year": 2025,
            "funding": state,
            "is_sample": True,
            "departments": 2,
            "left_out": [],
            "earliest_period": "2025-Q3",
            "latest_period": "2025-Q4",
            "plan_mvnd": Decimal("150"),
            "allocated_mvnd": Decimal("135"),
            "disbursed_mvnd": Decimal("120.125"),
        },
        {
            "year": 2025,
            "funding": other,
            "is_sample": True,
            "departments": 1,
            "left_out": [],
            "earliest_period": "2025-Q4",
            "latest_period": "2025-Q4",
            "plan_mvnd": Decimal("15000"),
            "allocated_mvnd": Decimal("15000"),
            "disbursed_mvnd": Decimal("14068.5"),
        },
        {
            "year": 2024,
            "funding": state,
            "is_sample": False,
            "departments": 1,
            "left_out": [],
            "earliest_period": "2024-Q4",
            "latest_period": "2024-Q4",
            "plan_mvnd": Decimal("10"),
            "allocated_mvnd": Decimal("10"),
            "disbursed_mvnd": Decimal("9"),
        },
        # A department with blank cells is left out of the sums and named, as in the total rows: its
        # blank is no 0, and no reason to hide the other departments' figures.
        {
            "year": 2024,
            "funding": state,
            "is_sample": True,
            "departments": 1,
            "left_out": ["SCT"],
            "earliest_period": "2024-Q3",
            "latest_period": "2024-Q3",
            "plan_mvnd": Decimal("20"),
            "allocated_mvnd": Decimal("20"),
            "disbursed_mvnd": Decimal("12.5"),
        },
    ]
    # Every department of a year blank: nothing to add, every one named.
    (blank,) = (
        disbursement_years(disb[(disb["year"] != 2024) | (disb["agency_code"] == "SCT") & disb["is_sample"]])[
            1
        ]
        .query("year == 2024")[["departments", "left_out", "allocated_mvnd", "disbursed_mvnd"]]
        .to_dict("records")
    )
    assert blank == {"departments": 0, "left_out": ["SCT"], "allocated_mvnd": None, "disbursed_mvnd": None}
    only_two, nothing = disbursement_years(disb[disb["year"] >= 2026])
    assert len(only_two) == 2 and nothing.empty


def test_the_disbursement_chart_waits_for_half_the_departments_before_drawing_a_new_year():
    """Session 15 calendar review: in April 2027 one early 2027-Q1 report would have made the chart a
    2027 chart with one bar, where 2026's year-to-date figures of 21 departments say more."""
    from pipelines.notebook_tables import chart_year

    assert chart_year({2026: 21, 2027: 1}) == (
        2026,
        "năm 2027 mới có 1 sở, ngành báo cáo (năm 2026: 21), số của năm 2027 ở bảng dưới",
    )
    assert chart_year({2026: 21, 2027: 10}) == (
        2026,
        "năm 2027 mới có 10 sở, ngành báo cáo (năm 2026: 21), số của năm 2027 ở bảng dưới",
    )
    assert chart_year({2026: 21, 2027: 11}) == (2027, None)  # half of 21 is 10,5
    # The shipped samples' first year: 2025-Q4 from 4 departments, then 2026 from 4 already by April.
    assert chart_year({2025: 4, 2026: 4}) == (2026, None)
    assert chart_year({np.int64(2025): np.int64(4)}) == (2025, None)
    assert chart_year({2025: 4, 2026: 6, 2027: 2}) == (
        2026,
        "năm 2027 mới có 2 sở, ngành báo cáo (năm 2026: 6), số của năm 2027 ở bảng dưới",
    )


def test_period_range_and_rate_as_the_briefing_shows_them():
    from pipelines.notebook_tables import vn_period_range, vn_rate

    assert vn_period_range("2026-Q2", "2026-Q2") == "Quý 2/2026"
    assert vn_period_range("2026-Q1", "2026-Q2") == "Quý 1/2026 – Quý 2/2026"
    # Sở KH&CN's 2026 fixture figures: 1.267,003 of 4.721 allocated, exact (26,84 %).
    assert vn_rate(Decimal("1267.003"), Decimal("4721")) == "26,84%"
    assert vn_rate(1267.003, 4721.0) == "26,84%"  # a DECIMAL sum pandas handed over as a float
    assert [vn_rate(None, 10), vn_rate(5, float("nan")), vn_rate(5, 0)] == [None, None, None]


def test_the_disbursement_table_shortens_the_funding_words_its_legend_explains():
    from pipelines.notebook_tables import DISBURSEMENT_LEGEND, FUNDING_SHORT, funding_short

    shown = funding_short(pd.Series(["Ngân sách nhà nước", "Nguồn khác (ngoài NSNN)", None, "Vốn ODA"]))
    assert [shown[0], shown[1], shown[3]] == ["NSNN", "Khác", "Vốn ODA"]  # no short form: as it is
    assert pd.isna(shown[2])  # unknown stays unknown (the table prints "—")
    # Every short word is explained in the legend line, and so is the unit the money headers dropped.
    assert set(FUNDING_SHORT.values()) == {"NSNN", "Khác"}
    assert "NSNN là ngân sách nhà nước; Khác là các nguồn ngoài ngân sách nhà nước" in DISBURSEMENT_LEGEND
    assert DISBURSEMENT_LEGEND.startswith("Số tiền: triệu đồng.")


def test_a_quarter_is_never_cut_only_a_range_between_its_quarters():
    from pipelines.notebook_tables import quarters_unbroken

    cells = quarters_unbroken(pd.Series(["Quý 2/2026", "Quý 1/2026 – Quý 2/2026", None]))
    assert list(cells[:2]) == ["Quý\u00a02/2026", "Quý\u00a01/2026\u00a0– Quý\u00a02/2026"]
    assert pd.isna(cells[2])
    # The one place left to wrap is after the dash; read as text, the cell is unchanged.
    assert [" ".join(c.split()) for c in cells[:2]] == ["Quý 2/2026", "Quý 1/2026 – Quý 2/2026"]


def test_a_table_can_carry_a_class_of_its_own_for_the_stylesheet(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    show(pd.DataFrame({"n": range(SHORT_TABLE_ROWS + 1)}), table_class="nq57-disbursement")
    show(pd.DataFrame({"n": range(SHORT_TABLE_ROWS)}), table_class="nq57-disbursement")
    long, short = (html.data for html in shown)
    assert 'class="dataframe nq57 nq57-disbursement"' in long
    assert 'class="dataframe nq57 nq57-short nq57-disbursement"' in short
