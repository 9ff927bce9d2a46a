"""Reading a submission file (xlsx or csv) into one raw model: sheets of numbered rows of cells.

Nothing is interpreted here beyond decoding: the validator decides what each cell means. A file that
cannot be read raises ``SubmissionReadError`` carrying the rule it breaks (SUB-F01/F02/F03/E01).

xlsx is read with python-calamine (~0.2 ms for a small workbook, against ~7 ms for openpyxl).
Calamine returns the cached result of a formula, not the formula, and an Excel error value (#N/A,
#DIV/0!, ...) as an empty cell, so both are found by a quick look at the sheet XML: a figure computed
by a formula may be stale or missing, and must be reported (SUB-V03), not loaded as if typed; a cell
showing an error is not a blank left for later, and must be reported (SUB-V13), not read as "not
reported". Calamine does not give a cell's number format either: a "50%" typed in Excel is stored as 0.5
with a percent format, so the cells shown as percentages are found in the styles part (xl/styles.xml) and
the cells' style index, and the validator reads them as the value Excel shows (50).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipelines.submissions.layout import fold_key, is_form_sheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK"
ZIP_LOCAL_HEADER = b"PK\x03\x04"  # what every xlsx (a zip) starts with
SUPPORTED_SUFFIXES = (".xlsx", ".csv")
_SECTION = re.compile(r"^\[\s*([A-Za-z]+)\s*\]$")


class SubmissionReadError(Exception):
    """A file that cannot be read, with the rule it breaks and a detail written "Vietnamese / English"
    (the Vietnamese first, never holding " / "): the department's xlsx report shows the Vietnamese half,
    the csv report and the raw tables keep both."""

    def __init__(self, rule_id: str, detail: str) -> None:
        super().__init__(f"{rule_id}: {detail}")
        self.rule_id = rule_id
        self.detail = detail


@dataclass
class SheetData:
    name: str
    rows: list[tuple[int, list[Any]]]  # (row number as the department sees it, cells)
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column), both 1-based
    # (row, column) → the error as Excel shows it ('#N/A'): calamine reads such a cell as empty.
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    # Merged ranges as (first row, first column, last row, last column), 1-based, and as written
    # ('E3:E5'): calamine gives the value to the first cell only, the others read as empty.
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    # (row, column) of number cells with a percent format ('0%', '0.00%'): Excel stores a typed "50%" as
    # 0.5 and shows it as 50%, calamine gives 0.5 (the validator reads such a cell as Excel shows it).
    percent_cells: set[tuple[int, int]] = field(default_factory=set)

    def merged_range(self, row_no: int, column_no: int) -> tuple[int, int, int, int, str] | None:
        """The merged range holding this cell, if any."""
        for merge in self.merged:
            if merge[0] <= row_no <= merge[2] and merge[1] <= column_no <= merge[3]:
                return merge
        return None


@dataclass
class RawSubmission:
    file_format: str  # 'xlsx' | 'csv'
    sheets: dict[str, SheetData]  # keyed by the sheet name as written
    encoding: str | None = None  # csv only: 'utf-8' | 'windows-1258'
    # Sheets the form does not have that hold something (a department's own summary, a copy): never
    # loaded, so the validator says so rather than let their figures disappear in silence.
    extra_sheets: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> SheetData | None:
        """A sheet by name, ignoring case, accents and spacing ('Kinh phi' finds 'KinhPhi')."""
        wanted = fold_key(name).replace(" ", "")
        for sheet_name, sheet in self.sheets.items():
            if fold_key(sheet_name).replace(" ", "") == wanted:
                return sheet
        return None


def read_submission(name: str, data: bytes, sheet_names: tuple[str, ...] | None = None) -> RawSubmission:
    suffix = Path(name).suffix.lower()
    if not data:
        raise SubmissionReadError("SUB-F01", "tệp rỗng (0 byte) / empty file")
    if data.startswith(OLE_MAGIC):
        if is_encrypted_ooxml(data):
            raise SubmissionReadError("SUB-F02", "tệp được mã hóa bằng mật khẩu / encrypted workbook")
        raise SubmissionReadError("SUB-F03", "tệp Excel cũ (.xls) / legacy .xls workbook; save as .xlsx")
    if suffix == ".xlsx":
        return read_xlsx(data, sheet_names)
    if suffix == ".csv":
        if data.startswith(ZIP_LOCAL_HEADER):  # a workbook renamed, or saved with the wrong extension
            raise SubmissionReadError(
                "SUB-F03",
                "tệp là bảng tính Excel (.xlsx) nhưng đặt đuôi .csv: lưu lại với đuôi .xlsx "
                "/ an xlsx workbook (zip) named .csv",
            )
        return read_csv(data)
    raise SubmissionReadError("SUB-F03", f"đuôi tệp '{suffix or '(không có)'}' / unsupported file type")


# ── compound (OLE) files ─────────────────────────────────────────────────────────────────────
# A password-protected xlsx is not a zip: Excel (and LibreOffice, msoffcrypto-tool) wrap the encrypted
# package in a compound file (MS-CFB) holding the streams 'EncryptionInfo' and 'EncryptedPackage'
# (MS-OFFCRYPTO §2.3.4). A legacy .xls is a compound file too, with a 'Workbook' stream instead.
_ENCRYPTED_OOXML_STREAMS = frozenset({"EncryptionInfo", "EncryptedPackage"})
_END_OF_CHAIN = 0xFFFFFFFE


def ole_stream_names(data: bytes) -> set[str]:
    """Names of the storages and streams in a compound file's directory (empty when it is not one).

    Reads just enough of MS-CFB: the header, the FAT sectors it lists (the first 109, which cover
    files up to ~7 MB with 512-byte sectors, and the DIFAT chain after them) and the directory chain.
    """
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        return set()
    try:
        (shift,) = struct.unpack_from("<H", data, 0x1E)
        if shift not in (9, 12):
            return set()
        size = 1 << shift
        (first_directory,) = struct.unpack_from("<I", data, 0x30)
        first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END_OF_CHAIN]
        sector, seen = first_difat, 0
        while sector < _END_OF_CHAIN and seen < difat_count:
            entries = struct.unpack_from(f"<{size // 4}I", data, (sector + 1) * size)
            fat_sectors.extend(s for s in entries[:-1] if s < _END_OF_CHAIN)
            sector, seen = entries[-1], seen + 1
        fat: list[int] = []
        for fat_sector in fat_sectors:
            fat.extend(struct.unpack_from(f"<{size // 4}I", data, (fat_sector + 1) * size))
        names: set[str] = set()
        sector, steps = first_directory, 0
        while sector < _END_OF_CHAIN and steps <= len(fat):
            base = (sector + 1) * size
            if base + size > len(data):
                break  # truncated: what was read so far still names the streams it saw
            for offset in range(base, base + size, 128):
                (name_length,) = struct.unpack_from("<H", data, offset + 64)
                if data[offset + 66] in (1, 2, 5) and 2 <= name_length <= 64:
                    names.add(data[offset : offset + name_length - 2].decode("utf-16-le", "replace"))
            sector = fat[sector] if sector < len(fat) else _END_OF_CHAIN
            steps += 1
        return names
    except struct.error:
        return set()


def is_encrypted_ooxml(data: bytes) -> bool:
    """A compound file holding both 'EncryptionInfo' and 'EncryptedPackage': a password-protected xlsx."""
    return _ENCRYPTED_OOXML_STREAMS <= ole_stream_names(data)


# ── xlsx ─────────────────────────────────────────────────────────────────────────────────────
_SHEET_ENTRY = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', re.S)
_REL_ENTRY = re.compile(rb'<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"', re.S)
_REL_ENTRY_REVERSED = re.compile(rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"', re.S)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return unicodedata.normalize("NFC", text)


# What calamine does not tell: a formula element (<f>, not the <formula1> of a data validation) or a
# cell typed as an error value (t="e"). A sheet with neither, the usual case, is not scanned further.
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_AFTER_TAG_NAME = frozenset(b" \t\r\n>/")
# A row start, or a whole cell (self-closing, or up to its end tag), with or without a namespace prefix.
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
# Attributes come in any order (OOXML does not fix one; writers differ) and with either quote.
_ATTRIBUTE = re.compile(rb"""(?:^|\s)(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d+)")
_MERGE_CELL = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']+)["']""")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)<", re.S)
# Cell types that hold a number (absent: a number); a string, boolean, error or date is shown as itself.
_NUMBER_TYPES = frozenset({b"", b"n"})


def _has_marked_cells(body: bytes) -> bool:
    """Whether a sheet may hold a formula or an error cell: plain substring searches first (~1 ms per
    MB, where a regex over every tag takes ~5), the regex only where they hit."""
    if (b'"e"' in body or b"'e'" in body) and _ERROR_TYPE.search(body):
        return True
    for tag in (b"<f", b":f"):  # <f>, <f t="shared" .../>, or <x:f> under a namespace prefix
        at = body.find(tag)
        while at >= 0:
            if at + 2 < len(body) and body[at + 2] in _AFTER_TAG_NAME:
                return True
            at = body.find(tag, at + 2)
    return False


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {name: double or single for name, double, single in _ATTRIBUTE.findall(raw)}


@dataclass
class _SheetMarks:
    """What one sheet's XML says that calamine does not (all positions 1-based (row, column))."""

    formulas: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # → the error text ('#N/A')
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    percents: set[tuple[int, int]] = field(default_factory=set)  # number cells with a percent format


def _marked_cells(body: bytes, percent_styles: frozenset[bytes] = frozenset()) -> _SheetMarks:
    """Formula cells, error cells → error text, and number cells whose style (``s``) is one of
    ``percent_styles``, of one sheet's XML.

    A cell's position is its ``r`` attribute; without one (it is optional in OOXML, and some writers
    leave it out) the cell is the one after the previous cell of its row, and a row without ``r`` is
    the one after the previous row, as the standard says and calamine reads them, so the position
    found here is the one the value was read at.
    """
    marks = _SheetMarks()
    row_no, column_no = 0, 0
    for match in _ROW_OR_CELL.finditer(body):
        row_attributes, cell_attributes, content = match.groups()
        if row_attributes is not None:
            number = _attributes(row_attributes).get(b"r", b"")
            row_no = int(number) if number.isdigit() else row_no + 1
            column_no = 0
            continue
        attributes = _attributes(cell_attributes or b"")
        reference = _CELL_REF.fullmatch(attributes.get(b"r", b""))
        if reference:
            column_no = _column_number(reference.group(1).upper())
            row_no = int(reference.group(2))
        else:
            column_no += 1
        if content and _FORMULA.search(content):
            marks.formulas.add((row_no, column_no))
        cell_type = attributes.get(b"t", b"")
        if cell_type == b"e":
            value = _VALUE.search(content or b"")
            marks.errors[(row_no, column_no)] = _unescape(value.group(1)).strip() if value else ""
        elif (
            percent_styles
            and attributes.get(b"s") in percent_styles
            and cell_type in _NUMBER_TYPES
            and _VALUE.search(content or b"")  # an empty cell of a formatted range holds no number
        ):
            marks.percents.add((row_no, column_no))
    return marks


def _merged_ranges(body: bytes) -> list[tuple[int, int, int, int, str]]:
    """A sheet's merged ranges ('E3:E5' → (3, 5, 5, 5, 'E3:E5')); a one-cell or unreadable ref is none."""
    ranges = []
    for ref in _MERGE_CELL.findall(body):
        corners = [_CELL_REF.fullmatch(part.strip()) for part in ref.split(b":")]
        if len(corners) != 2 or not all(corners):
            continue
        (c1, r1), (c2, r2) = ((_column_number(m.group(1).upper()), int(m.group(2))) for m in corners)
        if (r1, c1) != (r2, c2):
            ranges.append(
                (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2), ref.decode("ascii", "replace"))
            )
    return ranges


# ── number formats ──
# Excel's built-in percent formats, which a workbook uses without writing them out: 9 is '0%', 10 is
# '0.00%' (ECMA-376 §18.8.30). Every other percent format is a <numFmt> of the styles part.
_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*?)/?>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*?)/?>")
_BUILTIN_PERCENT_ID = re.compile(rb"""numFmtId\s*=\s*["'](?:9|10)["']""")


def is_percent_format(code: str) -> bool:
    """Whether a number format code shows a number multiplied by 100 with a '%' sign.

    Only a '%' that is a format character counts: not one in quotes ('0.0" %"' shows 50 as "50.0 %"),
    escaped ('0\\%'), after '_' (a space as wide as '%') or '*' (a fill character), nor in brackets
    ('[Red]', '[>=100]', '[$%-42A]'). Read in the first section, the one for positive numbers (and for
    every number when the code has one section): a code that gives negatives or zero a section of their
    own without '%' ('0%;-0') is no template's and no department's; such a negative is read as a percent
    too, and still rejected as outside 0–100 where a percent is asked for.
    """
    quoted, index = False, 0
    while index < len(code):
        char = code[index]
        if char == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif char in "\\_*":
            index += 1  # the next character is shown (or measured) as itself
        elif char == "[":
            closing = code.find("]", index)
            index = len(code) if closing < 0 else closing
        elif char == ";":
            return False
        elif char == "%":
            return True
        index += 1
    return False


def percent_styles(styles: bytes) -> frozenset[bytes]:
    """The cell style indexes (a cell's ``s``, as written in the sheet XML) whose number format is a
    percent format, from the styles part: ``cellXfs``' n-th ``xf`` → its ``numFmtId`` → a built-in
    format or a ``numFmt`` of ``numFmts``. Empty for a workbook without one (most files)."""
    if b"%" not in styles and not _BUILTIN_PERCENT_ID.search(styles):
        return frozenset()  # no percent format code, no built-in percent format: nothing to look at
    codes: dict[int, str] = {}
    for raw in _NUM_FMT.findall(styles):
        attributes = _attributes(raw)
        number = attributes.get(b"numFmtId", b"")
        if number.isdigit():
            codes[int(number)] = _unescape(attributes.get(b"formatCode", b""))
    percent_ids = {n for n, code in codes.items() if is_percent_format(code)}
    percent_ids |= _BUILTIN_PERCENT_FORMATS - codes.keys()  # a workbook may write a built-in out itself
    cell_xfs = _CELL_XFS.search(styles)
    if cell_xfs is None:
        return frozenset()
    styles_found = set()
    for index, raw in enumerate(_XF.findall(cell_xfs.group(1))):
        number = _attributes(raw).get(b"numFmtId", b"0")
        if number.isdigit() and int(number) in percent_ids:
            styles_found.add(str(index).encode())
    return frozenset(styles_found)


def _style_pattern(styles: frozenset[bytes]) -> re.Pattern[bytes] | None:
    """What finds a cell with one of these style indexes (its ``s`` attribute) in a sheet's XML."""
    if not styles:
        return None
    return re.compile(rb"""\ss\s*=\s*["'](?:""" + b"|".join(sorted(styles)) + rb""")["']""")


def _sheet_marks(names: list[str], read: Callable[[str], bytes]) -> dict[str, _SheetMarks]:
    """Sheet name → its formula cells, error cells, merged ranges and percent-formatted number cells.
    Empty for most files."""
    styles = percent_styles(read("xl/styles.xml")) if "xl/styles.xml" in names else frozenset()
    styled = _style_pattern(styles)
    contents = {n: read(n) for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    contents = {
        n: body
        for n, body in contents.items()
        if _has_marked_cells(body) or b"mergeCell" in body or (styled and styled.search(body))
    }
    if not contents:
        return {}
    workbook = read("xl/workbook.xml")
    rels = read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL_ENTRY.findall(rels)}
    targets.update({rid: target for target, rid in _REL_ENTRY_REVERSED.findall(rels)})
    result: dict[str, _SheetMarks] = {}
    for sheet_name, rid in _SHEET_ENTRY.findall(workbook):
        target = targets.get(rid, b"").decode().lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        if path in contents:
            body = contents[path]
            # A sheet that uses no percent style is not scanned for one (the usual case).
            sheet_styles = styles if styled and styled.search(body) else frozenset()
            if _has_marked_cells(body) or sheet_styles:
                marks = _marked_cells(body, sheet_styles)
            else:
                marks = _SheetMarks()
            marks.merged = _merged_ranges(body)
            result[_unescape(sheet_name)] = marks
    return result


_CENTRAL_ENTRY = struct.Struct("<4s6xH4x4xIIHHH8xI")  # signature … method … sizes, name/extra/comment, offset


def _zip_parts(data: bytes) -> dict[str, bytes] | None:
    """The parts of a plain zip under 'xl/' (name → stored bytes, decompressed), read straight from its
    central directory: ~0.03 ms where zipfile takes ~0.13 ms. None for anything unusual (zip64,
    encryption, another compression, a damaged directory): the caller then uses zipfile, which knows
    those cases and how to report them.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        return None
    count, _, offset = struct.unpack_from("<2xHII", data, end + 8)
    parts: dict[str, bytes] = {}
    position = offset
    try:
        for _ in range(count):
            signature, method, size, _, name_len, extra_len, comment_len, header = _CENTRAL_ENTRY.unpack_from(
                data, position
            )
            name = data[position + 46 : position + 46 + name_len].decode("utf-8")
            position += 46 + name_len + extra_len + comment_len
            if signature != b"PK\x01\x02" or method not in (0, 8) or size == 0xFFFFFFFF:
                return None
            if not name.startswith("xl/"):
                continue
            if data[header : header + 4] != b"PK\x03\x04":
                return None
            local_name, local_extra = struct.unpack_from("<HH", data, header + 26)
            start = header + 30 + local_name + local_extra
            raw = data[start : start + size]
            parts[name] = raw if method == 0 else zlib.decompress(raw, -15)
    except (struct.error, zlib.error, UnicodeDecodeError):
        return None
    return parts


def read_xlsx(data: bytes, sheet_names: tuple[str, ...] | None = None) -> RawSubmission:
    """All sheets, or only those named (matched like ``RawSubmission.sheet``)."""
    wanted = {fold_key(n).replace(" ", "") for n in sheet_names} if sheet_names else None
    if not data.startswith(ZIP_MAGIC):
        raise SubmissionReadError(
            "SUB-F03", "nội dung không phải tệp .xlsx / content is not an xlsx (zip) file"
        )
    try:
        parts = _zip_parts(data)
        if parts is not None:
            names, read = list(parts), parts.__getitem__
        else:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names, read = archive.namelist(), archive.read
        if "xl/workbook.xml" not in names:
            raise SubmissionReadError("SUB-F03", "tệp zip không chứa bảng tính / zip file without a workbook")
        marks = _sheet_marks(names, read)
    except zipfile.BadZipFile as error:
        raise SubmissionReadError("SUB-F01", f"tệp nén bị hỏng / corrupt zip: {error}") from error
    except (KeyError, UnicodeDecodeError) as error:
        raise SubmissionReadError("SUB-F01", f"cấu trúc bảng tính hỏng / broken workbook: {error}") from error
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # A hidden sheet (a copied "DanhMuc (2)", say) is no place a department typed figures in.
        visible = {meta.name for meta in workbook.sheets_metadata if meta.visible == SheetVisibleEnum.Visible}
        sheets, extra = {}, []
        for name in workbook.sheet_names:
            key = fold_key(name).replace(" ", "")
            if wanted is not None and key not in wanted:
                # The instructions and list sheets are not read (a fifth of the reading time); a sheet
                # the form does not have is looked at only to say whether it holds anything.
                if is_form_sheet(name) or name not in visible:
                    continue
                if _has_content(workbook.get_sheet_by_name(name)):
                    extra.append(unicodedata.normalize("NFC", name))
                continue
            cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            nfc = unicodedata.normalize  # inlined: this runs for every cell of every file
            rows = [(n, [nfc("NFC", v) if type(v) is str else v for v in r]) for n, r in enumerate(cells, 1)]
            clean_name = unicodedata.normalize("NFC", name)
            found = marks.get(clean_name) or _SheetMarks()
            sheets[clean_name] = SheetData(
                clean_name, rows, found.formulas, found.errors, found.merged, found.percents
            )
    except Exception as error:  # calamine raises several error types for broken parts
        raise SubmissionReadError(
            "SUB-F01", f"không đọc được bảng tính / unreadable workbook: {error}"
        ) from error
    return RawSubmission("xlsx", sheets, extra_sheets=extra)


def _has_content(sheet: Any) -> bool:
    """Whether a worksheet has any cell that is not empty (stops at the first one)."""
    return any(any(cell not in (None, "") for cell in row) for row in sheet.iter_rows())


# ── csv ──────────────────────────────────────────────────────────────────────────────────────
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16: it starts with the UTF-16 LE mark
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one of them (Excel's 'Unicode Text'), else None.

    By the byte order mark, or without one by the NUL bytes of such text: in the form's CSV most
    characters are below U+0100 (digits, separators, codes), and each has a zero byte in the same place.
    Text in UTF-8 or Windows-1258 has no NUL at all.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if b"\x00" not in sample:
        return None
    half = max(1, len(sample) // 2)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if min(even, odd) > half // 4:  # ASCII in UTF-32: three zero bytes in four, on both sides
        return "UTF-32"
    if max(even, odd) > half // 4:  # ASCII in UTF-16: one zero byte in two, always on the same side
        return "UTF-16"
    return None


def decode_csv(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first, else Windows-1258 (what Vietnamese Excel saves).

    UTF-16/UTF-32 are refused first (SUB-E01): Windows-1258 decodes almost any bytes, so such a file
    would otherwise be read as garbage and answered with misleading "missing sheet" findings.
    """
    wide = wide_encoding(data)
    if wide:
        raise SubmissionReadError(
            "SUB-E01",
            # Excel's "Unicode Text" keeps the open sheet only, as its CSV does (SUB-F03): the form's
            # .xlsx is the answer, not another Save As.
            f"tệp lưu dạng {wide} (Unicode Text), không phải CSV UTF-8: hãy gửi chính tệp .xlsx của biểu "
            f"mẫu (Excel lưu dạng Unicode Text hay CSV chỉ giữ trang tính đang mở) / saved as {wide}",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258"), "windows-1258"
    except UnicodeDecodeError as error:
        raise SubmissionReadError(
            "SUB-E01", f"byte 0x{data[error.start]:02X} ở vị trí {error.start} / undecodable byte"
        ) from error


def read_csv(data: bytes) -> RawSubmission:
    """Sections opened by '[SheetName]' lines; row numbers are the file's line numbers."""
    text, encoding = decode_csv(data)
    # Windows-1258 writes tone marks as combining characters: NFC makes them match typed text.
    text = unicodedata.normalize("NFC", text)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    sheets: dict[str, SheetData] = {}
    current: SheetData | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            line_no = reader.line_num
            first = cells[0].strip() if cells else ""
            section = _SECTION.match(first)
            if section and not any(c.strip() for c in cells[1:]):
                current = SheetData(section.group(1), [])
                sheets[current.name] = current
            elif current is not None:
                current.rows.append((line_no, cells))
    except csv.Error as error:
        raise SubmissionReadError("SUB-F01", f"CSV hỏng / malformed CSV: {error}") from error
    # A CSV without any [Section] line comes back with no sheets: the validator answers it with one
    # SUB-F03 (a sheet saved as CSV by Excel or LibreOffice: send the .xlsx); one with some sections
    # gets SUB-T02 for each missing one.
    return RawSubmission("csv", sheets, encoding)
