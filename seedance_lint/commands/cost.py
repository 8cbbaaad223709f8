"""`seedance-lint cost`: price every task, stream the rows, total and guard the budget."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from itertools import chain

from seedance_lint.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ExitCode,
    Output,
    ToStderr,
    gather_sources,
    pool_for,
    shut_after,
)
from seedance_lint.config import load_config
from seedance_lint.cost.pipeline import CostTally, cost_blocks
from seedance_lint.cost.table import price_table
from seedance_lint.reporters.cost import COST_REPORTERS


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = gather_sources(args, stdin, config)
    table, fmt = price_table(), COST_REPORTERS[args.format]
    pool, ahead = pool_for(config.jobs)
    blocks = cost_blocks(sources, fmt.renderer, table.currency, config.max_task_cost, pool, ahead)
    tally = CostTally(table.currency, blocks, config.budget, table.roundTo)

    def exit_code() -> int:  # known once every task has been priced and written
        return EXIT_PROBLEMS if tally.problems else EXIT_OK

    chunks: Iterator[str] = fmt.stream(tally)
    if args.format == "csv":  # a spreadsheet has no room for them: the problems go to stderr
        chunks = chain(chunks, _problems_on_stderr(tally))
    return exit_code, shut_after(chunks, pool)


def _problems_on_stderr(tally: CostTally) -> Iterator[str]:
    yield from (ToStderr(f"seedance-lint: {problem}\n") for problem in tally.problems)
