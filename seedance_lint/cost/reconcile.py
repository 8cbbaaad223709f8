"""Billed against estimated: requests indexed by taskUUID, billed items matched to them as they stream by.

The request side is held (it must be looked up); the billed side streams. A request keeps only its UUID's 16
bytes and the index of its shared estimate (UuidTable), so a million requests fit in about
36 MB. Money and ratios are Decimal throughout.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import NamedTuple

from seedance_lint.cost.model import Cell, Estimate, billed_view, cell_price
from seedance_lint.cost.pipeline import EXACT, PROBLEMS_SHOWN, PricedRun, priced_tasks
from seedance_lint.cost.table import PriceTable
from seedance_lint.input.billed import Billed, BilledItem, BilledProblem, FailedTask, Skipped
from seedance_lint.input.documents import Problem
from seedance_lint.input.jsonl import expected_tasks, load_values
from seedance_lint.input.sources import Source

ZERO = Decimal(0)
#: Ratios and margins are shown to this many places (0.006608 is 0.6608 %).
RATIO_QUANTUM = Decimal("0.000001")
PERCENT_QUANTUM = Decimal("0.01")
_MATCHED = -1  # what a request's slot holds once a bill matched it (its estimate index is kept in _matched)


def packed_uuid(task_uuid: str) -> bytes | None:
    """The 16 bytes of a canonical 8-4-4-4-12 UUID (either case), else None (bytes.fromhex would skip spaces)."""
    if len(task_uuid) != 36 or task_uuid.count("-") != 4 or " " in task_uuid:
        return None
    try:
        key = bytes.fromhex(task_uuid.replace("-", ""))
    except ValueError:
        return None
    return key if len(key) == 16 and task_uuid[8:24:5] == "----" else None


class UuidTable:
    """taskUUID -> a small int, small enough for a million tasks (a dict of 128-bit ints took 92 MB).

    A canonical UUID is kept as 16 bytes in one bytearray, its value in an array of 32-bit ints at the same
    position, found through an open-addressing table of 32-bit slots at most half full: 28 to 36 bytes a
    task. Any other string goes to a plain dict. (linting.uuids.TaskUuids keeps `check`'s registry the same
    way; the two packages are siblings and do not share it.)
    """

    def __init__(self) -> None:
        self.keys = bytearray()
        self.values = array("i")
        self.slots = array("i", [-1]) * 1024  # -1: empty; else a position in keys / 16
        self.others: dict[str, int] = {}

    def reserve(self, more: int) -> None:
        """Room for ``more`` new UUIDs without a rehash on the way."""
        while 2 * (len(self.values) + more) > len(self.slots):
            self._grow()

    def position(self, task_uuid: str) -> int | str | None:
        """Where a taskUUID's value is: a position in ``values``, the key of ``others``, or None."""
        key = packed_uuid(task_uuid)
        if key is None:
            return task_uuid if task_uuid in self.others else None
        _, position = self._probe(key)
        return None if position < 0 else position

    def get(self, where: int | str) -> int:
        return self.others[where] if isinstance(where, str) else self.values[where]

    def set(self, where: int | str, value: int) -> None:
        if isinstance(where, str):
            self.others[where] = value
        else:
            self.values[where] = value

    def put(self, task_uuid: str, value: int) -> bool:
        """Sets the value of a taskUUID; whether it was there already."""
        key = packed_uuid(task_uuid)
        if key is None:
            seen = task_uuid in self.others
            self.others[task_uuid] = value
            return seen
        slot, position = self._probe(key)
        if position >= 0:
            self.values[position] = value
            return True
        self.slots[slot] = len(self.values)
        self.keys += key
        self.values.append(value)
        if 2 * len(self.values) > len(self.slots):
            self._grow()
        return False

    def all_values(self) -> Iterator[int]:
        yield from self.values
        yield from self.others.values()

    def _probe(self, key: bytes) -> tuple[int, int]:
        """(slot, position) of a key: its slot and position, or the empty slot it would take and -1."""
        slots, keys = self.slots, self.keys
        mask = len(slots) - 1
        slot = hash(key) & mask
        while (position := slots[slot]) >= 0 and keys[16 * position : 16 * position + 16] != key:
            slot = (slot + 1) & mask
        return slot, position

    def _grow(self) -> None:
        slots = self.slots = array("i", [-1]) * (2 * len(self.slots))
        mask, keys = len(slots) - 1, self.keys
        for position in range(len(self.values)):
            slot = hash(bytes(keys[16 * position : 16 * position + 16])) & mask
            while slots[slot] >= 0:
                slot = (slot + 1) & mask
            slots[slot] = position


def shown_uuid(task_uuid: str) -> str:
    """A taskUUID as every format prints it: a credential put there is masked as `cost` masks it."""
    if "=" in task_uuid or "@" in task_uuid:
        from seedance_lint.rules.secrets import redact  # the rule registry is not loaded by a run without one

        return redact(task_uuid)
    return task_uuid


class RequestIndex:
    """The priced requests, by taskUUID: key -> index of the request's (shared) estimate."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.estimates: list[Estimate] = []
        self.table = UuidTable()
        self.requests = self.without_uuid = self.repeated_uuid = 0
        self.problems: list[str] = []
        distinct: dict[int, int] = {}  # id(estimate) -> its index (estimates of one price key are one object)
        for source in sources:
            self.table.reserve(expected_tasks(source))
            for run in priced_tasks(source, load_values(source)):
                if isinstance(run, PricedRun):
                    if not run.plan:  # a plan is a what-if: nothing of it is ever billed
                        self._add(run, distinct)
                else:
                    self.problems.append(run)

    def _add(self, run: PricedRun, distinct: dict[int, int]) -> None:
        for task_uuid, estimate in zip(run.uuids, run.estimates, strict=True):
            self.requests += 1
            if task_uuid is None:
                self.without_uuid += 1
                continue
            index = distinct.get(id(estimate))
            if index is None:
                index = distinct[id(estimate)] = len(self.estimates)
                self.estimates.append(estimate)
            self.repeated_uuid += self.table.put(task_uuid, index)

    def take(self, task_uuid: str) -> Estimate | bool | None:
        """The estimate of the request a bill is for (marked as billed); None without one; False when billed already."""
        where = self.table.position(task_uuid)
        if where is None:
            return None
        index = self.table.get(where)
        if index < 0:
            return False
        self.table.set(where, _MATCHED - index)
        return self.estimates[index]

    def unbilled(self) -> int:
        return sum(1 for index in self.table.all_values() if index >= 0)


class Row(NamedTuple):
    """One billed task matched to its request."""

    task_uuid: str  # as printed (masked if it holds a credential)
    estimate: Estimate
    billed: Decimal
    difference: Decimal | None  # billed - estimate
    percent: Decimal | None  # of the estimate
    within: bool | None  # billed in [low - tolerance, high + tolerance]; None when the request has no price
    file: str
    line: int


@dataclass
class Drift:
    """Bills of one (duration, resolution): billed/estimate ratios, and which frame count they fit."""

    count: int = 0
    low: Decimal | None = None
    high: Decimal | None = None
    total: Decimal = ZERO
    at_table: int = 0  # billed == the point estimate (the table's duration x fps frames)
    at_billed_frames: int = 0  # billed == the billed view (fps x duration + extraFrames frames)

    def add(self, ratio: Decimal, at_table: bool, at_billed_frames: bool) -> None:
        self.count += 1
        self.low = ratio if self.low is None else min(self.low, ratio)
        self.high = ratio if self.high is None else max(self.high, ratio)
        self.total += ratio
        self.at_table += at_table
        self.at_billed_frames += at_billed_frames

    @property
    def mean(self) -> Decimal:
        return (self.total / self.count).quantize(RATIO_QUANTUM)

    @property
    def verdict(self) -> str:
        """Which frame count every bill of the group fits: table, billed-frames, both or neither."""
        table, frames = self.at_table == self.count, self.at_billed_frames == self.count
        return "both" if table and frames else "table" if table else "billed-frames" if frames else "neither"


@dataclass
class Reconciliation:
    """Streams the rows of a reconciliation (iterate once); the summary is complete after the last row."""

    index: RequestIndex
    billed: Iterable[Billed]
    tolerance: Decimal
    table: PriceTable
    matched: int = 0
    outside: int = 0
    unpriced: int = 0
    unrequested: int = 0
    skipped: int = 0
    failed: list[FailedTask] = field(default_factory=list)
    failed_count: int = 0
    problems: list[BilledProblem] = field(default_factory=list)
    problem_count: int = 0
    totals: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO, ZERO])  # estimate, low, high, billed
    drift: dict[tuple[Decimal | None, str | None], Drift] = field(default_factory=dict)
    ratio_range: list[Decimal] = field(default_factory=list)
    frames_memo: dict[int, tuple[Estimate, Decimal | None]] = field(
        default_factory=dict
    )  # [lowest, highest] billed/estimate

    def __iter__(self) -> Iterator[Row]:
        for item in self.billed:
            if isinstance(item, BilledItem):
                with localcontext(EXACT):  # money exact whatever its digits (the default context keeps 28)
                    row = self._match(item)
                if row is not None:
                    yield row
            elif isinstance(item, FailedTask):
                self.failed_count += 1
                if item.task_uuid is not None:  # its request is accounted for: failed, not waiting for a bill
                    self.index.take(shown_uuid(item.task_uuid))
                if len(self.failed) < PROBLEMS_SHOWN:
                    self.failed.append(_masked(item))
            elif isinstance(item, Skipped):
                self.skipped += 1
            else:
                self._problem(item)

    def _problem(self, item: BilledProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_SHOWN:
            self.problems.append(item)

    def _match(self, item: BilledItem) -> Row | None:
        shown = shown_uuid(item.task_uuid)
        estimate = self.index.take(shown)  # the request side's taskUUIDs are masked the same way
        if estimate is None:
            self.unrequested += 1
            return None
        if estimate is False:
            self._problem(_repeated(item, shown))
            return None
        assert isinstance(estimate, Estimate)
        self.matched += 1
        return self._row(item, shown, estimate)

    def _row(self, item: BilledItem, shown: str, estimate: Estimate) -> Row:
        billed = item.cost
        self.totals[3] += billed
        if estimate.cost is None or estimate.low is None or estimate.high is None:
            self.unpriced += 1
            return Row(shown, estimate, billed, None, None, None, item.file, item.line)
        self.totals[0] += estimate.cost
        self.totals[1] += estimate.low
        self.totals[2] += estimate.high
        within = estimate.low - self.tolerance <= billed <= estimate.high + self.tolerance
        self.outside += not within
        difference = billed - estimate.cost
        percent = (difference * 100 / estimate.cost).quantize(PERCENT_QUANTUM) if estimate.cost else None
        if estimate.cost:
            self._drift(estimate, billed)
        return Row(shown, estimate, billed, difference, percent, within, item.file, item.line)

    def _drift(self, estimate: Estimate, billed: Decimal) -> None:
        ratio = billed / estimate.cost if estimate.cost else ZERO
        self.ratio_range = (
            [min(self.ratio_range[0], ratio), max(self.ratio_range[1], ratio)] if self.ratio_range else [ratio, ratio]
        )
        group = self.drift.setdefault((estimate.duration, estimate.resolution), Drift())
        group.add(
            ratio.quantize(RATIO_QUANTUM),
            fits(billed, estimate.cost),
            fits(billed, self._billed_frames(estimate)),
        )

    def _billed_frames(self, estimate: Estimate) -> Decimal | None:
        """billed_frames_cost, once per shared estimate object (a batch has a few hundred at most)."""
        key = id(estimate)
        if key not in self.frames_memo:
            self.frames_memo[key] = (estimate, billed_frames_cost(estimate, self.table))  # holds it: the id stays its
        return self.frames_memo[key][1]

    @property
    def difference(self) -> Decimal:
        """The billed total less the estimated total (exactly)."""
        with localcontext(EXACT):
            return self.totals[3] - self.totals[0]

    @property
    def unbilled(self) -> int:
        return self.index.unbilled()

    @property
    def failing(self) -> bool:
        return bool(self.outside or self.problem_count or self.index.problems)

    @property
    def unmatched(self) -> bool:
        """A bill for no request, a request with no bill, or a request without a taskUUID (what --strict fails)."""
        return bool(self.unrequested or self.unbilled or self.index.without_uuid)

    def margins(self) -> tuple[Decimal, Decimal]:
        """The margins below and above the point estimate that would have covered every bill (0 if none)."""
        if not self.ratio_range:
            return ZERO, ZERO
        low, high = self.ratio_range
        return max(ZERO, 1 - low).quantize(RATIO_QUANTUM), max(ZERO, high - 1).quantize(RATIO_QUANTUM)


def billed_frames_cost(estimate: Estimate, table: PriceTable) -> Decimal | None:
    """What the billed-frame rule of pricing/ (estimateMargin.billedFrames) says the task is billed, rounded as
    the table rounds; None for a task of no single documented size."""
    if None in (estimate.width, estimate.height, estimate.resolution, estimate.aspect_ratio, estimate.duration):
        return None
    assert estimate.resolution and estimate.aspect_ratio and estimate.duration and estimate.number_results
    cell = Cell(estimate.resolution, estimate.aspect_ratio, estimate.width, estimate.height)
    price = cell_price(cell, estimate.duration, table)
    if price is None:
        return None
    view = billed_view(cell, price.value, estimate.duration, table) * estimate.number_results
    return view.quantize(table.roundTo)


def fits(billed: Decimal, value: Decimal | None) -> bool:
    """Whether a bill is ``value`` as written: a bill of 0.0367 (four places) fits 0.03671, which rounds to it.
    A bill without decimals (0, 1) is taken as exact: else a bill of 0 would fit any price under 0.5."""
    if value is None:
        return False
    exponent = billed.as_tuple().exponent
    half_unit = Decimal((0, (5,), exponent - 1)) if isinstance(exponent, int) and exponent < 0 else ZERO
    return abs(billed - value) <= half_unit


def _masked(failed: FailedTask) -> FailedTask:
    """An error entry as printed: its taskUUID, code and message may quote anything, credentials included."""
    from seedance_lint.rules.secrets import redact  # loaded only when a response reports errors

    return failed._replace(
        task_uuid=failed.task_uuid and shown_uuid(failed.task_uuid),
        code=redact(failed.code),
        message=redact(failed.message),
    )


def _repeated(item: BilledItem, shown: str) -> BilledProblem:
    message = (
        f"a second bill for taskUUID {shown}: each task is billed once, so it is not counted again; "
        "remove the duplicate response (a webhook delivered twice?)"
    )
    return BilledProblem(item.file, Problem("RCN005", message, (item.line, 1), item.pointer))
