"""Plan tables cut in two in Word, built from the resolution fixture with python-docx, the way a user
cuts a long appendix (a page break or a "(tiếp theo)" line; the rest of the rows in a second table that
usually repeats no header row). Shared by the plan-table and extraction-asset tests."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
from docx.oxml.ns import qn

RESOLUTION_DOCX = Path(__file__).parent / "fixtures" / "resolution.docx"
APPENDIX_I, APPENDIX_II = 2, 3  # python-docx table indexes in the fixture


def cut_table(path: Path, table_index: int, at_row: int, between: str, repeated_header_rows: int = 0) -> Path:
    """The fixture with one table cut before row ``at_row`` (0-based), the paragraph ``between`` between."""
    document = docx.Document(str(RESOLUTION_DOCX))
    first = document.tables[table_index]._tbl
    second = copy.deepcopy(first)
    for row in first.findall(qn("w:tr"))[at_row:]:
        first.remove(row)
    for index, row in enumerate(second.findall(qn("w:tr"))[:at_row]):
        if index >= repeated_header_rows:
            second.remove(row)
    paragraph = document.add_paragraph(between)._p  # moved from the end of the body to between the parts
    first.addnext(paragraph)
    paragraph.addnext(second)
    document.save(str(path))
    return path
