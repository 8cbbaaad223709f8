"""github: a workflow-command annotation on the head's line of each added or changed task, then the totals.

An increase is a warning, a decrease (or no change of price) a notice; a removed task has no line in the head
and is only counted. The budget and the guardrails, when breached, are errors. Escaped as `check --format
github` escapes (reporters/check/github.py), paths relative to the repository's root as GitHub reads them.
"""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.cost.diff import REMOVED, CostDiff, TaskChange
from seedance_lint.reporters.check.github import escape_data, escape_property, relative_to
from seedance_lint.reporters.diff.base import counts_line, delta_cell, headline, price_cell, problems, what_cell

TITLE = "seedance-lint cost diff"


def stream(diff: CostDiff, root: str | None = None) -> Iterator[str]:
    """``root``: the repository's root, where annotation paths start (None: paths as shown)."""
    for change in diff.tasks:
        if change.change != REMOVED and change.head is not None:
            yield _annotation(change, diff.currency, root)
    summary = f"{headline(diff)}; tasks: {counts_line(diff)}"
    yield f"::notice title={escape_property(TITLE)}::{escape_data(summary)}\n"
    for line in diff.head.tally.problems + [g.line(diff.currency) for g in diff.guardrails if g.breached]:
        yield f"::error title={escape_property(TITLE)}::{escape_data(line)}\n"
    for line in problems(diff):
        if line.startswith("base: "):
            yield f"::warning title={escape_property(TITLE)}::{escape_data(line)}\n"


def _annotation(change: TaskChange, currency: str, root: str | None) -> str:
    head = change.head
    assert head is not None  # an added or changed task
    command = "warning" if change.delta.high > 0 else "notice"
    task = f"task {head.task}" + (f" ({head.uuid})" if head.uuid else "")
    message = (
        f"{task} {what_cell(change)}: {price_cell(change.base)} -> {price_cell(head)} {currency} "
        f"({delta_cell(change.delta)})"
    )
    where = f"file={escape_property(relative_to(head.file, root))}" + (f",line={head.line}" if head.line else "")
    return f"::{command} {where},title={escape_property(TITLE)}::{escape_data(message)}\n"
