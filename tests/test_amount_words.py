"""Amounts in words: the four Part IV amounts, the defective Appendix I total, the grammar, round trips."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from pipelines.parsing.amount_words import AmountWordsError, amount_to_words, parse_amount_words

# The four amounts of Part IV, in words and in digits (đồng), as printed.
PART_IV = [
    ("Sáu nghìn năm trăm hai mươi chín tỷ, một trăm sáu mươi bốn triệu đồng", Decimal("6529164000000")),
    ("Sáu nghìn một trăm ba mươi chín tỷ, một trăm sáu mươi bốn triệu đồng", Decimal("6139164000000")),
    ("Hai trăm bảy mươi bảy tỷ, bốn trăm ba mươi triệu đồng", Decimal("277430000000")),
    ("Ba trăm chín mươi tỷ đồng", Decimal("390000000000")),
]
APPENDIX_I_TOTAL_WORDS = "(Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn tỷ đồng)"


@pytest.mark.parametrize(("words", "dong"), PART_IV)
def test_part_iv_amounts(words: str, dong: Decimal) -> None:
    assert parse_amount_words(words) == dong


@pytest.mark.parametrize(("words", "dong"), PART_IV)
def test_part_iv_amounts_in_parentheses_and_lower_case(words: str, dong: Decimal) -> None:
    assert parse_amount_words(f"({words})") == dong
    assert parse_amount_words(words.lower()) == dong
    assert parse_amount_words(words.replace(",", "")) == dong


@pytest.mark.parametrize(("words", "dong"), PART_IV)
def test_part_iv_amounts_are_written_back_exactly(words: str, dong: Decimal) -> None:
    assert amount_to_words(dong) == words


def test_appendix_i_total_in_words_is_rejected_for_the_repeated_scale() -> None:
    # The digits say 5.861.734 million đồng; the words repeat 'tỷ' three times.
    with pytest.raises(AmountWordsError) as caught:
        parse_amount_words(APPENDIX_I_TOTAL_WORDS)
    assert caught.value.reason == "từ chỉ hàng 'tỷ' lặp lại sau 'tỷ' (scale word repeated)"
    assert str(caught.value) == caught.value.reason


def test_appendix_i_total_written_correctly() -> None:
    # What the words should have said for 5.861.734 million đồng, in both usual forms.
    dong = Decimal("5861734") * 10**6
    assert amount_to_words(dong) == "Năm nghìn tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn triệu đồng"
    assert parse_amount_words("Năm nghìn tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn triệu đồng") == dong
    # A table in million đồng may name "triệu đồng" as the unit of a number that has its own scales.
    assert parse_amount_words("Năm triệu tám trăm sáu mươi mốt nghìn bảy trăm ba mươi bốn triệu đồng") == dong


@pytest.mark.parametrize(
    ("words", "dong"),
    [
        ("Ba trăm chín mươi tỷ đồng chẵn", 390_000_000_000),
        ("Ba trăm chín mươi tỉ đồng", 390_000_000_000),
        ("Ba trăm chín mươi tỷ", 390_000_000_000),  # no unit printed
        ("ba trăm chín mươi tỷ đồng.", 390_000_000_000),
        ("Mười lăm triệu đồng", 15_000_000),
        ("Mười nhăm triệu đồng", 15_000_000),
        ("Hai mươi mốt nghìn đồng", 21_000),
        ("Hai mươi một nghìn đồng", 21_000),
        ("Hai mươi tư nghìn đồng", 24_000),
        ("Hai mươi bốn nghìn đồng", 24_000),
        ("Hai mươi lăm đồng", 25),
        ("Mười bốn đồng", 14),
        ("Mười tư đồng", 14),
        ("Một trăm linh năm đồng", 105),
        ("Một trăm lẻ năm đồng", 105),
        ("Một trăm linh tư đồng", 104),
        ("Một trăm mười đồng", 110),
        ("Một nghìn không trăm linh năm đồng", 1005),
        ("Một ngàn không trăm linh năm đồng", 1005),
        ("Một nghìn linh năm đồng", 1005),
        ("Một nghìn không trăm hai mươi đồng", 1020),
        ("Một triệu không trăm mười nghìn đồng", 1_010_000),
        ("Một nghìn tỷ đồng", 10**12),
        ("Mười nghìn tỷ đồng", 10**13),
        ("Một nghìn không trăm linh năm tỷ đồng", 1_005 * 10**9),
        ("Không đồng", 0),
        ("Năm đồng", 5),
        ("Mười đồng", 10),
        ("Hai trăm sáu mươi mốt tỷ, sáu trăm ba mươi triệu đồng", 261_630_000_000),  # App. II 2026–2030
        ("Mười lăm tỷ, tám trăm triệu đồng", 15_800_000_000),  # Appendix II 2025
        ("Bốn trăm hai mươi tỷ đồng", 420_000_000_000),  # sum of Appendix I other sources
    ],
)
def test_grammar(words: str, dong: int) -> None:
    assert parse_amount_words(words) == Decimal(dong)


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (APPENDIX_I_TOTAL_WORDS, "từ chỉ hàng 'tỷ' lặp lại sau 'tỷ' (scale word repeated)"),
        ("Năm triệu ba triệu đồng", "từ chỉ hàng 'triệu' lặp lại sau 'triệu' (scale word repeated)"),
        ("Năm triệu, ba trăm triệu đồng", "từ chỉ hàng 'triệu' lặp lại sau 'triệu' (scale word repeated)"),
        (
            "Hai nghìn ba triệu đồng",
            "từ chỉ hàng 'triệu' đứng sau hàng nhỏ hơn 'nghìn' (scale words out of order)",
        ),
        (
            "Năm triệu ba trăm nghìn tỷ đồng",
            "từ chỉ hàng 'tỷ' đứng sau hàng nhỏ hơn 'nghìn' (scale words out of order)",
        ),
        ("Ba trăm chín mươi tỷ đô la", "từ 'đô' không phải là từ chỉ số (unknown word 'đô')"),
        ("Ba trăm chín chục tỷ đồng", "từ 'chục' không phải là từ chỉ số (unknown word 'chục')"),
        (
            "Sáu nghìn năm trăm hai mươi chín tỷ, một trăm sáu mươi bốn triệu USD",
            "từ 'usd' không phải là từ chỉ số (unknown word 'usd')",
        ),
        ("Một trăm năm đồng", "thiếu 'linh' hoặc 'mươi' trong 'một trăm năm' (ambiguous digit after 'trăm')"),
        (
            "Một nghìn năm đồng",
            "chữ số 'năm' đứng một mình sau từ chỉ hàng (ambiguous bare digit after a scale word)",
        ),
        ("triệu đồng", "thiếu số trước từ chỉ hàng 'triệu' (number missing before scale word)"),
        ("Không triệu đồng", "số không đứng trước 'triệu' (zero before a scale word)"),
        ("Không trăm năm mươi đồng", "'không trăm' đứng đầu số tiền (leading zero hundreds)"),
        ("Một mươi đồng", "'một mươi' không phải là hàng chục (tens digit must be 2–9)"),
        ("Mốt triệu đồng", "'mốt' chỉ dùng sau 'mươi' hoặc 'mười' (word only valid after tens)"),
        ("Lăm triệu đồng", "'lăm' chỉ dùng sau 'mươi' hoặc 'mười' (word only valid after tens)"),
        ("Linh năm đồng", "'linh' đứng đầu số tiền (no hundreds before 'linh')"),
        ("Mười mốt đồng", "không đọc được nhóm số 'mười mốt' (malformed group of words)"),
        ("Hai mươi ba bốn đồng", "không đọc được nhóm số 'hai mươi ba bốn' (malformed group of words)"),
        ("đồng", "không có số tiền bằng chữ (no amount in words)"),
        ("", "không có số tiền bằng chữ (no amount in words)"),
    ],
)
def test_rejections_say_why(words: str, reason: str) -> None:
    with pytest.raises(AmountWordsError) as caught:
        parse_amount_words(words)
    assert caught.value.reason == reason


def test_unknown_word_is_named_in_the_reason() -> None:
    with pytest.raises(AmountWordsError) as caught:
        parse_amount_words("Bảy trăm ba mươi bốn tỷ rưỡi đồng")
    assert "'rưỡi'" in caught.value.reason


def test_amount_words_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_amount_words("abc")


@pytest.mark.parametrize(
    ("dong", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (64, "Sáu mươi bốn đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1005, "Một nghìn không trăm linh năm đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (10**12 + 1, "Một nghìn tỷ, không trăm linh một đồng"),
        (390_000_000_000, "Ba trăm chín mươi tỷ đồng"),
        (15_800_000_000, "Mười lăm tỷ, tám trăm triệu đồng"),
    ],
)
def test_amount_to_words(dong: int, words: str) -> None:
    assert amount_to_words(Decimal(dong)) == words


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("0.5"), Decimal(10**15)])
def test_amount_to_words_rejects_what_it_cannot_write(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        amount_to_words(amount)


EDGE_CASES = [
    0, 1, 4, 5, 10, 11, 14, 15, 20, 21, 24, 25, 99, 100, 101, 104, 105, 110, 111, 115, 999, 1000, 1001,
    1005, 1010, 1015, 1100, 10_000, 100_000, 100_005, 1_000_000, 1_000_001, 1_010_000, 999_999_999,
    10**9, 10**9 + 1, 10**12, 10**12 + 1, 10**15 - 1, 6_529_164_000_000, 5_861_734_000_000,
]  # fmt: skip


@pytest.mark.parametrize("dong", EDGE_CASES)
def test_round_trip_edge_cases(dong: int) -> None:
    assert parse_amount_words(amount_to_words(Decimal(dong))) == Decimal(dong)


def test_round_trip_seeded_range() -> None:
    rng = random.Random(57)
    values = list(range(0, 2_100))  # every small number: all tens/units/linh forms
    for digits in range(1, 16):
        values += [rng.randrange(10 ** (digits - 1), 10**digits) for _ in range(300)]
    # Amounts in whole million đồng, like the plan's.
    values += [rng.randrange(1, 10**9) * 10**6 for _ in range(500)]
    for dong in values:
        words = amount_to_words(Decimal(dong))
        assert parse_amount_words(words) == Decimal(dong), words
        assert parse_amount_words(f"({words})") == Decimal(dong), words
