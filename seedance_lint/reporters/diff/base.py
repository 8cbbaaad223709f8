"""What every `cost diff` format shares: signed money, a task's side and change in words, the summary lines."""

from __future__ import annotations

from decimal import Decimal

from seedance_lint.core.text import printable
from seedance_lint.cost.diff import ADDED, CHANGED, REMOVED, UNCHANGED, CostDiff, Money, TaskChange, TaskRecord
from seedance_lint.reporters.cost.base import estimate_cells, estimate_fields, money


def signed(value: Decimal) -> str:
    """A delta with its sign: "+0.12000", "-0.12000", "0.00000"."""
    return f"+{value:f}" if value > 0 else f"{value:f}" if value < 0 else f"{abs(value):f}"


def signed_percent(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{signed(value)}%"


def money_fields(amounts: Money) -> dict[str, str | None]:
    return {"total": money(amounts.total), "low": money(amounts.low), "high": money(amounts.high)}


def side_fields(record: TaskRecord | None) -> dict[str, object] | None:
    """A task's side in JSON: where it is, then its estimate as `cost --format json` writes it."""
    if record is None:
        return None
    where: dict[str, object] = {"file": printable(record.file), "task": record.task}
    if record.line:
        where["line"] = record.line
    return where | estimate_fields(record.estimate)


def price_cell(record: TaskRecord | None) -> str:
    """A side's price in a cell: cost (and range), or "-" when the task is not on that side."""
    if record is None:
        return "-"
    _, _, _, cost, span, _ = estimate_cells(record.estimate)
    return f"{cost} ({span})" if span else cost


def size_cell(record: TaskRecord | None) -> str:
    if record is None:
        return "-"
    size, duration, count, *_ = estimate_cells(record.estimate)
    return f"{size} {duration} x{count}"


def what_cell(change: TaskChange) -> str:
    """What changed, in words: the fields of a changed task, else the kind of change."""
    if change.change == CHANGED:
        return f"changed: {', '.join(change.what)}"
    return change.change


def delta_cell(amounts: Money) -> str:
    span = f" ({signed(amounts.low)}..{signed(amounts.high)})" if amounts.low != amounts.high else ""
    return f"{signed(amounts.total)}{span}"


def headline(diff: CostDiff) -> str:
    """One sentence: the head's total, the delta and its percentage."""
    head = diff.head.money
    return (
        f"cost {head.total:f} {diff.currency}: {signed(diff.delta.total)} {diff.currency} "
        f"({signed_percent(diff.percent)}) from {diff.base.money.total:f}"
    )


def counts_line(diff: CostDiff) -> str:
    c = diff.counts
    return f"{c[ADDED]} added, {c[REMOVED]} removed, {c[CHANGED]} changed, {c[UNCHANGED]} unchanged"


def ranges_line(diff: CostDiff) -> str:
    b, h, d = diff.base.money, diff.head.money, diff.delta
    return (
        f"range: base {b.low:f}-{b.high:f}, head {h.low:f}-{h.high:f}, "
        f"delta {signed(d.low)}..{signed(d.high)} {diff.currency}"
    )


def verdicts(diff: CostDiff) -> list[str]:
    """The budget (on the head's total) and each guardrail, one sentence each."""
    budget = diff.head.tally.budget_line()
    return ([budget] if budget else []) + [g.line(diff.currency) for g in diff.guardrails]


def problems(diff: CostDiff) -> list[str]:
    """Each side's problems of files and tasks, named by side (the head's fail the run; the base's do not)."""
    return [f"base: {p}" for p in diff.base.tally.task_problems] + [f"head: {p}" for p in diff.head.tally.task_problems]


def biggest_first(diff: CostDiff) -> list[TaskChange]:
    """The listed tasks, the largest change of the total first (then of the high end), ties in file order."""
    return sorted(diff.tasks, key=lambda c: (-abs(c.delta.total), -abs(c.delta.high)))
