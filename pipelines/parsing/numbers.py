"""Vietnamese numbers: "." groups thousands, "," marks decimals ("5.861.734", "43,35")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipelines.parsing.text import one_line


class NumberParseError(ValueError):
    pass


_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(,\d+)?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d+\.\d{1,2}$|^[+-]?\d+\.\d{4,}$")


def parse_vn_number(text: str) -> Decimal:
    cleaned = one_line(text).replace(" ", "")
    try:
        if _GROUPED.match(cleaned) or _PLAIN.match(cleaned):
            return Decimal(cleaned.replace(".", "").replace(",", "."))
        if _DOT_DECIMAL.match(cleaned):
            return Decimal(cleaned)
    except InvalidOperation as error:
        raise NumberParseError(f"not a number: {text!r}") from error
    raise NumberParseError(f"not a number: {text!r}")


@dataclass(frozen=True)
class AmountCell:
    value: Decimal | None
    status: str
    text: str


_DASHES = {"-", "–", "—"}


def parse_amount_cell(text: str) -> AmountCell:
    cleaned = one_line(text or "")
    if not cleaned:
        return AmountCell(None, "blank", "")
    if cleaned in _DASHES:
        return AmountCell(None, "to_be_determined", cleaned)
    return AmountCell(parse_vn_number(cleaned), "stated", cleaned)


def parse_dong_amount(text: str) -> Decimal:
    cleaned = re.sub(r"\s*(đồng|VNĐ|VND|đ)\s*$", "", one_line(text), flags=re.IGNORECASE)
    return parse_vn_number(cleaned)


def dong_to_mvnd(amount: Decimal) -> Decimal:
    return amount / Decimal(1_000_000)


@dataclass(frozen=True)
class Target:
    text: str
    comparator: str | None
    value: Decimal | None
    unit: str | None
    period_start: int | None
    period_end: int | None


_COMPARATORS = [
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    ("tối thiểu", ">="),
    ("ít nhất", ">="),
    ("trên", ">"),
    ("tối đa", "<="),
    (">", ">"),
    ("<", "<"),
]
_PERIOD = re.compile(r"\(?\s*giai đoạn\s*(20\d\d)\s*[-–]\s*(20\d\d)\s*\)?", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d.,]*")


def parse_target(text: str) -> Target:
    cleaned = one_line(text or "")
    rest = cleaned
    start = end = None
    period = _PERIOD.search(rest)
    if period:
        start, end = int(period.group(1)), int(period.group(2))
        rest = rest.replace(period.group(0), " ")
    comparator = None
    lowered = rest.lower()
    for token, symbol in _COMPARATORS:
        if token in lowered:
            comparator = symbol
            lowered = lowered.replace(token, " ")
            break
    number = _NUMBER.search(lowered)
    if not number:
        return Target(cleaned, None, None, None, start, end)
    value = parse_vn_number(number.group(0).rstrip(".,"))
    unit = "%" if "%" in lowered else None
    return Target(cleaned, comparator or "=", value, unit, start, end)
