"""Text clean-up shared by every reader."""

from __future__ import annotations

import re
import unicodedata

# Word bookmarks survive the Word→text export as "[bookmark: _Hlk200311867]".
_BOOKMARK = re.compile(r"\[bookmark:\s*[^\]]*\]")
# Non-breaking and other exotic spaces that Word uses for "empty" cells.
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200b\ufeff]")
_RUNS_OF_BLANKS = re.compile(r"[ \t]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Word's non-breaking hyphen: PDFs draw it as a plain hyphen, so normalise it for every format.
_HYPHENS = str.maketrans({"\u2011": "-"})


def clean_text(text: str) -> str:
    """NFC, no bookmark artefacts, plain spaces, each line stripped, outer blank lines dropped.

    Line breaks inside the text are kept (a cell may hold several paragraphs).
    """
    text = nfc(text).translate(_HYPHENS)
    text = _BOOKMARK.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = [_RUNS_OF_BLANKS.sub(" ", line).strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def one_line(text: str) -> str:
    """The text on one line: inner line breaks become single spaces."""
    return " ".join(part for part in clean_text(text).split("\n") if part)


def fold(text: str) -> str:
    """Lower-case, accent-free form used to match header and label text by meaning.

    "Dự kiến kinh phí thực hiện (NSNN)" → "du kien kinh phi thuc hien (nsnn)".
    """
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _RUNS_OF_BLANKS.sub(" ", one_line(stripped).lower()).strip()
