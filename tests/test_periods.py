"""Implementation periods, on every distinct period cell of Appendix I and a few other shapes."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.parsing.periods import Period, parse_period

# --- the real cells of Appendix I ----------------------------------------------------------------


def test_at_least_twice_a_year() -> None:
    period = parse_period("2026 - 2030, mỗi năm ít nhất 2 lần")
    assert (period.start_year, period.end_year) == (2026, 2030)
    assert period.frequency_text == "mỗi năm ít nhất 2 lần"
    assert period.times_per_year == 2
    assert (period.deadline, period.deadline_text, period.milestone, period.milestone_text) == (
        None,
        None,
        None,
        None,
    )


def test_once_a_month() -> None:
    period = parse_period("2026 - 2030, định kỳ 1 kỳ/tháng")
    assert (period.start_year, period.end_year) == (2026, 2030)
    assert period.frequency_text == "định kỳ 1 kỳ/tháng"
    assert period.times_per_year == 12


def test_once_a_year() -> None:
    period = parse_period("2026 - 2030, mỗi năm 1 lần")
    assert (period.start_year, period.end_year) == (2026, 2030)
    assert period.frequency_text == "mỗi năm 1 lần"
    assert period.times_per_year == 1


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025 - 2030", 2025, 2030),
        ("2026 -2030", 2026, 2030),
        ("2026 - 2027", 2026, 2027),
        ("2026 - 2030", 2026, 2030),
        ("2025 – 2026", 2025, 2026),  # en dash
        ("2025—2026", 2025, 2026),  # em dash, no spaces
        ("2025-2026", 2025, 2026),
        ("2025- 2026", 2025, 2026),
        ("Giai đoạn 2016 -2020", 2016, 2020),
        ("giai đoạn 2021- 2025", 2021, 2025),
        ("2026", 2026, 2026),
        ("Năm 2026", 2026, 2026),
        ("từ năm 2025 đến năm 2030", 2025, 2030),
        ("2026\n- 2030", 2026, 2030),  # a line break inside the cell
    ],
)
def test_plain_spans(text: str, start: int, end: int) -> None:
    period = parse_period(text)
    assert (period.start_year, period.end_year) == (start, end)
    assert (period.deadline, period.deadline_text, period.milestone, period.milestone_text) == (
        None,
        None,
        None,
        None,
    )
    assert (period.frequency_text, period.times_per_year) == (None, None)


@pytest.mark.parametrize(
    ("text", "deadline", "deadline_text"),
    [
        ("2025 – 2026; hoàn thành Quý 1 năm 2026", date(2026, 3, 31), "hoàn thành Quý 1 năm 2026"),
        ("2025 – 2026; hoàn thành Quý 2 năm 2026", date(2026, 6, 30), "hoàn thành Quý 2 năm 2026"),
        ("2025 - 2026, hoàn thành Quý 1 năm 2026", date(2026, 3, 31), "hoàn thành Quý 1 năm 2026"),
        (
            "2025 - 2026; hoàn thành và triển khai các chính sách trong Quý 2 năm 2026",
            date(2026, 6, 30),
            "hoàn thành và triển khai các chính sách trong Quý 2 năm 2026",
        ),
        (
            "2025 – 2026; hoàn thành và triển khai các chính sách trong Quý 2 năm 2026",
            date(2026, 6, 30),
            "hoàn thành và triển khai các chính sách trong Quý 2 năm 2026",
        ),
    ],
)
def test_completion_deadlines(text: str, deadline: date, deadline_text: str) -> None:
    period = parse_period(text)
    assert (period.start_year, period.end_year) == (2025, 2026)
    assert period.deadline == deadline
    assert period.deadline_text == deadline_text
    assert (period.milestone, period.milestone_text) == (None, None)
    assert (period.frequency_text, period.times_per_year) == (None, None)


def test_expected_operation_is_a_milestone_not_a_deadline() -> None:
    period = parse_period("2025 – 2026; dự kiến hoạt động Quý 1 năm 2027 ")
    assert (period.start_year, period.end_year) == (2025, 2026)
    assert period.deadline is None
    assert period.deadline_text is None
    assert period.milestone == date(2027, 3, 31)
    assert period.milestone_text == "dự kiến hoạt động Quý 1 năm 2027"
    assert period.text == "2025 – 2026; dự kiến hoạt động Quý 1 năm 2027"


def test_completing_the_procedure_is_not_the_task_deadline() -> None:
    # Task: the science and technology fund. What completes in 2025–2026 is only the procedure;
    # the dated event (Quý 2 năm 2026) is putting the fund into operation: a milestone.
    period = parse_period(
        "2025 - 2026 hoàn thành thủ tục; phân bổ kinh phí, đưa Quỹ vào vận hành chính thức Quý 2 năm 2026"
    )
    assert (period.start_year, period.end_year) == (2025, 2026)
    assert period.deadline is None
    assert period.deadline_text == "hoàn thành thủ tục"
    assert period.milestone == date(2026, 6, 30)
    assert period.milestone_text == "phân bổ kinh phí, đưa Quỹ vào vận hành chính thức Quý 2 năm 2026"


def test_completion_without_a_date_keeps_the_clause() -> None:
    period = parse_period(
        "2025 - 2028; hoàn thành theo thời gian cấp lại các văn bằng mới theo quy định của Bộ Khoa học và "
        "Công nghệ"
    )
    assert (period.start_year, period.end_year) == (2025, 2028)
    assert period.deadline is None
    assert period.deadline_text == (
        "hoàn thành theo thời gian cấp lại các văn bằng mới theo quy định của Bộ Khoa học và Công nghệ"
    )
    assert (period.milestone, period.milestone_text) == (None, None)


def test_empty_cell() -> None:
    assert parse_period("") == Period("", None, None, None, None, None, None, None, None)
    assert parse_period(" \u00a0 ") == Period("", None, None, None, None, None, None, None, None)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "deadline"),
    [
        ("hoàn thành Quý 1 năm 2026", date(2026, 3, 31)),
        ("hoàn thành Quý 2 năm 2026", date(2026, 6, 30)),
        ("hoàn thành Quý 3 năm 2026", date(2026, 9, 30)),
        ("hoàn thành Quý 4 năm 2027", date(2027, 12, 31)),
        ("hoàn thành Quý IV năm 2027", date(2027, 12, 31)),
        ("hoàn thành quý II/2026", date(2026, 6, 30)),
        ("hoàn thành tháng 6 năm 2026", date(2026, 6, 30)),
        ("hoàn thành tháng 2 năm 2028", date(2028, 2, 29)),  # leap year
        ("hoàn thành tháng 02/2027", date(2027, 2, 28)),
        ("hoàn thành năm 2027", date(2027, 12, 31)),
        ("hoàn thành trong năm 2027", date(2027, 12, 31)),
        ("hoàn thành 6 tháng đầu năm 2026", date(2026, 6, 30)),
        ("hoàn thành trước ngày 30/6/2026", date(2026, 6, 30)),
        ("hoàn thành trước ngày 15 tháng 9 năm 2026", date(2026, 9, 15)),
        ("hoàn thành trước Quý 3 năm 2026", date(2026, 6, 30)),  # before Q3 begins
        ("hoàn thành trước năm 2028", date(2027, 12, 31)),
    ],
)
def test_deadline_dates(clause: str, deadline: date) -> None:
    period = parse_period(f"2025 - 2028; {clause}")
    assert period.deadline == deadline
    assert period.deadline_text == clause


def test_a_date_without_a_span() -> None:
    period = parse_period("Hoàn thành Quý 4 năm 2027")
    assert (period.start_year, period.end_year) == (None, None)
    assert period.deadline == date(2027, 12, 31)
    assert period.deadline_text == "Hoàn thành Quý 4 năm 2027"


def test_expected_completion_is_still_only_a_milestone() -> None:
    period = parse_period("2025 - 2026; dự kiến hoàn thành Quý 2 năm 2026")
    assert period.deadline is None
    assert period.milestone == date(2026, 6, 30)
    assert period.milestone_text == "dự kiến hoàn thành Quý 2 năm 2026"


def test_year_of_operation_is_a_milestone_at_year_end() -> None:
    period = parse_period("2025 - 2026; đưa vào vận hành năm 2027")
    assert period.deadline is None
    assert period.milestone == date(2027, 12, 31)


# --- frequencies and combinations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "times"),
    [
        ("mỗi năm ít nhất 2 lần", 2),
        ("mỗi năm 1 lần", 1),
        ("định kỳ 1 kỳ/tháng", 12),
        ("hằng năm", 1),
        ("hàng năm", 1),
        ("định kỳ hằng quý", 4),
        ("mỗi quý 1 lần", 4),
        ("2 lần/năm", 2),
        ("mỗi năm hai lần", 2),
        ("định kỳ 6 tháng", 2),
        ("3 tháng/lần", 4),
        ("hằng tháng", 12),
    ],
)
def test_frequencies(frequency: str, times: int) -> None:
    period = parse_period(f"2026 - 2030, {frequency}")
    assert period.frequency_text == frequency
    assert period.times_per_year == times


def test_frequency_without_a_rate() -> None:
    period = parse_period("2026 - 2030, định kỳ")
    assert period.frequency_text == "định kỳ"
    assert period.times_per_year is None


def test_frequency_and_deadline_in_one_cell() -> None:
    period = parse_period("2026 - 2030, mỗi năm 1 lần, hoàn thành Quý 4 năm 2030")
    assert period.frequency_text == "mỗi năm 1 lần"
    assert period.times_per_year == 1
    assert period.deadline == date(2030, 12, 31)
    assert period.deadline_text == "hoàn thành Quý 4 năm 2030"


def test_text_that_is_not_understood_stays_only_in_text() -> None:
    period = parse_period("2026 - 2030; thường xuyên")
    assert (period.start_year, period.end_year) == (2026, 2030)
    assert period.text == "2026 - 2030; thường xuyên"
    assert (period.deadline_text, period.milestone_text, period.frequency_text) == (None, None, None)


def test_period_is_frozen() -> None:
    period = parse_period("2025 - 2030")
    with pytest.raises(AttributeError):
        period.start_year = 2024  # type: ignore[misc]
