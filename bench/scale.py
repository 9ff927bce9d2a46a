"""The warehouse after five years of reports: a corpus of sample submissions at the 2030 volume, and
what the whole refresh, the marts, ``nq57 status`` and the briefing do with it.

Today raw/submissions holds 15 sample files. By 2030 the inbox will hold every department's quarterly
report from 2025-Q4 to 2030-Q3 (21 reporting departments × 20 quarters), with resubmissions and
rejected files: 500–800 files. ``bench/submissions.py`` times the ingestion alone; this script times
the whole refresh on such an inbox and keeps the warehouse it built for reading.

The corpus (written into a temporary folder, never raw/; every file is a sample the way the project
marks samples: ``is_sample = CÓ`` on the info sheet, the red banner on the instructions sheet, and
``is_sample = true`` with "DỮ LIỆU MẪU" on its line of the inbox manifest):

- every department that leads a task in the plan (dim_task's lead agencies, not the shared NHIEU)
  reports every quarter, its KinhPhi rows the plan's tasks it leads with an allocation of the
  plan's share for the year and a cumulative year-to-date disbursement rising within the year
  (``pipelines.submissions.samples.filled_content``: the shipped samples' rules), its TienDo rows
  moving toward done, and the KPI indicators it reports drifting toward their targets;
- most files arrive 3–14 days after the quarter ends; about one in eleven after the 15-day deadline;
  about one in forty is never sent (the late-report grid has something to show);
- about one in six is sent again as ``_v2`` a few days later (its first version had one cumulative
  figure typed ten times too large: SUB-X02, flagged); about one in twenty is rejected (a negative
  allocation, SUB-V02) and corrected as ``_v2``; one in sixty of those needs a ``_v3``;
- one department saves CSV in Windows-1258, as Vietnamese Excel does (the shipped SNNMT sample).

Nothing random: the same plan gives the same files (``_vary`` hashes a key, as the samples do).

The measurements, each in a fresh warehouse folder (NQ57_WAREHOUSE_DIR) over the corpus
(NQ57_SUBMISSIONS_DIR), under ``/usr/bin/time -v`` (peak RSS: the largest single process of the run):

1. ``nq57 refresh`` first ever, with its summary's seconds per stage;
2. ``nq57 refresh`` again, no new input;
3. ``nq57 refresh`` after one new file (a resubmission of the last quarter, with its manifest line);
4. ``nq57 briefing --as-of`` the day after the last deadline (the refresh's own briefing is as of
   today, when most of the corpus has not been received yet), its pages and table rows;
5. ``nq57 status``;
6. rows per mart, and the time to read each ``rpt_*`` view as of that day.

    .venv/bin/python bench/scale.py [--last 2030-Q3] [--keep DIR] [--corpus-only]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pipelines.submissions import layout
from pipelines.submissions.layout import Period
from pipelines.submissions.reference import ReferenceData, load_reference_data
from pipelines.submissions.samples import SAMPLE_MANIFEST_COLUMNS, _vary, filled_content
from pipelines.submissions.template import SubmissionContent, write_csv, write_plain_xlsx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIRST_PERIOD = "2025-Q4"  # dbt var submission_first_period: the first quarter anyone must report
CSV_AGENCY = "SNNMT"  # saves CSV from Vietnamese Excel (Windows-1258), as its shipped sample does
SAMPLE_NOTE = "DỮ LIỆU MẪU (sample): bench/scale.py"

# Where each indicator starts and how far it moves per quarter (invented, inside each valid range).
_KPI_PATH = {
    "TFP_CONTRIBUTION": (Decimal("44.6"), Decimal("0.4")),
    "PII_SCORE": (Decimal("45.3"), Decimal("0.5")),
    "ST_HIGHTECH_ENTERPRISES": (Decimal("24"), Decimal("1")),
    "DTI_RANK": (Decimal("15"), Decimal("-0.25")),
    "DIGITAL_ECONOMY_SHARE": (Decimal("14.2"), Decimal("0.6")),
    "ADULT_DIGITAL_SKILLS": (Decimal("71.5"), Decimal("0.8")),
}


@dataclass(frozen=True)
class CorpusFile:
    name: str
    agency: str
    period: str
    received_at: dt.datetime
    note: str


def reporting_agencies(reference: ReferenceData) -> list[str]:
    """The departments rpt_submission_status expects a report from: every lead agency but NHIEU."""
    leads = {t.lead_agency_code for t in reference.tasks.values() if t.lead_agency_code}
    return sorted(a for a in leads if a != "NHIEU" and a in reference.agencies)


def periods_through(last: Period) -> list[Period]:
    first = layout.parse_period(FIRST_PERIOD)
    assert first is not None
    found, year, quarter = [], first.year, first.quarter
    while (year, quarter) <= (last.year, last.quarter):
        found.append(Period(year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def _content(reference: ReferenceData, agency: str, period: Period, index: int) -> SubmissionContent:
    content = filled_content(reference, agency, period, prepared_by=f"Cán bộ tổng hợp {agency} (mẫu)")
    for row in content.kpi:
        start, step = _KPI_PATH.get(row["indicator_code"], (None, None))
        if start is not None:
            value = start + step * index
            # A rank and a count of enterprises are whole numbers (a rank of 10,25 reads as a typo).
            whole = row["indicator_code"] in ("DTI_RANK", "ST_HIGHTECH_ENTERPRISES")
            row["value"] = value.to_integral_value() if whole else value
    return content


def _write(content: SubmissionContent, folder: Path, name: str) -> None:
    if name.endswith(".csv"):
        write_csv(content, folder / name, encoding="cp1258")
    else:
        write_plain_xlsx(content, folder / name)


def _received(period: Period, days_after_end: int, hour: int) -> dt.datetime:
    day = period.end + dt.timedelta(days=days_after_end)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.timezone(dt.timedelta(hours=7)))


def scale_corpus(reference: ReferenceData, folder: Path, last: Period) -> list[CorpusFile]:
    """Write the corpus and its manifest into ``folder``; return the files in received order."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[CorpusFile] = []
    for index, period in enumerate(periods_through(last)):
        for agency in reporting_agencies(reference):
            key = f"scale:{agency}:{period.code}"
            if _vary(key + ":missing", 1, 40) == 1:
                continue  # never sent
            late = _vary(key + ":late", 1, 11) == 1
            days = _vary(key + ":day", 16, 45) if late else _vary(key + ":day", 3, 14)
            received = _received(period, days, _vary(key + ":hour", 8, 16))
            ext = ".csv" if agency == CSV_AGENCY else ".xlsx"
            stem = f"{agency}_{period.code}"
            content = _content(reference, agency, period, index)
            trouble = _vary(key + ":trouble", 1, 180)
            if trouble <= 9 and len(content.budget) > 1:  # rejected, then corrected
                bad = _content(reference, agency, period, index)
                bad.budget[1]["allocated_mvnd"] = -bad.budget[1]["allocated_mvnd"]
                _write(bad, folder, stem + ext)
                files.append(CorpusFile(stem + ext, agency, period.code, received, "rejected (SUB-V02)"))
                if trouble == 1:  # the correction rejected too: a third version
                    bad.prepared_by += " — gửi lại"  # other bytes: not a duplicate (SUB-F04)
                    _write(bad, folder, f"{stem}_v2{ext}")
                    received += dt.timedelta(days=2)
                    files.append(
                        CorpusFile(f"{stem}_v2{ext}", agency, period.code, received, "rejected again")
                    )
                    stem += "_v3"
                else:
                    stem += "_v2"
                received += dt.timedelta(days=_vary(key + ":fix", 1, 6))
                _write(content, folder, stem + ext)
                files.append(
                    CorpusFile(stem + ext, agency, period.code, received, "resubmission (corrected)")
                )
            elif trouble <= 39 and content.budget:  # flagged, then corrected
                typo = _content(reference, agency, period, index)
                row = max(typo.budget, key=lambda r: r["allocated_mvnd"])
                row["disbursed_cumulative_mvnd"] = row["disbursed_cumulative_mvnd"] * 10
                _write(typo, folder, stem + ext)
                files.append(CorpusFile(stem + ext, agency, period.code, received, "flagged (SUB-X02)"))
                received += dt.timedelta(days=_vary(key + ":fix", 1, 6))
                _write(content, folder, f"{stem}_v2{ext}")
                files.append(CorpusFile(f"{stem}_v2{ext}", agency, period.code, received, "resubmission"))
            else:
                _write(content, folder, stem + ext)
                files.append(CorpusFile(stem + ext, agency, period.code, received, "clean"))
    files.sort(key=lambda f: (f.received_at, f.name))
    write_manifest(folder, files)
    return files


def write_manifest(folder: Path, files: list[CorpusFile]) -> None:
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SAMPLE_MANIFEST_COLUMNS)
        for f in files:
            writer.writerow([f.name, f.received_at.isoformat(), "true", f"{SAMPLE_NOTE}: {f.note}"])


def add_one_file(reference: ReferenceData, folder: Path, files: list[CorpusFile], last: Period) -> CorpusFile:
    """One more file, as the next night brings: the first reporter of the last quarter re-sends it."""
    first = next(f for f in files if f.period == last.code and f.name.endswith(".xlsx"))
    content = _content(reference, first.agency, last, len(periods_through(last)) - 1)
    content.prepared_by += " — bản sửa"
    name = f"{first.agency}_{last.code}_v9.xlsx"
    write_plain_xlsx(content, folder / name)
    added = CorpusFile(name, first.agency, last.code, max(f.received_at for f in files), "one new file")
    write_manifest(folder, [*files, added])
    return added


# ── measurements ──────────────────────────────────────────────────────────────────────────────
MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
STAGE = re.compile(r"^\s+(\S+): ([\d.]+) s$", re.MULTILINE)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(label: str, command: list[str], env: dict[str, str]) -> str:
    """Run one command under /usr/bin/time -v; print its wall time and peak RSS; return its stdout."""
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    rss = MAX_RSS.search(proc.stderr)
    peak = int(rss.group(1)) / 1e3 if rss else 0
    print(f"{label}: {seconds:.1f} s, exit {proc.returncode}, peak RSS {peak:.0f} MB")
    if proc.returncode not in (0, 1):
        print(proc.stdout[-3000:], proc.stderr[-3000:])
    return proc.stdout


def _stages(stdout: str) -> None:
    marker = stdout.find("seconds per stage")
    if marker >= 0:
        print("   " + ", ".join(f"{name} {sec}" for name, sec in STAGE.findall(stdout[marker:])))


def _marts(warehouse: Path, as_of: dt.date) -> None:
    from pipelines.warehouse_access import connect_readonly

    con = connect_readonly(warehouse / "warehouse.duckdb", as_of=as_of)
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
    ]
    counts = []
    for name in names:
        started = time.perf_counter()
        rows = con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
        elapsed = time.perf_counter() - started
        counts.append(f"{name} {rows}" + (f" ({elapsed * 1000:.0f} ms)" if name.startswith("rpt_") else ""))
    print(f"rows per mart as of {as_of}: " + "; ".join(counts))
    con.close()


def measure(
    root: Path, corpus: Path, files: list[CorpusFile], last: Period, reference: ReferenceData
) -> None:
    warehouse = root / "warehouse"
    env = {**os.environ, "NQ57_WAREHOUSE_DIR": str(warehouse), "NQ57_SUBMISSIONS_DIR": str(corpus)}
    nq57 = [str(BIN / "python"), "-m", "pipelines.cli"]
    print(f"load average before: {_load()}")
    # Each refresh's summary is kept beside the warehouse (root/refresh_N.txt) for reading.
    for number, label in enumerate(
        ("full refresh, first ever", "refresh, no new input", "refresh after one new file")
    ):
        if number == 2:
            add_one_file(reference, corpus, files, last)
        summary = timed(label, [*nq57, "refresh"], env)
        (root / f"refresh_{number + 1}.txt").write_text(summary, encoding="utf-8")
        _stages(summary)
    as_of = last.deadline + dt.timedelta(days=45)  # every file of the corpus received by then
    timed(f"briefing as of {as_of}", [*nq57, "briefing", "--as-of", as_of.isoformat()], env)
    for pdf in sorted((warehouse / "briefings").glob("*/*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = re.search(r"Pages:\s+(\d+)", info)
        print(f"   {pdf.relative_to(warehouse)}: {pages.group(1) if pages else '?'} pages")
    print(timed("nq57 status", [*nq57, "status"], env)[-1500:])
    _marts(warehouse, as_of)
    print(f"load average after: {_load()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--last", default="2030-Q3", help="last quarter reported (default 2030-Q3)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temp folder)")
    parser.add_argument("--corpus-only", action="store_true", help="write the corpus, measure nothing")
    args = parser.parse_args()
    last = layout.parse_period(args.last)
    if last is None:
        parser.error(f"not a quarter: {args.last}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="nq57_bench_scale_"))
    try:
        reference = load_reference_data()
        started = time.perf_counter()
        files = scale_corpus(reference, root / "submissions", last)
        notes = Counter(f.note for f in files)
        pairs = len({(f.agency, f.period) for f in files})
        print(
            f"corpus: {len(files)} files for {pairs} (department, quarter) pairs, "
            f"{len(reporting_agencies(reference))} departments × {len(periods_through(last))} quarters, "
            f"in {time.perf_counter() - started:.1f} s → {root / 'submissions'}; {dict(notes)}"
        )
        if not args.corpus_only:
            measure(root, root / "submissions", files, last, reference)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
