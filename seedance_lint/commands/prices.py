"""`seedance-lint prices`: the price matrix, from pricing/ and the schema's sizes."""

from __future__ import annotations

import argparse

from seedance_lint.commands.output import EXIT_OK
from seedance_lint.core.data import model_spec
from seedance_lint.cost.model import Cell, cell_price
from seedance_lint.cost.table import price_table


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    """The price matrix: documented cells as given, derived cells marked with '*', sizes from outside the
    page with '+'."""
    table, spec = price_table(), model_spec()
    durations = sorted({row.duration for row in table.rows})
    ratios = list(dict.fromkeys([*table.aspect_ratios(), *(d.aspectRatio for d in table.derivedAspectRatios)]))
    header = ["resolution", "aspect", *(f"{d:f}s" for d in durations), "USD/s", "size"]
    rows = [header]
    for resolution in table.resolutions():
        # A size from outside the page's dimension table (720p) is marked with '+' and named in a note.
        sizes = {
            s.aspect_ratio: f"{s.width}x{s.height}{'' if s.documented else '+'}" for s in spec.sizes_for(resolution)
        }
        for ratio in ratios:
            found = [cell_price(Cell(resolution, ratio), d, table) for d in durations]
            prices = [price for price in found if price is not None]
            if len(prices) < len(found):
                continue
            mark = "*" if prices[0].basis == "derived" else ""
            per_second = (prices[-1].value / durations[-1]).quantize(table.roundTo)
            rows.append(
                [
                    resolution,
                    ratio,
                    *(f"{p.value:f}{mark}" for p in prices),
                    f"{per_second:f}",
                    sizes.get(ratio, "undocumented"),
                ]
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    notes = [f"* derived: {d.aspectRatio} priced as {d.from_} ({d.reason})" for d in table.derivedAspectRatios]
    if spec.undocumented_sizes:
        notes.append(f"+ size not on the API page: from {spec.undocumented_sizes_source} (SDL205 warns about it)")
    headline = ", ".join(f"{k} ~{v:f}/s" for k, v in table.headlineRates.perSecond.items())
    notes.append(f"Headline rates on the API page: {headline}. Currency: {table.currency}.")
    return EXIT_OK, "\n".join(lines + notes) + "\n"
