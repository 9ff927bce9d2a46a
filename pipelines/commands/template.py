"""``nq57 template --agency CODE --period 2026-Q2 --out FILE.xlsx``: the workbook a department fills in."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from pipelines.submissions.layout import PLAN_FIRST_YEAR, PLAN_LAST_YEAR, parse_period
from pipelines.submissions.reference import load_reference_data
from pipelines.submissions.template import prefilled_content, write_template_xlsx
from pipelines.submissions.validator import today_in_vietnam


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "template",
        help="tạo biểu mẫu báo cáo cho một cơ quan (write a department's submission template)",
        description="Tạo tệp Excel biểu mẫu báo cáo, điền sẵn các nhiệm vụ và chỉ tiêu của cơ quan.",
    )
    parser.add_argument("--agency", required=True, help="mã cơ quan, ví dụ SYT (agency code)")
    parser.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2026-Q2 (reporting period)")
    parser.add_argument("--out", type=Path, required=True, help="tệp .xlsx cần ghi (output file)")
    parser.add_argument(
        "--sample", action="store_true", help="đánh dấu là dữ liệu mẫu (mark the workbook as sample data)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    if period is None:
        print(f"Kỳ báo cáo không hợp lệ: {args.period!r} (expected YYYY-Qn, e.g. 2026-Q2)", file=sys.stderr)
        return 2
    if not PLAN_FIRST_YEAR <= period.year <= PLAN_LAST_YEAR:
        # A form for a quarter outside the plan would be rejected on arrival (SUB-H04): refuse it now.
        print(
            f"Kỳ {period.code} nằm ngoài thời gian của Đề án ({PLAN_FIRST_YEAR}-Q1 … {PLAN_LAST_YEAR}-Q4) "
            "(period outside the plan)",
            file=sys.stderr,
        )
        return 2
    reference = load_reference_data()
    agency = args.agency.strip().upper()
    if agency not in reference.agencies:
        known = ", ".join(sorted(reference.agencies))
        print(f"Mã cơ quan không có trong danh mục: {agency} (known: {known})", file=sys.stderr)
        return 2
    content = prefilled_content(reference, agency, period, is_sample=args.sample)
    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        print(f"{out}: tệp biểu mẫu phải có đuôi .xlsx (the template is an .xlsx file)", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template_xlsx(content, out)
    print(
        f"{out}: {content.agency_name} ({agency}), kỳ {period.code}: {len(content.progress)} nhiệm vụ, "
        f"{len(content.budget)} dòng kinh phí, {len(content.kpi)} chỉ tiêu; "
        f"hạn nộp {period.deadline:%d/%m/%Y}"
    )
    today = today_in_vietnam()
    if today < period.start:
        # Written anyway (a department may prepare ahead), but a file sent before the quarter begins is
        # rejected on arrival (SUB-H08): said now, not when the report comes back.
        print(
            f"Lưu ý: kỳ {period.code} chưa bắt đầu (bắt đầu ngày {period.start:%d/%m/%Y}); báo cáo gửi "
            "trước ngày đó sẽ bị từ chối (SUB-H08). (the period has not begun: a report sent before it is "
            "rejected)",
            file=sys.stderr,
        )
    elif today <= period.end:
        # The running quarter: a report sent before its last day is loaded, flagged as early (SUB-H09),
        # and has to be sent again with the whole quarter: said before the department fills it in.
        print(
            # "Đến hết ngày đó": SUB-H09 flags a report sent on the last day too ("trước ngày đó" said
            # the last day was safe).
            f"Lưu ý: kỳ {period.code} chưa kết thúc (kết thúc hết ngày {period.end:%d/%m/%Y}); báo cáo gửi "
            "đến hết ngày đó chỉ có số liệu đến ngày gửi, sẽ bị cảnh báo (SUB-H09) và cần gửi lại số liệu "
            f"cả quý từ ngày {period.end + timedelta(days=1):%d/%m/%Y}. (the period has not ended: a report "
            "sent up to and including its last day is flagged as early and must be sent again with the "
            "whole quarter)",
            file=sys.stderr,
        )
    return 0
