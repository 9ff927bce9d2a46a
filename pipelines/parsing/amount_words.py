"""Amounts in words, as Vietnamese government documents write them.

"Sáu nghìn năm trăm hai mươi chín tỷ, một trăm sáu mươi bốn triệu đồng" is 6.529.164.000.000 đồng.
The parser is strict on purpose: the words are a second statement of an amount, and the point of
reading them is to catch a statement that disagrees with the digits. So it rejects a phrase that a
lenient reader would silently turn into some number — the plan's own Appendix I total
"Năm tỷ tám trăm sáu mươi mốt tỷ, bảy trăm ba mươi bốn tỷ đồng" repeats 'tỷ' and is rejected with a
reason, rather than being summed into 5.000.000.000 + 861.000.000.000 + 734.000.000.000.

Grammar (what is accepted):
- a group below one thousand: "[X trăm] [linh/lẻ D | mười [D] | T mươi [D]]" or a single digit
  at the start of the amount. Variants: "mốt" (1) only after "mươi"; "tư" (4) after "mươi",
  "mười", "linh"; "lăm"/"nhăm" (5) after "mươi"/"mười";
- scale words nghìn/ngàn (10^3), triệu (10^6), tỷ/tỉ (10^9), strictly decreasing, with one
  compound allowed at the start: "X nghìn Y tỷ" = (X·1000 + Y) tỷ, as in "Sáu nghìn … tỷ";
- after a scale word a group must say its place: "một nghìn không trăm linh năm" or
  "một nghìn linh năm", never "một nghìn năm" (colloquially 1.500) — a bare digit there is
  ambiguous and rejected, as is a bare digit after "trăm" ("một trăm năm" may mean 150);
- an optional trailing "đồng" / "đồng chẵn"; parentheses, commas, a capital first letter.
- "… nghìn … triệu đồng" is read with "triệu đồng" as the unit (tables in million đồng write
  "Năm triệu tám trăm sáu mươi mốt nghìn bảy trăm ba mươi bốn triệu đồng" for 5.861.734 triệu).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal


class AmountWordsError(ValueError):
    """The words are not a well-formed amount; ``reason`` says why, Vietnamese then English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_DIGITS = {
    "không": 0, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_AFTER_TENS = {
    **{w: d for w, d in _DIGITS.items() if d},
    "mốt": 1,
    "tư": 4,
    "lăm": 5,
    "nhăm": 5,
}  # after "mươi"
_AFTER_TEN = {**{w: d for w, d in _DIGITS.items() if d}, "tư": 4, "lăm": 5, "nhăm": 5}  # after "mười"
_AFTER_LINH = {**{w: d for w, d in _DIGITS.items() if d}, "tư": 4}  # after "linh"/"lẻ"
_SCALES = {"nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9}
_VOCABULARY = (
    frozenset(_DIGITS) | {"mốt", "tư", "lăm", "nhăm", "mười", "mươi", "linh", "lẻ", "trăm"} | set(_SCALES)
)
_PUNCTUATION = re.compile(r"[()\[\],.;:!]")


def _tokens(text: str) -> tuple[list[str], bool]:
    """Lower-case words without punctuation and without the trailing unit; whether "đồng" was named."""
    words = _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", text).lower()).split()
    named_dong = False
    if words and words[-1] == "chẵn":
        words.pop()
    if words and words[-1] == "đồng":
        words.pop()
        named_dong = True
    return words, named_dong


def _group_value(words: list[str], leading: bool) -> int:
    """Value of the words between two scale words (0–999); ``leading`` for the first group."""
    phrase = " ".join(words)
    value = 0
    has_hundreds = False
    if len(words) >= 2 and words[1] == "trăm":
        if words[0] not in _DIGITS:
            raise AmountWordsError(f"'{words[0]} trăm' không phải là hàng trăm (not a hundreds digit)")
        if words[0] == "không" and leading:
            raise AmountWordsError("'không trăm' đứng đầu số tiền (leading zero hundreds)")
        value, has_hundreds = _DIGITS[words[0]] * 100, True
        words = words[2:]
    if not words:
        return value
    head = words[0]
    if head in {"linh", "lẻ"}:
        if leading and not has_hundreds:
            raise AmountWordsError(f"'{head}' đứng đầu số tiền (no hundreds before '{head}')")
        if len(words) == 2 and words[1] in _AFTER_LINH:
            return value + _AFTER_LINH[words[1]]
    elif head == "mười":
        if len(words) == 1:
            return value + 10
        if len(words) == 2 and words[1] in _AFTER_TEN:
            return value + 10 + _AFTER_TEN[words[1]]
    elif len(words) >= 2 and words[1] == "mươi":
        if _DIGITS.get(head, 0) < 2:
            raise AmountWordsError(f"'{head} mươi' không phải là hàng chục (tens digit must be 2–9)")
        if len(words) == 2:
            return value + _DIGITS[head] * 10
        if len(words) == 3 and words[2] in _AFTER_TENS:
            return value + _DIGITS[head] * 10 + _AFTER_TENS[words[2]]
    elif len(words) == 1 and head in _DIGITS:
        if has_hundreds:
            raise AmountWordsError(
                f"thiếu 'linh' hoặc 'mươi' trong '{phrase}' (ambiguous digit after 'trăm')"
            )
        if not leading:
            raise AmountWordsError(
                f"chữ số '{head}' đứng một mình sau từ chỉ hàng (ambiguous bare digit after a scale word)"
            )
        return _DIGITS[head]
    misplaced = next((w for w in words if w in {"mốt", "tư", "lăm", "nhăm"}), None)
    if misplaced and len(words) == 1:
        raise AmountWordsError(f"'{misplaced}' chỉ dùng sau 'mươi' hoặc 'mười' (word only valid after tens)")
    raise AmountWordsError(f"không đọc được nhóm số '{phrase}' (malformed group of words)")


def _parse(words: list[str]) -> int:
    segments: list[tuple[list[str], str]] = []  # (words before a scale word, the scale word)
    current: list[str] = []
    for word in words:
        if word not in _VOCABULARY:
            raise AmountWordsError(f"từ '{word}' không phải là từ chỉ số (unknown word '{word}')")
        if word in _SCALES:
            segments.append((current, word))
            current = []
        else:
            current.append(word)
    if not segments and not current:
        raise AmountWordsError("không có số tiền bằng chữ (no amount in words)")
    total = 0
    seen: dict[int, str] = {}  # exponent → the scale word as printed
    previous: tuple[int, str] | None = None
    for index, (group, word) in enumerate(segments):
        exponent = _SCALES[word]
        if index == 1 and exponent == 9 and previous is not None and previous[0] == 3:
            # "Sáu nghìn năm trăm hai mươi chín tỷ": the thousands belong to the multiplier of tỷ.
            total = (total + (_group_value(group, leading=False) if group else 0)) * 10**9
            seen, previous = {9: word}, (9, word)
            continue
        if exponent in seen:
            raise AmountWordsError(
                f"từ chỉ hàng '{word}' lặp lại sau '{seen[exponent]}' (scale word repeated)"
            )
        if previous is not None and exponent > previous[0]:
            raise AmountWordsError(
                f"từ chỉ hàng '{word}' đứng sau hàng nhỏ hơn '{previous[1]}' (scale words out of order)"
            )
        if not group:
            raise AmountWordsError(f"thiếu số trước từ chỉ hàng '{word}' (number missing before scale word)")
        value = _group_value(group, leading=index == 0)
        if value == 0:
            raise AmountWordsError(f"số không đứng trước '{word}' (zero before a scale word)")
        total += value * 10**exponent
        seen[exponent], previous = word, (exponent, word)
    if current:
        total += _group_value(current, leading=not segments)
    return total


def parse_amount_words(text: str) -> Decimal:
    """The amount the words state, in đồng: "Ba trăm chín mươi tỷ đồng" → 390000000000.

    Raises AmountWordsError (with ``reason``) for a phrase that is not a well-formed amount.
    """
    words, named_dong = _tokens(text)
    try:
        return Decimal(_parse(words))
    except AmountWordsError:
        scales = [w for w in words if w in _SCALES]
        # "… nghìn … triệu đồng": 'triệu' after 'nghìn' is only well-formed as the unit
        # "triệu đồng" (a table in million đồng); anything else keeps the original error.
        if named_dong and words[-1:] == ["triệu"] and len(scales) >= 2 and _SCALES[scales[-2]] == 3:
            inner = words[:-1]
            if not any(_SCALES.get(w) == 9 for w in inner):
                try:
                    return Decimal(_parse(inner) * 10**6)
                except AmountWordsError:
                    pass
        raise


# --- amount → words ------------------------------------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three(number: int, leading: bool) -> str:
    """0 < number < 1000; a non-leading group always says its hundreds ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    parts: list[str] = []
    if hundreds or not leading:
        parts += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            parts += ["linh", _DIGIT_WORDS[units]] if parts else [_DIGIT_WORDS[units]]
    elif tens == 1:
        parts.append("mười")
        if units:
            parts.append("lăm" if units == 5 else _DIGIT_WORDS[units])
    else:
        parts += [_DIGIT_WORDS[tens], "mươi"]
        if units:
            # The documents write "sáu mươi mốt", "hai mươi lăm" but "sáu mươi bốn" (not "tư").
            parts.append({1: "mốt", 5: "lăm"}.get(units, _DIGIT_WORDS[units]))
    return " ".join(parts)


def amount_to_words(amount: Decimal) -> str:
    """An amount of đồng in the government style.

    6529164000000 → "Sáu nghìn năm trăm hai mươi chín tỷ, một trăm sáu mươi bốn triệu đồng".
    A comma follows the tỷ part; the number of tỷ may use "nghìn" (up to 999.999 tỷ).
    Raises ValueError for a negative, fractional or too large amount.
    """
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"amount must be a whole, non-negative number of đồng: {amount}")
    number = int(amount)
    if number >= 10**15:
        raise ValueError(f"amount too large to write with 'nghìn tỷ': {amount}")
    if number == 0:
        return "Không đồng"
    billions, rest = divmod(number, 10**9)
    segments: list[str] = []
    if billions:
        thousands_of_billions, billions_rest = divmod(billions, 1000)
        multiplier = []
        if thousands_of_billions:
            multiplier += [_three(thousands_of_billions, leading=True), "nghìn"]
        if billions_rest:
            multiplier.append(_three(billions_rest, leading=not thousands_of_billions))
        segments.append(" ".join([*multiplier, "tỷ"]))
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    below_billion: list[str] = []
    for value, scale in ((millions, " triệu"), (thousands, " nghìn"), (units, "")):
        if value:
            leading = not segments and not below_billion
            below_billion.append(_three(value, leading) + scale)
    if below_billion:
        segments.append(" ".join(below_billion))
    # As in the documents, only the tỷ part is set off by a comma.
    text = ", ".join(segments)
    return f"{text[0].upper()}{text[1:]} đồng"
