"""Refresh timings side by side (issue 5): full, no new input, one new submission, and the bare parts.

    .venv/bin/python bench/refresh.py [--rounds N] [--json PATH]

Runs in a temporary warehouse folder (NQ57_WAREHOUSE_DIR) with a temporary copy of
raw/submissions, so the project's own warehouse and inputs are untouched. First, untimed, one
process loads what the measured commands load (warm_caches), so no measurement pays for reading
the packages from disk; then each round, in order:

1. full refresh, first ever: empty warehouse folder, nothing cached (`nq57 refresh`);
2. refresh with no new input (`nq57 refresh`), the same day: nothing to redo;
3. refresh after one new submission (`nq57 refresh`): only submissions changed, so the documents
   come from the extraction cache and only the submissions' dbt models are rebuilt, on a copy of
   the published warehouse; publish, briefing;
4. full refresh again (`nq57 refresh --full`): every model rebuilt from the raw tables (documents
   from the extraction cache, docs site reused);
5. the same full refresh as the 02:00 schedule launches it: a Dagster run of the `refresh` job
   (`dagster job execute`), with its executor, not the command line's;
6. the bare parts, each as a person would run it by hand: the extraction alone (no cache);
   `dbt build` alone, twice with the same target folder (the first parses the whole project,
   the second reuses dbt's partial parse, as the refresh does from its second run on); the
   dbt docs site alone; the briefing render alone;
7. the fixed start-up cost of any refresh run: loading the Dagster code location (Dagster,
   dagster-dbt with the dbt-core modules it imports, the project's assets).

Aims (issue 5): no new input ≤ 20% of a full refresh; full refresh ≤ 1.3 × (extraction alone
+ dbt build alone). The second ratio is printed several ways: against the two bare parts the
issue names; without the refresh's briefing step (the briefing, issue 6, is in neither part);
against every bare part the refresh does (it also writes the docs site and renders the
briefing); and for the moment the new warehouse is published (analysts query the new data from
then on; the docs site and the briefing are made after it). The refresh starts dbt in a worker
process first thing (pipelines.dbt_worker), which loads dbt and parses the project while Dagster
starts and the documents are extracted, and makes the docs site beside the briefing: on two cores
it can take less time than its parts one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


LAST_OUTPUT: list[str] = [""]  # stdout of the last timed command (the refresh summary)
PUBLISHED_AFTER = re.compile(r"new warehouse published after\): ([\d.]+) s")
BRIEFING_STEP = re.compile(r"briefing__nightly: ([\d.]+) s")


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    LAST_OUTPUT[0] = proc.stdout
    return seconds


def published_after() -> float:
    """Seconds from the start of the last refresh until its new warehouse was published."""
    found = PUBLISHED_AFTER.search(LAST_OUTPUT[0])
    if not found:
        sys.exit(f"no publish time in the refresh summary:\n{LAST_OUTPUT[0][-2000:]}")
    return float(found.group(1))


def briefing_step() -> float:
    """Seconds the last refresh spent in its briefing step (from its summary's seconds per stage)."""
    found = BRIEFING_STEP.search(LAST_OUTPUT[0])
    if not found:
        sys.exit(f"no briefing step in the refresh summary:\n{LAST_OUTPUT[0][-2000:]}")
    return float(found.group(1))


def python(code: str) -> list[str]:
    return [str(BIN / "python"), "-c", code]


def warm_caches() -> None:
    """Read once, untimed, what every measured command loads from disk (Python packages, Chromium).

    After the machine sat idle, the first command of a round read ≈800 MB from disk (`/usr/bin/time -v`:
    1,6 M file-system inputs) that the later ones found in memory: round one's first-ever refresh
    was 30,6 s against 17–19 s minutes later. The nightly refresh may well start cold, but the ratio
    compares it with bare parts measured after it, so every command is timed warm."""
    subprocess.run(
        python(
            "import pipelines.definitions, dbt.cli.main, dbt.adapters.duckdb, duckdb, pandas,"
            " matplotlib.pyplot, nbconvert, nbclient, jupytext, ipykernel, pyarrow.parquet"
        ),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    from pipelines.pdf_printer import find_chromium

    chromium = find_chromium()
    if chromium:
        subprocess.run([chromium, "--version"], capture_output=True)


def one_round() -> dict[str, float]:
    """Every measurement once, in a temporary folder of its own; returns seconds by name."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        submissions = tmp_path / "submissions"
        shutil.copytree(ROOT / "raw" / "submissions", submissions)
        env = {
            **os.environ,
            "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
            "NQ57_SUBMISSIONS_DIR": str(submissions),
        }
        # `python -m` from the project folder: the code of this checkout, whatever the venv points at.
        refresh = [str(BIN / "python"), "-m", "pipelines.cli", "refresh"]
        results["full refresh, first ever"] = timed(refresh, env)
        results["  (first ever: new warehouse published after)"] = published_after()
        results["  (first ever: of which the briefing step)"] = briefing_step()
        results["refresh, no new input"] = timed(refresh, env)
        # One more submission: a copy of a sample under a new version's file name.
        sample = sorted(p for p in submissions.glob("*.xlsx"))[0]
        shutil.copy(sample, submissions / f"{sample.stem}_v9{sample.suffix}")
        results["refresh after one new submission"] = timed(refresh, env)
        results["  (one new submission: new warehouse published after)"] = published_after()
        results["full refresh again (--full)"] = timed([*refresh, "--full"], env)
        results["  (--full: new warehouse published after)"] = published_after()
        dagster_home = tmp_path / "dagster_home"
        dagster_home.mkdir()
        results["full refresh as the schedule launches it (Dagster run)"] = timed(
            [str(BIN / "dagster"), "job", "execute", "-m", "pipelines.definitions", "-j", "refresh"],
            {**env, "DAGSTER_HOME": str(dagster_home)},
        )

        results["bare: extraction alone"] = timed(
            python(
                "from pipelines.extract.run import extract_folder, write_raw_tables;"
                "from pipelines.paths import documents_dir, raw_tables_dir;"
                "write_raw_tables(extract_folder(documents_dir()), raw_tables_dir())"
            ),
            env,
        )
        bare_db = tmp_path / "bare" / "warehouse.duckdb"
        dbt_env = {
            **env,
            "NQ57_RAW_DIR": str(tmp_path / "warehouse" / "raw"),
            "NQ57_DUCKDB_PATH": str(bare_db),
        }
        bare_db.parent.mkdir()
        dbt = [str(BIN / "dbt"), "build", "--profiles-dir", ".", "--target-path", str(tmp_path / "target")]
        results["bare: dbt build alone, first parse"] = timed(dbt, dbt_env, cwd=ROOT / "dbt_project")
        bare_db.unlink()
        results["bare: dbt build alone, partial parse"] = timed(dbt, dbt_env, cwd=ROOT / "dbt_project")
        docs = [
            str(BIN / "dbt"),
            "docs",
            "generate",
            "--static",
            "--no-compile",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
        ]
        results["bare: dbt docs site alone"] = timed(docs, dbt_env, cwd=ROOT / "dbt_project")
        results["bare: briefing render alone"] = timed(
            python(
                "from pathlib import Path; from pipelines.briefing import render_briefing;"
                f"render_briefing(warehouse_file=Path({str(bare_db)!r}),"
                f" out_root=Path({str(tmp_path / 'briefings')!r}))"
            ),
            env,
        )

        # Not a part of the refresh's work but its fixed cost: Python loading Dagster, dagster-dbt (which
        # imports dbt-core) and the project's definitions, before the run's first step can start.
        results["start-up: load the Dagster code location"] = timed(
            python("import pipelines.definitions"), env
        )

    return results


def ratios_of(results: dict[str, float]) -> dict[str, float]:
    """The aims' ratios (and the ways of reading the second one) from one set of timings."""
    first = results["full refresh, first ever"]
    again = results["full refresh again (--full)"]
    extraction = results["bare: extraction alone"]
    cold = extraction + results["bare: dbt build alone, first parse"]
    warm = extraction + results["bare: dbt build alone, partial parse"]
    extras = results["bare: dbt docs site alone"] + results["bare: briefing render alone"]
    ratios = {
        "no new input / full (first ever)": results["refresh, no new input"] / first,
        "full (first ever) / (extraction + dbt build, first parse)": first / cold,
        "full (--full, warm) / (extraction + dbt build, partial parse)": again / warm,
        "full (first ever) / every bare part (+ docs site + briefing)": first / (cold + extras),
        "until published (first ever) / (extraction + dbt build, first parse)": results[
            "  (first ever: new warehouse published after)"
        ]
        / cold,
        # The briefing (issue 6) is in the refresh but in neither named bare part: the same ratio
        # without it shows what the rest of the refresh costs beyond the bare parts.
        "full less its briefing step (first ever) / (extraction + dbt build, first parse)": (
            first - results["  (first ever: of which the briefing step)"]
        )
        / cold,
    }
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the timings to this file")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure everything this many times and report the median (default 3: on this shared "
        "2-core machine one refresh can take 23 s or 33 s minutes apart)",
    )
    args = parser.parse_args()
    warm_caches()
    rounds = [one_round() for _ in range(max(1, args.rounds))]
    # Medians of each timing, and the ratios of those medians; the range shows the day's noise.
    results = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    ratios = ratios_of(results)
    per_round = [ratios_of(r) for r in rounds]

    width = max(len(name) for name in results)
    print(f"median of {len(rounds)} round(s); range in brackets")
    for name, seconds in results.items():
        low, high = min(r[name] for r in rounds), max(r[name] for r in rounds)
        print(f"{name:<{width}}  {seconds:7.1f} s  [{low:.1f}–{high:.1f}]")
    print()
    for name, value in ratios.items():
        aim = "≤ 0.20" if name.startswith("no new input") else "≤ 1.30"
        low, high = min(r[name] for r in per_round), max(r[name] for r in per_round)
        print(f"{name:<82}  {value:5.2f}  (aim {aim})  [{low:.2f}–{high:.2f}]")
    if args.json:
        args.json.write_text(
            json.dumps({"seconds": results, "ratios": ratios, "rounds": rounds}, indent=1),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
