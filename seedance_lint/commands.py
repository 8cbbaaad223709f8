"""What each subcommand does: read, check or price, and render. Returns (exit code, output)."""
from __future__ import annotations

import argparse
import os
import sys

from seedance_lint.engine import Linter, Selection
from seedance_lint.errors import UsageError
from seedance_lint.sources import Source, SourceError, discover

EXIT_OK, EXIT_PROBLEMS = 0, 1


def sources_of(args: argparse.Namespace, stdin: bytes | None) -> list[Source]:
    try:
        return list(discover(args.paths, stdin=stdin, stdin_name=args.stdin_filename))
    except SourceError as error:
        raise UsageError(str(error)) from None


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def run_check(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    from seedance_lint.reporters import CHECK_REPORTERS
    from seedance_lint.reporters.base import Report

    linter = Linter(Selection(select=_codes(args.select), ignore=_codes(args.ignore)))
    diagnostics = tuple(linter.lint_sources(sources_of(args, stdin)))
    color = args.format == "text" and _use_color()
    report = Report(diagnostics, linter.stats.files, linter.stats.tasks, color)
    failing = {"error", "warning"} if args.strict else {"error"}
    code = EXIT_PROBLEMS if any(d.severity in failing for d in diagnostics) else EXIT_OK
    return code, CHECK_REPORTERS[args.format](report)


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ
