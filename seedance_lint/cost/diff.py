"""`cost diff`: two sides (request files priced by the one pipeline, or a saved `cost --format json`), their
tasks matched, and what changed in each, in each file and in the totals.

A side is held as compact records (file, index, taskUUID, the shared estimate object, line), never as rendered
rows, with its root. Matching (docs/design.md, "Cost diff"): files first, by name, then the files left by their
path within their side's root; a taskUUID found at most once on each side identifies its task; a task without
one, or whose taskUUID repeats on either side, is matched by (file, its rank among such tasks in its file).
Money is Decimal throughout; unpriced tasks add nothing, as in `cost`'s totals.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import cache
from typing import Any, NamedTuple, overload

from seedance_lint.core.data import MEMO_LIMIT, read_data_text
from seedance_lint.core.errors import UsageError
from seedance_lint.cost.model import ZERO, Estimate
from seedance_lint.cost.pipeline import (
    EXACT,
    CostTally,
    GroupSums,
    PricedRun,
    Render,
    RowBlock,
    limit_named,
    shown_file,
)

#: What each kind of change is called (in JSON and every format).
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CHANGES = (ADDED, REMOVED, CHANGED, UNCHANGED)
#: What a changed task may have changed, by the estimate fields that say it; "price" when only its price did
#: (a saved side priced with other prices).
WHAT = {
    "size": ("width", "height", "resolution", "aspect_ratio"),
    "duration": ("duration",),
    "numberResults": ("number_results",),
    "count": ("tasks",),  # a plan line's count of tasks
}
PRICE_FIELDS = ("cost", "low", "high")
#: A percentage: to two places.
PERCENT_QUANTUM = Decimal("0.01")
HUNDRED = Decimal(100)


class TaskRecord(NamedTuple):
    """One priced task of a side: its file (as shown, "./" left out), index in the file, taskUUID, estimate."""

    file: str
    task: int  # its index in the file, from 0
    uuid: str | None
    estimate: Estimate
    line: int = 0  # 1-based, when the format asked for lines (github); else 0


class Money(NamedTuple):
    total: Decimal
    low: Decimal
    high: Decimal


class Side(NamedTuple):
    """A side's tasks in file order, its tally (totals, problems, and for the head side the budget), its root."""

    records: list[TaskRecord]
    tally: CostTally
    #: Per file: [tasks, total, low, high], summed from the blocks' sums (no pass over the tasks).
    files: dict[str, list]
    #: What the side named, as its files are named (side_name): a file's path from it is its place within the
    #: side, by which a file left unmatched by name is matched ("." for a side that is one file; "": none).
    root: str = ""

    def within(self, file: str) -> str:
        """Where a file is within this side: its path from the root."""
        root = self.root
        if not root or file in ("-", "<stdin>"):
            return file
        return "." if file == root else os.path.relpath(file, root)

    @property
    def money(self) -> Money:
        return Money(self.tally.total, self.tally.low, self.tally.high)


class TaskChange(NamedTuple):
    change: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    what: tuple[str, ...]  # of a changed task: "size", "duration", "numberResults" or "price"
    base: TaskRecord | None
    head: TaskRecord | None
    delta: Money

    @property
    def record(self) -> TaskRecord:
        """The head's record, or the base's for a removed task."""
        found = self.head or self.base
        assert found is not None  # a change has at least one side
        return found


class FileChange(NamedTuple):
    file: str
    base: Money
    head: Money
    delta: Money
    counts: dict[str, int]  # per kind of change (a task counts in its head's file, a removed one in its base's)


class Guardrail(NamedTuple):
    """--max-increase (USD) or --max-increase-percent, against the delta's high end."""

    setting: str  # "max-increase" or "max-increase-percent"
    limit: Decimal
    value: Decimal | None  # the delta's high end (USD or percent of the base's high end); None: infinite
    breached: bool

    def line(self, currency: str) -> str:
        unit = f" {currency}" if self.setting == "max-increase" else "%"
        shown = "an infinite share (from a base of 0)" if self.value is None else f"{self.value:f}{unit}"
        verdict = "over" if self.breached else "within"
        limit = limit_named(self.setting, self.limit, None)
        return f"the cost may rise by {shown} (high end), {verdict} {limit}"


class CostDiff(NamedTuple):
    currency: str
    base: Side
    head: Side
    delta: Money
    percent: Decimal | None  # delta.total as a percentage of base.total; None when that is 0
    counts: dict[str, int]
    files: list[FileChange]
    tasks: list[TaskChange]  # in file order (head's, then what was removed); unchanged ones only when asked
    guardrails: list[Guardrail]

    @property
    def failed(self) -> bool:
        """Exit 1: the head has problems (files, unpriceable tasks), the budget or a guardrail is breached."""
        return bool(self.head.tally.problems) or any(g.breached for g in self.guardrails)


# -- sides ----------------------------------------------------------------------------------------------


def side_name(file: str) -> str:
    """A file as both sides name it: its path as given or walked (masked by the pipeline's shown_file), "./"
    and "a/../" left out."""
    return file if file in ("-", "<stdin>") else os.path.normpath(file)


def side_root(given: str) -> str:
    """The root of a side named by a path (a folder, or a file: its own root), named as its files are."""
    return side_name(shown_file(given))


#: An estimate as a side's renderer sends it: its fields as plain values, money and duration as their exact
#: text. A worker's rows pickle about ten times faster so than as Estimates (a Decimal pickles through a
#: function call); the main process turns each distinct one back into one Estimate (side_from).
Wire = tuple


def wire_of(e: Estimate) -> Wire:
    return (
        e.width,
        e.height,
        e.resolution,
        e.aspect_ratio,
        _text(e.duration),
        e.number_results,
        _text(e.cost),
        _text(e.low),
        _text(e.high),
        e.basis,
        e.reason,
        e.tasks,
        e.label,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # exact: Decimal(str(d)) == d, with its exponent


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _estimate_of(wire: Wire) -> Estimate:
    width, height, resolution, aspect, duration, count, cost, low, high, basis, reason, tasks, label = wire
    return Estimate(
        None,
        width,
        height,
        resolution,
        aspect,
        _decimal(duration),
        count,
        _decimal(cost),
        _decimal(low),
        _decimal(high),
        basis,
        reason,
        tasks,
        label,
    )


class _Wires:
    """Each estimate object's wire form, made once per object (tasks priced alike share one)."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[Estimate, Wire]] = {}  # the estimate is held: its id is not reused

    def each(self, estimates: list[Estimate]) -> list[Wire]:
        made = self._made
        if len(made) >= MEMO_LIMIT:
            made.clear()
        found = []
        for e in estimates:
            entry = made.get(id(e))
            if entry is None:
                entry = made[id(e)] = (e, wire_of(e))
            found.append(entry[1])
        return found


def records() -> Render:
    """The renderer of a side: per task (taskUUID, wire estimate); the file in the block's head."""
    wires = _Wires()

    def render(run: PricedRun) -> tuple[str, list]:
        return side_name(run.file), list(zip(run.uuids, wires.each(run.estimates), strict=True))

    return render


def records_with_lines() -> Render:
    """records(), with each task's line (for the formats that point at it: locating costs a JSON file a scan)."""
    wires = _Wires()

    def render(run: PricedRun) -> tuple[str, list]:
        return side_name(run.file), list(zip(run.uuids, wires.each(run.estimates), run.lines, strict=True))

    return render


def side_from(tally: CostTally, root: str = "") -> Side:
    """The records of a tally of blocks rendered by records() or records_with_lines(), read to its end; equal
    wire estimates become one Estimate object (so equal tasks of the two sides compare by identity)."""
    found: list[TaskRecord] = []
    files: dict[str, list] = {}
    estimates: dict[Wire, Estimate] = _ESTIMATES
    for block in tally:
        file, first, rows = block.head, block.first, block.rows
        for i, (uuid, wire, *line) in enumerate(rows, first):
            e = estimates.get(wire)
            if e is None:
                if len(estimates) >= MEMO_LIMIT:
                    estimates.clear()
                e = estimates[wire] = _estimate_of(wire)
            found.append(TaskRecord(file, i, uuid, e, *line))
        entry = files.get(file)
        if entry is None:
            files[file] = [len(rows), block.total, block.low, block.high]
        else:
            with localcontext(EXACT):
                entry[0], entry[1], entry[2], entry[3] = (
                    entry[0] + len(rows),
                    entry[1] + block.total,
                    entry[2] + block.low,
                    entry[3] + block.high,
                )
    return Side(found, tally, files, root)


#: The Estimate of each wire form met in this process (both sides share it: equal tasks share one object).
_ESTIMATES: dict[Wire, Estimate] = {}


def looks_like_report(head: bytes) -> bool:
    """Whether a file's first bytes are those of a `cost --format json` report (its first member: currency)."""
    return head.lstrip().startswith(b"{") and b'"currency"' in head[:64]


@cache
def _report_validator() -> Any:  # jsonschema_rs has no type information
    import json

    import jsonschema_rs  # a saved report is rare: loaded here

    return jsonschema_rs.validator_for(json.loads(read_data_text("seedance_lint.schemas", "cost-report.schema.json")))


def saved_side(
    path: str,
    data: bytes,
    currency: str,
    budget: Decimal | None = None,
    quantum: Decimal = ZERO,
    budget_source: str | None = None,
) -> Side:
    """A saved `cost --format json` report as a side: its tasks and prices as saved (a record, not repriced)."""
    import orjson

    try:
        report = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise UsageError(f"{path}: not a cost report: {error}") from None
    problem = next(iter(_report_validator().iter_errors(report)), None)
    if problem is not None:
        raise UsageError(f"{path}: not a `cost --format json` report: {problem.message} (at /{problem.instance_path})")
    if "tasks" not in report:
        raise UsageError(f"{path}: a --summary report has no tasks to match: save `cost --format json` without it")
    if report["currency"] != currency:
        raise UsageError(f"{path}: priced in {report['currency']}, not {currency}")
    saved = [_saved_record(task) for task in report["tasks"]]
    items: list[RowBlock | GroupSums | str] = [*_saved_blocks(saved), *map(_masked, report["problems"])]
    tally = CostTally(currency, items, budget, quantum, budget_source)
    return side_from(tally, _common_folder(record.file for record in saved))


def _common_folder(files: Iterable[str]) -> str:
    """The root of a saved side: the folder common to its files ("" when there is none)."""
    folders = {os.path.dirname(file) for file in files}
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # absolute and relative names mixed: no common folder
        return ""


def _saved_record(task: dict[str, Any]) -> TaskRecord:
    estimate = Estimate(
        None,
        task["width"],
        task["height"],
        _masked(task["resolution"]),
        _masked(task["aspectRatio"]),
        _decimal(task["duration"]),
        task["numberResults"],
        _decimal(task["cost"]),
        _decimal(task["low"]),
        _decimal(task["high"]),
        _masked(task["basis"]),
        _masked(task["reason"]),
        task.get("count", 1),  # a report saved before plans has neither: a task of a request file
        _masked(task.get("label")),
    )
    file = side_name(shown_file(task["file"]))
    return TaskRecord(file, task["task"], _masked(task["taskUUID"]), estimate, task["line"])


@overload
def _masked(text: str) -> str: ...
@overload
def _masked(text: None) -> None: ...
def _masked(text: str | None) -> str | None:
    """A saved text as `cost` prints it: a report was written masked, but a hand-made one may not be."""
    if text is None or ("=" not in text and "@" not in text):  # the usual text: nothing to mask
        return text
    from seedance_lint.rules.secrets import redact  # the rule registry: loaded only for such a value

    return redact(text)


def _saved_blocks(saved: list[TaskRecord]) -> Iterator[RowBlock]:
    """The saved tasks as blocks of consecutive tasks of one file, with their sums, as a priced side's."""
    start = 0
    for end in range(1, len(saved) + 1):
        if end == len(saved) or saved[end].file != saved[end - 1].file or saved[end].task != saved[end - 1].task + 1:
            yield _saved_block(saved[start:end])
            start = end


def _saved_block(run: list[TaskRecord]) -> RowBlock:
    with localcontext(EXACT):
        sums = [sum((getattr(r.estimate, name) or ZERO for r in run), ZERO) for name in PRICE_FIELDS]
    rows = [(r.uuid, wire_of(r.estimate), r.line) for r in run]
    total, low, high = sums
    return RowBlock(run[0].file, run[0].task, run[0].file, rows, total, low, high, [])


# -- matching ----------------------------------------------------------------------------------------------


def compare(
    base: Side,
    head: Side,
    currency: str,
    show_unchanged: bool = False,
    max_increase: Decimal | None = None,
    max_increase_percent: Decimal | None = None,
) -> CostDiff:
    """The tasks of both sides matched, and what changed."""
    renamed = matched_files(base, head)
    changes = list(_changes(base.records, head.records, renamed, show_unchanged))
    counts = Counter(change.change for change in changes)
    counts[UNCHANGED] = len(head.records) - counts[ADDED] - counts[CHANGED]
    b, h = base.money, head.money
    with localcontext(EXACT):
        delta = Money(h.total - b.total, h.low - b.low, h.high - b.high)
    places = _places(base, head, renamed)
    changes.sort(key=lambda change: _file_order(change, renamed, places))
    return CostDiff(
        currency,
        base,
        head,
        delta,
        percent_of(delta.total, b.total),
        {kind: counts[kind] for kind in CHANGES},
        _files(base, head, changes, renamed, places),
        changes if show_unchanged else [c for c in changes if c.change != UNCHANGED],
        _guardrails(delta.high, b.high, max_increase, max_increase_percent),
    )


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, to two places; None when whole is 0."""
    if not whole:
        return None
    with localcontext(EXACT):
        return (part * HUNDRED / whole).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


def matched_files(base: Side, head: Side) -> dict[str, str]:
    """Each base file matched to a head file of another name: the base's name -> the head's.

    A file is matched to the file of its name on the other side (named as a walk from here names it); the files
    left, to the file at the same place within the other side (Side.within: `old/a.json`, `new/a.json`). Two
    sides of one file each are one file, whatever their names and however they were named (a saved report)."""
    if len(base.files) == 1 == len(head.files):
        (only_base,), (only_head,) = base.files, head.files
        return {only_base: only_head} if only_base != only_head else {}
    left = {head.within(file): file for file in head.files if file not in base.files}
    found = {}
    for file in base.files:
        if file not in head.files:
            match = left.pop(base.within(file), None)
            if match is not None:
                found[file] = match
    return found


def _key(change: TaskChange, renamed: dict[str, str]) -> str:
    """The file a change counts in: the head's, or a removed task's base file by its head name if matched."""
    if change.head is not None:
        return change.head.file
    file = change.record.file
    return renamed.get(file, file)


def _places(base: Side, head: Side, renamed: dict[str, str]) -> dict[str, str]:
    """Each file (by its key, as _key names it) -> its place within its side, by which files are listed: the
    order does not hang on what the sides' roots are called."""
    places = {renamed.get(file, file): base.within(file) for file in base.files}
    places.update((file, head.within(file)) for file in head.files)
    return places


def _file_order(change: TaskChange, renamed: dict[str, str], places: dict[str, str]) -> tuple[str, str, int, int]:
    key = _key(change, renamed)
    return places[key], key, change.record.task, change.head is None


def _identifying(base: list[TaskRecord], head: list[TaskRecord]) -> set[str]:
    """The taskUUIDs found at most once on each side: each names one task."""
    seen_base = Counter(r.uuid for r in base)
    seen_head = Counter(r.uuid for r in head)
    once = {u for u, n in seen_base.items() if n == 1 and seen_head.get(u, 0) <= 1}
    once |= {u for u, n in seen_head.items() if n == 1 and seen_base.get(u, 0) <= 1}
    return {u for u in once if u is not None}  # a task without a taskUUID names nothing


def _by_position(
    records: Iterable[TaskRecord], identifying: set[str], renamed: dict[str, str]
) -> Iterator[tuple[tuple[str, int], TaskRecord]]:
    """((file, rank among the file's tasks without an identifying taskUUID), task) of those tasks; a file by
    the name of the file it was matched to (renamed)."""
    ranks: Counter[str] = Counter()
    for record in records:
        if record.uuid not in identifying:
            file = renamed.get(record.file, record.file)
            rank = ranks[file]
            ranks[file] = rank + 1
            yield (file, rank), record


def _changes(
    base: list[TaskRecord], head: list[TaskRecord], renamed: dict[str, str], keep_unchanged: bool
) -> Iterator[TaskChange]:
    identifying = _identifying(base, head)
    by_uuid = {r.uuid: r for r in base if r.uuid in identifying}
    by_position = dict(_by_position(base, identifying, renamed))
    positions = _by_position(head, identifying, {})
    for record in head:
        if record.uuid in identifying:
            matched = by_uuid.pop(record.uuid, None)
        else:
            key, _ = next(positions)
            matched = by_position.pop(key, None)
        if matched is None:
            yield TaskChange(ADDED, (), None, record, _money_of(record.estimate))
            continue
        change = _change(matched, record)
        if change.change != UNCHANGED or keep_unchanged:
            yield change
    for record in (*by_uuid.values(), *by_position.values()):
        yield TaskChange(REMOVED, (), record, None, _negated(_money_of(record.estimate)))


def _change(base: TaskRecord, head: TaskRecord) -> TaskChange:
    b, h = base.estimate, head.estimate
    if b is h or b == h:  # priced alike: often one estimate object (model.price_many); else compared in C
        return TaskChange(UNCHANGED, (), base, head, Money(ZERO, ZERO, ZERO))
    what = tuple(name for name, fields in WHAT.items() if any(getattr(b, f) != getattr(h, f) for f in fields))
    prices = tuple(getattr(b, f) for f in PRICE_FIELDS), tuple(getattr(h, f) for f in PRICE_FIELDS)
    if not what and prices[0] != prices[1]:
        what = ("price",)
    with localcontext(EXACT):
        delta = Money(*(_amount(y) - _amount(x) for x, y in zip(*prices, strict=True)))
    return TaskChange(CHANGED if what else UNCHANGED, what, base, head, delta)


def _amount(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


def _money_of(e: Estimate) -> Money:
    return Money(_amount(e.cost), _amount(e.low), _amount(e.high))


def _negated(money: Money) -> Money:
    return Money(-money.total, -money.low, -money.high)


def _files(
    base: Side, head: Side, changes: list[TaskChange], renamed: dict[str, str], places: dict[str, str]
) -> list[FileChange]:
    """Per file (in order of place within its side; a matched pair by the head's name): both sides' sums and the
    counts of each kind of change."""
    zero = base.tally.total - base.tally.total  # 0 to the places of the totals ("0.00000")
    empty = [0, zero, zero, zero]
    base_files = {renamed.get(file, file): sums for file, sums in base.files.items()}
    counted: dict[str, Counter[str]] = {file: Counter() for file in (*base_files, *head.files)}
    for change in changes:
        counted[_key(change, renamed)][change.change] += 1
    found = []
    for file in sorted(counted, key=lambda key: (places[key], key)):
        counts = counted[file]
        (_, *b), (tasks, *h) = base_files.get(file, empty), head.files.get(file, empty)
        counts[UNCHANGED] = tasks - counts[ADDED] - counts[CHANGED]
        with localcontext(EXACT):
            before, after = Money(*(v + zero for v in b)), Money(*(v + zero for v in h))
            delta = Money(after.total - before.total, after.low - before.low, after.high - before.high)
        found.append(FileChange(file, before, after, delta, {kind: counts[kind] for kind in CHANGES}))
    return found


def _guardrails(
    delta_high: Decimal, base_high: Decimal, max_increase: Decimal | None, max_percent: Decimal | None
) -> list[Guardrail]:
    found = []
    if max_increase is not None:
        found.append(Guardrail("max-increase", max_increase, delta_high, delta_high > max_increase))
    if max_percent is not None:
        percent = percent_of(delta_high, base_high)
        if percent is None:  # from nothing: any rise is an infinite percentage
            found.append(
                Guardrail("max-increase-percent", max_percent, None if delta_high > 0 else ZERO, delta_high > 0)
            )
        else:
            found.append(Guardrail("max-increase-percent", max_percent, percent, percent > max_percent))
    return found


def parse_limit(value: str | None, flag: str) -> Decimal | None:
    """A guardrail flag's value: a finite number, 0 or more."""
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise UsageError(f"{flag} {value}: not a number") from None
    if not number.is_finite() or number < 0:
        raise UsageError(f"{flag} {value}: must be a number of 0 or more")
    return number
