"""markdown: a table for a pull-request comment or a step summary."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.text import printable
from seedance_lint.cost.pipeline import CostTally, Render
from seedance_lint.reporters.cost.base import PerEstimate, estimate_cells, total_cells
from seedance_lint.reporters.cost.table import TABLE_COLUMNS


def rows() -> Render:
    rest = PerEstimate(lambda e: " | " + " | ".join(c.replace("|", "\\|") for c in estimate_cells(e)) + " |\n")
    return lambda run: (f"| {printable(run.file).replace('|', chr(92) + '|')} | ", rest.each(run.estimates))


def stream(tally: CostTally) -> Iterator[str]:
    yield "| " + " | ".join(TABLE_COLUMNS) + " |\n|" + "---|" * len(TABLE_COLUMNS) + "\n"
    for block in tally:
        first, head = block.first, block.head
        yield "".join([f"{head}{first + i}{a}" for i, a in enumerate(block.rows)])
    total = total_cells(tally)
    yield f"| **{total[0]}** | | | | | **{total[5]}** | {total[6]} | {total[7]} |\n"
    yield "".join(f"\n> {problem}\n" for problem in tally.problems)
