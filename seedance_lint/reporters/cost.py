"""Reporters for `cost`: table (terminal), markdown (PR comment), csv (spreadsheet), json.

json, csv and markdown are written as the tasks are priced (a million-task
batch never sits in memory); the table needs every row to size its columns.
"""
from __future__ import annotations

import csv
import io
import json
from operator import attrgetter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext

from seedance_lint.costing import ZERO, Estimate
from seedance_lint.data import MEMO_LIMIT
from seedance_lint.engine import printable

#: Problems listed one by one; past this many a batch reports only how many more there are.
PROBLEMS_SHOWN = 100


class PricedRun(NamedTuple):
    """Consecutive tasks of one file, priced: per task its taskUUID and its estimate without it.

    Tasks priced alike share one estimate object (costing.price_many), so a
    format renders a run once per distinct estimate.
    """

    file: str
    first: int  # the task index of the first task, in its file
    uuids: list[str | None]
    estimates: list[Estimate]


class RowBlock(NamedTuple):
    """Consecutive priced tasks of one file, rendered for one format, with their sums and problems.

    The unit of work of `cost`: made here from a PricedRun (render_block), or
    by a worker process (parallel.py) for a block of a large batch. A row's
    text is written around its task index, which a worker does not know yet.
    """

    file: str  # printable
    first: int  # the task index of the first row, in its file
    head: str  # what every row of the block writes before its task index
    rows: list  # per row, what its format writes after the task index (the table: its other cells)
    total: Decimal
    low: Decimal
    high: Decimal
    problems: list[tuple[int, str, str]]  # (row, text before its task index, text after)


#: Sums of money are exact whatever their size: a block's sum then adds up the same way as row by row.
EXACT = Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN)
#: What a format makes of a run: the text before each row's task index, and per row what follows it.
Render = Callable[[PricedRun], tuple[str, list]]


def render_block(run: PricedRun, render: Render, currency: str, max_task: Decimal | None) -> RowBlock:
    """A run of one file rendered by a format's ``render``, with its sums and problems."""
    costs, lows, highs = (list(map(attrgetter(name), run.estimates)) for name in ("cost", "low", "high"))
    unpriced = [offset for offset, cost in enumerate(costs) if cost is None] if None in costs else []
    priced = [offset for offset, cost in enumerate(costs) if cost is not None] if unpriced else None
    if priced is not None:
        costs, lows, highs = ([column[i] for i in priced] for column in (costs, lows, highs))
    with localcontext(EXACT):  # sums in C: most rows are priced
        total, low, high = sum(costs, ZERO), sum(lows, ZERO), sum(highs, ZERO)
    over = [] if max_task is None or max(highs, default=ZERO) <= max_task else _over(run, max_task)
    file = printable(run.file)
    problems = [(offset, f"{file}: task ", _problem(run.estimates[offset], currency, max_task))
                for offset in sorted(unpriced + over)]
    return RowBlock(file, run.first, *render(run), total, low, high, problems)


def _over(run: PricedRun, max_task: Decimal) -> list[int]:
    return [offset for offset, e in enumerate(run.estimates) if e.high is not None and e.high > max_task]


def _problem(e: Estimate, currency: str, max_task: Decimal | None) -> str:
    """What a problem says of a task after its index: it has no price, or may cost more than allowed."""
    if e.cost is None:
        return f" cannot be priced: {e.reason}"
    return f" may cost {e.high:f} {currency}, over --max-task-cost {max_task:f}"


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
            found = [self(e) if text is None else text for text, e in zip(found, estimates)]
        return found


def estimate_fields(e: Estimate) -> dict[str, object]:
    return {
        "width": e.width, "height": e.height, "resolution": e.resolution, "aspectRatio": e.aspect_ratio,
        "duration": None if e.duration is None else f"{e.duration:f}", "numberResults": e.number_results,
        "cost": _money(e.cost), "low": _money(e.low), "high": _money(e.high), "basis": e.basis, "reason": e.reason,
    }


def _plain(text: str) -> bool:
    """Whether a text is written as it is between JSON quotes (true of texts joined when true of each)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def json_rows() -> Render:
    """Rows of json as json.dumps(task_fields(row)) writes them, around their task indices."""
    tail = _PerEstimate(lambda e: json.dumps(estimate_fields(e), ensure_ascii=False)[1:])

    def render(run: PricedRun) -> tuple[str, list[str]]:
        tails, uuids = tail.each(run.estimates), run.uuids
        head = f'{{"file": {_json_file(run.file)}, "task": '
        if None not in uuids and _plain("".join(uuids)):  # the usual run: each taskUUID as it is
            return head, [f', "taskUUID": "{u}", {t}' for u, t in zip(uuids, tails)]
        return head, [f', "taskUUID": {_json_uuid(u)}, {t}' for u, t in zip(uuids, tails)]

    return render


def _json_uuid(uuid: str | None) -> str:
    if uuid is not None and _plain(uuid):
        return f'"{uuid}"'
    return json.dumps(None if uuid is None else printable(uuid), ensure_ascii=False)


@lru_cache(maxsize=64)
def _json_file(file: str) -> str:
    return json.dumps(printable(file), ensure_ascii=False)


def stream_json(tally: CostTally) -> Iterator[str]:
    yield '{\n  "currency": ' + json.dumps(tally.currency) + ',\n  "tasks": ['
    separator = "\n"
    for block in tally:
        first = block.first
        head = block.head
        yield separator + ",\n".join([f"    {head}{first + i}{a}" for i, a in enumerate(block.rows)])
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


def _csv_quoted(text: str) -> str:
    """One cell as the csv module writes it in a row of several (quoted only where it must be)."""
    return _csv_line([text, ""])[:-2]


_csv_cell = lru_cache(maxsize=64)(_csv_quoted)  # a file name, the same for every row of its blocks


def csv_rows() -> Render:
    tail = _PerEstimate(lambda e: _csv_line(estimate_fields(e).values()))

    def render(run: PricedRun) -> tuple[str, list[str]]:
        tails = tail.each(run.estimates)
        uuids = ["" if u is None else u for u in run.uuids]
        if not _csv_plain("".join(uuids)):  # else the usual run: each taskUUID as it is
            uuids = [_csv_quoted(printable(u)) for u in uuids]
        return _csv_cell(printable(run.file)) + ",", [f",{u},{t}" for u, t in zip(uuids, tails)]

    return render


def _csv_plain(text: str) -> bool:
    """Whether a text is a csv cell as it is (true of texts joined when true of each)."""
    return text.isascii() and text.isprintable() and "," not in text and '"' not in text


def stream_csv(tally: CostTally) -> Iterator[str]:
    yield ",".join(CSV_COLUMNS) + "\n"
    for block in tally:
        first, head = block.first, block.head
        yield "".join([f"{head}{first + i}{a}" for i, a in enumerate(block.rows)])


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


def table_rows() -> Render:
    """The cells after the task index: one shared tuple per estimate, so a held row costs a pointer."""
    rest = _PerEstimate(_estimate_cells)
    return lambda run: ("", rest.each(run.estimates))


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


def markdown_rows() -> Render:
    rest = _PerEstimate(lambda e: " | " + " | ".join(c.replace("|", "\\|") for c in _estimate_cells(e)) + " |\n")
    return lambda run: (f"| {printable(run.file).replace('|', chr(92) + '|')} | ", rest.each(run.estimates))


def stream_markdown(tally: CostTally) -> Iterator[str]:
    yield "| " + " | ".join(TABLE_COLUMNS) + " |\n|" + "---|" * len(TABLE_COLUMNS) + "\n"
    for block in tally:
        first, head = block.first, block.head
        yield "".join([f"{head}{first + i}{a}" for i, a in enumerate(block.rows)])
    total = _total_cells(tally)
    yield f"| **{total[0]}** | | | | | **{total[5]}** | {total[6]} | {total[7]} |\n"
    yield "".join(f"\n> {problem}\n" for problem in tally.problems)


class CostFormat(NamedTuple):
    renderer: Callable[[], Render]  # a renderer, with its own cache, for one run of the command
    stream: Callable[[CostTally], Iterator[str]]


COST_REPORTERS: dict[str, CostFormat] = {
    "table": CostFormat(table_rows, stream_table),
    "markdown": CostFormat(markdown_rows, stream_markdown),
    "csv": CostFormat(csv_rows, stream_csv),
    "json": CostFormat(json_rows, stream_json),
}
