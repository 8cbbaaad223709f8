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
from typing import NamedTuple
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext

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


class RowBlock(NamedTuple):
    """Consecutive priced tasks of one file, rendered for one format, with their sums and problems.

    The unit of work of `cost`: made here from PricedTasks (render_block), or
    by a worker process (parallel.py) for a block of a large batch. A row's
    text is written around its task index, which a worker does not know yet.
    """

    file: str  # printable
    first: int  # the task index of the first row, in its file
    rows: list  # per row, what its format writes around the task index (the table: its other cells)
    total: Decimal
    low: Decimal
    high: Decimal
    problems: list[tuple[int, str, str]]  # (row, text before its task index, text after)


#: Sums of money are exact whatever their size: a block's sum then adds up the same way as row by row.
EXACT = Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN)


def render_block(rows: list[PricedTask], parts: Callable[[PricedTask], object], currency: str,
                 max_task: Decimal | None) -> RowBlock:
    """Consecutive rows of one file for a format, whose ``parts`` renders one row."""
    total = low = high = ZERO
    problems = []
    with localcontext(EXACT):
        for offset, row in enumerate(rows):
            e = row.template
            if e.cost is None:
                problems.append((offset, f"{printable(row.file)}: task ", f" cannot be priced: {e.reason}"))
                continue
            total, low, high = total + e.cost, low + e.low, high + e.high
            if max_task is not None and e.high > max_task:
                problems.append((offset, f"{printable(row.file)}: task ",
                                 f" may cost {e.high:f} {currency}, over --max-task-cost {max_task:f}"))
    return RowBlock(printable(rows[0].file), rows[0].task, [parts(row) for row in rows], total, low, high, problems)


class CostTally:
    """Blocks of priced tasks as they come, with the totals and the budget problems accumulated on the way.

    ``items`` holds RowBlocks and, as strings, files that could not be read.
    Totals and problems are final once the tally has been iterated.
    """

    def __init__(self, currency: str, items: Iterable[RowBlock | str],
                 budget: Decimal | None = None, quantum: Decimal = ZERO) -> None:
        self.currency = currency
        self._items = items
        self.budget = budget
        self.total = self.low = self.high = ZERO.quantize(quantum) if quantum else ZERO  # "0.00000", not "0"
        self._problems: list[str] = []
        self._more = 0  # problems past PROBLEMS_SHOWN: counted, not kept

    def __iter__(self) -> Iterator[RowBlock]:
        for item in self._items:
            if isinstance(item, str):
                self._note(item)
                continue
            with localcontext(EXACT):
                self.total, self.low, self.high = self.total + item.total, self.low + item.low, self.high + item.high
            for offset, before, after in item.problems:
                self._note(f"{before}{item.first + offset}{after}")
            yield item

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


def estimate_fields(e: Estimate) -> dict[str, object]:
    return {
        "width": e.width, "height": e.height, "resolution": e.resolution, "aspectRatio": e.aspect_ratio,
        "duration": None if e.duration is None else f"{e.duration:f}", "numberResults": e.number_results,
        "cost": _money(e.cost), "low": _money(e.low), "high": _money(e.high), "basis": e.basis, "reason": e.reason,
    }


def json_parts() -> Callable[[PricedTask], tuple[str, str]]:
    """A row of json as json.dumps(task_fields(row)) writes it, around its task index."""
    tail = _PerEstimate(lambda e: json.dumps(estimate_fields(e), ensure_ascii=False)[1:])

    def parts(row: PricedTask) -> tuple[str, str]:
        uuid = row.uuid
        plain = uuid is not None and uuid.isascii() and uuid.isprintable() and '"' not in uuid and "\\" not in uuid
        quoted = f'"{uuid}"' if plain else json.dumps(None if uuid is None else printable(uuid), ensure_ascii=False)
        return f'{{"file": {_json_file(row.file)}, "task": ', f', "taskUUID": {quoted}, {tail(row.template)}'

    return parts


@lru_cache(maxsize=64)
def _json_file(file: str) -> str:
    return json.dumps(printable(file), ensure_ascii=False)


def stream_json(tally: CostTally) -> Iterator[str]:
    yield '{\n  "currency": ' + json.dumps(tally.currency) + ',\n  "tasks": ['
    separator = "\n"
    for block in tally:
        first = block.first
        yield separator + ",\n".join([f"    {b}{first + i}{a}" for i, (b, a) in enumerate(block.rows)])
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


@lru_cache(maxsize=64)
def _csv_cell(text: str) -> str:
    """One cell as the csv module writes it in a row of several (quoted only where it must be)."""
    return _csv_line([text, ""])[:-2]


def csv_parts() -> Callable[[PricedTask], tuple[str, str]]:
    tail = _PerEstimate(lambda e: _csv_line(estimate_fields(e).values()))

    def parts(row: PricedTask) -> tuple[str, str]:
        uuid = "" if row.uuid is None else _printable(row.uuid)
        if any(c in uuid for c in ',"\r\n'):
            uuid = _csv_line([uuid, ""])[:-2]
        return _csv_cell(printable(row.file)) + ",", f",{uuid},{tail(row.template)}"

    return parts


def stream_csv(tally: CostTally) -> Iterator[str]:
    yield ",".join(CSV_COLUMNS) + "\n"
    for block in tally:
        first = block.first
        yield "".join([f"{b}{first + i}{a}" for i, (b, a) in enumerate(block.rows)])


TABLE_COLUMNS = ("file", "task", "size", "duration", "n", "cost", "range", "basis")


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


def table_parts() -> Callable[[PricedTask], tuple[str, ...]]:
    """The cells after the task index: one shared tuple per estimate, so a held row costs a pointer."""
    rest = _PerEstimate(_estimate_cells)
    return lambda row: rest(row.template)


def stream_table(tally: CostTally) -> Iterator[str]:
    """Columns as wide as their widest cell: every row is held until all are seen, as a pointer to its
    cells (equal cells are one tuple), so a million-task batch stays within the memory of the others."""
    blocks, widths, known = [], [len(name) for name in TABLE_COLUMNS], {}
    for block in tally:
        widths[0] = max(widths[0], len(block.file))
        widths[1] = max(widths[1], len(str(block.first + len(block.rows) - 1)))
        blocks.append(block._replace(rows=[known.setdefault(cells, cells) for cells in block.rows]))  # held once
    for cells in known:
        widths[2:] = map(max, widths[2:], map(len, cells))
    total = _total_cells(tally)
    widths = [max(width, len(cell)) for width, cell in zip(widths, total)]

    def line(cells: Iterable[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip() + "\n"

    yield line(TABLE_COLUMNS)
    for block in blocks:
        yield "".join([line((block.file, str(block.first + i), *cells)) for i, cells in enumerate(block.rows)])
    yield line(total) + "".join(f"{problem}\n" for problem in tally.problems)


def markdown_parts() -> Callable[[PricedTask], tuple[str, str]]:
    rest = _PerEstimate(lambda e: " | ".join(c.replace("|", "\\|") for c in _estimate_cells(e)))
    return lambda row: (f"| {printable(row.file).replace('|', chr(92) + '|')} | ", f" | {rest(row.template)} |\n")


def stream_markdown(tally: CostTally) -> Iterator[str]:
    yield "| " + " | ".join(TABLE_COLUMNS) + " |\n|" + "---|" * len(TABLE_COLUMNS) + "\n"
    for block in tally:
        first = block.first
        yield "".join([f"{b}{first + i}{a}" for i, (b, a) in enumerate(block.rows)])
    total = _total_cells(tally)
    yield f"| **{total[0]}** | | | | | **{total[5]}** | {total[6]} | {total[7]} |\n"
    yield "".join(f"\n> {problem}\n" for problem in tally.problems)


class CostFormat(NamedTuple):
    parts: Callable[[], Callable[[PricedTask], object]]  # a row renderer, with its own cache, for one run
    stream: Callable[[CostTally], Iterator[str]]


COST_REPORTERS: dict[str, CostFormat] = {
    "table": CostFormat(table_parts, stream_table),
    "markdown": CostFormat(markdown_parts, stream_markdown),
    "csv": CostFormat(csv_parts, stream_csv),
    "json": CostFormat(json_parts, stream_json),
}
