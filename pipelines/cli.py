"""The ``nq57`` command.

Each sub-command lives in its own module under ``pipelines.commands`` and exposes
``register(subparsers)``; this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
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


if __name__ == "__main__":
    sys.exit(main())
