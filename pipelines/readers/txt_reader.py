"""Reader for Word documents exported to plain text (the format of the seed documents).

The export writes each table cell on a line that starts with a tab; a cell that holds
several paragraphs continues on following lines without a tab; rows are separated by
blank lines. A few rows contain a blank line inside them (Appendix I rows 74–76 and
its header row), so a blank line only *suggests* a row boundary: fragments of a table
whose cell counts add up to the table's usual width are joined back into one row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.document_model import Cell, DocumentModel, Paragraph, Row, Table
from pipelines.parsing.text import clean_text
from pipelines.readers.encoding import decode_text_bytes


@dataclass
class _RawCell:
    first_line: int
    last_line: int
    lines: list[str]


@dataclass
class _RawTable:
    fragments: list[list[_RawCell]] = field(default_factory=list)

    def current(self) -> list[_RawCell]:
        if not self.fragments or self.fragments[-1] is None:
            self.fragments.append([])
        return self.fragments[-1]


def read_txt(path: Path) -> DocumentModel:
    text, notes = decode_text_bytes(path.read_bytes(), path.name)
    return parse_txt(text, source_name=path.name, reader_notes=notes)


def parse_txt(text: str, source_name: str, reader_notes: list[str] | None = None) -> DocumentModel:
    model = DocumentModel(source_name=source_name, file_format="txt", reader_notes=reader_notes or [])
    table: _RawTable | None = None
    fragment: list[_RawCell] | None = None
    previous_was_cell_text = False  # a continuation line must follow cell text directly

    def close_table() -> None:
        nonlocal table, fragment
        if table is not None:
            model.blocks.append(_build_table(table))
        table, fragment = None, None

    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r")
        if line.startswith("\t"):
            if table is None:
                table = _RawTable()
            if fragment is None:
                fragment = []
                table.fragments.append(fragment)
            fragment.append(_RawCell(number, number, [line[1:]]))
            previous_was_cell_text = True
        elif not line.strip():
            # Blank line: inside a table it ends the current fragment (a row, usually).
            fragment = None
            previous_was_cell_text = False
        elif table is not None and previous_was_cell_text and fragment:
            cell = fragment[-1]
            cell.lines.append(line)
            cell.last_line = number
        else:
            close_table()
            cleaned = clean_text(line)
            if cleaned:
                model.blocks.append(Paragraph(cleaned, f"line {number}"))
            previous_was_cell_text = False
    close_table()
    return model


def _build_table(raw: _RawTable) -> Table:
    fragments = [f for f in raw.fragments if f]
    width = _usual_width(fragments)
    rows: list[list[_RawCell]] = []
    i = 0
    while i < len(fragments):
        current = list(fragments[i])
        i += 1
        # A row split by a stray blank line: join the following fragments only when
        # they bring it exactly to the table's usual width (never past it).
        take = _fragments_to_complete(fragments, i, len(current), width)
        for fragment in fragments[i : i + take]:
            current.extend(fragment)
        i += take
        rows.append(current)
    built = [_build_row(cells) for cells in rows]
    first = rows[0][0].first_line if rows else 0
    last = rows[-1][-1].last_line if rows else 0
    return Table(rows=built, locator=f"lines {first}-{last}")


def _fragments_to_complete(fragments: list[list[_RawCell]], start: int, have: int, width: int) -> int:
    """How many fragments from ``start`` on complete a row of ``have`` cells to ``width``; 0 if none."""
    total = have
    for k in range(start, len(fragments)):
        if total >= width:
            break
        total += len(fragments[k])
        if total == width:
            return k - start + 1
    return 0


def _usual_width(fragments: list[list[_RawCell]]) -> int:
    counts = Counter(len(f) for f in fragments)
    if not counts:
        return 0
    best = max(counts.values())
    return max(width for width, n in counts.items() if n == best)


def _build_row(cells: list[_RawCell]) -> Row:
    built = tuple(
        Cell(
            clean_text("\n".join(c.lines)),
            f"line {c.first_line}" if c.first_line == c.last_line else f"lines {c.first_line}-{c.last_line}",
        )
        for c in cells
    )
    first, last = cells[0].first_line, cells[-1].last_line
    return Row(built, f"line {first}" if first == last else f"lines {first}-{last}")
