"""table: aligned columns for a terminal (every row is held to size them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from seedance_lint.cost.pipeline import CostTally, Render, RowBlock
from seedance_lint.reporters.cost.base import PerEstimate, estimate_cells, group_table, total_cells

TABLE_COLUMNS = ("file", "task", "size", "duration", "n", "cost", "range", "basis")


def rows() -> Render:
    """The cells after the task index: one shared tuple per estimate, so a held row costs a pointer."""
    rest = PerEstimate(estimate_cells)
    return lambda run: ("", rest.each(run.estimates))


def stream(tally: CostTally) -> Iterator[str]:
    """Columns as wide as their widest cell: every row is held until all are seen, as a pointer to its
    cells (equal cells are one tuple), so a million-task batch stays within the memory of the others."""
    if tally.summary:  # no row is held or written: the groups and the total
        for _ in tally:
            pass
        yield from _aligned(*group_table(tally))
        yield from _budget_and_problems(tally)
        return
    blocks: list[RowBlock] = []
    widths = [len(name) for name in TABLE_COLUMNS]
    known: dict[tuple[str, ...], tuple[str, ...]] = {}
    for block in tally:
        widths[0] = max(widths[0], len(block.file))
        widths[1] = max(widths[1], len(str(block.first + len(block.rows) - 1)))
        blocks.append(block._replace(rows=[known.setdefault(cells, cells) for cells in block.rows]))  # held once
    for cells in known:
        widths[2:] = map(max, widths[2:], map(len, cells))
    total = total_cells(tally)
    widths = [max(width, len(cell)) for width, cell in zip(widths, total, strict=True)]

    def line(cells: Iterable[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() + "\n"

    yield line(TABLE_COLUMNS)
    for block in blocks:
        yield "".join([line((block.file, str(block.first + i), *cells)) for i, cells in enumerate(block.rows)])
    yield line(total)
    if tally.group_by is not None:
        yield "\n"
        yield from _aligned(*group_table(tally))
    yield from _budget_and_problems(tally)


def _budget_and_problems(tally: CostTally) -> Iterator[str]:
    within = tally.budget_line() if tally.budget is not None and not tally.over_budget else None
    yield "".join(f"{problem}\n" for problem in ([within] if within else []) + tally.problems)


def _aligned(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    """A small table (the groups) in columns as wide as their widest cell."""
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    for cells in (header, *rows):
        yield "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() + "\n"
