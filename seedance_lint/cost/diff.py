"""`cost diff`: two sides (request files priced by the one pipeline, or a saved `cost --format json`), their
tasks matched, and what changed in each, in each file and in the totals.

A side is held as compact records (file, index, taskUUID, the shared estimate object, line), never as rendered
rows. Matching (docs/design.md, "Cost diff"): a taskUUID found at most once on each side identifies its task;
a task without one, or whose taskUUID repeats on either side, is matched by (file, its rank among such tasks in
its file). Money is Decimal throughout; unpriced tasks add nothing, as in `cost`'s totals.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import cache
from typing import Any, NamedTuple

from seedance_lint.core.data import read_data_text
from seedance_lint.core.errors import UsageError
from seedance_lint.cost.model import ZERO, Estimate
from seedance_lint.cost.pipeline import EXACT, CostTally, GroupSums, PricedRun, Render, RowBlock, limit_named

#: What each kind of change is called (in JSON and every format).
ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CHANGES = (ADDED, REMOVED, CHANGED, UNCHANGED)
#: What a changed task may have changed, by the estimate fields that say it; "price" when only its price did
#: (a saved side priced with other prices).
WHAT = {
    "size": ("width", "height", "resolution", "aspect_ratio"),
    "duration": ("duration",),
    "numberResults": ("number_results",),
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
    """A side's tasks in file order and its tally (totals, problems, and for the head side the budget)."""

    records: list[TaskRecord]
    tally: CostTally

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
        unit = currency if self.setting == "max-increase" else "%"
        shown = "an infinite" if self.value is None else f"{self.value:f} {unit}"
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


def shown_file(file: str) -> str:
    """A file as both sides name it: its path as given or walked, "./" and "a/../" left out."""
    return file if file in ("-", "<stdin>") else os.path.normpath(file)


def records() -> Render:
    """The renderer of a side: per task (taskUUID, estimate); the file in the block's head."""

    def render(run: PricedRun) -> tuple[str, list]:
        return shown_file(run.file), list(zip(run.uuids, run.estimates, strict=True))

    return render


def records_with_lines() -> Render:
    """records(), with each task's line (for the formats that point at it: locating costs a JSON file a scan)."""

    def render(run: PricedRun) -> tuple[str, list]:
        return shown_file(run.file), list(zip(run.uuids, run.estimates, run.lines, strict=True))

    return render


def side_from(tally: CostTally) -> Side:
    """The records of a tally of blocks rendered by records() or records_with_lines(), read to its end."""
    found: list[TaskRecord] = []
    for block in tally:
        file, first = block.head, block.first
        found += [TaskRecord(file, first + i, *row) for i, row in enumerate(block.rows)]
    return Side(found, tally)


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
    items: list[RowBlock | GroupSums | str] = [*_saved_blocks(saved), *report["problems"]]
    tally = CostTally(currency, items, budget, quantum, budget_source)
    return side_from(tally)


def _saved_record(task: dict[str, Any]) -> TaskRecord:
    from seedance_lint.rules.secrets import redact  # the report was printed masked; a hand-made one may not be

    def decimal(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    estimate = Estimate(
        None,
        task["width"],
        task["height"],
        task["resolution"],
        task["aspectRatio"],
        decimal(task["duration"]),
        task["numberResults"],
        decimal(task["cost"]),
        decimal(task["low"]),
        decimal(task["high"]),
        task["basis"],
        task["reason"],
    )
    uuid = task["taskUUID"]
    return TaskRecord(
        shown_file(task["file"]), task["task"], None if uuid is None else redact(uuid), estimate, task["line"]
    )


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
    rows = [(r.uuid, r.estimate, r.line) for r in run]
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
    changes = list(_changes(base.records, head.records, show_unchanged))
    counts = Counter(change.change for change in changes)
    counts[UNCHANGED] = len(head.records) - counts[ADDED] - counts[CHANGED]
    b, h = base.money, head.money
    with localcontext(EXACT):
        delta = Money(h.total - b.total, h.low - b.low, h.high - b.high)
    changes.sort(key=_file_order)
    return CostDiff(
        currency,
        base,
        head,
        delta,
        percent_of(delta.total, b.total),
        {kind: counts[kind] for kind in CHANGES},
        _files(base.records, head.records, changes),
        changes if show_unchanged else [c for c in changes if c.change != UNCHANGED],
        _guardrails(delta.high, b.high, max_increase, max_increase_percent),
    )


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, to two places; None when whole is 0."""
    if not whole:
        return None
    with localcontext(EXACT):
        return (part * HUNDRED / whole).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


def _file_order(change: TaskChange) -> tuple[str, int, int]:
    record = change.record
    return record.file, record.task, change.head is None


def _identifying(base: list[TaskRecord], head: list[TaskRecord]) -> set[str]:
    """The taskUUIDs found at most once on each side: each names one task."""
    seen_base = Counter(r.uuid for r in base)
    seen_head = Counter(r.uuid for r in head)
    once = {u for u, n in seen_base.items() if n == 1 and seen_head.get(u, 0) <= 1}
    once |= {u for u, n in seen_head.items() if n == 1 and seen_base.get(u, 0) <= 1}
    return {u for u in once if u is not None}  # a task without a taskUUID names nothing


def _by_position(records: Iterable[TaskRecord], identifying: set[str]) -> Iterator[tuple[tuple[str, int], TaskRecord]]:
    """((file, rank among the file's tasks without an identifying taskUUID), task) of those tasks."""
    ranks: Counter[str] = Counter()
    for record in records:
        if record.uuid not in identifying:
            rank = ranks[record.file]
            ranks[record.file] = rank + 1
            yield (record.file, rank), record


def _changes(base: list[TaskRecord], head: list[TaskRecord], keep_unchanged: bool) -> Iterator[TaskChange]:
    identifying = _identifying(base, head)
    by_uuid = {r.uuid: r for r in base if r.uuid in identifying}
    by_position = dict(_by_position(base, identifying))
    positions = _by_position(head, identifying)
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
    if b is h:  # priced alike in this run: one estimate object (model.price_many)
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


def _files(base: list[TaskRecord], head: list[TaskRecord], changes: list[TaskChange]) -> list[FileChange]:
    """Per file (in order of name): both sides' sums and the counts of each kind of change."""
    sums: dict[str, list[Decimal]] = {}
    with localcontext(EXACT):
        for offset, side in ((0, base), (3, head)):
            for record in side:
                entry = sums.get(record.file)
                if entry is None:
                    entry = sums[record.file] = [ZERO] * 6
                e = record.estimate
                if e.cost is not None:
                    entry[offset] += e.cost
                    entry[offset + 1] += _amount(e.low)
                    entry[offset + 2] += _amount(e.high)
    counted: dict[str, Counter[str]] = {file: Counter() for file in sums}
    for change in changes:
        counted[change.record.file][change.change] += 1
    head_tasks = Counter(r.file for r in head)
    found = []
    for file in sorted(sums):
        counts = counted[file]
        counts[UNCHANGED] = head_tasks[file] - counts[ADDED] - counts[CHANGED]
        b, h = Money(*sums[file][:3]), Money(*sums[file][3:])
        with localcontext(EXACT):
            delta = Money(h.total - b.total, h.low - b.low, h.high - b.high)
        found.append(FileChange(file, b, h, delta, {kind: counts[kind] for kind in CHANGES}))
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
