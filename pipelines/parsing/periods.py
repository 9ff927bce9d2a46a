"""Implementation periods as printed in the plan: "2025 – 2026; hoàn thành Quý 1 năm 2026".

A period cell is a year span ("2026 - 2030", "2026 -2030", "Giai đoạn 2016 -2020", "2026") followed
by optional clauses separated by ";" (or by "," before a keyword). Each clause is one of:

- a completion deadline: the clause says "hoàn thành" (complete) — ``deadline`` is the last day of
  the date it names, or None when it names none ("hoàn thành theo thời gian cấp lại …");
- a milestone: any other clause with a date, notably "dự kiến …" (expected). An expected date is a
  plan, not a commitment, so "dự kiến hoạt động Quý 1 năm 2027" is a milestone, never a deadline;
- a frequency: "mỗi năm ít nhất 2 lần", "định kỳ 1 kỳ/tháng", "hằng năm".

A date always belongs to the clause it is printed in. So in "2025 - 2026 hoàn thành thủ tục; phân
bổ kinh phí, đưa Quỹ vào vận hành chính thức Quý 2 năm 2026" the completed thing is only the
procedure (a step, with no date of its own): deadline_text is "hoàn thành thủ tục" with deadline
None, and Quý 2 năm 2026 is the milestone of putting the fund into operation. We do not invent a
deadline from the end of the span.

Nothing is guessed: text the parser cannot classify stays only in ``text``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipelines.parsing.text import one_line


@dataclass(frozen=True)
class Period:
    text: str  # the cell on one line
    start_year: int | None
    end_year: int | None
    deadline: date | None  # last day of the completion date named in a "hoàn thành" clause
    deadline_text: str | None  # the completion clause(s) as printed
    milestone: date | None  # last day of a date named by a non-completion clause ("dự kiến …")
    milestone_text: str | None
    frequency_text: str | None  # "mỗi năm ít nhất 2 lần"
    times_per_year: int | None  # 2; 12 for "1 kỳ/tháng"; a minimum when the text says "ít nhất"


_EMPTY = Period("", None, None, None, None, None, None, None, None)

_DASH = "[-–—−]"
_YEAR = r"(?:19|20)\d\d"
# The span at the start of the cell: "2026 - 2030", "Giai đoạn 2016 -2020", "từ năm 2025 đến năm 2030",
# "Năm 2026", "2026".
_SPAN = re.compile(
    rf"^(?:giai\s+đoạn\s*|từ\s+(?:năm\s+)?|năm\s+)?(?P<start>{_YEAR})"
    rf"(?:\s*(?:{_DASH}|đến(?:\s+năm)?)\s*(?P<end>{_YEAR}))?(?!\d)",
    re.IGNORECASE,
)
# A "," starts a new clause only before one of these words; otherwise it is inside a clause
# ("phân bổ kinh phí, đưa Quỹ vào vận hành …").
_CLAUSE_BREAK = re.compile(r",\s*(?=(?:hoàn thành|dự kiến|mỗi|định kỳ|hằng|hàng)\b)", re.IGNORECASE)

_DATE = re.compile(
    rf"ngày\s*(?P<d>\d{{1,2}})\s*(?:tháng\s*|/\s*)(?P<dm>\d{{1,2}})\s*(?:năm\s*|/\s*)(?P<dy>{_YEAR})"
    rf"|\b(?P<d2>\d{{1,2}})/(?P<dm2>\d{{1,2}})/(?P<dy2>{_YEAR})"
    rf"|quý\s*(?P<q>[1-4]|iv|iii|ii|i)\s*(?:năm\s*|/\s*)(?P<qy>{_YEAR})"
    rf"|\b(?P<h>6)\s*tháng\s*(?P<half>đầu|cuối)\s*năm\s*(?P<hy>{_YEAR})"
    rf"|tháng\s*(?P<m>1[0-2]|0?[1-9])\s*(?:năm\s*|/\s*)(?P<my>{_YEAR})"
    rf"|năm\s*(?P<y>{_YEAR})",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_FREQUENCY = re.compile(
    r"(?:mỗi|hằng|hàng)\s+(?:năm|quý|tháng|tuần)|định\s+kỳ|/\s*(?:năm|quý|tháng|tuần)\b|tháng\s*/\s*lần",
    re.IGNORECASE,
)
_COUNT_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
}  # fmt: skip
_COUNT = re.compile(r"\b(\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s*(?:lần|kỳ|đợt)\b", re.IGNORECASE)
_EVERY_N_MONTHS = re.compile(r"(\d+)\s*tháng\s*(?:/\s*lần|một\s+lần|1\s+lần)|định\s+kỳ\s*(\d+)\s*tháng\b")
_PER_UNIT = (
    (re.compile(r"/\s*tuần|(?:mỗi|hằng|hàng|một)\s+tuần"), 52),
    (re.compile(r"/\s*tháng|(?:mỗi|hằng|hàng|một)\s+tháng"), 12),
    (re.compile(r"/\s*quý|(?:mỗi|hằng|hàng|một)\s+quý"), 4),
    (re.compile(r"/\s*năm|(?:mỗi|hằng|hàng|một)\s+năm"), 1),
)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _date_of(match: re.Match[str], before: bool) -> date:
    """The last day of the date a match names; with ``before`` ("trước Quý 2 năm 2026"), the day
    before that period begins."""
    groups = match.groupdict()
    if groups["d"] or groups["d2"]:
        # "trước ngày 30/6/2026" is read as "by 30/6/2026", as administrative texts mean it.
        if groups["d"]:
            return date(int(groups["dy"]), int(groups["dm"]), int(groups["d"]))
        return date(int(groups["dy2"]), int(groups["dm2"]), int(groups["d2"]))
    if groups["q"]:
        year, quarter = int(groups["qy"]), _quarter(groups["q"])
        first_month, last_month = quarter * 3 - 2, quarter * 3
    elif groups["half"]:
        year = int(groups["hy"])
        first_month, last_month = (1, 6) if groups["half"].lower() == "đầu" else (7, 12)
    elif groups["m"]:
        year, first_month = int(groups["my"]), int(groups["m"])
        last_month = first_month
    else:
        year, first_month, last_month = int(groups["y"]), 1, 12
    if before:
        return date(year, first_month, 1) - timedelta(days=1)
    return _last_day(year, last_month)


def _quarter(text: str) -> int:
    return int(text) if text.isdigit() else _ROMAN[text.lower()]


def _date_in(clause: str) -> date | None:
    """The latest date a clause names ("Quý 1 năm 2026" → 2026-03-31), or None."""
    dates = [
        _date_of(m, before=bool(re.search(r"\btrước\s*$", clause[: m.start()], re.IGNORECASE)))
        for m in _DATE.finditer(clause)
    ]
    return max(dates) if dates else None


def _times_per_year(frequency: str) -> int | None:
    lowered = frequency.lower()
    every = _EVERY_N_MONTHS.search(lowered)
    if every:
        months = int(every.group(1) or every.group(2))
        return 12 // months if months and 12 % months == 0 else None
    per_year = next((factor for pattern, factor in _PER_UNIT if pattern.search(lowered)), None)
    if per_year is None:
        return None
    count = _COUNT.search(lowered)
    if count is None:
        return per_year  # "hằng năm", "định kỳ hằng quý": once per unit
    word = count.group(1)
    return (int(word) if word.isdigit() else _COUNT_WORDS[word]) * per_year


def _clauses(rest: str) -> list[str]:
    pieces = []
    for part in rest.split(";"):
        pieces.extend(_CLAUSE_BREAK.split(part))
    return [piece.strip(" ,.:") for piece in pieces if piece.strip(" ,.:")]


def _join(texts: list[str]) -> str | None:
    return "; ".join(texts) if texts else None


def _latest(dates: list[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def parse_period(text: str) -> Period:
    """Read an implementation period cell (see the module docstring for the rules)."""
    cleaned = one_line(text or "")
    if not cleaned:
        return _EMPTY
    start = end = None
    rest = cleaned
    span = _SPAN.match(cleaned)
    if span:
        start = int(span.group("start"))
        end = int(span.group("end")) if span.group("end") else start
        rest = cleaned[span.end() :]
    deadline_texts: list[str] = []
    deadline_dates: list[date | None] = []
    milestone_texts: list[str] = []
    milestone_dates: list[date | None] = []
    frequency_texts: list[str] = []
    for clause in _clauses(rest):
        lowered = clause.lower()
        when = _date_in(clause)
        expected = "dự kiến" in lowered
        if "hoàn thành" in lowered and not expected:
            deadline_texts.append(clause)
            deadline_dates.append(when)
        elif when is not None:
            milestone_texts.append(clause)
            milestone_dates.append(when)
        elif _FREQUENCY.search(clause):
            frequency_texts.append(clause)
    frequency_text = _join(frequency_texts)
    return Period(
        text=cleaned,
        start_year=start,
        end_year=end,
        deadline=_latest(deadline_dates),
        deadline_text=_join(deadline_texts),
        milestone=_latest(milestone_dates),
        milestone_text=_join(milestone_texts),
        frequency_text=frequency_text,
        times_per_year=_times_per_year(frequency_text) if frequency_text else None,
    )
