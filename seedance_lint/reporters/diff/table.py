"""table: the totals, then the tasks that changed and the files, in aligned columns, for a terminal."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.text import printable
from seedance_lint.cost.diff import CostDiff
from seedance_lint.reporters.diff.base import (
    counts_line,
    delta_cell,
    headline,
    price_cell,
    problems,
    ranges_line,
    size_cell,
    verdicts,
    what_cell,
)

TASK_COLUMNS = ("file", "task", "taskUUID", "change", "base", "head", "size", "delta")
FILE_COLUMNS = ("file", "added", "removed", "changed", "unchanged", "base", "head", "delta")


def stream(diff: CostDiff, root: str | None = None) -> Iterator[str]:  # one signature for all formats
    yield f"{headline(diff)}\n{ranges_line(diff)}\ntasks: {counts_line(diff)}\n"
    if diff.tasks:
        yield "\n"
        rows: list[tuple[str, ...]] = [
            (
                printable(c.record.file),
                str(c.record.task),
                printable(c.record.uuid or "-"),
                what_cell(c),
                price_cell(c.base),
                price_cell(c.head),
                size_cell(c.head or c.base),
                delta_cell(c.delta),
            )
            for c in diff.tasks
        ]
        yield from aligned(TASK_COLUMNS, rows)
    if diff.files:
        yield "\n"
        yield from aligned(
            FILE_COLUMNS,
            [
                (
                    printable(f.file),
                    *(str(f.counts[k]) for k in ("added", "removed", "changed", "unchanged")),
                    f"{f.base.total:f}",
                    f"{f.head.total:f}",
                    delta_cell(f.delta),
                )
                for f in diff.files
            ],
        )
    notes = verdicts(diff) + problems(diff)
    if notes:
        yield "\n" + "".join(f"{printable(note)}\n" for note in notes)


def aligned(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Iterator[str]:
    """Columns as wide as their widest cell."""
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    for cells in (header, *rows):
        yield "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() + "\n"
