"""`seedance-lint prices`: the price matrix, from pricing/ and the schema's sizes, as a table, csv, json
or markdown."""

from __future__ import annotations

import argparse
import csv
import io
import json
from decimal import Decimal
from typing import NamedTuple

from seedance_lint.commands.output import EXIT_OK, PRICES_FORMATS
from seedance_lint.core.data import model_spec
from seedance_lint.cost.model import Cell, cell_price
from seedance_lint.cost.table import PriceTable, price_table


class PriceRow(NamedTuple):
    """One (resolution, aspect ratio) of the matrix: its price per duration, per second, and its size."""

    resolution: str
    ratio: str
    prices: list[Decimal]  # one per duration of the table, in order
    derived: bool  # priced as another aspect ratio (marked '*')
    per_second: Decimal
    size: str | None  # None: no documented size
    size_on_page: bool  # False: a size from outside the page's dimension table (720p), marked '+'


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    """The price matrix: documented cells as given, derived cells marked '*', sizes from outside the page '+'."""
    table = price_table()
    durations = sorted({row.duration for row in table.rows})
    rows = price_rows(table, durations)
    renderers = {"table": _table, "csv": _csv, "json": _json, "markdown": _markdown}
    assert tuple(renderers) == PRICES_FORMATS  # the command line offers these names
    render = renderers[getattr(args, "format", "table")]
    return EXIT_OK, render(table, durations, rows)


def price_rows(table: PriceTable, durations: list[Decimal]) -> list[PriceRow]:
    spec = model_spec()
    ratios = list(dict.fromkeys([*table.aspect_ratios(), *(d.aspectRatio for d in table.derivedAspectRatios)]))
    rows = []
    for resolution in table.resolutions():
        sizes = {s.aspect_ratio: s for s in spec.sizes_for(resolution)}
        for ratio in ratios:
            found = [cell_price(Cell(resolution, ratio), d, table) for d in durations]
            prices = [price for price in found if price is not None]
            if len(prices) < len(found):
                continue
            per_second = (prices[-1].value / durations[-1]).quantize(table.roundTo)
            derived = prices[0].basis == "derived"
            size = sizes.get(ratio)
            shown = f"{size.width}x{size.height}" if size else None
            on_page = size is None or size.documented
            rows.append(PriceRow(resolution, ratio, [p.value for p in prices], derived, per_second, shown, on_page))
    return rows


def _notes(table: PriceTable) -> list[str]:
    notes = [f"* derived: {d.aspectRatio} priced as {d.from_} ({d.reason})" for d in table.derivedAspectRatios]
    spec = model_spec()
    if spec.undocumented_sizes:
        notes.append(f"+ size not on the API page: from {spec.undocumented_sizes_source} (SDL205 warns about it)")
    headline = ", ".join(f"{k} ~{v:f}/s" for k, v in table.headlineRates.perSecond.items())
    notes.append(f"Headline rates on the API page: {headline}. Currency: {table.currency}.")
    return notes


def _cells(row: PriceRow) -> list[str]:
    mark = "*" if row.derived else ""
    return [
        row.resolution,
        row.ratio,
        *(f"{p:f}{mark}" for p in row.prices),
        f"{row.per_second:f}",
        (row.size + ("" if row.size_on_page else "+")) if row.size else "undocumented",
    ]


def _header(table: PriceTable, durations: list[Decimal]) -> list[str]:
    return ["resolution", "aspect", *(f"{d:f}s" for d in durations), f"{table.currency}/s", "size"]


def _table(table: PriceTable, durations: list[Decimal], rows: list[PriceRow]) -> str:
    cells = [_header(table, durations), *map(_cells, rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines + _notes(table)) + "\n"


def _markdown(table: PriceTable, durations: list[Decimal], rows: list[PriceRow]) -> str:
    header = _header(table, durations)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("*", "\\*") for c in _cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n\n" + "".join(f"- {note.replace('*', chr(92) + '*')}\n" for note in _notes(table))


def _csv(table: PriceTable, durations: list[Decimal], rows: list[PriceRow]) -> str:
    """One row per cell, money as decimal strings; `basis` says table or derived (no '*' in a number)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["resolution", "aspectRatio", *(f"{d:f}s" for d in durations), "perSecond", "size", "sizeOnPage", "basis"]
    writer.writerow(header)
    for row in rows:
        prices = [f"{p:f}" for p in row.prices]
        basis = "derived" if row.derived else "table"
        on_page = "true" if row.size_on_page else "false"
        writer.writerow([row.resolution, row.ratio, *prices, f"{row.per_second:f}", row.size or "", on_page, basis])
    return out.getvalue()


def _json(table: PriceTable, durations: list[Decimal], rows: list[PriceRow]) -> str:
    derived = {d.aspectRatio: d.from_ for d in table.derivedAspectRatios}
    report = {
        "currency": table.currency,
        "durations": [f"{d:f}" for d in durations],
        "cells": [
            {
                "resolution": row.resolution,
                "aspectRatio": row.ratio,
                "prices": {f"{d:f}": f"{p:f}" for d, p in zip(durations, row.prices, strict=True)},
                "perSecond": f"{row.per_second:f}",
                "size": row.size,
                "sizeOnPage": row.size_on_page,
                "basis": "derived" if row.derived else "table",
                "pricedAs": derived.get(row.ratio) if row.derived else None,
            }
            for row in rows
        ],
        "headlineRates": {k: f"{v:f}" for k, v in table.headlineRates.perSecond.items()},
    }
    return json.dumps(report, indent=2) + "\n"
