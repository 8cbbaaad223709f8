"""The cost pipeline: request files to priced runs of tasks, rendered blocks and running totals.

One pipeline for the serial and the parallel paths: a file's documents are
priced a run of tasks at a time (tasks priced alike share one estimate), a
format's renderer turns each run into a RowBlock, and CostTally sums the
blocks and notes the problems as they stream past. The formats themselves
are in reporters/cost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from functools import cache
from operator import attrgetter
from typing import NamedTuple, overload

from seedance_lint.core.data import MEMO_LIMIT, ModelSpec, model_spec
from seedance_lint.core.executor import AHEAD_PER_WORKER, ExecutorLike, in_order
from seedance_lint.core.text import printable
from seedance_lint.cost.model import ZERO, Estimate, price_many
from seedance_lint.cost.plans import price_plan
from seedance_lint.cost.table import price_table
from seedance_lint.input.documents import EMPTY_JSONL, Document, Loaded, Problem
from seedance_lint.input.jsonl import (
    BLOCK_BYTES,
    MIN_BYTES,
    FileBlocks,
    ValueRun,
    load_values,
    split_lines,
    splits,
    value_items_from,
)
from seedance_lint.input.plans import line_values
from seedance_lint.input.sources import PLAN_SUFFIXES, Source
from seedance_lint.input.tasks import Skipped, TaskRef, looks_like_request, mentions_model, select

#: Problems listed one by one; past this many a batch reports only how many more there are.
PROBLEMS_SHOWN = 100

#: What `cost --group-by` groups tasks by. A request has no label (the API takes no metadata member): null.
GROUP_KEYS = ("file", "resolution", "aspectRatio", "duration", "numberResults", "label")
#: A group's key: its value of each --group-by key, in the order given (() for the whole batch).
GroupKey = tuple[str | int | None, ...]
#: budget.used in JSON: a fraction to four places (0.4215 is 42.15 % of the budget).
USED_QUANTUM = Decimal("0.0001")


class PricedRun(NamedTuple):
    """Consecutive tasks of one file, priced: per task its taskUUID and its estimate without it.

    Tasks priced alike share one estimate object (costing.price_many), so a
    format renders a run once per distinct estimate.
    """

    file: str
    first: int  # the task index of the first task, in its file
    uuids: list[str | None]
    estimates: list[Estimate]
    #: Per task, the 1-based line where it starts in its file (read only by the formats that show it).
    lines: Sequence[int]
    #: A plan's lines (input/plans.py): each estimate stands for its count of tasks (Estimate.tasks).
    plan: bool = False


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
    #: The tasks the rows stand for, when not one a row (a plan's lines: the sum of their counts).
    tasks: int | None = None


class GroupSums(NamedTuple):
    """[tasks, videos, total, low, high] per group of the tasks priced since the last GroupSums (when groups
    are asked for): a unit of work (the serial files, a worker's block) ends with one."""

    sums: dict[GroupKey, list]


#: Sums of money are exact whatever their size: a block's sum then adds up the same way as row by row.
EXACT = Context(prec=100, Emax=MAX_EMAX, Emin=MIN_EMIN)


def render_block(
    run: PricedRun, render: Render, currency: str, max_task: Decimal | None, max_source: str | None = None
) -> RowBlock:
    """A run of one file rendered by a format's ``render``, with its sums and problems; ``max_source``, where
    max_task was set."""
    costs, lows, highs = (list(map(attrgetter(name), run.estimates)) for name in ("cost", "low", "high"))
    unpriced = [offset for offset, cost in enumerate(costs) if cost is None] if None in costs else []
    priced = [offset for offset, cost in enumerate(costs) if cost is not None] if unpriced else None
    if priced is not None:
        costs, lows, highs = ([column[i] for i in priced] for column in (costs, lows, highs))
    with localcontext(EXACT):  # sums in C: most rows are priced
        total, low, high = sum(costs, ZERO), sum(lows, ZERO), sum(highs, ZERO)
    if run.plan:  # a line's high end is for all its tasks: _over compares one task's
        over = [] if max_task is None else _over(run, max_task)
    else:
        over = [] if max_task is None or max(highs, default=ZERO) <= max_task else _over(run, max_task)
    file = printable(run.file)
    row = f"{file}: plan line " if run.plan else f"{file}: task "
    problems = [
        (offset, row, _problem(run.estimates[offset], currency, max_task, max_source))
        for offset in sorted(unpriced + over)
    ]
    tasks = sum(map(_TASKS, run.estimates)) if run.plan else None
    return RowBlock(file, run.first, *render(run), total, low, high, problems, tasks)


class GroupCounts:
    """Priced tasks counted into groups: [tasks, videos, total, low, high] per group, in the order first met.
    Unpriced tasks count as tasks (and their videos) but add no money, as in the totals.

    Tasks priced alike share one estimate object (model.price_many), and a batch of 100,000 tasks holds about
    12,000 distinct ones. So tasks are counted by estimate object (in C: ``Counter.update``), and each
    distinct estimate is put in its group once, when the sums are read. Summing a run's tasks into groups
    as it came cost 16-24% of `cost` with `--group-by resolution,duration` (a run of ~180 tasks spans ~150
    groups, and each group's Python overhead was paid per run); counted, it costs under 2% (docs/performance.md).
    """

    def __init__(self, group_by: tuple[str, ...]) -> None:
        self._group_by = group_by
        self._by_file = "file" in group_by
        #: Per file (one entry "" unless grouped by file): how many tasks each estimate object priced.
        self._counts: dict[str, Counter[int]] = {}
        #: The estimates counted, by id: held so that no id is reused while counted.
        self._held: dict[int, Estimate] = {}
        self._sums: dict[GroupKey, list] = {}

    def add(self, file: str, estimates: list[Estimate]) -> None:
        ids = list(map(id, estimates))
        counts = self._counts.setdefault(file if self._by_file else "", Counter())
        counts.update(ids)
        self._held.update(zip(ids, estimates, strict=True))
        if len(self._held) >= MEMO_LIMIT:  # a batch of ever new prices: memory stays bounded
            self._fold()

    def sums(self) -> GroupSums:
        """The sums of the tasks added since the last call (and forgets them)."""
        self._fold()
        sums, self._sums = self._sums, {}
        return GroupSums(sums)

    def _fold(self) -> None:
        """The counted estimates summed into their groups (exactly: see EXACT)."""
        fields = tuple(_ESTIMATE_FIELDS[name] for name in self._group_by if name in _ESTIMATE_FIELDS)
        getter = attrgetter(*fields) if fields else None
        held, sums = self._held, self._sums
        with localcontext(EXACT):
            for file, counts in self._counts.items():
                shown = printable(file)
                keys: dict[tuple, GroupKey] = {}  # the key of each estimate value met: made once
                for ident, count in counts.items():
                    e = held[ident]
                    sub = () if getter is None else getter(e) if len(fields) > 1 else (getter(e),)
                    key = keys.get(sub)
                    if key is None:
                        key = keys[sub] = _group_key(shown, sub, self._group_by)
                    entry = sums.get(key)
                    if entry is None:
                        entry = sums[key] = [0, 0, ZERO, ZERO, ZERO]
                    entry[0] += count * e.tasks  # a plan line's estimate stands for its count of tasks
                    if e.number_results:
                        entry[1] += count * e.tasks * e.number_results
                    if e.cost:  # None (unpriced) and 0 add nothing
                        entry[2] += count * e.cost
                    if e.low:
                        entry[3] += count * e.low
                    if e.high:
                        entry[4] += count * e.high
        self._counts, self._held = {}, {}


#: The estimate field of each --group-by key read from the estimate (file and label are the run's own).
_ESTIMATE_FIELDS = {
    "resolution": "resolution",
    "aspectRatio": "aspect_ratio",
    "duration": "duration",
    "numberResults": "number_results",
    "label": "label",
}
_TASKS = attrgetter("tasks")


def _group_key(file: str, values: tuple, group_by: tuple[str, ...]) -> GroupKey:
    """A group's key in --group-by order: the run's file, the estimate's values (a duration as its decimal
    text; a request's label is None: it has none)."""
    found = iter(values)
    key: list[str | int | None] = []
    for name in group_by:
        if name == "file":
            key.append(file)
        else:
            value = next(found)
            key.append(f"{value:f}" if isinstance(value, Decimal) else value)
    return tuple(key)


def merge_groups(into: dict[GroupKey, list], groups: dict[GroupKey, list]) -> None:
    """Add a unit of work's group sums to running ones (exactly: see EXACT)."""
    with localcontext(EXACT):
        for key, (tasks, videos, total, low, high) in groups.items():
            entry = into.get(key)
            if entry is None:
                into[key] = [tasks, videos, total, low, high]
            else:
                entry[0] += tasks
                entry[1] += videos
                entry[2] += total
                entry[3] += low
                entry[4] += high


def _over(run: PricedRun, max_task: Decimal) -> list[int]:
    """The rows over --max-task-cost: a task's high end above it (for a plan line, one of its tasks')."""
    with localcontext(EXACT):
        return [offset for offset, e in enumerate(run.estimates) if e.high is not None and e.high > max_task * e.tasks]


def _problem(e: Estimate, currency: str, max_task: Decimal | None, max_source: str | None = None) -> str:
    """What a problem says of a task after its index: it has no price, or may cost more than allowed (a plan
    line: each of its tasks)."""
    if e.cost is None:
        return f" cannot be priced: {e.reason}"
    limit = limit_named("max-task-cost", max_task, max_source)
    if e.tasks != 1 and e.high is not None:
        with localcontext(EXACT):
            return f": each of its {e.tasks} tasks may cost {e.high / e.tasks:f} {currency}, over {limit}"
    return f" may cost {e.high:f} {currency}, over {limit}"


def limit_named(setting: str, limit: Decimal | None, source: str | None) -> str:
    """A limit as a message names it, with where it was set: "--budget 2.00" or "budget 2.00 (set in FILE)"."""
    if source is None or source.startswith("--"):
        return f"--{setting} {limit:f}"
    return f"{setting} {limit:f} (set in {source})"


class CostTally:
    """Blocks of priced tasks as they come, with the totals and the budget problems accumulated on the way.

    ``items`` holds RowBlocks, the GroupSums of units of work and, as strings, files that could not be
    read. Totals, groups and problems are final once the tally has been iterated.
    """

    def __init__(
        self,
        currency: str,
        items: Iterable[RowBlock | GroupSums | str],
        budget: Decimal | None = None,
        quantum: Decimal = ZERO,
        budget_source: str | None = None,
        group_by: tuple[str, ...] | None = None,
        summary: bool = False,
    ) -> None:
        self.currency = currency
        self._items = items
        self.budget = budget
        self.budget_source = budget_source
        #: The --group-by keys (None: no groups asked for); with --summary, formats leave out the rows.
        self.group_by = group_by
        self.summary = summary
        self.total = self.low = self.high = self._zero = ZERO.quantize(quantum) if quantum else ZERO  # "0.00000"
        self.tasks = 0  # a plan line counts for its count of tasks
        self.rows = 0  # one a task of a request file, one a line of a plan
        self.groups: dict[GroupKey, list] = {}  # accumulated from the blocks' sums: no row is held for them
        self._problems: list[str] = []
        self._more = 0  # problems past PROBLEMS_SHOWN: counted, not kept

    def __iter__(self) -> Iterator[RowBlock]:
        for item in self._items:
            if isinstance(item, str):
                self._note(item)
                continue
            if isinstance(item, GroupSums):
                merge_groups(self.groups, item.sums)
                continue
            with localcontext(EXACT):
                self.total, self.low, self.high = self.total + item.total, self.low + item.low, self.high + item.high
            self.tasks += len(item.rows) if item.tasks is None else item.tasks
            self.rows += len(item.rows)
            for offset, before, after in item.problems:
                self._note(f"{before}{item.first + offset}{after}")
            yield item

    def group_rows(self) -> list[tuple[GroupKey, int, int, Decimal, Decimal, Decimal]]:
        """(key, tasks, videos, total, low, high) per group, in the order first met; money written to the
        places of the totals ("0.00000" for a group of unpriced tasks, as for the total)."""
        zero = self._zero
        return [
            (key, t, v, total + zero, low + zero, high + zero) for key, (t, v, total, low, high) in self.groups.items()
        ]

    @property
    def videos(self) -> int:
        """Videos of the whole batch (known when groups were summed: --group-by or --summary)."""
        return sum(entry[1] for entry in self.groups.values())

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.high > self.budget

    def budget_used(self) -> Decimal | None:
        """The high end as a fraction of the budget, to four places (None: no budget, or a budget of 0)."""
        if not self.budget:
            return None
        with localcontext(EXACT):
            return (self.high / self.budget).quantize(USED_QUANTUM)

    def budget_line(self) -> str | None:
        """One sentence on the budget, when there is one: how much of it the high end uses, and where it was set."""
        if self.budget is None:
            return None
        named = limit_named("budget", self.budget, self.budget_source)
        if self.over_budget:
            return f"the total may reach {self.high:f} {self.currency} (high end), over {named}"
        used = self.budget_used()
        share = "" if used is None else f" ({(used * 100).normalize():f}% of it)"
        return f"the total may reach {self.high:f} {self.currency} (high end), within {named}{share}"

    def _note(self, problem: str) -> None:
        if len(self._problems) < PROBLEMS_SHOWN:
            self._problems.append(problem)
        else:
            self._more += 1

    @property
    def problems(self) -> list[str]:
        budget = [line] if self.over_budget and (line := self.budget_line()) else []
        return self.task_problems + budget

    @property
    def task_problems(self) -> list[str]:
        """The problems of files and tasks (the budget's aside)."""
        more = [f"... and {self._more} more problems like these"] if self._more else []
        return self._problems + more


#: What a format makes of a run: the text before each row's task index, and per row what follows it.
Render = Callable[[PricedRun], tuple[str, list]]
#: Makes a format's renderer (with its own cache) for one run of the command; a module-level function, so
#: that a block job naming it can be sent to another process.
Renderer = Callable[[], Render]


def cost_blocks(
    sources: list[Source],
    renderer: Renderer,
    currency: str,
    max_task: Decimal | None,
    executor: ExecutorLike | None = None,
    ahead: int = 2 * AHEAD_PER_WORKER,
    min_bytes: int = MIN_BYTES,
    limits: Limits | None = None,
) -> Iterator[RowBlock | GroupSums | str]:
    """The priced tasks of every file, rendered a block at a time, or a problem that stops one; a large JSON
    Lines file in blocks on ``executor``, if given. ``limits``: the groups to sum (then GroupSums follow the
    blocks they sum) and where max_task was set."""
    render, lim = renderer(), limits or NO_LIMITS
    counts = None if lim.group_by is None else GroupCounts(lim.group_by)
    for source in sources:
        if executor is not None and splits(source, min_bytes):
            if counts is not None:  # the groups met so far come first: groups are listed in the order first met
                yield counts.sums()
            yield from _cost_in_blocks(source, renderer, currency, max_task, executor, ahead, lim)
            continue
        yield from _rendered(priced_tasks(source, load_values(source)), render, currency, max_task, lim, counts)
    if counts is not None:
        yield counts.sums()


def _rendered(
    priced: Iterable[PricedRun | str],
    render: Render,
    currency: str,
    max_task: Decimal | None,
    limits: Limits,
    counts: GroupCounts | None,
) -> Iterator[RowBlock | str]:
    """Each priced run rendered (its tasks counted into ``counts``, if given); a problem as it is."""
    for run in priced:
        if isinstance(run, str):
            yield run
            continue
        if counts is not None:
            counts.add(run.file, run.estimates)
        yield render_block(run, render, currency, max_task, limits.max_source)


class Limits(NamedTuple):
    """What a run of `cost` adds to each block beside the format: the groups to sum (None: none), and
    where --max-task-cost was set (for its message)."""

    group_by: tuple[str, ...] | None = None
    max_source: str | None = None


NO_LIMITS = Limits()


def shown_file(name: str) -> str:
    """A file's name as every format of `cost` and `cost diff` shows it: rules.secrets.masked_name, loaded only
    for a name that may hold a credential (a plain `cost` run does not load the rule registry)."""
    if "=" not in name and "@" not in name:  # what redact looks for: the usual name has neither
        return name
    from seedance_lint.rules.secrets import masked_name

    return masked_name(name)


def priced_tasks(
    source: Source, documents: Iterable[Loaded | ValueRun], index: int = 0, mentions: bool | None = None
) -> Iterator[PricedRun | str]:
    """The tasks of ours in the documents (from input.jsonl.load_values), priced, a run at a time; or a problem.

    ``index`` is the task index of the first task in its file; ``mentions``,
    whether the file names our model, when that is known already.
    """
    spec, table, file = model_spec(), price_table(), shown_file(source.display)  # masked once per file or block
    for loaded in documents:
        if isinstance(loaded, Problem):
            if loaded.code == "SDL001" and not source.explicit and not source.plan:  # a plan is ours by its name
                mentions = mentions_model(source, spec) if mentions is None else mentions  # once per file
                if not mentions:
                    continue  # a tsconfig.json with comments among the staged files: nothing to price
            if loaded.code != "SDL006":  # a skipped file (a FIFO found in a walk) has nothing to price
                yield f"{file}:{loaded.position[0]}:{loaded.position[1]}: cannot price: {loaded.message}"
            continue
        if source.plan and isinstance(loaded, Document):
            yield from _plan_runs(source, file, loaded, index, spec)
            index += len(line_values(loaded.value))
            continue
        if isinstance(loaded, ValueRun):
            values, lines = _value_run_tasks(source, loaded, spec)
        else:
            values, lines = _document_tasks(source, loaded, spec)
            if not values and source.explicit:  # a file named to be priced that holds no task: never a silent 0
                yield from _not_requests(file, loaded, spec)
        if values:
            yield PricedRun(file, index, *price_many(values, spec, table), lines)
            index += len(values)


def _plan_runs(source: Source, file: str, document: Document, index: int, spec: ModelSpec) -> Iterator[PricedRun | str]:
    """A plan document's lines as one priced run (no taskUUIDs), after the problems of the plan as a whole;
    ``file``: its name as shown (masked)."""
    priced = price_plan(document.value, spec, price_table())
    for pointer, message in priced.problems:
        line, column = document.positions().nearest(pointer)
        yield f"{file}:{line}:{column}: cannot price the plan: {message}"
    if priced.estimates:
        uuids: list[str | None] = [None] * len(priced.estimates)
        yield PricedRun(file, index, uuids, priced.estimates, TaskLines(document, priced.pointers), True)


def _not_requests(file: str, document: Document, spec: ModelSpec) -> Iterator[str]:
    """What `check` reports as SDL004 in a named file that holds no task (a plan not named as one, say)."""
    value = document.value
    is_plan = type(value) is dict and "plan" in value
    hint = f" A plan is read as one when its name ends in {', '.join(PLAN_SUFFIXES)}." if is_plan else ""
    for item in select(value, spec):
        if isinstance(item, Skipped) and item.code == "SDL004":
            line, column = document.positions().nearest(item.pointer)
            yield f"{file}:{line}:{column}: cannot price: {item.message}{hint}"


def _value_run_tasks(source: Source, run: ValueRun, spec: ModelSpec) -> tuple[list, Sequence[int]]:
    """The tasks of ours in a run of JSON Lines, and the line of each."""
    values, model = run.values, spec.model
    if all(type(v) is dict and v.get("model") == model for v in values):  # one task a line: the usual
        return values, range(run.first_line, run.first_line + len(values))
    tasks, lines = [], []
    for number, value in enumerate(values, run.first_line):
        found = _tasks_in(source, value, spec)
        tasks += found
        lines += [number] * len(found)  # a line holding an array of tasks: each task on it
    return tasks, lines


def _document_tasks(source: Source, document: Document, spec: ModelSpec) -> tuple[list, Sequence[int]]:
    """The tasks of ours in one document, and the line of each (found when a format first asks)."""
    value = document.value
    if type(value) is dict and value.get("model") == spec.model:
        return [value], TaskLines(document, [""])
    if not source.explicit and not looks_like_request(value, spec):
        return [], ()
    refs = [item for item in select(value, spec) if isinstance(item, TaskRef)]
    return [ref.value for ref in refs], TaskLines(document, [ref.pointer for ref in refs])


class TaskLines(Sequence[int]):
    """The line of each task of a document, located on first use: most formats never ask, and locating
    a task in a JSON file orjson read means scanning its text."""

    def __init__(self, document: Document, pointers: list[str]) -> None:
        self._document, self._pointers = document, pointers
        self._lines: list[int] | None = None

    def _located(self) -> list[int]:
        if self._lines is None:
            positions = self._document.positions()
            self._lines = [positions.nearest(pointer)[0] for pointer in self._pointers]
        return self._lines

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self._located()[index]

    def __len__(self) -> int:
        return len(self._pointers)


def _tasks_in(source: Source, value: object, spec: ModelSpec) -> list[dict]:
    """The tasks of ours in one document (the request-body array, or a file found in a walk)."""
    if type(value) is dict and value.get("model") == spec.model:
        return [value]
    if not source.explicit and not looks_like_request(value, spec):
        return []
    return [item.value for item in select(value, spec) if isinstance(item, TaskRef)]


@dataclass(frozen=True)
class PriceJob:
    """One block of a file to price: whole lines, the number of the first, and how to render them."""

    file: str
    explicit: bool
    mentions: bool | None
    first_line: int
    data: bytes
    renderer: Renderer
    currency: str
    max_task: Decimal | None
    limits: Limits = NO_LIMITS


def price_block(job: PriceJob) -> tuple[bool, list[RowBlock | GroupSums | str]]:
    """(whether a line was not blank, the block's RowBlocks with task indices from 0, and problems; then its
    GroupSums when groups are asked for)."""
    render = _render_with(job.renderer)
    source = Source(job.file, None, "jsonl", job.explicit)
    documents = value_items_from(split_lines(job.data), job.first_line, job.data)  # a chunk at a time: in cache
    group_by = job.limits.group_by
    counts = None if group_by is None else GroupCounts(group_by)
    priced = priced_tasks(source, documents, mentions=job.mentions)
    items: list[RowBlock | GroupSums | str] = [
        *_rendered(priced, render, job.currency, job.max_task, job.limits, counts)
    ]
    if counts is not None:
        items.append(counts.sums())
    return bool(job.data.strip()), items


@cache  # one renderer (and its cache) per process and format
def _render_with(renderer: Renderer) -> Render:
    return renderer()


def _cost_in_blocks(
    source: Source,
    renderer: Renderer,
    currency: str,
    max_task: Decimal | None,
    executor: ExecutorLike,
    ahead: int,
    limits: Limits,
) -> Iterator[RowBlock | GroupSums | str]:
    """cost_blocks of one JSON Lines file, its blocks priced on ``executor``, in file order."""
    assert source.path is not None  # splits() said it is a file
    blocks = FileBlocks(source.path, BLOCK_BYTES)
    yield from price_blocks(source, blocks, renderer, currency, max_task, executor, ahead, limits)


def price_blocks(
    source: Source,
    blocks: Iterable[bytes],
    renderer: Renderer,
    currency: str,
    max_task: Decimal | None,
    executor: ExecutorLike | None,
    ahead: int,
    limits: Limits | None = None,
) -> Iterator[RowBlock | GroupSums | str]:
    """cost_blocks of a JSON Lines source given as blocks of whole lines, priced on ``executor`` (None: here),
    in order."""
    mentions = None if source.explicit else mentions_model(source, model_spec())  # read once, here
    base, found = 0, False  # tasks of the file before the current block
    jobs = _price_jobs(source, mentions, blocks, renderer, currency, max_task, limits or NO_LIMITS)
    for _, (lines_found, items) in in_order(executor, price_block, jobs, ahead):
        found = found or lines_found
        for item in items:  # task indices count from the block: from the file's start here
            yield item._replace(first=item.first + base) if isinstance(item, RowBlock) else item
        base += sum(len(item.rows) for item in items if isinstance(item, RowBlock))
    if isinstance(blocks, FileBlocks) and blocks.problem is not None:  # the file stopped being readable
        found = True
        yield from _file_problem(source, blocks.problem)
    if not found:
        yield from _file_problem(source, EMPTY_JSONL)  # only the problem: an empty file has no task


def _file_problem(source: Source, problem: Problem) -> Iterator[str]:
    """What priced_tasks says of a problem that stops a file: its text (if the file is one to price)."""
    for item in priced_tasks(source, [problem]):
        assert isinstance(item, str)  # a problem is never a priced run
        yield item


def _price_jobs(
    source: Source,
    mentions: bool | None,
    blocks: Iterable[bytes],
    renderer: Renderer,
    currency: str,
    max_task: Decimal | None,
    limits: Limits,
) -> Iterator[PriceJob]:
    line = 1
    for data in blocks:
        yield PriceJob(source.display, source.explicit, mentions, line, data, renderer, currency, max_task, limits)
        line += data.count(b"\n")
