"""markdown: a table row per matched task, then the summary as a list (for a pull-request comment)."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.text import markdown_text
from seedance_lint.cost.reconcile import Reconciliation
from seedance_lint.reporters.reconcile.base import row_fields, summary_lines
from seedance_lint.reporters.reconcile.table import cells

_HEAD = ("taskUUID", "size", "duration", "estimate", "low", "high", "billed", "diff", "diff %", "within")


def _row(values: tuple[str, ...]) -> str:
    return "| " + " | ".join(map(markdown_text, values)) + " |\n"


def stream(rec: Reconciliation) -> Iterator[str]:
    yield "## Billed against estimated\n\n" + _row(_HEAD) + "|" + "---|" * len(_HEAD) + "\n"
    for row in rec:
        yield _row(cells(row_fields(row)))
    yield "\n" + "".join(f"- {markdown_text(line)}\n" for line in summary_lines(rec))
