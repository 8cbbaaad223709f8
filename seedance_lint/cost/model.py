"""The price table (pydantic at the edge) and the pricing model.

A task resolves to one or more candidate cells (resolution, aspect ratio); a
cell's price at any duration follows the straight line through the nearest
documented durations. See README "How costs are estimated".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import pairwise, repeat
from typing import Any, NamedTuple, cast

from seedance_lint.core.data import ModelSpec, keep, model_spec, remember, request_schema
from seedance_lint.core.values import is_int
from seedance_lint.cost.table import PriceTable, price_table
from seedance_lint.input.imagesize import inline_image_size
from seedance_lint.input.tasks import frame_images

ZERO = Decimal(0)


@dataclass(frozen=True)
class Cell:
    resolution: str
    aspect_ratio: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class CellPrice:
    value: Decimal
    basis: str  # table | interpolated | derived


class Estimate(NamedTuple):
    """The price of one task: a point estimate inside [low, high], and how it was reached.

    A named tuple, not a dataclass: a batch builds one per task, and tasks
    with the same size, duration and count share all fields but the first.
    """

    task_uuid: str | None
    width: int | None
    height: int | None
    resolution: str | None
    aspect_ratio: str | None
    duration: Decimal | None
    number_results: int | None
    cost: Decimal | None
    low: Decimal | None
    high: Decimal | None
    basis: str  # table | interpolated | derived | range | unpriced
    reason: str = ""
    #: The tasks this estimate stands for (a plan line's count; 1 for a request): cost, low and high are theirs.
    tasks: int = 1
    #: A plan line's label (a request has none: the API takes no metadata member).
    label: str | None = None

    @property
    def priced(self) -> bool:
        return self.cost is not None


def price_at(points: tuple[tuple[Decimal, Decimal], ...], duration: Decimal) -> tuple[Decimal, bool]:
    """The line through the two documented points nearest ``duration``; exact on a point."""
    for point, price in points:
        if point == duration:
            return price, True
    if len(points) == 1:
        ((point, price),) = points
        return price * duration / point, False
    (d0, p0), (d1, p1) = _segment(points, duration)
    value = p0 + (p1 - p0) * (duration - d0) / (d1 - d0)
    return max(value, ZERO), False


#: How a cell's price follows its duration, by the name pricing/'s durationModel.method gives (checked by
#: the price table's model, so a name without a function here cannot load).
DURATION_MODELS: dict[str, Callable[[tuple[tuple[Decimal, Decimal], ...], Decimal], tuple[Decimal, bool]]] = {
    "linear-through-documented-points": price_at,
}


def _segment(points: tuple[tuple[Decimal, Decimal], ...], duration: Decimal) -> tuple:
    for left, right in pairwise(points):
        if duration <= right[0]:
            return left, right
    return points[-2], points[-1]


def cell_price(cell: Cell, duration: Decimal, table: PriceTable) -> CellPrice | None:
    """The price of a cell at a duration (memoised: a batch asks for the same few again and again)."""
    return remember(
        table.memo, (cell.resolution, cell.aspect_ratio, duration), lambda: _cell_price(cell, duration, table)
    )


def _cell_price(cell: Cell, duration: Decimal, table: PriceTable) -> CellPrice | None:
    points = table.points(cell.resolution, cell.aspect_ratio)
    basis_if_inexact = "interpolated"
    if not points:
        source = next((d.from_ for d in table.derivedAspectRatios if d.aspectRatio == cell.aspect_ratio), None)
        points = table.points(cell.resolution, source) if source else ()
        basis_if_inexact = "derived"
        if not points:
            return None
    value, exact = DURATION_MODELS[table.durationModel.method](points, duration)
    return CellPrice(value, "table" if exact and basis_if_inexact != "derived" else basis_if_inexact)


def estimate_task(task: object, spec: ModelSpec | None = None, table: PriceTable | None = None) -> Estimate:
    """Price one task; never raises, whatever the task holds.

    Memoised by what the price depends on (see price_many): a batch repeats a
    few sizes, durations and counts, and only the taskUUID differs between them.
    """
    uuid, template = price(task, spec or model_spec(), table or price_table())
    return template if uuid is None else Estimate(uuid, *template[1:])


def price(task: object, spec: ModelSpec, table: PriceTable) -> tuple[str | None, Estimate]:
    """(taskUUID, the estimate without it): tasks with the same price key share one estimate object."""
    (uuid,), (estimate,) = price_many([task], spec, table)
    return uuid, estimate


#: What a missing member is in a price key (None is a value a member may hold).
_MISSING = object()
_SCALARS = frozenset({int, float, str, bool, type(None), object})
#: The members a price depends on (with the frame images, when they give the size).
_PRICE_MEMBERS = ("width", "height", "resolution", "duration", "numberResults")


def price_many(tasks: list[object], spec: ModelSpec, table: PriceTable) -> tuple[list[str | None], list[Estimate]]:
    """price() of each task: a batch is priced a chunk of lines at a time.

    The memo key is what the price depends on, with the types (5 and 5.0
    print differently); a task that is not an object, or whose members are
    not plain, is priced afresh.
    """
    if set(map(type, tasks)) == {dict}:  # the usual chunk
        priced = _price_plain(cast("list[dict[str, Any]]", tasks), spec, table)  # all dicts, as just seen
        if priced is not None:
            return _masked_uuids(priced[0]), priced[1]
    uuids: list[str | None] = []
    estimates: list[Estimate] = []
    for task in tasks:
        priced = _price_plain([task], spec, table) if type(task) is dict else None
        uuid = task.get("taskUUID") if isinstance(task, dict) else None
        uuids.append(priced[0][0] if priced else uuid if isinstance(uuid, str) else None)
        estimates.append(priced[1][0] if priced else _estimate(task, None, spec, table))
    return _masked_uuids(uuids), estimates


def _masked_uuids(uuids: list[str | None]) -> list[str | None]:
    """The taskUUIDs as every format prints them: a URL with a token put there is masked as `check` masks it.

    One search of the chunk's joined text in C: the usual chunk of real UUIDs has neither "=" nor "@".
    """
    joined = "".join(u for u in uuids if u is not None)
    if "=" not in joined and "@" not in joined:
        return uuids
    return [None if u is None else _redact(u) for u in uuids]


def _redact(text: str) -> str:
    """rules.secrets.redact, imported on first use: the rule registry is not loaded by a cost run without one."""
    from seedance_lint.rules.secrets import redact

    return redact(text)


def _price_plain(
    tasks: list[dict[str, Any]], spec: ModelSpec, table: PriceTable
) -> tuple[list[str | None], list[Estimate]] | None:
    """price_many of objects, their keys made and looked up in C (maps over the chunk); None if a member is
    not plain."""
    count = len(tasks)
    columns = [list(map(dict.get, tasks, repeat(name, count), repeat(_MISSING, count))) for name in _PRICE_MEMBERS]
    types = [list(map(type, column)) for column in columns]
    if not all(map(_SCALARS.issuperset, types)):
        return None
    keys = list(zip(*columns, *types, strict=True))
    for i in [i for i, (w, h) in enumerate(zip(types[0], types[1], strict=True)) if w is not int or h is not int]:
        width = columns[0][i]
        if width is _MISSING or not (is_int(width) and is_int(columns[1][i])):  # the images may tell the size
            keys[i] += _image_key(tasks[i], spec)
    estimates = list(map(table.memo.get, keys))
    if None in estimates:
        estimates = [_priced(tasks[i], keys[i], spec, table) if e is None else e for i, e in enumerate(estimates)]
    uuids = list(map(dict.get, tasks, repeat("taskUUID", count)))
    if not set(map(type, uuids)) <= {str}:
        uuids = [uuid if isinstance(uuid, str) else None for uuid in uuids]
    return uuids, cast("list[Estimate]", estimates)  # no None is left: each was priced above


#: The key's images part for a task with no frame images (most tasks sized by their resolution).
_NO_IMAGES = (False, None)


def _image_key(task: dict, spec: ModelSpec) -> tuple[bool, str | None]:
    """Whether the task has frame images, and the aspect ratio the first one tells (if it can be read)."""
    if task.get("inputs") is None:  # no images: frame_list would find none
        return _NO_IMAGES
    images = frame_list(task)
    return bool(images), _first_image_ratio(images, spec)


def _priced(task: dict, key: tuple, spec: ModelSpec, table: PriceTable) -> Estimate:
    """A task's estimate, remembered under its key (an unpriced reason quotes the value as written: -0.0 is
    not 0.0, so it is not remembered)."""
    known = table.memo.get(key)  # an earlier task of the chunk may have had the same key
    if known is None:
        known = _estimate(task, None, spec, table)
        if known.priced:
            keep(table.memo, key, known)
    return known


def _estimate(task: object, uuid: str | None, spec: ModelSpec, table: PriceTable) -> Estimate:
    if not isinstance(task, dict):
        return _unpriced(uuid, "the task is not an object")
    duration, count = _duration(task), _number_results(task)
    if duration is None:
        return _unpriced(uuid, f"duration {task.get('duration')!r} is not a positive number of seconds")
    if count is None:
        return _unpriced(uuid, f"numberResults {task.get('numberResults')!r} is not a positive integer")
    cells, why = candidate_cells(task, spec, table)
    if not cells:
        return _unpriced(uuid, why, duration, count)
    try:
        return _combine(uuid, cells, duration, count, table)
    except ArithmeticError:  # a duration or count with more digits than a Decimal context holds
        return _unpriced(uuid, "duration x numberResults is too large to price", duration, count)


def _unpriced(uuid: str | None, reason: str, duration: Decimal | None = None, count: int | None = None) -> Estimate:
    """An estimate without a price; its reason may quote a value, masked as `check` masks it (every format)."""
    reason = _redact(reason) if "=" in reason or "@" in reason else reason
    return Estimate(uuid, None, None, None, None, duration, count, None, None, None, "unpriced", reason)


@cache
def _defaults() -> dict:
    properties = request_schema()["properties"]
    return {"duration": properties["duration"]["default"], "numberResults": properties["numberResults"]["default"]}


def _duration(task: dict) -> Decimal | None:
    value = task.get("duration", _defaults()["duration"])
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _number_results(task: dict) -> int | None:
    value = task.get("numberResults", _defaults()["numberResults"])
    return int(value) if is_int(value) and value >= 1 else None


def candidate_cells(task: dict, spec: ModelSpec, table: PriceTable) -> tuple[list[Cell], str]:
    """Every (resolution, aspect ratio) the task may produce, and why there is none."""
    width, height, resolution = task.get("width"), task.get("height"), task.get("resolution")
    if is_int(width) and is_int(height):
        size = spec.size_of(int(width), int(height))  # a 720p size is priced from the page's 720p row
        if size is None:
            return [], f"{width}x{height} is not a documented size, so it has no price"
        return spec.remember(
            ("cells", size.width, size.height),
            lambda: [Cell(size.resolution, size.aspect_ratio, size.width, size.height)],
        ), ""
    if isinstance(resolution, str):
        if resolution not in spec.resolutions and resolution not in table.resolutions():
            return [], f"resolution {resolution!r} has no documented price"
        return _cells_for(resolution, _image_aspect_ratio(task, spec), spec, table), ""
    if frame_list(task):
        ratio = _image_aspect_ratio(task, spec)
        return _cells_for(None, ratio, spec, table), ""
    return [], "the task gives no output size (width/height, resolution or inputs.frameImages)"


def _cells_for(resolution: str | None, ratio: str | None, spec: ModelSpec, table: PriceTable) -> list[Cell]:
    """The priced cells of a resolution (None: of every resolution), of one aspect ratio if known (remembered)."""

    def cells() -> list[Cell]:
        if resolution is None:
            return [c for res in spec.resolutions for c in _cells_for(res, ratio, spec, table)]
        return _priced_cells(resolution, ratio, spec, table)

    return remember(table.memo, ("cells", resolution, ratio, spec.model), cells)


def _priced_cells(resolution: str, ratio: str | None, spec: ModelSpec, table: PriceTable) -> list[Cell]:
    sizes = {s.aspect_ratio: s for s in spec.sizes_for(resolution)}
    derived = [d.aspectRatio for d in table.derivedAspectRatios]
    ratios = list(dict.fromkeys([*sizes, *table.aspect_ratios(), *derived]))
    chosen = [ratio] if ratio in ratios else ratios
    return [
        Cell(resolution, r, *((sizes[r].width, sizes[r].height) if r in sizes else (None, None)))
        for r in chosen
        if cell_price(Cell(resolution, r), Decimal(1), table)
    ]


def frame_list(task: dict) -> list:
    """The task's frame images, when they are a list (a price reads the first one's header)."""
    images = frame_images(task)
    return images if isinstance(images, list) else []


def _image_aspect_ratio(task: dict, spec: ModelSpec) -> str | None:
    """The documented aspect ratio nearest the first frame image, when readable offline."""
    return _first_image_ratio(frame_list(task), spec)


def _first_image_ratio(images: list, spec: ModelSpec) -> str | None:
    first = images[0] if images else None
    image = first.get("image") if isinstance(first, dict) else first
    size = inline_image_size(image) if isinstance(image, str) else None
    return _nearest_aspect_ratio(spec, *size) if size else None


def _nearest_aspect_ratio(spec: ModelSpec, width: int, height: int) -> str:
    return spec.nearest(width, height)[0].aspect_ratio


def _combine(uuid: str | None, cells: list[Cell], duration: Decimal, count: int, table: PriceTable) -> Estimate:
    priced, values, tops = _unit_prices(cells, duration, table)
    quantum = table.roundTo

    def money(value: Decimal) -> Decimal:
        return (value * count).quantize(quantum, ROUND_HALF_UP)

    if len(priced) == 1:
        ((cell, price),) = priced
        low = money(values[0])
        return Estimate(
            uuid,
            cell.width,
            cell.height,
            cell.resolution,
            cell.aspect_ratio,
            duration,
            count,
            low,
            low,
            money(tops[0]),
            price.basis,
        )
    resolutions = {c.resolution for c in cells}
    ratios = {c.aspect_ratio for c in cells}
    # money() never decreases as its argument grows: the money of the largest value is the largest money
    return Estimate(
        uuid,
        None,
        None,
        _only(resolutions),
        _only(ratios),
        duration,
        count,
        money(max(values)),
        money(min(values)),
        money(max(tops)),
        "range",
        f"{len(cells)} possible sizes; the cost is the most expensive one (conservative)",
    )


def _unit_prices(cells: list[Cell], duration: Decimal, table: PriceTable) -> tuple[list, list, list]:
    """Each cell with its price for one result, that price, and its high end (see _high). Remembered for the
    run: tasks that differ only in numberResults share them.

    Keyed by the cells list itself (lists of cells are remembered too), which the entry holds, so that
    its id cannot be taken by another list while the entry lives.
    """
    key = ("unit prices", id(cells), duration)
    found = table.memo.get(key)
    if found is None or found[0] is not cells:
        priced = [(cell, _known_price(cell, duration, table)) for cell in cells]
        values = [p.value for _, p in priced]
        tops = [_high(cell, p, duration, table) for cell, p in priced]
        found = keep(table.memo, key, (cells, priced, values, tops))
    return found[1:]


def _high(cell: Cell, price: CellPrice, duration: Decimal, table: PriceTable) -> Decimal:
    """The high end of one result: the margin of pricing/ off a documented point, and never below the billed
    view (bills may count one frame more than the table's duration x fps: README, decisions)."""
    margin = ZERO if price.basis == "table" else table.estimateMargin.high
    return max(price.value * (1 + margin), billed_view(cell, price.value, duration, table))


def billed_view(cell: Cell, value: Decimal, duration: Decimal, table: PriceTable) -> Decimal:
    """What a bill may be for one result of ``cell`` whose point estimate is ``value``, by the frame rule of
    pricing/ (estimateMargin.billedFrames): the larger of the cell's tokens at the billed frame count times the
    table's rate, and the point estimate scaled to the billed frame count. The two readings differ by the
    rounding of the table's rows (four decimals), and the high end must cover either."""
    rule = table.estimateMargin.billedFrames
    listed = rule.framesPerSecond * duration
    billed = listed + rule.extraFrames
    scaled = value * billed / listed
    if cell.width is None or cell.height is None:
        return scaled
    tokens = Decimal(cell.width * cell.height) * billed / rule.pixelsPerToken
    return max(scaled, tokens * token_rate(table))


def token_rate(table: PriceTable, spec: ModelSpec | None = None) -> Decimal:
    """USD per token of the documented rows: their prices' sum over their tokens' sum (at duration x fps
    frames), the larger amounts weighing more, as they carry more digits (remembered for the run)."""
    return remember(table.memo, ("token rate",), lambda: _token_rate(table, spec or model_spec()))


def _token_rate(table: PriceTable, spec: ModelSpec) -> Decimal:
    rule = table.estimateMargin.billedFrames
    sizes = {(s.resolution, s.aspect_ratio): s for s in spec.known_sizes}
    prices = tokens = ZERO
    for row in table.rows:
        size = sizes.get((row.resolution, row.aspectRatio))
        if size is not None:
            prices += row.price
            tokens += Decimal(size.width * size.height * rule.framesPerSecond) * row.duration / rule.pixelsPerToken
    return prices / tokens


def _known_price(cell: Cell, duration: Decimal, table: PriceTable) -> CellPrice:
    """cell_price of a candidate cell, which has one (a documented size's, or one _priced_cells kept)."""
    price = cell_price(cell, duration, table)
    assert price is not None, f"{cell} has no price"
    return price


def _only(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None
