"""markdown: a pull-request comment or a GitHub step summary, within the 1 MiB a step summary holds.

The totals, the budget and the groups come first; the rows follow folded in
<details>, held only up to the size limit and cut there with a count of the
tasks left out, so a million-task batch neither fills memory nor the summary.
"""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.text import markdown_text
from seedance_lint.cost.pipeline import CostTally, Render
from seedance_lint.reporters.cost.base import PerEstimate, estimate_cells, group_table
from seedance_lint.reporters.cost.table import TABLE_COLUMNS

#: GitHub's limit for one step summary ($GITHUB_STEP_SUMMARY): the whole output stays within it.
STEP_SUMMARY_BYTES = 1024 * 1024
#: Room kept for the line that says how many rows were cut, and the closing of <details>.
CUT_NOTE_BYTES = 256


def rows() -> Render:
    rest = PerEstimate(lambda e: " | " + " | ".join(map(markdown_text, estimate_cells(e))) + " |\n")
    return lambda run: (f"| {markdown_text(run.file)} | ", rest.each(run.estimates))


def stream(tally: CostTally) -> Iterator[str]:
    held: list[str] = []  # row lines, up to STEP_SUMMARY_BYTES of them: the rest are only counted
    size = 0
    for block in tally:
        if tally.summary or size > STEP_SUMMARY_BYTES:
            continue
        first, head = block.first, block.head
        for i, after in enumerate(block.rows):
            line = f"{head}{first + i}{after}"
            size += len(line.encode())
            held.append(line)
            if size > STEP_SUMMARY_BYTES:
                break
    top = _top(tally)
    bottom = "".join(f"\n> {_cell(problem)}\n" for problem in tally.task_problems)
    yield top
    if not tally.summary:
        room = STEP_SUMMARY_BYTES - len(top.encode()) - len(bottom.encode()) - CUT_NOTE_BYTES
        yield from _folded(held, tally.rows, room)
    yield bottom


def _top(tally: CostTally) -> str:
    """The totals, the budget and the groups (or the totals alone, as a one-row table)."""
    span = f" (range {tally.low:f}-{tally.high:f})" if tally.low != tally.high else ""
    tasks = "task" if tally.tasks == 1 else "tasks"
    text = f"**Total: {tally.total:f} {tally.currency}**{span} for {tally.tasks} {tasks}\n"
    if tally.budget is not None:
        mark = "over budget" if tally.over_budget else "within budget"
        text += f"\n> **{mark}**: {_cell(tally.budget_line() or '')}\n"
    if tally.group_by is not None:
        header, cells = group_table(tally)
        text += "\n" + _row(header) + "|" + "---|" * len(header) + "\n" + "".join(map(_row, cells))
    return text


def _folded(held: list[str], rows: int, room: int) -> Iterator[str]:
    """The rows in <details>, as many whole lines as fit ``room`` bytes, then how many were left out
    (``rows``: one a task of a request file or a line of a plan)."""
    header = "| " + " | ".join(TABLE_COLUMNS) + " |\n|" + "---|" * len(TABLE_COLUMNS) + "\n"
    opening = f"\n<details><summary>{rows} {'row' if rows == 1 else 'rows'}</summary>\n\n"
    used, shown = len(opening) + len(header), 0
    for line in held:
        used += len(line.encode())
        if used > room:
            break
        shown += 1
    yield opening + header + "".join(held[:shown])
    if shown < rows:
        yield f"\n_... and {rows - shown} more rows not shown: a step summary holds 1 MiB_\n"
    yield "\n</details>\n"


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(map(_cell, cells)) + " |\n"


def _cell(text: str) -> str:
    return markdown_text(text)
