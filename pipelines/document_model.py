"""The one table model every reader produces.

Readers (txt, docx, pdf) turn a file into a ``DocumentModel``: an ordered list of
blocks, each either a ``Paragraph`` or a ``Table`` of ``Row``s of ``Cell``s. The
document logic (which table is Appendix I, what a column means) only ever sees this
model, so every file format yields the same records. Only the locators differ: a
txt locator names lines, a docx locator names table/row/cell, a pdf locator names
pages.

Cell text is already cleaned (NFC, Word bookmark artefacts removed, non-breaking
spaces turned into plain spaces, surrounding whitespace stripped); paragraphs inside
one cell are joined with "\\n".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    locator: str


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    locator: str

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def is_empty(self) -> bool:
        return all(not c.text for c in self.cells)


@dataclass(frozen=True)
class Paragraph:
    text: str
    locator: str


@dataclass
class Table:
    rows: list[Row]
    locator: str

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass
class DocumentModel:
    """A document as readers see it: paragraphs and tables in reading order."""

    source_name: str
    file_format: str  # 'txt' | 'docx' | 'pdf'
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    # Human-readable notes from the reader (e.g. "converted from TCVN3").
    reader_notes: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def iter_with_preceding_text(self) -> Iterator[tuple[Table, list[Paragraph]]]:
        """Yield each table with the paragraphs between it and the previous table.

        Document logic uses the preceding paragraphs to find a table's title
        ("Phụ lục I ...", "ĐVT: triệu đồng").
        """
        pending: list[Paragraph] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                pending.append(block)
            else:
                yield block, pending
                pending = []

    def full_text(self) -> str:
        """All text in reading order, table cells separated by tabs and rows by newlines."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                for row in block.rows:
                    parts.append("\t".join(c.text for c in row.cells))
        return "\n".join(parts)


class UnreadableDocumentError(Exception):
    """The file cannot be turned into a DocumentModel.

    ``reason`` is one line a user can act on (e.g. that a PDF has no text layer and
    needs OCR); it is what ``nq57 extract`` prints before exiting with code 2.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
