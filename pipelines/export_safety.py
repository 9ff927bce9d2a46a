"""Making text safe to open in Excel: cells that would run as a formula are neutralised.

A cell whose text starts with =, +, -, @, tab or carriage return is read by Excel (and
LibreOffice) as a formula. Prefixing an apostrophe makes it plain text. Plain numbers
("-5", "+84") and a lone dash ("-", the documents' "to be determined") are left as they
are: they cannot run anything and changing them would change what was printed.
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d.,]*%?$")


def neutralise_formula(text: str) -> str:
    if not text or not text.startswith(_TRIGGERS):
        return text
    stripped = text.strip()
    if stripped in {"-", "–", "—"} or _PLAIN_NUMBER.match(stripped):
        return text
    return "'" + text
