"""csv: a header and one row per task, for spreadsheets; problems go to stderr."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from functools import lru_cache

from seedance_lint.core.text import printable
from seedance_lint.cost.pipeline import CostTally, PricedRun, Render
from seedance_lint.reporters.cost.base import PerEstimate, estimate_fields

CSV_COLUMNS = (
    "file",
    "task",
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
    tail = PerEstimate(lambda e: _csv_line(estimate_fields(e).values()))

    def render(run: PricedRun) -> tuple[str, list[str]]:
        tails = tail.each(run.estimates)
        uuids = ["" if u is None else u for u in run.uuids]
        if not _csv_plain("".join(uuids)):  # else the usual run: each taskUUID as it is
            uuids = [_csv_quoted(printable(u)) for u in uuids]
        return _csv_cell(printable(run.file)) + ",", [f",{u},{t}" for u, t in zip(uuids, tails, strict=True)]

    return render


def _csv_plain(text: str) -> bool:
    """Whether a text is a csv cell as it is (true of texts joined when true of each)."""
    return text.isascii() and text.isprintable() and "," not in text and '"' not in text


def stream(tally: CostTally) -> Iterator[str]:
    yield ",".join(CSV_COLUMNS) + "\n"
    for block in tally:
        first, head = block.first, block.head
        yield "".join([f"{head}{first + i}{a}" for i, a in enumerate(block.rows)])
