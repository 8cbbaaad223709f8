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
    set_aside,
    shut_after,
    write_report,
)
from seedance_lint.config import load_config
from seedance_lint.core.errors import UsageError
from seedance_lint.cost.pipeline import GROUP_KEYS, CostTally, Limits, cost_blocks
from seedance_lint.cost.table import price_table
from seedance_lint.reporters.cost import COST_REPORTERS


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = gather_sources(args, stdin, config)
    table, fmt = price_table(), COST_REPORTERS[args.format]
    pool, ahead = pool_for(config.jobs)
    group_by = group_keys(args.group_by, args.summary)
    limits = Limits(group_by, config.max_task_cost_source)
    blocks = cost_blocks(sources, fmt.renderer, table.currency, config.max_task_cost, pool, ahead, limits=limits)
    tally = CostTally(
        table.currency, blocks, config.budget, table.roundTo, config.budget_source, group_by, args.summary
    )

    def exit_code() -> int:  # known once every task has been priced and written
        return EXIT_PROBLEMS if tally.problems else EXIT_OK

    chunks: Iterator[str] = fmt.stream(tally)
    if args.format == "csv":  # a spreadsheet has no room for them: the problems go to stderr
        chunks = chain(chunks, _problems_on_stderr(tally))
    chunks = shut_after(chunks, pool)
    if args.output:  # the report to the file; what belongs on stderr (csv's problems) still goes there
        aside: list[str] = []
        write_report(args.output, set_aside(chunks, aside))
        return exit_code(), aside
    return exit_code, chunks


def group_keys(given: list[str] | None, summary: bool) -> tuple[str, ...] | None:
    """The --group-by keys in the order given, once each; () for --summary alone (one group: the batch);
    None when neither is asked for (no group is summed)."""
    keys = [key.strip() for text in given or () for key in text.split(",") if key.strip()]
    for key in keys:
        if key not in GROUP_KEYS:
            raise UsageError(f"--group-by {key}: not a key to group by (one of {', '.join(GROUP_KEYS)})")
    if not keys and not summary:
        return None
    return tuple(dict.fromkeys(keys))


def _problems_on_stderr(tally: CostTally) -> Iterator[str]:
    yield from (ToStderr(f"seedance-lint: {problem}\n") for problem in tally.problems)
