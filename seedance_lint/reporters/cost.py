"""Reporters for `cost`: table (terminal), markdown (PR comment), csv (spreadsheet), json.

json, csv and markdown are written as the tasks are priced (a million-task
batch never sits in memory); the table needs every row to size its columns.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice
from typing import NamedTuple
from decimal import Decimal

from seedance_lint.costing import ZERO, Estimate
from seedance_lint.engine import printable

#: Problems listed one by one; past this many a batch reports only how many more there are.
PROBLEMS_SHOWN = 100


class PricedTask(NamedTuple):  # one per task of a batch: a tuple is the cheapest to build
    """A priced task: its taskUUID, and its estimate without it (shared by the tasks priced alike)."""

    file: str
    task: int
    uuid: str | None
    template: Estimate

    @property
    def estimate(self) -> Estimate:
        return self.template if self.uuid is None else self.template._replace(task_uuid=self.uuid)


class CostTally:
    """Priced tasks as they come, with the totals and the budget problems accumulated on the way.

    ``items`` holds priced tasks and, as strings, files that could not be read.
    Totals and problems are final once the tally has been iterated.
    """

    def __init__(self, currency: str, items: Iterable[PricedTask | str],
                 budget: Decimal | None = None, max_task: Decimal | None = None, quantum: Decimal = ZERO) -> None:
        self.currency = currency
        self._items = items
        self.budget, self.max_task = budget, max_task
        self.total = self.low = self.high = ZERO.quantize(quantum) if quantum else ZERO  # "0.00000", not "0"
        self._problems: list[str] = []
        self._more = 0  # problems past PROBLEMS_SHOWN: counted, not kept

    def __iter__(self) -> Iterator[PricedTask]:
        for item in self._items:
            if isinstance(item, str):
                self._note(item)
                continue
            self._count(item)
            yield item

    def _count(self, row: PricedTask) -> None:
        e = row.template
        if not e.priced:
            self._note(f"{printable(row.file)}: task {row.task} cannot be priced: {e.reason}")
            return
        self.total, self.low, self.high = self.total + e.cost, self.low + e.low, self.high + e.high
        if self.max_task is not None and e.high > self.max_task:
            self._note(f"{printable(row.file)}: task {row.task} may cost {e.high:f} {self.currency}, "
                       f"over --max-task-cost {self.max_task:f}")

    def _note(self, problem: str) -> None:
        if len(self._problems) < PROBLEMS_SHOWN:
            self._problems.append(problem)
        else:
            self._more += 1

    @property
    def problems(self) -> list[str]:
        over = self.budget is not None and self.high > self.budget
        budget = [f"the total may reach {self.high:f} {self.currency} (high end), over --budget {self.budget:f}"] if over else []
        more = [f"... and {self._more} more problems like these"] if self._more else []
        return self._problems + more + budget


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


class _PerEstimate:
    """What a format renders of an estimate, made once per estimate object.

    Tasks priced alike share one estimate object (costing.price), so a batch
    renders a few; the file, task index and taskUUID are rendered per row.
    Entries hold their estimate, so an id is never reused while cached.
    """

    LIMIT = 16384  # as costing.MEMO_LIMIT

    def __init__(self, render: Callable[[Estimate], object]) -> None:
        self._render = render
        self._done: dict[int, tuple[Estimate, object]] = {}

    def __call__(self, estimate: Estimate) -> object:
        found = self._done.get(id(estimate))
        if found is None:
            if len(self._done) >= self.LIMIT:
                self._done.clear()
            found = self._done[id(estimate)] = (estimate, self._render(estimate))
        return found[1]


def _printable(text: str) -> str:
    return text if text.isascii() and text.isprintable() else printable(text)


def task_fields(row: PricedTask) -> dict[str, object]:
    uuid = None if row.uuid is None else _printable(row.uuid)  # user text: never raw control characters
    return {"file": printable(row.file), "task": row.task, "taskUUID": uuid, **estimate_fields(row.template)}


def estimate_fields(e: Estimate) -> dict[str, object]:
    return {
        "width": e.width, "height": e.height, "resolution": e.resolution, "aspectRatio": e.aspect_ratio,
        "duration": None if e.duration is None else f"{e.duration:f}", "numberResults": e.number_results,
        "cost": _money(e.cost), "low": _money(e.low), "high": _money(e.high), "basis": e.basis, "reason": e.reason,
    }


def _json_head(row: PricedTask) -> str:
    """json.dumps of task_fields up to the estimate's members."""
    uuid = row.uuid
    plain = uuid is not None and uuid.isascii() and uuid.isprintable() and '"' not in uuid and "\\" not in uuid
    quoted = f'"{uuid}"' if plain else json.dumps(None if uuid is None else printable(uuid), ensure_ascii=False)
    return f'{{"file": {_json_file(row.file)}, "task": {row.task}, "taskUUID": {quoted}, '


@lru_cache(maxsize=64)
def _json_file(file: str) -> str:
    return json.dumps(printable(file), ensure_ascii=False)


def stream_json(tally: CostTally) -> Iterator[str]:
    tail = _PerEstimate(lambda e: json.dumps(estimate_fields(e), ensure_ascii=False)[1:])
    yield '{\n  "currency": ' + json.dumps(tally.currency) + ',\n  "tasks": ['
    separator = "\n"
    for rows in _blocks(tally):
        yield separator + ",\n".join(["    " + _json_head(row) + tail(row.template) for row in rows])
        separator = ",\n"
    closing = {"total": _money(tally.total), "low": _money(tally.low), "high": _money(tally.high),
               "problems": tally.problems}
    yield ("\n  " if separator == ",\n" else "") + "],\n"
    yield ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in closing.items()) + "\n}\n"


CSV_COLUMNS = ("file", "task", "taskUUID", "width", "height", "resolution", "aspectRatio", "duration",
               "numberResults", "cost", "low", "high", "basis", "reason")


def _csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _csv_head(row: PricedTask) -> str:
    """The file, task and taskUUID cells of a row, with the comma that follows."""
    uuid = row.uuid
    file, uuid = printable(row.file), None if uuid is None else _printable(uuid)
    if any(c in text for text in (file, uuid or "") for c in ',"\r\n') or file == "" or uuid == "":
        return _csv_line([file, row.task, uuid])[:-1] + ","
    return f"{file},{row.task},{uuid or ''},"


def stream_csv(tally: CostTally) -> Iterator[str]:
    tail = _PerEstimate(lambda e: _csv_line(estimate_fields(e).values()))
    yield ",".join(CSV_COLUMNS) + "\n"
    for rows in _blocks(tally):
        yield "".join([_csv_head(row) + tail(row.template) for row in rows])


def _blocks(rows: Iterable[PricedTask], size: int = 512) -> Iterator[list[PricedTask]]:
    """Rows in lists of ``size``: one write per block, not per task."""
    rows = iter(rows)
    return iter(lambda: list(islice(rows, size)), [])


TABLE_COLUMNS = ("file", "task", "size", "duration", "n", "cost", "range", "basis")


def _cells(row: PricedTask, rest: Callable[[Estimate], tuple[str, ...]] | None = None) -> tuple[str, ...]:
    return (printable(row.file), str(row.task), *(rest or _estimate_cells)(row.template))


def _estimate_cells(e: Estimate) -> tuple[str, ...]:
    size = f"{e.width}x{e.height}" if e.width else " ".join(x for x in (e.resolution, e.aspect_ratio) if x) or "?"
    span = f"{e.low:f}-{e.high:f}" if e.priced and e.low != e.high else ""
    duration = f"{e.duration:f}s" if e.duration is not None else "?"
    cost = f"{e.cost:f}" if e.priced else "unpriced"
    basis = e.basis if e.priced else f"{e.basis}: {e.reason}"
    return (size, duration, str(e.number_results or "?"), cost, span, basis)


def _total_cells(tally: CostTally) -> tuple[str, ...]:
    span = f"{tally.low:f}-{tally.high:f}" if tally.low != tally.high else ""
    return ("TOTAL", "", "", "", "", f"{tally.total:f}", span, tally.currency)


def stream_table(tally: CostTally) -> Iterator[str]:
    rest = _PerEstimate(_estimate_cells)
    rows = [TABLE_COLUMNS, *(_cells(r, rest) for r in tally), _total_cells(tally)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    yield "\n".join(lines + tally.problems) + "\n"


def stream_markdown(tally: CostTally) -> Iterator[str]:
    yield "| " + " | ".join(TABLE_COLUMNS) + " |\n|" + "---|" * len(TABLE_COLUMNS) + "\n"
    rest = _PerEstimate(lambda e: " | ".join(c.replace("|", "\\|") for c in _estimate_cells(e)))
    for row in tally:
        head = " | ".join(c.replace("|", "\\|") for c in (printable(row.file), str(row.task)))
        yield f"| {head} | {rest(row.template)} |\n"
    total = _total_cells(tally)
    yield f"| **{total[0]}** | | | | | **{total[5]}** | {total[6]} | {total[7]} |\n"
    yield "".join(f"\n> {problem}\n" for problem in tally.problems)


COST_REPORTERS: dict[str, Callable[[CostTally], Iterator[str]]] = {
    "table": stream_table,
    "markdown": stream_markdown,
    "csv": stream_csv,
    "json": stream_json,
}
