"""Seconds per page to read and extract each PDF fixture.

    .venv/bin/python bench/extract.py [--repeat N]

For every PDF in tests/fixtures: the best of N runs of reading it into the table model
(read) and of reading plus extracting the plan's records (read + extract), divided by
the page count. "pdfminer" is the part of reading spent interpreting the pages' content
streams (pdfplumber's ``page.layout``), which the reader cannot make faster. The aim is
at most 0.1 s/page. A PDF the reader refuses (scanned, encrypted) is listed with the
time it took to refuse it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.document_model import UnreadableDocumentError  # noqa: E402
from pipelines.readers.pdf_reader import read_pdf  # noqa: E402

AIM_SECONDS_PER_PAGE = 0.1


def _best_of(repeat: int, action) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _interpret(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.layout  # noqa: B018 - the property does the work


def _extract(path: Path) -> None:
    from pipelines.extract.plan_document import NotAPlanDocumentError, extract_document

    model = read_pdf(path)
    try:
        extract_document(model, path.stem)
    except NotAPlanDocumentError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per file; the best is reported")
    args = parser.parse_args()

    rows = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.pdf")):
        try:
            model = read_pdf(path)
        except UnreadableDocumentError as error:
            refused = _best_of(args.repeat, lambda p=path: _refuse(p))
            rows.append((path.name, "-", "-", f"refused in {refused:.3f} s", "-", error.reason[:60]))
            continue
        pages = model.page_count or 1
        floor = _best_of(args.repeat, lambda p=path: _interpret(p)) / pages
        read = _best_of(args.repeat, lambda p=path: read_pdf(p)) / pages
        both = _best_of(args.repeat, lambda p=path: _extract(p)) / pages
        verdict = "ok" if both <= AIM_SECONDS_PER_PAGE else f"over the {AIM_SECONDS_PER_PAGE} s/page aim"
        rows.append((path.name, str(pages), f"{floor:.3f}", f"{read:.3f}", f"{both:.3f}", verdict))

    header = ("file", "pages", "pdfminer s/page", "read s/page", "read+extract s/page", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _refuse(path: Path) -> None:
    try:
        read_pdf(path)
    except UnreadableDocumentError:
        pass


if __name__ == "__main__":
    main()
