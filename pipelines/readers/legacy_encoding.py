"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows and Windows-1258.

Before Unicode, Vietnamese documents were typed in font encodings: the bytes are
Latin-1 letters and symbols that a ".VnTime" (TCVN3) or "VNI-Times" font draws as
Vietnamese letters. Read as Windows-1252 such text shows up as "NghÞ quyÕt" (TCVN3) or
"Nghò quyeát" (VNI); Excel CSVs may also arrive in Windows-1258, whose tone marks are
combining characters.

Detection does not trust single characters (plain Vietnamese Unicode is full of Latin-1
letters such as "á", "ô"). Text that holds letters only Unicode has (ư, ơ, đ, ạ … ỹ) at
least as often as Latin-1 symbols no Vietnamese text uses ("¸", "µ", "ö", "ñ") is
Unicode. Otherwise each candidate conversion is scored by how many of the words it
produces are well-formed Vietnamese syllables, and a conversion is only applied when it
reads clearly better than the text as it is.

TCVN3 has no code for capital letters with tone marks (".VnTimeH" fonts draw the
lower-case codes as capitals), so an all-capitals word comes back with lower-case
toned letters inside ("NGHị"); such words are upper-cased. A capital toned letter at
the start of an otherwise lower-case word ("Ủy") cannot be told from a lower-case one
and stays lower-case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pipelines.document_model import UnreadableDocumentError

TCVN3 = "TCVN3"
VNI = "VNI"
CP1258 = "Windows-1258"
MOJIBAKE = "UTF-8/Windows-1252"

_NOTES = {
    TCVN3: "chuyển từ bảng mã TCVN3 (ABC) sang Unicode (converted from TCVN3 to Unicode)",
    VNI: "chuyển từ bảng mã VNI-Windows sang Unicode (converted from VNI-Windows to Unicode)",
    CP1258: "chuyển từ bảng mã Windows-1258 sang Unicode (converted from Windows-1258 to Unicode)",
    MOJIBAKE: "sửa văn bản UTF-8 bị đọc nhầm theo Windows-1252 (repaired UTF-8 read as Windows-1252)",
}

# --------------------------------------------------------------------------- TCVN3

# TCVN 5712:1993 VN3 ("ABC"): byte → letter. Lower-case toned letters, the seven base
# capitals Ă Â Ê Ô Ơ Ư Đ, and the capitals VN1 puts in the gaps of the upper half.
# Each vowel's five tones are in the order grave, hook, tilde, acute, dot below.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    # VN1 capitals in positions VN3 leaves free.
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}  # fmt: skip
# Latin-1 maps byte n to code point n, so the byte table is also a str.translate table.
_TCVN3_TABLE = dict(_TCVN3_BYTES)

# --------------------------------------------------------------------------- VNI

# VNI-Windows writes a letter as its base letter followed by a mark character.
_VNI_TONES = "ùøûõï"  # acute, grave, hook, tilde, dot below (lower-case forms)
_UNICODE_TONES = "\u0301\u0300\u0309\u0303\u0323"
# (VNI spelling of the toneless vowel, Unicode vowel, VNI marks for its five tones)
_VNI_VOWELS: list[tuple[str, str, str]] = [
    ("a", "a", _VNI_TONES),
    ("aâ", "â", "áàåãä"),
    ("aê", "ă", "éèúüë"),
    ("e", "e", _VNI_TONES),
    ("eâ", "ê", "áàåãä"),
    ("o", "o", _VNI_TONES),
    ("oâ", "ô", "áàåãä"),
    ("ô", "ơ", _VNI_TONES),
    ("u", "u", _VNI_TONES),
    ("ö", "ư", _VNI_TONES),
    ("y", "y", "ùøûõ"),  # ỵ is the single character "î"
]
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ"}


def _build_vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for vni, vowel, marks in _VNI_VOWELS:
        if len(vni) == 2:
            table[vni] = vowel  # "aâ" → â; its toned forms replace the "â" by a mark: "aá" → ấ
        for mark, tone in zip(marks, _UNICODE_TONES, strict=False):
            table[vni[0] + mark] = unicodedata.normalize("NFC", vowel + tone)
    table.update(_VNI_SINGLE)
    # Capitals: every character upper-cased (the marks have capital forms too).
    for key, value in list(table.items()):
        table[key.upper()] = value.upper()
    return table


_VNI_TABLE = _build_vni_table()
# Longest sequences first so "oâ" wins over "o", and "ôù" over "ô".
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TABLE, key=len, reverse=True)))

# --------------------------------------------------------------------------- syllables

_TONE_MARKS = set(_UNICODE_TONES)
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx])?[aăâeêioôơuưy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")
# Latin-1 letters plain Vietnamese Unicode uses; any other upper-half character is suspect.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for ch in decomposed if ch in _TONE_MARKS) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return bool(_SYLLABLE.match(base))


def _score(text: str) -> tuple[int, int]:
    """(well-formed, malformed) among the words that have a non-ASCII character."""
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if _is_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


def _native_count(text: str) -> int:
    """Letters only Unicode Vietnamese has (ă đ ĩ ũ ơ ư ạ … ỹ): legacy text read as Windows-1252 has none."""
    return sum(1 for ch in text if ch in _NATIVE_LETTERS or "\u1ea0" <= ch <= "\u1ef9")


_NATIVE_LETTERS = set("ĂăĐđĨĩŨũƠơƯư")


def _suspect_count(text: str) -> int:
    """Characters from the upper half of Latin-1 (or C1) that plain Vietnamese text does not use."""
    return sum(1 for ch in text if "\x80" <= ch <= "\xff" and ch not in _VIETNAMESE_LATIN1 and ch != "\xa0")


# --------------------------------------------------------------------------- conversions

_CAPS_WORD = re.compile(r"[^\W\d_]+")
_TCVN3_CASABLE = set("ĂÂÊÔƠƯĐăâêôơưđ")


def _restore_capitals(match: re.Match[str]) -> str:
    word = match.group(0)
    casable = [(index, ch) for index, ch in enumerate(word) if ch.isascii() or ch in _TCVN3_CASABLE]
    if not casable or not all(ch.isupper() for _, ch in casable):
        return word
    if len(casable) == 1 and casable[0][0] == 0:
        return word  # one capital at the start: title case ("Đề", "Nghị"), not an all-caps word
    return word.upper()


def restore_capitals(text: str) -> str:
    """Upper-case the words TCVN3 could only half capitalise ("NGHị QUYếT" → "NGHỊ QUYẾT")."""
    return _CAPS_WORD.sub(_restore_capitals, text)


def tcvn3_to_unicode(text: str, capitals: bool = True) -> str:
    """Text in TCVN3 read as Latin-1/Windows-1252 → Unicode NFC.

    ``capitals=False`` leaves all-caps words alone, for callers that convert pieces of a
    word (Word runs) and restore capitals on the whole paragraph afterwards.
    """
    converted = unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
    return restore_capitals(converted) if capitals else converted


def vni_to_unicode(text: str) -> str:
    """Text in VNI-Windows read as Latin-1/Windows-1252 → Unicode NFC."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI_TABLE[m.group(0)], text))


def _repair_mojibake(text: str) -> str:
    """UTF-8 bytes that were decoded as Windows-1252 (its undefined bytes kept as C1 controls)."""
    data = bytearray()
    for ch in text:
        data.extend(bytes([ord(ch)]) if "\x80" <= ch <= "\x9f" else ch.encode("cp1252"))
    return bytes(data).decode("utf-8")


_TEXT_CONVERTERS: list[tuple[str, Callable[[str], str]]] = [
    (TCVN3, tcvn3_to_unicode),
    (VNI, vni_to_unicode),
    (MOJIBAKE, _repair_mojibake),
]


def conversion_note(encoding: str) -> str:
    return _NOTES[encoding]


def legacy_font(font: str | None) -> tuple[str, bool] | None:
    """(encoding, draws capitals only) for a legacy Vietnamese font name, else None.

    ".VnTime", ".VnArial"… are TCVN3; their "H" variants (".VnTimeH") draw every letter
    as a capital. "VNI-Times", "VNI-Helve"… are VNI-Windows.
    """
    if not font:
        return None
    name = font.strip()
    if name.lower().startswith(".vn"):
        return TCVN3, name.endswith("H")
    if name.lower().startswith("vni-"):
        return VNI, False
    return None


def convert_piece(encoding: str, text: str) -> str:
    """Convert one piece of a paragraph (a Word run) from ``encoding``; TCVN3 capitals are left to
    ``restore_capitals`` on the whole paragraph."""
    if encoding == TCVN3:
        return tcvn3_to_unicode(text, capitals=False)
    if encoding == VNI:
        return vni_to_unicode(text)
    raise ValueError(f"not a font encoding: {encoding}")


def _best(candidates: list[tuple[str, str]]) -> tuple[str, str, int, int] | None:
    """The candidate with most well-formed words net of malformed ones."""
    best = None
    for encoding, text in candidates:
        good, bad = _score(text)
        if best is None or good - bad > best[2] - best[3]:
            best = (encoding, text, good, bad)
    return best


def _readable(good: int, bad: int) -> bool:
    return good >= 3 and bad <= 0.15 * (good + bad)


def detect_legacy_text(text: str) -> tuple[str, Callable[[str], str]] | None:
    """The legacy encoding ``text`` is written in and its converter, or None if it reads as Unicode.

    For readers that hold many pieces of text (cells, paragraphs): detect once on the
    whole document, then convert each piece.
    """
    suspects = _suspect_count(text)
    if suspects < 3 or _native_count(text) >= suspects:
        return None  # Unicode Vietnamese, perhaps with a few symbols (°, ±, §)
    as_is = _score(text)
    best = None
    for encoding, convert in _TEXT_CONVERTERS:
        try:
            converted = convert(text)
        except UnicodeError:
            continue
        good, bad = _score(converted)
        if (
            _readable(good, bad)
            and good - bad > as_is[0] - as_is[1]
            and (best is None or good - bad > best[0])
        ):
            best = (good - bad, encoding, convert)
    return (best[1], best[2]) if best else None


def convert_if_legacy(text: str, name: str) -> tuple[str, list[str]]:
    """Decoded text → (Unicode NFC text, notes). Plain Unicode passes through untouched, without notes."""
    suspects = _suspect_count(text)
    if suspects < 3 or _native_count(text) >= suspects:
        return text, []
    detected = detect_legacy_text(text)
    if detected is not None:
        encoding, convert = detected
        return convert(text), [conversion_note(encoding)]
    good, bad = _score(text)
    letters = sum(1 for ch in text if ch.isalpha())
    if suspects >= 20 and suspects > 0.01 * letters and not _readable(good, bad):
        raise UnreadableDocumentError(
            f"{name}: văn bản chứa ký tự lạ, không nhận ra bảng mã (unrecognised encoding: "
            "not Unicode, TCVN3, VNI or Windows-1258)"
        )
    return text, []


def _latin1_with_cp1252_punctuation(data: bytes) -> str:
    """Bytes → characters as Word saved them: Windows-1252 where it defines a character, else Latin-1."""
    out = []
    for byte in data:
        if 0x80 <= byte <= 0x9F:
            try:
                out.append(bytes([byte]).decode("cp1252"))
                continue
            except UnicodeDecodeError:
                pass
        out.append(chr(byte))
    return "".join(out)


def decode_legacy_bytes(data: bytes, name: str) -> tuple[str, list[str]]:
    """Bytes that are not UTF-8 → (Unicode NFC text, notes), or UnreadableDocumentError."""
    latin = _latin1_with_cp1252_punctuation(data)
    candidates: list[tuple[str, str]] = [(TCVN3, tcvn3_to_unicode(latin)), (VNI, vni_to_unicode(latin))]
    try:
        candidates.append((CP1258, unicodedata.normalize("NFC", data.decode("cp1258"))))
    except UnicodeDecodeError:
        pass
    best = _best(candidates)
    as_is = _score(latin)
    if best is not None and _readable(best[2], best[3]) and best[2] - best[3] > as_is[0] - as_is[1]:
        return best[1], [conversion_note(best[0])]
    raise UnreadableDocumentError(
        f"{name}: không phải UTF-8 và không nhận ra bảng mã TCVN3, VNI hay Windows-1258 "
        "(not UTF-8; no Vietnamese legacy encoding recognised)"
    )
