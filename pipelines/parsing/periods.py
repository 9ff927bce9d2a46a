"""Implementation periods as printed: "2025 – 2026; hoàn thành Quý 1 năm 2026"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from pipelines.parsing.text import one_line


@dataclass(frozen=True)
class Period:
    text: str
    start_year: int | None
    end_year: int | None
    deadline: date | None
    deadline_text: str | None
    milestone: date | None
    milestone_text: str | None
    frequency_text: str | None
    times_per_year: int | None


_RANGE = re.compile(r"(20\d\d)\s*[-–—]\s*(20\d\d)")
_YEAR = re.compile(r"\b(20\d\d)\b")
_QUARTER = re.compile(r"quý\s*([1-4IV]+)\s*(?:năm\s*)?(20\d\d)", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s*(\d{1,2})\s*(?:năm\s*)?(20\d\d)", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"năm\s*(20\d\d)", re.IGNORECASE)
_FREQUENCY = re.compile(r"(mỗi năm[^;,]*|định kỳ[^;,]*|hằng năm[^;,]*|hàng năm[^;,]*)", re.IGNORECASE)
_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _end_of(clause: str) -> date | None:
    quarter = _QUARTER.search(clause)
    if quarter:
        q = quarter.group(1).upper()
        number = int(q) if q.isdigit() else _ROMAN_QUARTER[q]
        year = int(quarter.group(2))
        month = number * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    month = _MONTH.search(clause)
    if month:
        year, m = int(month.group(2)), int(month.group(1))
        return date(year, m, calendar.monthrange(year, m)[1])
    year_only = _YEAR_ONLY.search(clause)
    if year_only:
        return date(int(year_only.group(1)), 12, 31)
    return None


def _times_per_year(frequency: str) -> int | None:
    folded = frequency.lower()
    number = re.search(r"(\d+)\s*(lần|kỳ)", folded)
    count = int(number.group(1)) if number else (1 if "hằng năm" in folded or "hàng năm" in folded else None)
    if count is None:
        return None
    if "/tháng" in folded or "mỗi tháng" in folded:
        return count * 12
    if "/quý" in folded or "mỗi quý" in folded:
        return count * 4
    return count


def parse_period(text: str) -> Period:
    cleaned = one_line(text or "")
    if not cleaned:
        return Period("", None, None, None, None, None, None, None, None)
    span = _RANGE.search(cleaned)
    if span:
        start, end = int(span.group(1)), int(span.group(2))
        rest = cleaned[span.end() :]
    else:
        year = _YEAR.search(cleaned)
        start = end = int(year.group(1)) if year else None
        rest = cleaned[year.end() :] if year else cleaned
    rest = rest.strip(" ,;")
    deadline = deadline_text = milestone = milestone_text = None
    frequency = _FREQUENCY.search(rest)
    frequency_text = frequency.group(1).strip() if frequency else None
    if rest and not frequency_text:
        # "hoàn thành …" is a completion deadline only when what completes is the task itself;
        # "hoàn thành thủ tục; … vận hành Quý 2" completes a step, so its date is a milestone.
        lowered = rest.lower()
        when = _end_of(rest)
        if lowered.startswith("hoàn thành") and "thủ tục" not in lowered:
            deadline, deadline_text = when, rest
        else:
            milestone, milestone_text = when, rest
            if when is None:
                milestone_text = rest
    return Period(
        cleaned,
        start,
        end,
        deadline,
        deadline_text,
        milestone,
        milestone_text,
        frequency_text,
        _times_per_year(frequency_text) if frequency_text else None,
    )
