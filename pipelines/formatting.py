"""Vietnamese number formatting for people (5.861.734 triệu đồng; 5.861,7 tỷ đồng; 43,35%), and the words
for the submission statuses: light enough for the refresh's summary, shared with the notebooks."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Readers get Vietnamese words for the marts' status codes; an unknown code is shown as it is.
# A file's status (dim_submission.status, rpt_submission_status.current_status), then an agency's
# state for a period (rpt_submission_status.submission_state).
STATUS_VI = {
    "accepted": "được chấp nhận",
    "flagged": "được chấp nhận, có cảnh báo",
    "rejected": "bị từ chối",
    "duplicate": "trùng tệp đã nộp",
    "withdrawn": "đã rút",
    "submitted": "đã nộp",
    "rejected_only": "chỉ có tệp bị từ chối",
    "withdrawn_only": "chỉ có tệp đã rút",
    "missing": "chưa nộp",
    "not_yet_due": "chưa đến hạn",
}


def vn_number(value: Decimal | int | None, decimals: int = 0) -> str:
    """'.' groups thousands and ',' marks decimals; None → '—' (unknown, never 0)."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"  # 5,861,734.5 in the C locale
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{vn_number(value, decimals)}%"


def mvnd(value: Decimal | None) -> str:
    """An amount in million VND as written in the documents: '5.861.734 triệu đồng'."""
    return "—" if value is None else f"{vn_number(value)} triệu đồng"


def bvnd(value_mvnd: Decimal | None, decimals: int = 1) -> str:
    """An amount in million VND shown in billions: '5.861,7 tỷ đồng'."""
    return "—" if value_mvnd is None else f"{vn_number(Decimal(value_mvnd) / 1000, decimals)} tỷ đồng"
