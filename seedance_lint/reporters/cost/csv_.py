"""csv: a header and one row per task, for spreadsheets; problems go to stderr."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from functools import lru_cache

from seedance_lint.core.text import FORMULA_STARTS, formula_safe, printable
from seedance_lint.cost.model import Estimate
from seedance_lint.cost.pipeline import CostTally, PricedRun, Render
from seedance_lint.reporters.cost.base import PerEstimate, estimate_fields, money

CSV_COLUMNS = (
    "file",
    "task",
    "line",
    "taskUUID",
    "width",
    "height",
    "resolution",
    "aspectRatio",
    "duration",
    "numberResults",
    "cost",
    "low",
    "high",
    "basis",
    "reason",
    "count",
    "label",
)


def _csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _csv_quoted(text: str) -> str:
    """One cell as the csv module writes it in a row of several (quoted only where it must be)."""
    return _csv_line([text, ""])[:-2]


_csv_cell = lru_cache(maxsize=64)(_csv_quoted)  # a file name, the same for every row of its blocks


def rows() -> Render:
    tail = PerEstimate(lambda e: _csv_line(_cells(e)))

    def render(run: PricedRun) -> tuple[str, list[str]]:
        tails = tail.each(run.estimates)
        uuids = ["" if u is None else u for u in run.uuids]
        if not _csv_plain("".join(uuids)) or any(u.startswith(FORMULA_STARTS) for u in uuids):  # else: as they are
            uuids = [_csv_quoted(formula_safe(printable(u))) for u in uuids]
        return _csv_cell(formula_safe(printable(run.file))) + ",", [
            f",{n},{u},{t}" for n, u, t in zip(run.lines, uuids, tails, strict=True)
        ]

    return render


def _cells(e: Estimate) -> Iterable[object]:
    """A row's cells after the taskUUID: a plan line's label, written by its author, is kept from being a formula."""
    fields = estimate_fields(e)
    if e.label is not None:
        fields["label"] = formula_safe(e.label)
    return fields.values()


def _csv_plain(text: str) -> bool:
    """Whether a text is a csv cell as it is (true of texts joined when true of each)."""
    return text.isascii() and text.isprintable() and "," not in text and '"' not in text


def stream(tally: CostTally) -> Iterator[str]:
    if tally.group_by is not None:  # a CSV holds one table: with --group-by or --summary, the groups
        yield from _groups(tally)
        return
    yield ",".join(CSV_COLUMNS) + "\n"
    for block in tally:
        first, head = block.first, block.head
        yield "".join([f"{head}{first + i}{a}" for i, a in enumerate(block.rows)])


def _groups(tally: CostTally) -> Iterator[str]:
    """One row per group (row "group") and one for the whole batch (row "total", its key cells empty)."""
    keys = tally.group_by or ()
    yield _csv_line(("row", *keys, "tasks", "videos", "total", "low", "high", "currency"))
    for _ in tally:
        pass
    for key, tasks, videos, total, low, high in tally.group_rows():
        if key:
            cells = ["" if v is None else formula_safe(printable(str(v))) for v in key]
            yield _csv_line(("group", *cells, tasks, videos, money(total), money(low), money(high), tally.currency))
    blank = ("",) * len(keys)
    yield _csv_line(
        (
            "total",
            *blank,
            tally.tasks,
            tally.videos,
            money(tally.total),
            money(tally.low),
            money(tally.high),
            tally.currency,
        )
    )
