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
    }


def estimate_cells(e: Estimate) -> tuple[str, ...]:
    size = f"{e.width}x{e.height}" if e.width else " ".join(x for x in (e.resolution, e.aspect_ratio) if x) or "?"
    span = f"{e.low:f}-{e.high:f}" if e.priced and e.low != e.high else ""
    duration = f"{e.duration:f}s" if e.duration is not None else "?"
    cost = f"{e.cost:f}" if e.priced else "unpriced"
    basis = e.basis if e.priced else f"{e.basis}: {e.reason}"
    return (size, duration, str(e.number_results or "?"), cost, span, basis)


def total_cells(tally: CostTally) -> tuple[str, ...]:
    span = f"{tally.low:f}-{tally.high:f}" if tally.low != tally.high else ""
    return ("TOTAL", "", "", "", "", f"{tally.total:f}", span, tally.currency)
