"""What every cost format shares: money as decimal strings, and an estimate rendered once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from seedance_lint.core.data import MEMO_LIMIT
from seedance_lint.cost.model import Estimate
from seedance_lint.cost.pipeline import CostTally


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


class PerEstimate:
    """What a format renders of an estimate, made once per estimate object.

    Tasks priced alike share one estimate object (costing.price_many), so a
    batch renders a few; the file, task index and taskUUID are rendered per row.
    Entries hold their estimate (in _held), so an id is never reused while cached.
    """

    LIMIT = MEMO_LIMIT

    def __init__(self, render: Callable[[Estimate], object]) -> None:
        self._render = render
        self._held: dict[int, Estimate] = {}
        self._text: dict[int, object] = {}

    def __call__(self, estimate: Estimate) -> object:
        key = id(estimate)
        if key not in self._text:
            if len(self._text) >= self.LIMIT:
                self._held.clear()
                self._text.clear()
            self._held[key], self._text[key] = estimate, self._render(estimate)
        return self._text[key]

    def each(self, estimates: list[Estimate]) -> list:
        """The rendering of each estimate (rendered once per distinct one; equal ones share it)."""
        found = list(map(self._text.get, map(id, estimates)))  # looked up in C: most were rendered before
        if None in found:
            found = [self(e) if text is None else text for text, e in zip(found, estimates, strict=True)]
        return found


def estimate_fields(e: Estimate) -> dict[str, object]:
    return {
        "width": e.width,
        "height": e.height,
        "resolution": e.resolution,
        "aspectRatio": e.aspect_ratio,
        "duration": None if e.duration is None else f"{e.duration:f}",
        "numberResults": e.number_results,
        "cost": money(e.cost),
        "low": money(e.low),
        "high": money(e.high),
        "basis": e.basis,
        "reason": e.reason,
        "count": e.tasks,
        "label": e.label,
    }


def estimate_cells(e: Estimate) -> tuple[str, ...]:
    size = f"{e.width}x{e.height}" if e.width else " ".join(x for x in (e.resolution, e.aspect_ratio) if x) or "?"
    span = f"{e.low:f}-{e.high:f}" if e.priced and e.low != e.high else ""
    duration = f"{e.duration:f}s" if e.duration is not None else "?"
    cost = f"{e.cost:f}" if e.priced else "unpriced"
    basis = e.basis if e.priced else f"{e.basis}: {e.reason}"
    results = str(e.number_results or "?")
    if e.tasks != 1 or e.label is not None:  # a plan line: its label, and count x numberResults videos
        size = f"{e.label}: {size}" if e.label is not None else size
        results = f"{e.tasks}x{results}"
    return (size, duration, results, cost, span, basis)


def total_cells(tally: CostTally) -> tuple[str, ...]:
    span = f"{tally.low:f}-{tally.high:f}" if tally.low != tally.high else ""
    return ("TOTAL", "", "", "", "", f"{tally.total:f}", span, tally.currency)


def key_cell(value: str | int | None) -> str:
    """A group key's value in a cell: "-" where the tasks have none (a request's label, an unpriced size)."""
    return "-" if value is None else str(value)


def group_table(tally: CostTally) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The groups as a table: the header, then a row per group and a TOTAL row (the whole batch).

    One column per --group-by key ("group" when there is none: --summary alone), then tasks, videos, the
    total and its range.
    """
    keys = tally.group_by or ("group",)
    header = (*keys, "tasks", "videos", f"total ({tally.currency})", "range")
    rows = [
        (*map(key_cell, key), str(tasks), str(videos), f"{total:f}", _span(low, high))
        for key, tasks, videos, total, low, high in tally.group_rows()
        if key  # () is the whole batch (--summary alone): the TOTAL row says it
    ]
    blank = ("",) * (len(keys) - 1)
    rows.append(
        ("TOTAL", *blank, str(tally.tasks), str(tally.videos), f"{tally.total:f}", _span(tally.low, tally.high))
    )
    return header, rows


def _span(low: Decimal, high: Decimal) -> str:
    return f"{low:f}-{high:f}" if low != high else ""


def budget_fields(tally: CostTally) -> dict[str, object] | None:
    """The budget outcome for JSON (None: no budget): limit, where it was set, high end, share used, ok."""
    if tally.budget is None:
        return None
    used = tally.budget_used()
    return {
        "limit": money(tally.budget),
        "source": tally.budget_source or "--budget",
        "high": money(tally.high),
        "used": None if used is None else f"{used:f}",
        "ok": not tally.over_budget,
    }
