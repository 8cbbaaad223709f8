"""The pricing model: documented points exact, examples within 1.5%, invariants by hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import model_spec, request_schema
from seedance_lint.cost.model import estimate_task
from seedance_lint.cost.table import price_table

import docpage
from conftest import png_data_uri, skip_without_doc_page

SPEC = model_spec()
TABLE = price_table()
DURATION = request_schema()["properties"]["duration"]
RESULTS = request_schema()["properties"]["numberResults"]
SIZES = [(s.width, s.height) for s in SPEC.sizes]


#: Every size the model has: the page's, and the 720p sizes from outside it (x-seedance.undocumentedDimensions).
KNOWN_SIZES = [(s.width, s.height) for s in SPEC.known_sizes]


def _size(resolution: str, ratio: str) -> dict:
    size = next((s for s in SPEC.known_sizes if (s.resolution, s.aspect_ratio) == (resolution, ratio)), None)
    return {"width": size.width, "height": size.height} if size else {"resolution": resolution}


def _billed(estimate) -> Decimal:
    """The billed view of a single-size estimate (pricing/'s frame rule), in the table's money."""
    from seedance_lint.cost.model import Cell, billed_view, cell_price

    cell = Cell(estimate.resolution, estimate.aspect_ratio, estimate.width, estimate.height)
    value = cell_price(cell, estimate.duration, TABLE).value  # the point estimate before rounding to money
    one = billed_view(cell, value, estimate.duration, TABLE)
    return (one * estimate.number_results).quantize(TABLE.roundTo)


@pytest.mark.parametrize("row", docpage.price_rows(), ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}s")
def test_documented_points_are_exact(row) -> None:
    """Every documented row, 720p included (by its size from outside the page), is its own point estimate;
    the high end is the billed view (one frame more), never below the price."""
    ratio, resolution, duration, price = row
    task = {**_size(resolution, ratio), "duration": int(duration)}
    estimate = estimate_task(task)
    assert "width" in task
    assert (estimate.cost, estimate.low, estimate.basis) == (price, price, "table")
    assert estimate.high == _billed(estimate) > price


def test_billed_examples_are_reproduced_within_a_tenth_of_a_percent_by_the_billed_view() -> None:
    """The page's billed examples (6 s) fit duration x fps + 1 frames; the point estimate stays on the table."""
    from seedance_lint.cost.model import Cell, billed_view, cell_price

    observed = TABLE.billingObservations
    assert {(o.width, o.height) for o in observed} == {(960, 416), (864, 480)}  # the page's two sizes
    for observation in observed:
        estimate = estimate_task({"width": observation.width, "height": observation.height, "duration": 6})
        cell = Cell(estimate.resolution, estimate.aspect_ratio, observation.width, observation.height)
        view = billed_view(cell, cell_price(cell, observation.duration, TABLE).value, observation.duration, TABLE)
        assert abs(view - observation.billed) / observation.billed <= Decimal("0.001")
        assert estimate.cost < observation.billed <= estimate.high


bill_durations = st.decimals(
    min_value=Decimal(str(DURATION["minimum"])), max_value=Decimal(str(DURATION["maximum"])), places=2, allow_nan=False
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KNOWN_SIZES), bill_durations, st.integers(1, 4))
def test_every_high_covers_the_billed_view(size, duration, count) -> None:
    """At 1.2 s one frame more is about +3.5%, beyond the 1% margin: the high end covers it anyway."""
    estimate = estimate_task({"width": size[0], "height": size[1], "duration": float(duration), "numberResults": count})
    assert estimate.high >= _billed(estimate) > estimate.cost


def test_short_clips_go_beyond_the_fixed_margin() -> None:
    """The property above is not vacuous: at the shortest duration the billed view is above cost x (1 + margin)."""
    short = estimate_task({"width": 864, "height": 480, "duration": DURATION["minimum"]})
    assert _billed(short) > short.cost * (1 + TABLE.estimateMargin.high)


@pytest.mark.parametrize("example", docpage.examples(), ids=lambda e: e[0]["taskUUID"][:8])
def test_page_examples_within_one_and_a_half_percent_of_billed(example) -> None:
    request, response = example
    billed = Decimal(str(response["cost"]))
    estimate = estimate_task(request)
    assert abs(estimate.cost - billed) / billed <= Decimal("0.015")
    assert estimate.low <= billed <= estimate.high  # the high end covers what was billed
    assert estimate.basis == "interpolated"


def test_derived_aspect_ratio_uses_its_source_and_says_so() -> None:
    derivation = TABLE.derivedAspectRatios[0]
    for resolution in SPEC.resolutions:
        derived = estimate_task({**_size(resolution, derivation.aspectRatio), "duration": 5})
        source = estimate_task({**_size(resolution, derivation.from_), "duration": 5})
        assert derived.basis == "derived" and derived.cost == source.cost


def test_undocumented_resolution_is_a_range_over_its_priced_aspect_ratios() -> None:
    if docpage.DOC is None:
        skip_without_doc_page()
    (resolution,) = SPEC.undocumented_values["/resolution"]
    prices = [p for r, res, d, p in docpage.price_rows() if res == resolution and d == 5]
    estimate = estimate_task({"resolution": resolution})
    assert (estimate.basis, estimate.low, estimate.cost) == ("range", min(prices), max(prices))
    assert estimate.high >= estimate.cost


def test_frame_image_only_task_is_a_range_unless_the_image_is_readable() -> None:
    url_task = {"inputs": {"frameImages": ["https://example.com/a.jpg"]}}
    assert estimate_task(url_task).basis == "range"
    png = png_data_uri(1920, 1080)
    readable = estimate_task({"inputs": {"frameImages": [png]}})
    assert readable.basis == "range" and readable.aspect_ratio == "16:9"


@pytest.mark.parametrize(
    "task, reason",
    [
        ({"width": 1280, "height": 720}, "not a documented size"),
        ({"positivePrompt": "no size"}, "no output size"),
        ({"width": 864, "height": 480, "duration": "5"}, "duration"),
        ({"width": 864, "height": 480, "numberResults": 0}, "numberResults"),
        ("not an object", "not an object"),
    ],
)
def test_unpriceable_tasks_say_why(task, reason) -> None:
    estimate = estimate_task(task)
    assert estimate.cost is None and estimate.basis == "unpriced" and reason in estimate.reason


def test_defaults_come_from_the_schema() -> None:
    width, height = SIZES[0]
    implicit = estimate_task({"width": width, "height": height})
    explicit = estimate_task(
        {"width": width, "height": height, "duration": DURATION["default"], "numberResults": RESULTS["default"]}
    )
    assert implicit == explicit


durations = st.decimals(
    min_value=Decimal(str(DURATION["minimum"])), max_value=Decimal(str(DURATION["maximum"])), places=2, allow_nan=False
)
counts = st.integers(RESULTS["minimum"], RESULTS["maximum"])


def _task(size: tuple[int, int], duration: Decimal, count: int) -> dict:
    return {"width": size[0], "height": size[1], "duration": float(duration), "numberResults": count}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIZES), durations, durations, counts)
def test_cost_is_monotone_in_duration(size, d1, d2, count) -> None:
    short, long = sorted((d1, d2))
    a, b = estimate_task(_task(size, short, count)), estimate_task(_task(size, long, count))
    assert Decimal(0) <= a.cost <= b.cost and a.high <= b.high


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIZES), durations, counts, counts)
def test_cost_is_monotone_in_number_results(size, duration, n1, n2) -> None:
    few, many = sorted((n1, n2))
    assert estimate_task(_task(size, duration, few)).cost <= estimate_task(_task(size, duration, many)).cost


@settings(max_examples=100, deadline=None)
@given(durations, counts)
def test_cost_is_monotone_in_resolution_per_aspect_ratio(duration, count) -> None:
    for ratio in {s.aspect_ratio for s in SPEC.sizes}:
        costs = [
            estimate_task(_task((s.width, s.height), duration, count)).cost
            for s in sorted(SPEC.sizes, key=lambda s: s.width * s.height)
            if s.aspect_ratio == ratio
        ]
        assert costs == sorted(costs)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SIZES), durations, counts)
def test_low_cost_high_are_ordered_and_non_negative(size, duration, count) -> None:
    estimate = estimate_task(_task(size, duration, count))
    assert Decimal(0) <= estimate.low <= estimate.cost <= estimate.high


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
task_like = st.fixed_dictionaries(
    {},
    optional={
        "width": st.integers(-10, 3000) | json_values,
        "height": st.integers(-10, 3000) | json_values,
        "resolution": st.sampled_from([*SPEC.resolutions, "720p", "4k"]) | json_values,
        "duration": st.floats(allow_nan=True, allow_infinity=True) | json_values,
        "numberResults": st.integers(-2, 10) | json_values,
        "inputs": st.fixed_dictionaries({"frameImages": st.lists(st.text(max_size=30) | json_values, max_size=2)})
        | json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(task_like | json_values)
def test_estimate_never_raises_and_is_consistent(task) -> None:
    estimate = estimate_task(task)
    if estimate.cost is None:
        assert estimate.basis == "unpriced" and estimate.reason
    else:
        assert Decimal(0) <= estimate.low <= estimate.cost <= estimate.high


#: Tasks that share a price key with others, or nearly: 5 and 5.0 and True are equal in Python, not in a price.
near_twins = st.builds(
    lambda size, as_float, extra: {"width": float(size[0]) if as_float else size[0], "height": size[1], **extra},
    st.sampled_from(SIZES[:2]),
    st.booleans(),
    st.fixed_dictionaries(
        {"duration": st.sampled_from([5, 5.0, 10, 10.0, True, -0.0, 0.0, None])},
        optional={"numberResults": st.sampled_from([1, 1.0, 2, True, None])},
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(near_twins | task_like | json_values, max_size=8), st.lists(st.text(max_size=8), max_size=8))
def test_memoised_estimates_equal_fresh_ones(tasks, uuids) -> None:
    """estimate_task shares one Estimate among tasks with the same price key; each is what pricing anew gives."""
    from seedance_lint.cost import model as costing

    table = costing.PriceTable.model_validate(price_table().model_dump(by_alias=True))  # an empty memo
    # not strict: the lists have their own lengths, and the tasks past the uuids are kept as they are
    tasks = [
        dict(t, taskUUID=u) if isinstance(t, dict) else t for t, u in zip(tasks * 2, uuids * 2, strict=False)
    ] + tasks * 2
    memoised = [estimate_task(t, SPEC, table) for t in tasks]
    fresh = [
        costing._estimate(
            t,
            t.get("taskUUID") if isinstance(t, dict) and isinstance(t.get("taskUUID"), str) else None,
            SPEC,
            costing.price_table(),
        )
        for t in tasks
    ]
    assert [repr(m) for m in memoised] == [repr(f) for f in fresh]


def _priced_cells() -> list:
    from seedance_lint.cost.model import Cell, cell_price

    ratios = [*TABLE.aspect_ratios(), *(d.aspectRatio for d in TABLE.derivedAspectRatios)]
    cells = [Cell(resolution, ratio) for resolution in TABLE.resolutions() for ratio in ratios]
    return [cell for cell in cells if cell_price(cell, Decimal(1), TABLE) is not None]


ALL_CELLS = _priced_cells()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(ALL_CELLS), min_size=2, max_size=8, unique=True),
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(100), places=3),
    st.integers(1, 10**6),
)
def test_a_range_is_the_extremes_of_its_cells(cells, duration, count) -> None:
    """A range's cost, low and high are the largest, smallest and largest high of its cells priced one by one."""
    from seedance_lint.cost.model import _combine

    singles = [_combine(None, [cell], duration, count, TABLE) for cell in cells]
    both = _combine(None, cells, duration, count, TABLE)
    assert (both.cost, both.low, both.high) == (
        max(s.cost for s in singles),
        min(s.low for s in singles),
        max(s.high for s in singles),
    )
    assert str(both.cost) == str(max(s.cost for s in singles))  # the same digits, not only the same value


@settings(max_examples=200, deadline=None)
@given(
    st.lists(near_twins | task_like | json_values, max_size=10),
    st.lists(st.text(max_size=4) | st.integers(), max_size=10),
)
def test_a_chunk_is_priced_as_each_of_its_tasks(tasks, uuids) -> None:
    """price_many over a chunk (keys made by maps over it) gives what pricing each task alone gives."""
    from seedance_lint.cost import model as costing

    # not strict: the lists have their own lengths, and the tasks past the uuids are kept as they are
    tasks = [dict(t, taskUUID=u) if isinstance(t, dict) else t for t, u in zip(tasks, uuids, strict=False)] + tasks[
        len(uuids) :
    ]
    table = costing.PriceTable.model_validate(price_table().model_dump(by_alias=True))  # an empty memo
    chunk_uuids, chunk = costing.price_many(tasks, SPEC, table)
    alone = [
        costing.price(t, SPEC, costing.PriceTable.model_validate(price_table().model_dump(by_alias=True)))
        for t in tasks
    ]
    assert chunk_uuids == [uuid for uuid, _ in alone]
    assert [repr(e) for e in chunk] == [repr(e) for _, e in alone]


def test_unit_prices_are_remembered_for_their_own_cells_only() -> None:
    """The memo is keyed by the cells list's id: an entry left by another list with that id is not used."""
    from seedance_lint.cost import model as costing

    table = costing.PriceTable.model_validate(price_table().model_dump(by_alias=True))  # an empty memo
    cells = ALL_CELLS[:2]
    fresh = costing._unit_prices(cells, Decimal(5), table)
    table.memo[("unit prices", id(cells), Decimal(5))] = (list(cells), [], [Decimal(1)], [Decimal(1)])  # a stale entry
    assert costing._unit_prices(cells, Decimal(5), table) == fresh
