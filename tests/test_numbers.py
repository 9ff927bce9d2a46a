"""Vietnamese numbers, amount cells, amounts in đồng and KPI target cells, on figures from the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.parsing.numbers import (
    AmountCell,
    NumberParseError,
    Target,
    dong_to_mvnd,
    parse_amount_cell,
    parse_dong_amount,
    parse_target,
    parse_vn_number,
)

# --- parse_vn_number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.861.734", Decimal("5861734")),  # Appendix I state budget total (million đồng)
        ("43,35", Decimal("43.35")),  # TFP contribution 2016–2020
        ("35,49", Decimal("35.49")),
        ("44,95", Decimal("44.95")),  # PII 2023 score
        ("6,36", Decimal("6.36")),  # digital economy share of GRDP 2024
        ("1.140", Decimal("1140")),  # a thousands group, not 1.14
        ("15.000", Decimal("15000")),  # slide: "hơn 15.000 đại biểu"
        ("0", Decimal("0")),
        ("6.529.164.000.000", Decimal("6529164000000")),
        ("277.430.000.000", Decimal("277430000000")),
        ("52294", Decimal("52294")),
        ("1022", Decimal("1022")),  # hotline 1022 on the slides
        ("447", Decimal("447")),
        ("99.9", Decimal("99.9")),  # slide: "99.9%" uses a dot decimal
        ("03", Decimal("3")),  # "ít nhất 03 doanh nghiệp"
        ("261.630", Decimal("261630")),
        ("5.861.734,5", Decimal("5861734.5")),
        ("0,5", Decimal("0.5")),
        ("0.5", Decimal("0.5")),  # cannot be a thousands group (leading zero)
        ("0.500", Decimal("0.5")),
        ("12.3456", Decimal("12.3456")),  # four digits after the dot: not a thousands group
        ("-1.250", Decimal("-1250")),  # a sign is kept so a validator can report a negative figure
    ],
)
def test_parse_vn_number(text: str, expected: Decimal) -> None:
    assert parse_vn_number(text) == expected


def test_parse_vn_number_is_exact_decimal() -> None:
    value = parse_vn_number("43,35")
    assert isinstance(value, Decimal)
    assert str(value) == "43.35"


@pytest.mark.parametrize("text", [" 5.861.734 ", "\u00a05.861.734\u00a0", "\t5.861.734\n", "\u202f5.861.734"])
def test_parse_vn_number_strips_surrounding_spaces_and_nbsp(text: str) -> None:
    assert parse_vn_number(text) == Decimal("5861734")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\u00a0",
        "-",
        "–",
        "abc",
        "1.2.3,4,5",
        "1,2,3",
        "12.34.567",  # a middle group of two digits
        "1.2345.678",
        "5.861.734.",
        ",5",
        "5,",
        "10%",  # the unit belongs to the caller
        "12 345",  # inner space: not a number here (the submission validator removes spaces itself)
        "IV",
        "4,5 triệu",
    ],
)
def test_parse_vn_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_vn_number(text)


def test_number_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_vn_number("abc")


# --- parse_amount_cell ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5.861.734", Decimal("5861734")),  # Appendix I total row, state budget
        ("420.000", Decimal("420000")),
        ("390.000", Decimal("390000")),  # stated total of other sources
        ("15.800", Decimal("15800")),  # Appendix II total row, 2025
        ("6.800", Decimal("6800")),
        ("174.130", Decimal("174130")),
        ("0", Decimal("0")),  # a printed zero is a stated zero
        (" 1.140 ", Decimal("1140")),
    ],
)
def test_amount_cell_stated(text: str, value: Decimal) -> None:
    cell = parse_amount_cell(text)
    assert cell.status == "stated"
    assert cell.value == value
    assert cell.text == text.strip()


@pytest.mark.parametrize("text", ["-", "–", "—", " - ", "\u00a0-\u00a0"])
def test_amount_cell_dash_is_to_be_determined_never_zero(text: str) -> None:
    # Tasks 57, 58, 59 and 78 of Appendix I print "-": the amount is not decided yet.
    cell = parse_amount_cell(text)
    assert cell.status == "to_be_determined"
    assert cell.value is None
    assert cell.value != Decimal(0)


@pytest.mark.parametrize("text", ["", " ", "\u00a0", "\u00a0\u00a0", "\t", "\n"])
def test_amount_cell_blank(text: str) -> None:
    # Appendix II leaves an empty (non-breaking space) cell where a unit has no amount.
    assert parse_amount_cell(text) == AmountCell(None, "blank", "")


@pytest.mark.parametrize("text", ["Vốn tư nhân đầu tư", "x", "1.2.3,4,5", "--", "khoảng 60%"])
def test_amount_cell_other_text_is_an_error(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_amount_cell(text)


def test_amount_cell_is_frozen() -> None:
    cell = parse_amount_cell("15.800")
    with pytest.raises(AttributeError):
        cell.value = Decimal(0)  # type: ignore[misc]


# --- amounts in đồng -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dong"),
    [
        ("6.529.164.000.000 đồng", Decimal("6529164000000")),  # Part IV total
        ("6.139.164.000.000 đồng", Decimal("6139164000000")),  # Part IV state budget
        ("277.430.000.000", Decimal("277430000000")),  # Part IV, no unit printed
        ("390.000.000.000 đồng", Decimal("390000000000")),  # Part IV other sources
        ("390.000.000.000đ", Decimal("390000000000")),
        ("390.000.000.000 VNĐ", Decimal("390000000000")),
        ("277.430 triệu đồng", Decimal("277430000000")),
        ("390 tỷ đồng", Decimal("390000000000")),
        ("160 tỷ đồng", Decimal("160000000000")),  # "khoảng 160 tỷ đồng/năm" (Part I)
        ("1,5 tỷ đồng", Decimal("1500000000")),
    ],
)
def test_parse_dong_amount(text: str, dong: Decimal) -> None:
    assert parse_dong_amount(text) == dong


@pytest.mark.parametrize("text", ["", "đồng", "sáu nghìn tỷ đồng", "-", "6.529.164.000.000 USD"])
def test_parse_dong_amount_rejects(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_dong_amount(text)


@pytest.mark.parametrize(
    ("dong", "million"),
    [
        (Decimal("6529164000000"), Decimal("6529164")),
        (Decimal("6139164000000"), Decimal("6139164")),
        (Decimal("277430000000"), Decimal("277430")),
        (Decimal("390000000000"), Decimal("390000")),
        (Decimal("500000"), Decimal("0.5")),
        (Decimal("1"), Decimal("0.000001")),
        (Decimal("0"), Decimal("0")),
    ],
)
def test_dong_to_mvnd_is_exact(dong: Decimal, million: Decimal) -> None:
    assert dong_to_mvnd(dong) == million


def test_part_iv_state_budget_is_appendix_i_plus_appendix_ii_in_million() -> None:
    # Part IV: 6.139.164.000.000 đồng = Appendix I 5.861.734 + Appendix II 277.430 (million đồng).
    state = dong_to_mvnd(parse_dong_amount("6.139.164.000.000 đồng"))
    assert state == parse_vn_number("5.861.734") + parse_vn_number("277.430")


def test_dong_to_mvnd_keeps_a_plain_integer() -> None:
    assert str(dong_to_mvnd(Decimal("6529164000000"))) == "6529164"
    assert str(dong_to_mvnd(Decimal("1234567"))) == "1.234567"


# --- parse_target --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("≥50", ">=", Decimal("50"), None),  # PII 2030
        ("≥40", ">=", Decimal("40"), None),  # science and technology enterprises 2030
        (">= 40", ">=", Decimal("40"), None),
        ("≤ 10", "<=", Decimal("10"), None),
        ("<=10", "<=", Decimal("10"), None),
        ("10%", "=", Decimal("10"), "%"),  # digital economy share 2025
        ("30%", "=", Decimal("30"), "%"),
        ("15", "=", Decimal("15"), None),  # DTI rank 2025
        ("45", "=", Decimal("45"), None),  # PII 2025
        ("23 ", "=", Decimal("23"), None),
        ("tối thiểu 55%", ">=", Decimal("55"), "%"),  # Part III.IV, TFP
        ("trên 50%", ">", Decimal("50"), "%"),  # slides
        ("trên 80%", ">", Decimal("80"), "%"),
        ("đạt trên 50%", ">", Decimal("50"), "%"),
        ("đạt 100%", "=", Decimal("100"), "%"),
        ("ít nhất 03", ">=", Decimal("3"), None),  # slides: "ít nhất 03 doanh nghiệp"
        ("ít nhất 01", ">=", Decimal("1"), None),
        ("không quá 5", "<=", Decimal("5"), None),
        ("dưới 10%", "<", Decimal("10"), "%"),
        ("99.9%", "=", Decimal("99.9"), "%"),
        ("6,36%", "=", Decimal("6.36"), "%"),
    ],
)
def test_parse_target(text: str, comparator: str, value: Decimal, unit: str | None) -> None:
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit) == (comparator, value, unit)
    assert (target.period_start, target.period_end) == (None, None)
    assert target.text == text.strip()


@pytest.mark.parametrize("text", ["-", "", " ", "–", "\u00a0"])
def test_parse_target_without_value(text: str) -> None:
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit) == (None, None, None)
    assert (target.period_start, target.period_end) == (None, None)


@pytest.mark.parametrize(
    ("text", "value", "start", "end", "printed"),
    [
        ("55% (Giai đoạn 2026 - 2030)", Decimal("55"), 2026, 2030, "55% (Giai đoạn 2026 - 2030)"),
        ("35,49 % (Giai đoạn 2021- 2025)", Decimal("35.49"), 2021, 2025, "35,49 % (Giai đoạn 2021- 2025)"),
        # The TFP baseline cell has a line break inside the parentheses.
        ("43,35 % (Giai đoạn\n2016 -2020)", Decimal("43.35"), 2016, 2020, "43,35 % (Giai đoạn 2016 -2020)"),
        ("55% (Giai đoạn 2026 – 2030)", Decimal("55"), 2026, 2030, "55% (Giai đoạn 2026 – 2030)"),
    ],
)
def test_parse_target_with_period(text: str, value: Decimal, start: int, end: int, printed: str) -> None:
    assert parse_target(text) == Target(printed, "=", value, "%", start, end)


def test_parse_target_keeps_text_with_a_period_and_a_comparator() -> None:
    target = parse_target("tối thiểu 55% (Giai đoạn 2026 - 2030)")
    assert (target.comparator, target.value, target.unit) == (">=", Decimal("55"), "%")
    assert (target.period_start, target.period_end) == (2026, 2030)


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2023 đạt 44,95 điểm (hạng 12)",  # a baseline sentence, not a target cell
        "chưa công bố",
        "≥",
        "50 doanh nghiệp",
        "trênx 50",
        "1.2.3,4,5%",
    ],
)
def test_parse_target_refuses_to_guess(text: str) -> None:
    with pytest.raises(NumberParseError):
        parse_target(text)
