"""A priced run rendered a block at a time says what rendering and summing it row by row says."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import model_spec
from seedance_lint.core.text import printable
from seedance_lint.cost.model import price_many
from seedance_lint.cost.pipeline import EXACT, PricedRun, RowBlock, render_block
from seedance_lint.cost.table import price_table
from seedance_lint.reporters.cost import COST_REPORTERS
from seedance_lint.reporters.cost.base import PerEstimate, estimate_fields

SPEC, TABLE = model_spec(), price_table()
SIZES = [(s.width, s.height) for s in SPEC.sizes]

#: Tasks priced alike (shared estimates), unpriced, and with every kind of taskUUID a row must quote.
tasks = st.fixed_dictionaries(
    {
        "width": st.sampled_from([w for w, _ in SIZES[:3]] + [1, 864.0]),
        "height": st.sampled_from([h for _, h in SIZES[:3]]),
    },
    optional={
        "duration": st.sampled_from([5, 5.0, 7.5, 12, -1, "5"]),
        "numberResults": st.integers(0, 3),
        "taskUUID": st.text(max_size=6) | st.sampled_from(["a,b", 'q"', "b\\s", "\x1b[2J", "\u2028"]) | st.integers(),
    },
) | st.sampled_from([[], "text", None])
max_costs = st.none() | st.sampled_from([Decimal(0), Decimal("0.03"), Decimal("0.1")])


def _run(values: list, file: str = 'd,i"r|/b\n.jsonl', first: int = 7) -> PricedRun:
    return PricedRun(file, first, *price_many(values, SPEC, TABLE), range(3, 3 + len(values)))


def _rows(block: RowBlock) -> list[str]:
    return [f"{block.head}{block.first + i}{after}" for i, after in enumerate(block.rows)]


@settings(max_examples=150, deadline=None)
@given(st.lists(tasks, min_size=1, max_size=12), max_costs)
def test_sums_and_problems_are_those_of_each_row(values, max_task) -> None:
    run = _run(values)
    block = render_block(run, COST_REPORTERS["json"].renderer(), "USD", max_task)
    priced = [e for e in run.estimates if e.cost is not None]
    with localcontext(EXACT):
        assert block.total == sum((e.cost for e in priced), Decimal(0))
        assert (block.low, block.high) == (
            sum((e.low for e in priced), Decimal(0)),
            sum((e.high for e in priced), Decimal(0)),
        )
    expected = [
        (i, f"{printable(run.file)}: task ", f" cannot be priced: {e.reason}")
        if e.cost is None
        else (i, f"{printable(run.file)}: task ", f" may cost {e.high:f} USD, over --max-task-cost {max_task:f}")
        for i, e in enumerate(run.estimates)
        if e.cost is None or (max_task is not None and e.high > max_task)
    ]
    assert block.problems == expected


def _json_row(file: str, index: int, line: int, uuid: str | None, e) -> str:  # an Estimate
    fields = {
        "file": printable(file),
        "task": index,
        "line": line,
        "taskUUID": None if uuid is None else printable(uuid),
        **estimate_fields(e),
    }
    return json.dumps(fields, ensure_ascii=False)


def _as_text(cell: str) -> str:
    """A cell as a spreadsheet must show it: one that would start a formula gets a leading apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell else cell


def _csv_row(file: str, index: int, line: int, uuid: str | None, e) -> str:  # an Estimate
    out = io.StringIO()
    cells = [_as_text(printable(file)), index, line, "" if uuid is None else _as_text(printable(uuid))]
    cells += estimate_fields(e).values()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(st.lists(tasks, min_size=1, max_size=12), st.sampled_from([("json", _json_row), ("csv", _csv_row)]))
def test_rows_are_what_json_dumps_and_the_csv_module_write(values, format_and_reference) -> None:
    fmt, reference = format_and_reference
    run = _run(values)
    rows = _rows(render_block(run, COST_REPORTERS[fmt].renderer(), "USD", None))
    assert rows == [
        reference(run.file, run.first + i, line, uuid, e)
        for i, (line, uuid, e) in enumerate(zip(run.lines, run.uuids, run.estimates, strict=True))
    ]


@pytest.mark.parametrize("fmt", sorted(COST_REPORTERS))
def test_rows_are_the_same_when_the_render_cache_is_cleared_midway(fmt, monkeypatch) -> None:
    values = [{"width": w, "height": h, "duration": d} for w, h in SIZES[:4] for d in (5, 6, 7)] * 2
    expected = render_block(_run(values), COST_REPORTERS[fmt].renderer(), "USD", None)
    monkeypatch.setattr(PerEstimate, "LIMIT", 2)
    assert render_block(_run(values), COST_REPORTERS[fmt].renderer(), "USD", None) == expected
