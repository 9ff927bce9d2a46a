"""The ``nq57`` command.

Each sub-command lives in its own module under ``pipelines.commands`` and exposes
``register(subparsers)``; this file only wires them together.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import pkgutil
import sys

import pipelines.commands


def command_modules() -> list[str]:
    """Every module in pipelines.commands is a sub-command (alphabetical in --help)."""
    return sorted(
        m.name for m in pkgutil.iter_modules(pipelines.commands.__path__) if not m.name.startswith("_")
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or of ``only`` that one (``nq57 <only> …``).

    Each command module imports what its command needs (DuckDB, pyarrow, the extraction…): ≈0.5 s
    for all of them, spent before `nq57 refresh` can start its dbt worker. A command line naming
    its command loads that module alone; ``nq57``, ``nq57 --help`` or an unknown word load them all,
    so the help and argparse's "invalid choice" message still list every command."""
    parser = argparse.ArgumentParser(
        prog="nq57",
        description="Kho dữ liệu theo dõi Đề án Nghị quyết 57 (Resolution 57 plan warehouse).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = command_modules()
    for name in [only] if only in names else names:
        module = importlib.import_module(f"pipelines.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=argv[0] if argv else None)
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


def entry_point(argv: list[str] | None = None) -> int:
    """The installed ``nq57`` script: ``main``, then a quick exit.

    After a refresh the interpreter holds millions of objects (Dagster definitions, the dbt
    manifest); its shutdown walks them all with the cycle collector again, ≈1 s of every
    ``nq57 refresh`` spent after the summary is printed. Freezing them first (they are about to
    be freed by the exit anyway) makes the collector skip them; atexit handlers still run.
    """
    try:
        code = main(argv)
    except BrokenPipeError:
        # `nq57 query … | head`: the reader stopped reading, which is what the person asked for.
        # Point stdout at /dev/null so the interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry_point())
