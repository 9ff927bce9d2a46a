"""Vietnamese numbers, amount cells and KPI target cells.

Vietnamese formatting groups thousands with "." and marks decimals with ",": "5.861.734" is
five million, "43,35" is 43.35. Slides sometimes use a dot decimal ("99.9%"); that is accepted
only where the dot cannot be a thousands separator, so "1.140" stays 1140.

Every value is a ``Decimal``: money must stay exact, and a float would turn 43,35 into
43.3499999….
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines.parsing.text import one_line


class NumberParseError(ValueError):
    """The text is not a number (or not a cell/target this module can read)."""


# A leading sign is accepted so that a negative figure in a submission is reported as negative by
# the validator rather than as "not a number"; U+2212 is the minus sign Word sometimes inserts.
_SIGN = r"[+\-\u2212]?"
# "5.861.734" / "5.861.734,5": first group 1-3 digits without a leading zero, then groups of three.
_GROUPED = re.compile(rf"^({_SIGN})([1-9]\d{{0,2}}(?:\.\d{{3}})+)(?:,(\d+))?$")
# "52294", "03", "43,35": digits, optional decimal comma.
_PLAIN = re.compile(rf"^({_SIGN})(\d+)(?:,(\d+))?$")
# "99.9", "0.5", "1234.5": one dot that is not followed by exactly three digits after a valid first
# group, so it cannot be a thousands separator (the grouped pattern is tried first).
_DOT_DECIMAL = re.compile(rf"^({_SIGN})(\d+)\.(\d+)$")


def _strip_spaces(text: str) -> str:
    # one_line turns nbsp and the other Word spaces into plain spaces, then strips the ends.
    return one_line(text or "")


def _decimal(sign: str, integer: str, fraction: str | None) -> Decimal:
    digits = integer.replace(".", "")
    literal = f"{'-' if sign in {'-', '−'} else ''}{digits}"
    if fraction:
        literal += f".{fraction}"
    return Decimal(literal)


def parse_vn_number(text: str) -> Decimal:
    """A number as printed in a Vietnamese document: "5.861.734" → 5861734, "43,35" → 43.35.

    Raises NumberParseError for anything else ("", "-", "abc", "1.2.3,4,5", "12 345").
    """
    cleaned = _strip_spaces(text)
    if not cleaned:
        raise NumberParseError("không có số (empty text is not a number)")
    grouped = _GROUPED.match(cleaned)
    if grouped:
        return _decimal(*grouped.groups())
    plain = _PLAIN.match(cleaned)
    if plain:
        return _decimal(*plain.groups())
    dotted = _DOT_DECIMAL.match(cleaned)
    if dotted:
        sign, integer, fraction = dotted.groups()
        # "1.140" matched _GROUPED already; what is left here ("0.500", "99.9", "1234.567")
        # cannot be read as thousands, so the dot is a decimal point.
        return _decimal(sign, integer, fraction)
    raise NumberParseError(f"'{cleaned}' không phải là số (not a number)")


# --- amount cells --------------------------------------------------------------------------------

STATED = "stated"
TO_BE_DETERMINED = "to_be_determined"
BLANK = "blank"

# In the plan's tables a dash means the amount is still to be determined; it is never zero.
_DASHES = frozenset({"-", "–", "—", "−"})


@dataclass(frozen=True)
class AmountCell:
    """An amount cell: its value, what the cell says about it, and the cleaned text."""

    value: Decimal | None
    status: str  # 'stated' | 'to_be_determined' ("-") | 'blank' (empty / nbsp-only cell)
    text: str


def parse_amount_cell(text: str) -> AmountCell:
    """Read an amount cell: digits are stated (a printed "0" is a stated zero), a dash is to be
    determined, an empty cell is blank. Raises NumberParseError for any other text."""
    cleaned = _strip_spaces(text)
    if not cleaned:
        return AmountCell(None, BLANK, "")
    if cleaned in _DASHES:
        return AmountCell(None, TO_BE_DETERMINED, cleaned)
    return AmountCell(parse_vn_number(cleaned), STATED, cleaned)


# --- amounts in đồng -----------------------------------------------------------------------------

# Trailing unit of an amount in digits; a scale word in the unit multiplies the figure.
_DONG_UNIT = re.compile(
    r"^(?P<number>.*?)\s*(?:(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ)\s*)?(?:đồng|vnđ|vnd|đ)?$",
    re.IGNORECASE,
)
_UNIT_SCALE = {"nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9}


def parse_dong_amount(text: str) -> Decimal:
    """An amount in digits as đồng: "6.529.164.000.000 đồng" → 6529164000000.

    The unit is optional ("277.430.000.000"); "277.430 triệu đồng" is converted to đồng.
    """
    cleaned = _strip_spaces(text)
    match = _DONG_UNIT.match(cleaned)
    if match is None or not match.group("number"):
        raise NumberParseError(f"'{cleaned}' không phải là số tiền (not an amount in đồng)")
    amount = parse_vn_number(match.group("number"))
    scale = match.group("scale")
    if scale:
        amount = amount.scaleb(_UNIT_SCALE[scale.lower()])
    return _tidy(amount)


def dong_to_mvnd(amount: Decimal) -> Decimal:
    """đồng → million đồng (the unit of the appendices), exactly: a shift of the decimal point."""
    return _tidy(amount.scaleb(-6))


def _tidy(amount: Decimal) -> Decimal:
    # scaleb keeps every digit exactly but leaves exponents such as 5.861734E+12 or 6529164.000000;
    # an integral amount is written as a plain integer, anything else without trailing zeros.
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize()


# --- KPI targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A KPI roadmap cell: "≥50", "10%", "55% (Giai đoạn 2026 - 2030)", "-"."""

    text: str  # the cell on one line (line breaks inside the cell become spaces)
    comparator: str | None  # '>=' | '<=' | '>' | '<' | '=' (a bare number); None when no value
    value: Decimal | None
    unit: str | None  # '%' when printed, else None
    period_start: int | None  # a period target such as TFP's "(Giai đoạn 2026 - 2030)"
    period_end: int | None


# Longest phrases first so that "không quá" is not read as something shorter.
_COMPARATOR_WORDS: tuple[tuple[str, str], ...] = (
    ("≥", ">="),
    (">=", ">="),
    ("=>", ">="),
    ("≤", "<="),
    ("<=", "<="),
    ("=<", "<="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
    ("không vượt quá", "<="),
    ("không ít hơn", ">="),
    ("không dưới", ">="),
    ("không quá", "<="),
    ("tối thiểu", ">="),
    ("ít nhất", ">="),
    ("tối đa", "<="),
    ("lớn hơn", ">"),
    ("nhỏ hơn", "<"),
    ("trên", ">"),
    ("hơn", ">"),
    ("dưới", "<"),
)
_DASH = "[-–—−]"
_TARGET_PERIOD = re.compile(
    rf"\(?\s*giai\s+đoạn\s*((?:19|20)\d\d)\s*{_DASH}\s*((?:19|20)\d\d)\s*\)?", re.IGNORECASE
)
_TARGET_VALUE = re.compile(r"^(\d+(?:[.,]\d+)*)\s*(%)?$")


def parse_target(text: str) -> Target:
    """Read a KPI roadmap cell.

    "≥50" → ('>=', 50); "10%" → ('=', 10, '%'); "tối thiểu 55%" → ('>=', 55, '%');
    "35,49 % (Giai đoạn 2021- 2025)" → ('=', 35.49, '%', 2021, 2025); "-" or "" → no value.
    A leading "đạt" ("reaches") is accepted. Raises NumberParseError for a cell it cannot read,
    rather than guessing a number out of a sentence.
    """
    cleaned = _strip_spaces(text)
    if not cleaned or cleaned in _DASHES:
        return Target(cleaned, None, None, None, None, None)
    body = cleaned
    start = end = None
    period = _TARGET_PERIOD.search(body)
    if period:
        start, end = int(period.group(1)), int(period.group(2))
        body = body[: period.start()] + " " + body[period.end() :]
    body = body.strip().lower()
    if body.startswith("đạt "):
        body = body[len("đạt ") :].lstrip()
    comparator = "="
    for word, symbol in _COMPARATOR_WORDS:
        if body.startswith(word):
            rest = body[len(word) :]
            # A word comparator must end at a word boundary ("trên 50", "trên50", not "trênx").
            if word[-1].isalpha() and rest[:1].isalpha():
                continue
            comparator, body = symbol, rest.strip()
            break
    if not body or body in _DASHES:
        if start is not None:
            return Target(cleaned, None, None, None, start, end)
        raise NumberParseError(f"chỉ tiêu '{cleaned}' không có giá trị (target has no value)")
    value = _TARGET_VALUE.match(body)
    if value is None:
        raise NumberParseError(f"không đọc được chỉ tiêu '{cleaned}' (target is not a number)")
    return Target(cleaned, comparator, parse_vn_number(value.group(1)), value.group(2), start, end)
