"""markdown: a pull-request comment that always fits one GitHub comment (65,536 characters).

The head's total, the delta and its percentage, the budget used and the guardrails come first; then the
biggest changes (by the change of the total) and the files, folded in <details>. Every cell is cut to
CELL_CHARS before it is escaped, so a row has a bounded size; rows are added while they fit, and what did not
fit is counted ("N rows left out"), so the cap holds whatever the size of the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from seedance_lint.core.text import markdown_text, printable
from seedance_lint.cost.diff import CostDiff, FileChange, TaskChange
from seedance_lint.reporters.diff.base import (
    biggest_first,
    counts_line,
    delta_cell,
    price_cell,
    problems,
    signed,
    signed_percent,
    size_cell,
    verdicts,
    what_cell,
)

#: GitHub's limit for the body of one comment, in characters.
COMMENT_CHARS = 65_536
#: The first line: a hidden marker by which a workflow finds its previous comment to update it.
MARKER = "<!-- seedance-lint cost diff -->"
#: A cell's text is cut to this many characters (before escaping: at most 5 each, "&amp;").
CELL_CHARS = 80
#: Problems listed at the top; past this many they are counted.
PROBLEMS_LISTED = 20
#: The share of the room left for rows that the files' table may take (the biggest changes take the rest).
FILES_SHARE = 4
TASK_HEADER = (
    "| change | file | task | taskUUID | size | base | head | delta |\n|---|---|---:|---|---|---:|---:|---:|\n"
)
FILE_HEADER = (
    "| file | added | removed | changed | unchanged | base | head | delta |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
)
#: Room kept for a section's opening, closing and "left out" note (their text is short and fixed).
SECTION_CHARS = 400
T = TypeVar("T")


def stream(diff: CostDiff, root: str | None = None) -> Iterator[str]:  # one signature for all formats
    yield render(diff)


def render(diff: CostDiff, limit: int = COMMENT_CHARS) -> str:
    """The comment, at most ``limit`` characters."""
    top = _top(diff)
    room = limit - len(top) - 2 * SECTION_CHARS
    file_rows, files_left = _fitting(diff.files, _file_row, room // FILES_SHARE)
    room -= sum(map(len, file_rows))
    task_rows, tasks_left = _fitting(biggest_first(diff), _task_row, room)
    parts = [top]
    if diff.tasks:
        listed = len(diff.tasks) - tasks_left
        summary = f"Biggest changes: {listed} of {len(diff.tasks)} tasks that changed"
        parts.append(_section(summary, TASK_HEADER, task_rows, tasks_left, "the smallest changes"))
    if diff.files:
        listed = len(diff.files) - files_left
        summary = f"Files: {listed} of {len(diff.files)}"
        parts.append(_section(summary, FILE_HEADER, file_rows, files_left, "in order of place"))
    return "".join(parts)


def _top(diff: CostDiff) -> str:
    b, h, d = diff.base.money, diff.head.money, diff.delta
    currency = diff.currency
    lines = [
        MARKER,
        f"### Seedance cost: {h.total:f} {currency} ({signed(d.total)} {currency}, {signed_percent(diff.percent)})",
        "",
        f"| {currency} | base | head | delta |",
        "|---|---:|---:|---:|",
        f"| total | {b.total:f} | {h.total:f} | {signed(d.total)} ({signed_percent(diff.percent)}) |",
        f"| low | {b.low:f} | {h.low:f} | {signed(d.low)} |",
        f"| high | {b.high:f} | {h.high:f} | {signed(d.high)} |",
        "",
        f"Tasks: {counts_line(diff)}.",
    ]
    used = diff.head.tally.budget_used()
    if used is not None:
        lines += ["", f"Budget used: **{(used * 100).normalize():f}%** (high end of the head's total)."]
    said = verdicts(diff)
    if said:
        lines += ["", *(f"- {_cut(v, 4 * CELL_CHARS)}" for v in said)]
    found = problems(diff)
    if found:
        lines += ["", "**Problems** (the head's fail the check; the base's are for information):"]
        lines += [f"- {_cut(p, 4 * CELL_CHARS)}" for p in found[:PROBLEMS_LISTED]]
        if len(found) > PROBLEMS_LISTED:
            lines.append(f"- ... and {len(found) - PROBLEMS_LISTED} more")
    return "\n".join(lines) + "\n\n"


def _cut(text: str, chars: int = CELL_CHARS) -> str:
    """Text for markdown: one line, at most ``chars`` characters before escaping, its syntax escaped."""
    text = printable(text)
    return markdown_text(text if len(text) <= chars else text[: chars - 1] + "…")


def _task_row(change: TaskChange) -> str:
    r = change.record
    cells = (
        what_cell(change),
        _cut(r.file),
        str(r.task),
        _cut(r.uuid or "-"),
        _cut(size_cell(change.head or change.base)),
        price_cell(change.base),
        price_cell(change.head),
        delta_cell(change.delta),
    )
    return "| " + " | ".join(cells) + " |\n"


def _file_row(f: FileChange) -> str:
    counts = (str(f.counts[k]) for k in ("added", "removed", "changed", "unchanged"))
    return f"| {_cut(f.file)} | {' | '.join(counts)} | {f.base.total:f} | {f.head.total:f} | {delta_cell(f.delta)} |\n"


def _fitting(items: Sequence[T], row: Callable[[T], str], room: int) -> tuple[list[str], int]:
    """The rows of the first items that fit in ``room`` characters, and how many items did not (not rendered)."""
    kept: list[str] = []
    for item in items:
        text = row(item)
        if len(text) > room:
            break
        room -= len(text)
        kept.append(text)
    return kept, len(items) - len(kept)


def _section(summary: str, header: str, rows: list[str], left: int, which: str) -> str:
    note = f"\n_{left} rows left out ({which}): `--format json` lists every one._\n" if left else ""
    return f"<details><summary>{summary}</summary>\n\n{header}{''.join(rows)}{note}\n</details>\n\n"
