"""`seedance-lint reconcile`: billed costs (Runware responses) against the estimates of their requests."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import chain
from pathlib import Path

from seedance_lint.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ExitCode,
    Output,
    ToStderr,
    gather_sources,
    set_aside,
    write_report,
)
from seedance_lint.config import load_config
from seedance_lint.core.errors import UsageError
from seedance_lint.cost.reconcile import Reconciliation, RequestIndex
from seedance_lint.cost.table import price_table
from seedance_lint.input.billed import Billed, read_billed
from seedance_lint.reporters.reconcile import RECONCILE_REPORTERS
from seedance_lint.reporters.reconcile.base import summary_lines


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    tolerance = parse_tolerance(args.tolerance)
    bills = [_billed_path(name) for name in args.billed]
    if stdin is not None and "-" in args.billed and "-" in args.paths:
        raise UsageError("- (stdin) can be either the requests or --billed, not both")
    index = RequestIndex(gather_sources(args, stdin if "-" in args.paths else None, config))
    rec = Reconciliation(index, _all_billed(bills, stdin), tolerance, price_table())

    def exit_code() -> int:  # known once every bill has been read
        return EXIT_PROBLEMS if rec.failing or (args.strict and rec.unmatched) else EXIT_OK

    chunks: Iterator[str] = RECONCILE_REPORTERS[args.format](rec)
    if args.format == "csv":  # a spreadsheet has no room for the summary: it goes to stderr
        chunks = chain(chunks, _summary_on_stderr(rec))
    if index.problems:  # request files that cannot be read: told beside the report, and the run fails
        chunks = chain((ToStderr(f"seedance-lint: {p}\n") for p in index.problems), chunks)
    if args.output:
        aside: list[str] = []
        write_report(args.output, set_aside(chunks, aside))
        return exit_code(), aside
    return exit_code, chunks


def parse_tolerance(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise UsageError(f"--tolerance {text}: not a non-negative amount of USD")
    return value


def _billed_path(name: str) -> tuple[str, Path | None]:
    if name == "-":
        return "-", None
    path = Path(name)
    if not path.is_file():
        raise UsageError(f"--billed {name}: no such file (or not a file)")
    return name, path


def _all_billed(bills: list[tuple[str, Path | None]], stdin: bytes | None) -> Iterator[Billed]:
    for display, path in bills:
        yield from read_billed(display, path, stdin if path is None else None)


def _summary_on_stderr(rec: Reconciliation) -> Iterator[str]:
    yield from (ToStderr(f"seedance-lint: {line}\n") for line in summary_lines(rec))
