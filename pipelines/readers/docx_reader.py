"""Reader for Word documents (.docx).

python-docx opens the package; the body is walked through its XML because the
high-level API loses text this warehouse needs:

- paragraphs and tables are read in document order (``Document.paragraphs`` and
  ``Document.tables`` are two separate lists);
- text inside tracked insertions (``w:ins``) and content controls (``w:sdt``) is kept
  (``Paragraph.text`` skips both); deleted text (``w:delText``) and field codes are not text;
- a merged cell is one cell (``Row.cells`` repeats a horizontally merged cell once per grid
  column); the lower part of a vertically merged cell is an empty cell, so columns keep
  their place, as in the PDF reader;
- auto-numbering is rendered ("1", "II", "a)"): in many plans the task numbers of the
  appendix table exist only as Word list numbering;
- runs in the legacy ".VnTime" (TCVN3) and "VNI-" fonts are converted to Unicode.

Locators: "paragraph 12" (counting every body paragraph, empty ones too, as Word's
navigation does), "table 3", "table 3, row 5", "table 3, row 5, cell 2" (1-based).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.document_model import Cell, DocumentModel, Paragraph, Row, Table, UnreadableDocumentError
from pipelines.parsing.text import clean_text
from pipelines.readers import legacy_encoding

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc"
_T, _TAB, _BR, _CR = f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"
_NO_BREAK_HYPHEN, _SYM, _R = f"{W}noBreakHyphen", f"{W}sym", f"{W}r"
_VAL = f"{W}val"
# Wrappers whose content belongs to the flow around them (content controls, custom XML,
# tracked insertions and moves, smart tags, hyperlinks).
_TRANSPARENT = {
    f"{W}{tag}" for tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink")
}
# Subtrees that are not part of the paragraph's own text.
_SKIPPED = {
    f"{W}del",
    f"{W}moveFrom",
    f"{W}pPr",
    f"{W}rPr",
    f"{W}sdtPr",
    f"{W}sdtEndPr",
    f"{W}txbxContent",  # text boxes are read as paragraphs of their own
    f"{W}footnoteReference",
    f"{W}endnoteReference",
    f"{MC}Fallback",  # the same content as mc:Choice, for older readers
}

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL")]
_ROMAN += [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def read_docx(path: Path) -> DocumentModel:
    path = Path(path)
    document = _open(path)
    reader = _BodyReader(document)
    model = DocumentModel(source_name=path.name, file_format="docx")
    reader.read(document.element.body, model)
    _convert_legacy_text(model, reader)
    return model


def _open(path: Path) -> Any:
    name = path.name
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocumentError(
            f"{name}: tệp Word có mật khẩu hoặc là định dạng .doc cũ (encrypted DOCX or legacy .doc): "
            "cần lưu lại thành .docx không đặt mật khẩu (Tệp (File) > Lưu Như (Save As), kiểu tệp Tài liệu "
            "Word (Word Document, *.docx))"
        )
    if not magic.startswith(b"PK"):
        raise UnreadableDocumentError(f"{name}: không phải tệp DOCX (not a DOCX/zip file)")
    import docx

    try:
        return docx.Document(str(path))
    except zipfile.BadZipFile as error:
        raise UnreadableDocumentError(f"{name}: tệp DOCX hỏng (corrupt zip: {error})") from error
    except Exception as error:  # python-docx / lxml raise many types for a broken package
        raise UnreadableDocumentError(
            f"{name}: tệp DOCX hỏng hoặc không đọc được (corrupt DOCX: {type(error).__name__})"
        ) from error


# --------------------------------------------------------------------------- numbering


@dataclass
class _Level:
    start: int = 1
    num_format: str = "decimal"
    text: str = "%1."
    suffix: str = "\t"


@dataclass
class _Numbering:
    """Word list numbering, enough to render the numbers a reader sees."""

    abstract_levels: dict[str, dict[int, _Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)
    num_overrides: dict[str, dict[int, _Level]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Any) -> _Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering
        for abstract in root.findall(f"{W}abstractNum"):
            levels = {int(lvl.get(f"{W}ilvl", "0")): _parse_level(lvl) for lvl in abstract.findall(f"{W}lvl")}
            numbering.abstract_levels[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            num_id = num.get(f"{W}numId")
            abstract_id = num.find(f"{W}abstractNumId")
            if abstract_id is None:
                continue
            numbering.num_abstract[num_id] = abstract_id.get(_VAL)
            overrides: dict[int, _Level] = {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                base = numbering.abstract_levels.get(abstract_id.get(_VAL), {}).get(ilvl, _Level())
                lvl = override.find(f"{W}lvl")
                level = _parse_level(lvl) if lvl is not None else _Level(**base.__dict__)
                start = override.find(f"{W}startOverride")
                if start is not None:
                    level.start = int(start.get(_VAL, "1"))
                overrides[ilvl] = level
            if overrides:
                numbering.num_overrides[num_id] = overrides
        return numbering

    def _levels(self, num_id: str) -> dict[int, _Level]:
        levels = dict(self.abstract_levels.get(self.num_abstract.get(num_id, ""), {}))
        levels.update(self.num_overrides.get(num_id, {}))
        return levels

    def label(self, num_id: str, ilvl: int) -> str:
        """The rendered number of the next paragraph in list ``num_id`` at level ``ilvl``."""
        if num_id in ("", "0") or num_id not in self.num_abstract:
            return ""
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return ""
        # Lists sharing an abstract definition continue each other unless one restarts it.
        key = num_id if num_id in self.num_overrides else f"abstract:{self.num_abstract[num_id]}"
        counters = self.counters.setdefault(key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.num_format == "none":
            return ""
        text = level.text
        if level.num_format == "bullet":
            text = "•" if not text or any("\ue000" <= ch <= "\uf8ff" for ch in text) else text
        else:
            for index in range(9):
                placeholder = f"%{index + 1}"
                if placeholder in text:
                    value = counters.get(index, levels.get(index, _Level()).start)
                    fmt = levels.get(index, _Level()).num_format
                    text = text.replace(placeholder, _format_number(value, fmt))
        return text + level.suffix


def _parse_level(lvl: Any) -> _Level:
    level = _Level()
    start = lvl.find(f"{W}start")
    if start is not None:
        level.start = int(start.get(_VAL, "1"))
    num_format = lvl.find(f"{W}numFmt")
    if num_format is not None:
        level.num_format = num_format.get(_VAL, "decimal")
    text = lvl.find(f"{W}lvlText")
    if text is not None:
        level.text = text.get(_VAL, "")
    suffix = lvl.find(f"{W}suff")
    if suffix is not None:
        level.suffix = {"space": " ", "nothing": ""}.get(suffix.get(_VAL), "\t")
    return level


def _format_number(value: int, num_format: str) -> str:
    if num_format in ("upperRoman", "lowerRoman"):
        roman = ""
        for amount, letters in _ROMAN:
            while value >= amount:
                roman += letters
                value -= amount
        return roman if num_format == "upperRoman" else roman.lower()
    if num_format in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if num_format == "upperLetter" else letter.lower()
    if num_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


# --------------------------------------------------------------------------- body


class _BodyReader:
    def __init__(self, document: Any) -> None:
        self.numbering = _Numbering.from_document(document)
        self.styles = _Styles(document)
        self.paragraph_count = 0
        self.table_count = 0
        self.legacy_runs: set[str] = set()  # legacy encodings met in run fonts

    def read(self, body: Any, model: DocumentModel) -> None:
        for element in _block_children(body):
            if element.tag == _P:
                self.paragraph_count += 1
                locator = f"paragraph {self.paragraph_count}"
                text = clean_text(self.paragraph_text(element))
                if text:
                    model.blocks.append(Paragraph(text, locator))
                for index, box_text in enumerate(self.text_boxes(element), start=1):
                    model.blocks.append(Paragraph(box_text, f"{locator}, text box {index}"))
            elif element.tag == _TBL:
                self.table_count += 1
                model.blocks.append(self.table(element, self.table_count))

    def table(self, tbl: Any, number: int) -> Table:
        locator = f"table {number}"
        rows: list[Row] = []
        row_number = 0
        for tr in _children(tbl, _TR):
            if _is_deleted_row(tr):
                continue
            row_number += 1
            row_locator = f"{locator}, row {row_number}"
            cells: list[Cell] = []
            for tc in _children(tr, _TC):
                tc_pr = tc.find(f"{W}tcPr")
                if tc_pr is not None and _continues_horizontal_merge(tc_pr):
                    continue  # legacy w:hMerge: the cell to the left already holds it
                cell_locator = f"{row_locator}, cell {len(cells) + 1}"
                if tc_pr is not None and _continues_vertical_merge(tc_pr):
                    cells.append(Cell("", cell_locator))
                    continue
                cells.append(Cell(clean_text(self.cell_text(tc)), cell_locator))
            if cells:
                rows.append(Row(tuple(cells), row_locator))
        return Table(rows, locator)

    def cell_text(self, tc: Any) -> str:
        parts: list[str] = []
        for element in _block_children(tc):
            if element.tag == _P:
                parts.append(self.paragraph_text(element))
                parts.extend(self.text_boxes(element))
            elif element.tag == _TBL:
                # A table inside a cell: its rows as lines, so no text is lost.
                nested = self.table(element, 0)
                parts.extend(" | ".join(c.text for c in row.cells) for row in nested.rows)
        return "\n".join(parts)

    def paragraph_text(self, p: Any) -> str:
        label = self._numbering_label(p)
        pieces: list[str] = [label] if label else []
        paragraph_style = _paragraph_style(p)
        tcvn3 = False
        for run in _runs(p):
            text = _run_text(run)
            legacy = self.styles.legacy_font(run, paragraph_style) if text else None
            if legacy:
                encoding, capitals_only = legacy
                self.legacy_runs.add(encoding)
                text = legacy_encoding.convert_piece(encoding, text)
                text = text.upper() if capitals_only else text
                tcvn3 = tcvn3 or encoding == legacy_encoding.TCVN3
            pieces.append(text)
        text = "".join(pieces)
        return legacy_encoding.restore_capitals(text) if tcvn3 else text

    def text_boxes(self, p: Any) -> list[str]:
        texts = []
        for box in p.iter(f"{W}txbxContent"):
            if any(ancestor.tag == f"{MC}Fallback" for ancestor in box.iterancestors()):
                continue
            text = clean_text(self.cell_text(box))
            if text:
                texts.append(text)
        return texts

    def _numbering_label(self, p: Any) -> str:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is None:
            num_pr = self.styles.numbering(_paragraph_style(p))
        if num_pr is None:
            return ""
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        if num_id is None:
            return ""
        return self.numbering.label(num_id.get(_VAL, ""), int(ilvl.get(_VAL, "0")) if ilvl is not None else 0)


def _paragraph_style(p: Any) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(_VAL) if style is not None else None


class _Styles:
    """Paragraph-style numbering and fonts, following ``basedOn`` chains."""

    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        self.default_font: str | None = None
        self._font_cache: dict[str | None, str | None] = {}
        try:
            root = document.styles.element
        except Exception:  # a package without styles.xml
            return
        for style in root.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            self.by_id[style_id] = style
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = style_id
        fonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        self.default_font = _font_name(fonts)

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        seen = set()
        current = style_id or self.default_paragraph
        while current and current not in seen and current in self.by_id:
            seen.add(current)
            style = self.by_id[current]
            yield style
            based = style.find(f"{W}basedOn")
            current = based.get(_VAL) if based is not None else None

    def numbering(self, style_id: str | None) -> Any:
        for style in self._chain(style_id):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                return num_pr
        return None

    def font(self, style_id: str | None) -> str | None:
        if style_id not in self._font_cache:
            found = None
            for style in self._chain(style_id):
                found = _font_name(style.find(f"{W}rPr/{W}rFonts"))
                if found:
                    break
            self._font_cache[style_id] = found or self.default_font
        return self._font_cache[style_id]

    def legacy_font(self, run: Any, paragraph_style: str | None) -> tuple[str, bool] | None:
        font = _font_name(run.find(f"{W}rPr/{W}rFonts"))
        if font is None:
            char_style = run.find(f"{W}rPr/{W}rStyle")
            if char_style is not None:
                font = self.font(char_style.get(_VAL))
        return legacy_encoding.legacy_font(font or self.font(paragraph_style))


def _font_name(fonts: Any) -> str | None:
    if fonts is None:
        return None
    return fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi")


# --------------------------------------------------------------------------- XML walking


def _block_children(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables directly in ``parent``, looking through content controls and the like."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _block_children(child)


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag`` (rows of a table, cells of a row), through content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, tag)


def _runs(p: Any) -> Iterator[Any]:
    """The runs of a paragraph in order, inside insertions, content controls and hyperlinks too."""
    stack = list(reversed(list(p)))
    while stack:
        element = stack.pop()
        tag = element.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == _R:
            yield element
        else:
            # mc:AlternateContent / mc:Choice and any other wrapper: look inside.
            stack.extend(reversed(list(element)))


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            if child.get(f"{W}type") not in ("page", "column"):
                parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("\u2011")
        elif tag == _SYM:
            code = child.get(f"{W}char", "")
            try:
                char = chr(int(code, 16))
            except ValueError:
                continue
            if not ("\ue000" <= char <= "\uf8ff"):  # symbol-font glyphs have no Unicode meaning
                parts.append(char)
    return "".join(parts)


def _continues_vertical_merge(tc_pr: Any) -> bool:
    merge = tc_pr.find(f"{W}vMerge")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _continues_horizontal_merge(tc_pr: Any) -> bool:
    merge = tc_pr.find(f"{W}hMerge")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _is_deleted_row(tr: Any) -> bool:
    return tr.find(f"{W}trPr/{W}del") is not None


def _convert_legacy_text(model: DocumentModel, reader: _BodyReader) -> None:
    """Note font-based conversions; detect legacy text typed in fonts the reader did not recognise."""
    for encoding in sorted(reader.legacy_runs):
        model.reader_notes.append(legacy_encoding.conversion_note(encoding))
    if reader.legacy_runs:
        return
    detected = legacy_encoding.detect_legacy_text(model.full_text())
    if detected is None:
        return
    encoding, convert = detected
    for index, block in enumerate(model.blocks):
        if isinstance(block, Paragraph):
            model.blocks[index] = Paragraph(convert(block.text), block.locator)
        else:
            block.rows = [
                Row(tuple(Cell(convert(c.text), c.locator) for c in r.cells), r.locator) for r in block.rows
            ]
    model.reader_notes.append(legacy_encoding.conversion_note(encoding))
