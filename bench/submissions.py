"""Benchmark: validation + load throughput of departmental submissions (issue 4).

Generates N submission workbooks (default 5,000; one in ten with a warning or a fatal error) into a
temporary folder, flushes them to disk (``os.sync``: the generator's 85 MB are not the ingestion's
to write), then runs the whole ingestion on them: archive copy, sha256, validation against the real
plan and seeds, versioning, error reports (csv for every file, xlsx for files with findings) and the
Parquet raw tables. Then the nightly re-run (nothing changed: every result from the validation cache)
and the same re-run with the cache removed (every file validated again, as after a change of the rules
or the plan). Reports files per second and peak memory (tracemalloc for Python objects, ru_maxrss for
the process), with the load average before and after: the machine is shared, and a busy neighbour
halves the figure. Target on the 2-core machine: ≥ 300 files/s end to end on a first run.

Last, one large file: a KinhPhi sheet of ``--rows`` pasted rows (default 20,000; about one fatal finding
a row), validated as ``nq57 validate`` does. Its time grows with the rows, not their square (a 50,000-row
sheet took 8 minutes when every row recounted the findings).

    .venv/bin/python bench/submissions.py [--files 5000] [--rows 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from pipelines.submissions.ingest import ingest_submissions
from pipelines.submissions.reference import default_reference_data
from pipelines.submissions.samples import benchmark_corpus, pasted_sheet_workbook
from pipelines.submissions.validation_cache import CACHE_FOLDER_NAME
from pipelines.submissions.validator import validate_bytes


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def _timed(root: Path, reference) -> tuple[float, object]:
    started = time.perf_counter()
    summary = ingest_submissions(root / "inbox", root / "raw", root / "archive", reference)
    return time.perf_counter() - started, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the one large file (0: skip it)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="nq57_bench_submissions_"))
    try:
        reference = default_reference_data()
        started = time.perf_counter()
        benchmark_corpus(reference, root / "inbox", args.files)
        generated = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (root / "inbox").iterdir())
        print(f"generated {args.files} files ({size / 1e6:.1f} MB) in {generated:.1f} s")
        os.sync()
        print(f"load average before: {_load()}")

        # 1. A first refresh: every file is new (archive copy, validation, reports, raw tables).
        elapsed, summary = _timed(root, reference)
        print(f"ingested: {summary.text()}")
        print(f"first run (empty archive): {summary.files / elapsed:.0f} files/s ({elapsed:.1f} s)")
        # 2. The nightly case: archive, reports and validation cache there; no file changed.
        elapsed, summary = _timed(root, reference)
        print(
            f"re-run (archive filled): {summary.files / elapsed:.0f} files/s ({elapsed:.1f} s; "
            f"validated {summary.validated}, from the validation cache {summary.from_cache})"
        )
        # 2b. The same re-run without the validation cache: every file validated again.
        shutil.rmtree(root / "archive" / CACHE_FOLDER_NAME)
        elapsed, summary = _timed(root, reference)
        print(
            f"re-run without the validation cache: {summary.files / elapsed:.0f} files/s ({elapsed:.1f} s; "
            f"validated {summary.validated})"
        )
        # 3. Peak memory of a first run (tracemalloc slows allocation, so it is timed apart).
        shutil.rmtree(root / "archive")
        tracemalloc.start()
        _timed(root, reference)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        print(f"peak Python memory {peak / 1e6:.0f} MB (tracemalloc); process max RSS {rss:.0f} MB")
        # 4. One large file: a sheet of pasted rows, about one fatal finding a row.
        if args.rows:
            data = pasted_sheet_workbook(reference, args.rows)
            started = time.perf_counter()
            result = validate_bytes("SYT_2026-Q2.xlsx", data, reference)
            elapsed = time.perf_counter() - started
            print(
                f"one file of {args.rows} pasted rows ({len(data) / 1e6:.1f} MB): validated in "
                f"{elapsed:.1f} s ({len(result.findings)} findings, {result.fatal_count} fatal)"
            )
        print(f"load average after: {_load()}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
