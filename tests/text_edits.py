"""Altered copies of the resolution text, the way a person edits the export before sending it on.

Each edit names the line (1-based, as the file's locators do) and the text printed there, so a
test states which line of the document it changes and stops at once if the shipped document moves
under it, instead of quietly editing some other line. Line numbers are kept (a line is replaced,
never added or removed), so locators in the expectations are the shipped document's own.
"""

from __future__ import annotations

from pathlib import Path


def edited_copy(source: Path, folder: Path, edits: dict[int, tuple[str, str]]) -> Path:
    """A copy of ``source`` in ``folder`` with line n's text replaced: ``{n: (printed, replacement)}``."""
    lines = source.read_text(encoding="utf-8").split("\n")
    for number, (printed, replacement) in edits.items():
        assert lines[number - 1] == printed, f"line {number} of {source.name} reads {lines[number - 1]!r}"
        assert "\n" not in replacement, "an edit replaces one line with one line"
        lines[number - 1] = replacement
    copy = folder / source.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy
