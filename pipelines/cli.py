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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nq57",
        description="Kho dữ liệu theo dõi Đề án Nghị quyết 57 (Resolution 57 plan warehouse).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in command_modules():
        module = importlib.import_module(f"pipelines.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
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
