"""Refresh timings side by side (issue 5): full, no new input, one new submission, and the bare parts.

    .venv/bin/python bench/refresh.py

Runs in a temporary warehouse folder (NQ57_WAREHOUSE_DIR) with a temporary copy of
raw/submissions, so the project's own warehouse and inputs are untouched. Aims: a
refresh with no new input ≤ 20% of a full refresh; a full refresh ≤ 1.3 × (extraction
alone + dbt build alone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        submissions = tmp_path / "submissions"
        shutil.copytree(ROOT / "raw" / "submissions", submissions)
        env = {
            **os.environ,
            "NQ57_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
            "NQ57_SUBMISSIONS_DIR": str(submissions),
        }
        refresh = [str(BIN / "nq57"), "refresh"]
        results = {"full refresh": timed(refresh, env)}
        results["refresh, no new input"] = timed(refresh, env)
        # One more submission: a copy of a sample under a new version's file name.
        sample = sorted(p for p in submissions.glob("*.xlsx"))[0]
        shutil.copy(sample, submissions / f"{sample.stem}_v9{sample.suffix}")
        results["refresh after one new submission"] = timed(refresh, env)

        extraction = [
            str(BIN / "python"),
            "-c",
            "from pipelines.extract.run import extract_folder, write_raw_tables;"
            "from pipelines.paths import documents_dir, raw_tables_dir;"
            "write_raw_tables(extract_folder(documents_dir()), raw_tables_dir())",
        ]
        results["bare: extraction alone"] = timed(extraction, env)
        dbt_env = {
            **env,
            "NQ57_RAW_DIR": str(tmp_path / "warehouse" / "raw"),
            "NQ57_DUCKDB_PATH": str(tmp_path / "bare.duckdb"),
        }
        dbt = [str(BIN / "dbt"), "build", "--profiles-dir", ".", "--target-path", str(tmp_path / "target")]
        results["bare: dbt build alone"] = timed(dbt, dbt_env, cwd=ROOT / "dbt_project")

    width = max(len(name) for name in results)
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:7.1f} s")
    full = results["full refresh"]
    bare = results["bare: extraction alone"] + results["bare: dbt build alone"]
    print(f"no new input / full   = {results['refresh, no new input'] / full:.2f}  (aim ≤ 0.20)")
    print(f"full / sum of bare    = {full / bare:.2f}  (aim ≤ 1.30)")


if __name__ == "__main__":
    main()
