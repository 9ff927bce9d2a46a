"""Time the whole refresh against a bare `dbt build` of the same project on the same raw tables.

    .venv/bin/python bench/refresh_vs_dbt.py [--runs N] [--json PATH]

1. refresh: `nq57 refresh` when the CLI has it, else the Dagster assets (extraction → raw Parquet →
   dbt build with tests as asset checks → dbt docs) materialised in-process; everything goes to a
   temporary folder, nothing in the project is touched.
2. bare dbt: `dbt build` as a subprocess on the raw tables the refresh wrote, into another file.

Prints seconds (best of N) and the ratio refresh / bare dbt, for the README.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
ENV_VARS = ("NQ57_WAREHOUSE_DIR", "NQ57_RAW_DIR", "NQ57_DUCKDB_PATH")


def _cli_has_refresh() -> bool:
    from pipelines.cli import build_parser

    return "refresh" in build_parser().format_help()


def _environment(root: Path) -> dict[str, str]:
    return {
        "NQ57_WAREHOUSE_DIR": str(root / "warehouse"),
        "NQ57_RAW_DIR": str(root / "warehouse" / "raw"),
        "NQ57_DUCKDB_PATH": str(root / "warehouse" / "build" / "warehouse.duckdb"),
    }


def time_refresh(root: Path) -> tuple[float, str]:
    env = _environment(root)
    if _cli_has_refresh():
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "nq57"), "refresh"],
            check=True,
            env={**os.environ, **env},
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - started, "nq57 refresh"
    import dagster as dg

    from pipelines.assets import dbt_assets, extraction

    saved = {name: os.environ.get(name) for name in ENV_VARS}
    os.environ.update(env)
    try:
        started = time.perf_counter()
        dg.materialize(
            [extraction.extracted_documents, *dbt_assets.DBT_ASSETS],
            resources={"dbt": dbt_assets.dbt_resource()},
            instance=dg.DagsterInstance.ephemeral(),
        )
        return time.perf_counter() - started, "dagster materialize in-process (extraction + dbt + docs)"
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def time_bare_dbt(raw_dir: Path, duckdb_path: Path) -> float:
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NQ57_RAW_DIR": str(raw_dir), "NQ57_DUCKDB_PATH": str(duckdb_path)}
    dbt = Path(sys.executable).parent / "dbt"
    started = time.perf_counter()
    subprocess.run(
        [str(dbt), "build", "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(duckdb_path.parent)],
        check=True,
        env=env,
        cwd=DBT_PROJECT_DIR,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="repeat and keep the best time")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    args = parser.parse_args(argv)
    refresh_times, dbt_times, how = [], [], ""
    for _ in range(args.runs):
        root = Path(tempfile.mkdtemp(prefix="nq57_bench_"))
        try:
            seconds, how = time_refresh(root)
            refresh_times.append(seconds)
            raw_dir = Path(_environment(root)["NQ57_RAW_DIR"])
            dbt_times.append(time_bare_dbt(raw_dir, root / "bare" / "warehouse.duckdb"))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    result = {
        "refresh_seconds": round(min(refresh_times), 1),
        "refresh_method": how,
        "bare_dbt_build_seconds": round(min(dbt_times), 1),
        "ratio_refresh_to_dbt": round(min(refresh_times) / min(dbt_times), 2),
        "runs": args.runs,
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
