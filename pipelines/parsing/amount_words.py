"""Amounts in words, as government documents write them."""

from __future__ import annotations

import re
from decimal import Decimal


class AmountWordsError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "nhăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}


def _below_thousand(words: list[str]) -> int:
    value = 0
    current = 0
    for word in words:
        if word in _DIGITS:
            current = _DIGITS[word]
        elif word == "mười":
            value += 10
            current = 0
        elif word == "mươi":
            value += current * 10
            current = 0
        elif word == "trăm":
            value += current * 100
            current = 0
        elif word in {"linh", "lẻ"}:
            continue
        else:
            raise AmountWordsError(f"từ không hiểu được '{word}' (unknown word)")
    return value + current


def parse_amount_words(text: str) -> Decimal:
    words = re.sub(r"[(),.;:]", " ", text.lower()).split()
    while words and words[-1] in {"đồng", "chẵn"}:
        words.pop()
    if not words:
        raise AmountWordsError("không có số tiền bằng chữ (no amount in words)")
    total = 0
    group: list[str] = []
    last_scale = None
    pending = 0
    for word in words:
        if word in _SCALES:
            scale = _SCALES[word]
            amount = _below_thousand(group) if group else (1 if not pending else 0)
            group = []
            if last_scale is not None and scale >= last_scale and not (last_scale == 10**3 and scale > 10**3):
                raise AmountWordsError(
                    f"từ chỉ hàng '{word}' lặp lại hoặc sai thứ tự sau hàng lớn hơn "
                    "(scale word repeated or out of order)"
                )
            if last_scale == 10**3 and scale > 10**3:
                # "nghìn tỷ": the thousands group multiplies the larger scale.
                total -= pending
                amount = pending + amount
                pending = 0
                total += amount * scale // 1
                last_scale = scale
                continue
            pending = amount * scale
            total += pending
            last_scale = scale
        else:
            group.append(word)
    if group:
        total += _below_thousand(group)
    return Decimal(total)
