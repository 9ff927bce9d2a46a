"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI-Windows, Windows-1258, and plain Unicode left alone.

The encoders here are written independently of the module's decoding tables (TCVN3 from
the standard's code chart, VNI by composing a letter from its base and marks, Windows-1258
with Python's codec), so a round trip checks the tables rather than repeating them.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipelines.document_model import UnreadableDocumentError
from pipelines.readers.encoding import decode_text_bytes
from pipelines.readers.legacy_encoding import (
    convert_if_legacy,
    decode_legacy_bytes,
    detect_legacy_text,
    legacy_font,
)
from pipelines.readers.txt_reader import parse_txt, read_txt

# --------------------------------------------------------------------------- independent encoders

# TCVN 5712:1993 VN3 code chart, one row per vowel: toneless, then grave, hook, tilde, acute, dot below.
_TCVN3_CHART = {
    "a": ("a", 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": ("e", 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": ("i", 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": ("o", 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": ("u", 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": ("y", 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # chart order
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7, "đ": 0xAE}


def _split(letter: str) -> tuple[str, str]:
    """'ệ' → ('ê', dot below): the vowel with its quality mark, and its tone mark."""
    decomposed = unicodedata.normalize("NFD", letter)
    tone = next((m for m in decomposed if m in _TONES[1:]), "")
    vowel = unicodedata.normalize("NFC", "".join(m for m in decomposed if m != tone))
    return vowel, tone


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 bytes. Capitals with tones have no code: like .VnTimeH users, write the lower case."""
    out = bytearray()
    for letter in unicodedata.normalize("NFC", text):
        if letter in _TCVN3_CAPITALS:
            out.append(_TCVN3_CAPITALS[letter])
            continue
        vowel, tone = _split(letter.lower())
        if vowel in _TCVN3_CHART and (tone or vowel not in "aeiouy"):
            code = _TCVN3_CHART[vowel][_TONES.index(tone)]
            out.append(code if isinstance(code, int) else ord(code))
        else:
            out.extend(letter.encode("ascii"))
    return bytes(out)


_VNI_TONE_MARK = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
# With a circumflex or breve the tone and the quality mark share one VNI character.
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"": "i", "\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def encode_vni(text: str) -> str:
    """Unicode → VNI-Windows, as the characters a Windows-1252 reader shows."""
    out = []
    for letter in unicodedata.normalize("NFC", text):
        upper = letter.isupper()
        vowel, tone = _split(letter.lower())
        if vowel == "đ":
            piece = "ñ"
        elif vowel == "i":
            piece = _VNI_I[tone]
        elif vowel == "y" and tone == "\u0323":
            piece = "î"
        elif vowel in ("â", "ê", "ô"):
            piece = unicodedata.normalize("NFD", vowel)[0] + _VNI_CIRCUMFLEX[tone]
        elif vowel == "ă":
            piece = "a" + _VNI_BREVE[tone]
        elif vowel in ("ơ", "ư") or (vowel in "aeouy" and tone):
            base = {"ơ": "ô", "ư": "ö"}.get(vowel, vowel)
            piece = base + _VNI_TONE_MARK.get(tone, "")
        else:
            piece = letter.lower()
        out.append(piece.upper() if upper else piece)
    return "".join(out)


def encode_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258: vowels with their quality mark precomposed, tones as combining marks."""
    out = bytearray()
    for letter in unicodedata.normalize("NFC", text):
        try:
            out.extend(letter.encode("cp1258"))
        except UnicodeEncodeError:
            vowel, tone = _split(letter)
            out.extend((vowel + tone).encode("cp1258"))
    return bytes(out)


def lower_toned_title_capitals(text: str) -> str:
    """What TCVN3 can give back: a toned capital starting a mixed-case word comes back lower case."""
    words = []
    for word in text.split(" "):
        first = word[:1]
        if first and first.isupper() and _split(first.lower())[1] and not word.isupper():
            word = first.lower() + word[1:]
        words.append(word)
    return " ".join(words)


@pytest.fixture(scope="module")
def seed_sentences(resolution_txt: Path) -> list[str]:
    """Real sentences from the resolution: prose, all-caps headings and table cells."""
    text = resolution_txt.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    chosen = [
        next(line for line in lines if line.startswith("Căn cứ Luật Khoa học và Công nghệ")),
        next(line for line in lines if line.startswith("THỰC HIỆN ĐỘT PHÁ PHÁT TRIỂN")),
        next(line for line in lines if line.startswith("Nhóm nhiệm vụ Nâng cao nhận thức")),
        next(line for line in lines if line.startswith("Dự kiến kêu gọi hình thành")),
        next(line for line in lines if line.startswith("- Ngân sách nhà nước: 6.139.164.000.000")),
    ]
    return [unicodedata.normalize("NFC", s) for s in chosen]


# --------------------------------------------------------------------------- TCVN3


def test_tcvn3_bytes_from_the_code_chart() -> None:
    text, notes = decode_legacy_bytes(
        b"Ngh\xde quy\xd5t s\xe8 57-NQ/TW c\xf1a B\xe9 Ch\xddnh tr\xde", "x.txt"
    )
    assert text == "Nghị quyết số 57-NQ/TW của Bộ Chính trị"
    assert notes == ["chuyển từ bảng mã TCVN3 (ABC) sang Unicode (converted from TCVN3 to Unicode)"]


def test_tcvn3_all_caps_words_are_capitalised() -> None:
    # ".VnTimeH" headings store toned capitals as lower-case codes: "HéI §åNG" is "HỘI ĐỒNG".
    text, _ = decode_legacy_bytes(encode_tcvn3("NGHỊ QUYẾT HỘI ĐỒNG NHÂN DÂN TỈNH LONG AN"), "x.txt")
    assert text == "NGHỊ QUYẾT HỘI ĐỒNG NHÂN DÂN TỈNH LONG AN"


def test_tcvn3_round_trip_of_seed_sentences(seed_sentences: list[str]) -> None:
    for sentence in seed_sentences:
        text, notes = decode_legacy_bytes(encode_tcvn3(sentence), "x.txt")
        assert text == lower_toned_title_capitals(sentence)
        assert notes and "TCVN3" in notes[0]


def test_tcvn3_read_through_windows_1252_is_converted(seed_sentences: list[str]) -> None:
    # A Word file typed in .VnTime, exported as UTF-8 text: the letters arrive as "LuËt Khoa häc".
    decoded = encode_tcvn3(seed_sentences[0]).decode("cp1252")
    assert decoded.startswith("C¨n cø LuËt Khoa häc")
    text, notes = convert_if_legacy(decoded, "x.txt")
    assert text == lower_toned_title_capitals(seed_sentences[0])
    assert text.startswith("Căn cứ Luật Khoa học và Công nghệ")
    assert "TCVN3" in notes[0]


# --------------------------------------------------------------------------- VNI


def test_vni_spot_checks() -> None:
    text, notes = convert_if_legacy("Nghò quyeát soá 57-NQ/TW cuûa Boä Chính trò veà ñoät phaù", "x.txt")
    assert text == "Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá"
    assert notes == ["chuyển từ bảng mã VNI-Windows sang Unicode (converted from VNI-Windows to Unicode)"]


def test_vni_round_trip_of_seed_sentences(seed_sentences: list[str]) -> None:
    for sentence in seed_sentences:
        encoded = encode_vni(sentence)
        text, notes = convert_if_legacy(encoded, "x.txt")
        assert text == sentence
        assert "VNI" in notes[0]
        # Saved by a Windows program: the same characters as Windows-1252 bytes.
        from_bytes, byte_notes = decode_legacy_bytes(encoded.encode("cp1252"), "x.txt")
        assert from_bytes == sentence
        assert "VNI" in byte_notes[0]


# --------------------------------------------------------------------------- Windows-1258 and mojibake


def test_windows_1258_round_trip_of_seed_sentences(seed_sentences: list[str]) -> None:
    for sentence in seed_sentences:
        text, notes = decode_legacy_bytes(encode_cp1258(sentence), "x.csv")
        assert text == sentence
        assert "Windows-1258" in notes[0]


def test_utf8_read_as_windows_1252_is_repaired(seed_sentences: list[str]) -> None:
    data = seed_sentences[0].encode("utf-8")
    # Windows keeps its five undefined bytes as C1 control characters.
    garbled = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)
    text, notes = convert_if_legacy(garbled, "x.csv")
    assert text == seed_sentences[0]
    assert "UTF-8" in notes[0]


# --------------------------------------------------------------------------- Unicode passes, rest refused


def test_plain_utf8_vietnamese_passes_untouched(resolution_txt: Path) -> None:
    text = resolution_txt.read_text(encoding="utf-8")
    assert convert_if_legacy(text, resolution_txt.name) == (text, [])
    assert detect_legacy_text(text) is None
    decoded, notes = decode_text_bytes(resolution_txt.read_bytes(), resolution_txt.name)
    assert notes == []
    assert "Nghị quyết số 57-NQ/TW" in decoded


def test_unicode_vietnamese_with_many_latin1_symbols_passes(resolution_txt: Path) -> None:
    # Converting Unicode as if it were TCVN3 also yields syllables ("công" → "cụng"): must not happen.
    text = resolution_txt.read_text(encoding="utf-8") + " 25°C ±3 § ½ ¼" * 40
    assert convert_if_legacy(text, "x.txt") == (text, [])


def test_plain_ascii_and_few_symbols_pass() -> None:
    assert convert_if_legacy("Total 5.861.734 (±2%), 25°C, § 3", "x.txt") == (
        "Total 5.861.734 (±2%), 25°C, § 3",
        [],
    )


def test_bytes_in_no_known_encoding_are_refused() -> None:
    german = "Größe und Übermaß: Straße für Fußgänger, Äpfel, Öl und Süßwaren für die Bürger. " * 3
    with pytest.raises(UnreadableDocumentError) as caught:
        decode_legacy_bytes(german.encode("latin-1"), "bang.csv")
    assert caught.value.reason.startswith("bang.csv: không phải UTF-8")
    assert "\n" not in caught.value.reason


def test_text_full_of_unknown_symbols_is_refused() -> None:
    noise = "¤¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ " * 10
    with pytest.raises(UnreadableDocumentError, match="không nhận ra bảng mã"):
        convert_if_legacy(noise, "noise.txt")


def test_legacy_font_names() -> None:
    assert legacy_font(".VnTime") == ("TCVN3", False)
    assert legacy_font(".VnTimeH") == ("TCVN3", True)
    assert legacy_font("VNI-Times") == ("VNI", False)
    assert legacy_font("Times New Roman") is None
    assert legacy_font(None) is None


# --------------------------------------------------------------------------- through the txt reader


def test_txt_file_in_tcvn3_reads_as_unicode(tmp_path: Path) -> None:
    source = (
        "Phụ lục I\nĐVT: triệu đồng\n\tTT\n\tTên nhiệm vụ, giải pháp\n\n\t1\n\tXây dựng chuyên mục khoa học\n"
    )
    path = tmp_path / "phu_luc.txt"
    path.write_bytes(encode_tcvn3(source))
    model = read_txt(path)
    assert model.reader_notes == [
        "chuyển từ bảng mã TCVN3 (ABC) sang Unicode (converted from TCVN3 to Unicode)"
    ]
    assert [p.text for p in model.paragraphs()] == ["Phụ lục I", "ĐVT: triệu đồng"]
    assert model.tables()[0].rows[1].texts == ["1", "Xây dựng chuyên mục khoa học"]
    # The same text, already Unicode, gives the same model and no note.
    assert parse_txt(source, "u.txt").tables()[0].rows[1].texts == ["1", "Xây dựng chuyên mục khoa học"]
