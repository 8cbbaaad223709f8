"""`seedance-lint cost diff BASE HEAD`: what a change did to the cost, task by task, file by file, in total.

Each side is a path (a file or a directory, read as `cost` reads it), a saved `cost --format json` report
(its prices as saved), or ``git:REV[:PATH]`` (the files of a revision, read through git). Both priced sides
go through the one pricing pipeline (cost.pipeline.cost_blocks); the head carries the budget.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from seedance_lint.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ExitCode,
    Output,
    discovered,
    pool_for,
    repository_root,
    write_report,
)
from seedance_lint.config import Config, load_config
from seedance_lint.core.errors import UsageError
from seedance_lint.core.executor import ExecutorLike
from seedance_lint.cost.diff import (
    Side,
    compare,
    looks_like_report,
    parse_limit,
    records,
    records_with_lines,
    saved_side,
    side_from,
    side_root,
)
from seedance_lint.cost.pipeline import CostTally, Renderer, cost_blocks
from seedance_lint.cost.table import PriceTable, price_table
from seedance_lint.input.git import PREFIX, revision_sources
from seedance_lint.input.sources import Source
from seedance_lint.reporters.diff import DIFF_REPORTERS, LINES

#: How many bytes of a .json file are read to tell a saved report from a request file.
_PEEK_BYTES = 64


@dataclass(frozen=True)
class _Reading:
    """What both sides are read with: the configuration, the price table, the renderer and the pool."""

    config: Config
    table: PriceTable
    renderer: Renderer
    pool: ExecutorLike | None
    ahead: int

    def side(self, given: str, budget: Decimal | None = None) -> Side:
        config, table = self.config, self.table
        source = config.budget_source if budget is not None else None
        if given != "-" and not given.startswith(PREFIX) and _is_saved_report(given):
            return saved_side(given, Path(given).read_bytes(), table.currency, budget, table.roundTo, source)
        root, sources = self.sources(given)
        blocks = cost_blocks(sources, self.renderer, table.currency, None, self.pool, self.ahead)
        return side_from(CostTally(table.currency, blocks, budget, table.roundTo, source), root)

    def sources(self, given: str) -> tuple[str, list[Source]]:
        """The side's root (docs/design.md, "Cost diff": files are matched by their place within it) and files."""
        config = self.config
        if given == "-":
            raise UsageError("cost diff: standard input cannot be a side: name a file, a directory or git:REV")
        if given.startswith(PREFIX):
            root, sources = revision_sources(given, config.include, config.exclude, config.root)
            return side_root(root), sources
        return side_root(given), discovered([given], config)


def _is_saved_report(given: str) -> bool:
    """Whether a path is a saved `cost --format json` report (a .json file whose first member is currency)."""
    path = Path(given)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    with path.open("rb") as stream:
        return looks_like_report(stream.read(_PEEK_BYTES))


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:  # no stdin side
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    max_increase = parse_limit(args.max_increase, "--max-increase")
    max_percent = parse_limit(args.max_increase_percent, "--max-increase-percent")
    table = price_table()
    stream = DIFF_REPORTERS[args.format]
    pool, ahead = pool_for(config.jobs)
    reading = _Reading(config, table, records_with_lines if args.format in LINES else records, pool, ahead)
    try:
        base = reading.side(args.base)
        head = reading.side(args.head, config.budget)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    diff = compare(base, head, table.currency, args.show_unchanged, max_increase, max_percent)
    code = EXIT_PROBLEMS if diff.failed else EXIT_OK
    chunks = stream(diff, repository_root() if args.format == "github" else None)
    if args.output:
        write_report(args.output, chunks)
        return code, ""
    return code, chunks
