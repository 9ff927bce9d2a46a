"""Reader for PDF files that have a text layer (Word documents exported to PDF).

Tables are found from their ruling lines with pdfplumber's table finder (the default
"lines" strategy); everything else is body text. PDF has no notion of a paragraph or of
a table that continues on the next page, so both are rebuilt here:

- Lines are joined into paragraphs where the text was wrapped by the layout, and kept
  apart where the author broke the line: a break is the author's when the next word
  would still have fitted on the line, when the gap to the next line is wider than the
  line spacing, or when a line ending a clause (";", ":", ".") is followed by a list
  marker ("- ", "(2) ", "a) "). Body text becomes one Paragraph per paragraph of the
  source (not one per printed line), so prose such as "6.529.164.000.000 đồng (Sáu
  nghìn … đồng)" reads the same as from txt and docx; cell paragraphs are joined with
  "\\n", as the other readers do. A wrap right after a hyphen or slash ("NQ-" / "CP",
  "2026-" / "2030") is joined without a space: a source that had one ("2021- 2025")
  cannot be told apart in the PDF and loses it. A word wider than its cell, broken
  between letters ("T" / "T"), is joined back.
- Page headers and footers (the same text, digits aside, first or last on at least half
  of the pages) are dropped, so a page number does not separate the parts of a table.
- A table that ends one page and starts the next with the same columns is one table:
  the header row Word repeats on the new page is dropped, and a row that the page
  break split (its number cell empty at the top of the new page, and every part of it
  continuing a cell that filled the previous page to the bottom) is merged back.
- Merged cells (pdfplumber reports the covered grid positions as missing) collapse,
  so a full-width merged row is ONE cell, exactly as in the txt and docx readers; the
  lower part of a vertically merged cell is an empty cell, so columns keep their place.

A page without any characters is a scan: the reader refuses it and says OCR is needed
rather than returning an empty document.

Characters are taken from pdfminer's layout objects directly, and the ruling lines are
handed to pdfplumber's table finder as explicit edges: the same edges and the same
algorithm as ``page.find_tables()``, without building pdfplumber's per-character
dictionaries, which took more than half of the reading time.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfplumber.table import TableFinder
from pdfplumber.utils import filter_edges, obj_to_edges

from pipelines.document_model import Cell, DocumentModel, Paragraph, Row, Table, UnreadableDocumentError
from pipelines.parsing.text import clean_text, nfc
from pipelines.readers import legacy_encoding

# Two grid positions closer than this (pt) are the same ruling line.
_GRID_SNAP = 1.5
# Table fragments on consecutive pages continue each other when their column lines agree within this.
_SAME_COLUMN_TOLERANCE = 3.0
# A word "would have fitted" on a line when the line, a space and the word leave at least this share
# of the font size free in the box. The PDF's glyph widths differ from the ones the layout used by up
# to ~3 pt per line (LibreOffice), so a wrap can look as if the word had just fitted; a typed break
# that leaves less room than this is taken for a wrap.
_FIT_MARGIN = 0.35
# A line starting with a list marker, after a line that ends a clause, starts a new paragraph.
_LIST_MARKER = re.compile(r"^([-+•–]|\(\d+\)|\d+(\.\d+)*\.|[a-zđ]\))\s")
_CLAUSE_END = (";", ":", ".")
_RUNNING_DIGITS = re.compile(r"\d+")
# Default left/right cell padding in Word and LibreOffice (0.19 cm), used when it cannot be measured.
_DEFAULT_CELL_PADDING = 5.4
# Share of characters without a Unicode mapping ("(cid:12)") above which the text layer is useless.
_UNMAPPED_LIMIT = 0.2


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass(slots=True)
class _Line:
    """One visual line of text and what the wrap test needs to know about it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    first_word_width: float
    first_char_width: float
    space_width: float
    page: int
    # Edges of the box the line was laid out in (a cell's inside, or the text column).
    left: float = 0.0
    right: float = 0.0


@dataclass
class _CellPart:
    """The part of one table cell that lies on one page."""

    lines: list[_Line]
    page: int
    top: float
    bottom: float
    spanned_from_above: bool = False  # lower part of a vertically merged cell

    def is_empty(self) -> bool:
        return not any(line.text.strip() for line in self.lines)


@dataclass
class _RowParts:
    cells: list[list[_CellPart]]  # per cell: its parts, one per page the cell is on
    pages: list[int]


@dataclass
class _TableFragment:
    page: int
    top: float
    bottom: float
    columns: list[float]  # x positions of the vertical grid lines
    rows: list[_RowParts] = field(default_factory=list)


@dataclass
class _PageContent:
    number: int
    blocks: list[tuple[float, _Line | _TableFragment]]
    char_count: int
    has_image: bool
    unmapped: int
    width: float
    height: float


# --------------------------------------------------------------------------- public


def read_pdf(path: Path) -> DocumentModel:
    path = Path(path)
    pages = _read_pages(path)
    model = DocumentModel(source_name=path.name, file_format="pdf", page_count=len(pages))
    _drop_running_lines(pages)
    _set_body_boxes(pages)
    pdf_blocks = _stitch(pages)
    _build_blocks(model, pdf_blocks)
    _convert_legacy_fonts(model)
    return model


# --------------------------------------------------------------------------- reading pages


def _read_pages(path: Path) -> list[_PageContent]:
    name = path.name
    with path.open("rb") as handle:
        magic = handle.read(1024)
    if b"%PDF" not in magic:
        raise UnreadableDocumentError(f"{name}: không phải tệp PDF (not a PDF file)")
    try:
        pdf = pdfplumber.open(path, unicode_norm="NFC")
    except Exception as error:  # pdfminer raises many unrelated types for broken files
        raise UnreadableDocumentError(_open_error(name, error)) from error
    pages: list[_PageContent] = []
    try:
        for page in pdf.pages:
            content = _read_page(page)
            if content.char_count == 0 and (content.has_image or len(pdf.pages) == 1):
                raise UnreadableDocumentError(
                    f"{name}: trang {content.number} không có lớp văn bản (no text layer): "
                    "cần OCR trước khi đọc (a scanned page; run OCR first)"
                )
            if content.char_count and content.unmapped / content.char_count > _UNMAPPED_LIMIT:
                raise UnreadableDocumentError(
                    f"{name}: trang {content.number} dùng phông chữ không có bảng mã Unicode "
                    "(text layer without Unicode mapping): cần OCR hoặc tệp gốc"
                )
            pages.append(content)
    except UnreadableDocumentError:
        raise
    except Exception as error:
        raise UnreadableDocumentError(_open_error(name, error)) from error
    finally:
        pdf.close()
    if not any(p.char_count for p in pages):
        raise UnreadableDocumentError(
            f"{name}: không trang nào có lớp văn bản (no text layer): cần OCR (scanned or empty PDF)"
        )
    return pages


def _open_error(name: str, error: Exception) -> str:
    # pdfplumber wraps pdfminer's error (PdfminerException(PDFPasswordIncorrect())): look inside.
    causes = [error, *[a for a in error.args if isinstance(a, Exception)], error.__cause__, error.__context__]
    kinds = [type(c).__name__ for c in causes if c is not None]
    if any("Password" in kind or "Encrypt" in kind for kind in kinds):
        return f"{name}: tệp PDF có mật khẩu (encrypted PDF): cần bản không đặt mật khẩu"
    detail = next((f"{type(c).__name__}: {c}" for c in causes[1:] if c is not None), type(error).__name__)
    return f"{name}: tệp PDF hỏng hoặc không đọc được (corrupt PDF: {detail})".splitlines()[0][:200]


def _read_page(page: Any) -> _PageContent:
    chars, shapes, has_image = _layout_objects(page)
    unmapped = sum(1 for c in chars if c.text.startswith("(cid:"))
    tables = _find_tables(page, shapes)
    number = page.page_number
    fragments = [_TableFragment(number, t.bbox[1], t.bbox[3], []) for t in tables]
    grids = [_Grid(t.cells) for t in tables]
    for fragment, grid in zip(fragments, grids, strict=True):
        fragment.columns = grid.xs
    in_cell: dict[tuple[int, int], list[_Char]] = defaultdict(list)
    body: list[_Char] = []
    for char in chars:
        cx, cy = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        for table_index, grid in enumerate(grids):
            cell_index = grid.cell_at(cx, cy)
            if cell_index is not None:
                in_cell[(table_index, cell_index)].append(char)
                break
        else:
            body.append(char)

    blocks: list[tuple[float, _Line | _TableFragment]] = []
    for line in _lines(body, number):
        blocks.append((line.top, line))
    for table_index, (fragment, grid) in enumerate(zip(fragments, grids, strict=True)):
        padding = None
        cell_lines: dict[int, list[_Line]] = {}
        for cell_index, bbox in enumerate(grid.cells):
            lines = _lines(in_cell.get((table_index, cell_index), []), number)
            cell_lines[cell_index] = lines
            for line in lines:
                gap = line.x0 - bbox[0]
                if 0 <= gap and (padding is None or gap < padding):
                    padding = gap
        if padding is None or padding > 2 * _DEFAULT_CELL_PADDING:
            padding = _DEFAULT_CELL_PADDING
        for cell_index, bbox in enumerate(grid.cells):
            for line in cell_lines[cell_index]:
                line.left, line.right = bbox[0] + padding, bbox[2] - padding
        fragment.rows = grid.rows(cell_lines, number)
        blocks.append((fragment.top, fragment))
    blocks.sort(key=lambda item: item[0])
    return _PageContent(
        number, blocks, len(chars), has_image, unmapped, float(page.width), float(page.height)
    )


def _layout_objects(page: Any) -> tuple[list[_Char], list[dict[str, Any]], bool]:
    """Characters, ruling shapes (as pdfplumber object dicts) and whether the page has images."""
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    doctop = float(page.initial_doctop)
    chars: list[_Char] = []
    shapes: list[dict[str, Any]] = []
    has_image = False
    stack = list(page.layout)
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            text = nfc(obj.get_text())
            chars.append(
                _Char(
                    text,
                    obj.x0 + mb_x0,
                    height - obj.y1 + mb_top,
                    obj.x1 + mb_x0,
                    height - obj.y0 + mb_top,
                    obj.size,
                )
            )
        elif isinstance(obj, LTImage):
            has_image = True
        elif isinstance(obj, LTCurve):
            shapes.append(_shape(obj, height, mb_x0, mb_top, doctop))
        elif isinstance(obj, LTContainer):
            stack.extend(obj)
    return chars, shapes, has_image


def _shape(obj: LTCurve, height: float, mb_x0: float, mb_top: float, doctop: float) -> dict[str, Any]:
    """The fields pdfplumber's edge helpers read, computed as ``Page.process_object`` does."""
    kind = "line" if isinstance(obj, LTLine) else "rect" if isinstance(obj, LTRect) else "curve"
    top = height - obj.y1 + mb_top
    shape = {
        "object_type": kind,
        "x0": obj.x0 + mb_x0,
        "x1": obj.x1 + mb_x0,
        "y0": obj.y0,
        "y1": obj.y1,
        "top": top,
        "bottom": height - obj.y0 + mb_top,
        "width": obj.x1 - obj.x0,
        "height": obj.y1 - obj.y0,
        "doctop": doctop + top,
    }
    if kind == "curve":
        shape["pts"] = [(x + mb_x0, mb_top + height - y) for x, y in obj.pts]
    return shape


def _find_tables(page: Any, shapes: list[dict[str, Any]]) -> list[Any]:
    """pdfplumber's "lines" strategy, fed the edges it would take from ``page.edges``."""
    edges = [edge for shape in shapes for edge in obj_to_edges(shape)]
    vertical = filter_edges(edges, "v", min_length=1)
    horizontal = filter_edges(edges, "h", min_length=1)
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    return TableFinder(page, settings).tables


class _Grid:
    """A table's cells placed on the grid their ruling lines form."""

    def __init__(self, cells: list[tuple[float, float, float, float]]) -> None:
        self.cells = sorted(cells, key=lambda c: (round(c[1], 1), c[0]))
        self.xs = _snap(sorted(v for c in self.cells for v in (c[0], c[2])))
        self.ys = _snap(sorted(v for c in self.cells for v in (c[1], c[3])))
        self.spans: list[tuple[int, int, int, int]] = []  # row0, row1, col0, col1
        self.owner: dict[tuple[int, int], int] = {}
        for index, (x0, top, x1, bottom) in enumerate(self.cells):
            r0, r1 = _index(self.ys, top), _index(self.ys, bottom)
            c0, c1 = _index(self.xs, x0), _index(self.xs, x1)
            self.spans.append((r0, r1, c0, c1))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    self.owner.setdefault((r, c), index)

    def cell_at(self, x: float, y: float) -> int | None:
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        c = min(bisect.bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        r = min(bisect.bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        return self.owner.get((r, c))

    def rows(self, cell_lines: dict[int, list[_Line]], page: int) -> list[_RowParts]:
        rows = []
        for r in range(len(self.ys) - 1):
            cells: list[list[_CellPart]] = []
            for c in range(len(self.xs) - 1):
                index = self.owner.get((r, c))
                if index is None:
                    continue
                r0, _r1, c0, _c1 = self.spans[index]
                if c0 != c:
                    continue  # covered by a cell merged from the left: counted once
                _x0, top, _x1, bottom = self.cells[index]
                if r0 == r:
                    cells.append([_CellPart(cell_lines[index], page, top, bottom)])
                else:
                    y0, y1 = self.ys[r], self.ys[r + 1]
                    cells.append([_CellPart([], page, y0, y1, spanned_from_above=True)])
            if cells:
                rows.append(_RowParts(cells, [page]))
        return rows


def _snap(values: list[float]) -> list[float]:
    snapped: list[float] = []
    for value in values:
        if not snapped or value - snapped[-1] > _GRID_SNAP:
            snapped.append(value)
    return snapped


def _index(grid: list[float], value: float) -> int:
    position = bisect.bisect_left(grid, value - _GRID_SNAP)
    return min(position, len(grid) - 1)


# --------------------------------------------------------------------------- lines


def _lines(chars: list[_Char], page: int) -> list[_Line]:
    """Group characters into visual lines, top to bottom."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c.top, c.x0))
    groups: list[list[_Char]] = []
    anchor = None
    for char in ordered:
        if anchor is not None and char.top - anchor.top <= 0.5 * max(min(char.size, anchor.size), 1.0):
            groups[-1].append(char)
        else:
            groups.append([char])
            anchor = char
    lines = [_make_line(group, page) for group in groups]
    return [line for line in lines if line.text]


def _make_line(chars: list[_Char], page: int) -> _Line:
    chars.sort(key=lambda c: c.x0)
    size = max(c.size for c in chars)
    gap_limit = 0.2 * size
    parts: list[str] = []
    previous: _Char | None = None
    visible = [c for c in chars if c.text.strip()]
    spaces = [c.x1 - c.x0 for c in chars if c.text == " " and c.x1 > c.x0]
    first_word_end = None
    for char in chars:
        is_space = not char.text.strip()
        if (
            previous is not None
            and not is_space
            and previous.text.strip()
            and char.x0 - previous.x1 > gap_limit
        ):
            parts.append(" ")
            if first_word_end is None:
                first_word_end = previous.x1
        if is_space and parts and first_word_end is None and previous is not None and previous.text.strip():
            first_word_end = previous.x1
        parts.append(" " if is_space else char.text)
        previous = char
    text = " ".join("".join(parts).split())
    if not visible:
        return _Line("", 0, 0, 0, 0, size, 0, 0, 0, page)
    x0, x1 = visible[0].x0, max(c.x1 for c in visible)
    if first_word_end is None:
        first_word_end = x1
    return _Line(
        text=text,
        x0=x0,
        x1=x1,
        top=min(c.top for c in visible),
        bottom=max(c.bottom for c in visible),
        size=size,
        first_word_width=first_word_end - x0,
        first_char_width=visible[0].x1 - visible[0].x0,
        space_width=min(spaces) if spaces else 0.25 * size,
        page=page,
    )


def _drop_running_lines(pages: list[_PageContent]) -> None:
    """Remove page headers and footers (page numbers, running titles).

    A line is one when it is the first or last thing on a page and the same text, digits
    aside, stands at the same height on at least half of the pages. Left in, a page number
    between two parts of a table would stop them being joined.
    """
    if len(pages) < 2:
        return
    found: dict[str, list[tuple[_PageContent, _Line]]] = defaultdict(list)
    for page in pages:
        ends = {id(b): b for _top, b in (page.blocks[:1] + page.blocks[-1:]) if isinstance(b, _Line)}
        for line in ends.values():
            found[_RUNNING_DIGITS.sub("#", line.text)].append((page, line))
    needed = max(2, (len(pages) + 1) // 2)
    for occurrences in found.values():
        tops = sorted(line.top for _page, line in occurrences)
        median_top = tops[len(tops) // 2]
        same_place = [(page, line) for page, line in occurrences if abs(line.top - median_top) <= 3.0]
        if len({page.number for page, _line in same_place}) < needed:
            continue
        for page, line in same_place:
            page.blocks = [(top, block) for top, block in page.blocks if block is not line]


def _set_body_boxes(pages: list[_PageContent]) -> None:
    """Body lines wrap at the text column: its edges, per page size, from the widest lines."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for page in pages:
        key = (round(page.width), round(page.height))
        for _top, block in page.blocks:
            if isinstance(block, _Line):
                left, right = edges.get(key, (block.x0, block.x1))
                edges[key] = (min(left, block.x0), max(right, block.x1))
    for page in pages:
        left, right = edges.get((round(page.width), round(page.height)), (0.0, page.width))
        for _top, block in page.blocks:
            if isinstance(block, _Line):
                block.left, block.right = left, right


def _is_author_break(previous: _Line, following: _Line) -> bool:
    """True when the line break between two lines was typed, not made by wrapping."""
    if previous.page == following.page and following.top - previous.top > 1.45 * previous.size + 1.0:
        return True  # wider than the line spacing: paragraph spacing or an empty line
    if previous.text.endswith(_CLAUSE_END) and _LIST_MARKER.match(following.text):
        return True  # "…;" then "- next item": a list, even when the item's marker would not have fitted
    needed = previous.space_width + following.first_word_width
    margin = _FIT_MARGIN * previous.size
    if previous.x1 + needed + margin <= previous.right:
        return True
    left_gap, right_gap = previous.x0 - previous.left, previous.right - previous.x1
    centred = left_gap > 2 and abs(left_gap - right_gap) <= 2
    return centred and (previous.x1 - previous.x0) + needed + margin <= previous.right - previous.left


def _broke_inside_word(previous: _Line, following: _Line) -> bool:
    """A single word wider than its box is broken between letters ("T" / "T" in a narrow TT column)."""
    width = previous.x1 - previous.x0
    return " " not in previous.text and width + following.first_char_width > previous.right - previous.left


def _join_wrapped(previous: _Line, following: _Line, text: str) -> str:
    """Join the text so far with the next line of the same paragraph."""
    if _broke_inside_word(previous, following):
        return text + following.text
    if len(text) >= 2 and text[-1] in "-/–" and text[-2].isalnum():
        # Wrapped after a hyphen, dash or slash inside a word or range ("NQ-" / "CP", "2026-" / "2030").
        return text + following.text
    return text + " " + following.text


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    """Split a run of lines into paragraphs."""
    paragraphs: list[list[_Line]] = []
    for line in lines:
        if paragraphs and not _is_author_break(paragraphs[-1][-1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def _paragraph_text(lines: list[_Line]) -> str:
    text = lines[0].text
    for previous, line in itertools.pairwise(lines):
        text = _join_wrapped(previous, line, text)
    return text


def _cell_text(parts: list[_CellPart]) -> str:
    lines = [line for part in parts for line in part.lines]
    return clean_text("\n".join(_paragraph_text(p) for p in _paragraphs(lines))) if lines else ""


# --------------------------------------------------------------------------- stitching


def _stitch(pages: list[_PageContent]) -> list[_Line | _TableFragment]:
    """All blocks in reading order, table fragments continued across pages merged into one."""
    blocks: list[_Line | _TableFragment] = []
    for page in pages:
        for position, (_top, block) in enumerate(page.blocks):
            previous = blocks[-1] if blocks else None
            if (
                position == 0
                and isinstance(block, _TableFragment)
                and isinstance(previous, _TableFragment)
                and previous.page < block.page
                and _same_columns(previous, block)
            ):
                _continue_table(previous, block)
                continue
            blocks.append(block)
    return blocks


def _same_columns(first: _TableFragment, second: _TableFragment) -> bool:
    if len(first.columns) != len(second.columns):
        return False
    return all(
        abs(a - b) <= _SAME_COLUMN_TOLERANCE for a, b in zip(first.columns, second.columns, strict=True)
    )


def _continue_table(table: _TableFragment, continuation: _TableFragment) -> None:
    rows = list(continuation.rows)
    # Word repeats the header row(s) on every page: drop the repetition.
    for count in range(min(3, len(table.rows) - 1, len(rows)), 0, -1):
        if [_row_texts(r) for r in rows[:count]] == [_row_texts(r) for r in table.rows[:count]]:
            rows = rows[count:]
            break
    if rows and table.rows and _continues_split_row(table.rows[-1], rows[0]):
        last = table.rows[-1]
        for parts, more in zip(last.cells, rows[0].cells, strict=True):
            parts.extend(more)
        last.pages.extend(rows[0].pages)
        rows = rows[1:]
    table.rows.extend(rows)
    table.bottom = continuation.bottom


def _row_texts(row: _RowParts) -> list[str]:
    # Without spaces: the repeated header may wrap differently where the page's rulings differ slightly.
    return ["".join(_cell_text(parts).split()) for parts in row.cells]


def _continues_split_row(previous: _RowParts, first: _RowParts) -> bool:
    """A row the page break cut in two: same cells, number cell empty, every part continuing a full cell."""
    if len(previous.cells) != len(first.cells) or not first.cells:
        return False
    if not first.cells[0][-1].is_empty() or all(parts[-1].is_empty() for parts in first.cells):
        return False
    for before, after in zip(previous.cells, first.cells, strict=True):
        if after[-1].is_empty():
            continue
        last_part = before[-1]
        if last_part.is_empty():
            return False  # an empty cell cannot overflow onto the next page
        last_line = last_part.lines[-1]
        # The cell that overflowed was filled down to the bottom of the page's part of the row.
        if last_part.bottom - last_line.bottom > 1.5 * last_line.size + _DEFAULT_CELL_PADDING:
            return False
    return True


# --------------------------------------------------------------------------- model


def _locator(pages: list[int]) -> str:
    first, last = min(pages), max(pages)
    return f"page {first}" if first == last else f"pages {first}-{last}"


def _build_blocks(model: DocumentModel, blocks: list[_Line | _TableFragment]) -> None:
    pending: list[_Line] = []

    def flush() -> None:
        for lines in _paragraphs(pending):
            text = clean_text(_paragraph_text(lines))
            if text:
                model.blocks.append(Paragraph(text, _locator([lines[0].page, lines[-1].page])))
        pending.clear()

    for block in blocks:
        if isinstance(block, _Line):
            pending.append(block)
            continue
        flush()
        rows = []
        for row in block.rows:
            cells = []
            for parts in row.cells:
                pages = [part.page for part in parts if not part.is_empty()] or [parts[0].page]
                cells.append(Cell(_cell_text(parts), _locator(pages)))
            rows.append(Row(tuple(cells), _locator(row.pages)))
        pages = [p for row in block.rows for p in row.pages]
        model.blocks.append(Table(rows, _locator(pages or [block.page])))
    flush()


def _convert_legacy_fonts(model: DocumentModel) -> None:
    """Text typed in TCVN3/VNI fonts comes out of the PDF as Latin-1 letters: convert it."""
    converter = legacy_encoding.detect_legacy_text(model.full_text())
    if converter is None:
        return
    encoding, convert = converter
    for index, block in enumerate(model.blocks):
        if isinstance(block, Paragraph):
            model.blocks[index] = Paragraph(convert(block.text), block.locator)
        else:
            block.rows = [
                Row(tuple(Cell(convert(c.text), c.locator) for c in row.cells), row.locator)
                for row in block.rows
            ]
    model.reader_notes.append(legacy_encoding.conversion_note(encoding))
