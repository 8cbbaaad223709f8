"""Reporters for `cost`: table (terminal), markdown (PR comment), csv (spreadsheet), json; chosen by name.

json, csv and markdown are written as the tasks are priced (a million-task
batch never sits in memory); the table needs every row to size its columns.
Each format is a renderer (what a run of priced tasks becomes, made once per
distinct estimate) and a stream (the rows, the totals and the problems).
Modules are imported on first use: the command line lists the names without
loading the price model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

from seedance_lint.core.formats import LazyFormats

if TYPE_CHECKING:
    from seedance_lint.cost.pipeline import CostTally, Renderer

#: Format name -> module of seedance_lint.reporters.cost (with ``rows`` and ``stream``).
_MODULES = {"table": "table", "json": "json_", "csv": "csv_", "markdown": "markdown"}


class CostFormat(NamedTuple):
    renderer: Renderer  # a renderer, with its own cache, for one run of the command
    stream: Callable[[CostTally], Iterator[str]]


COST_REPORTERS: Mapping[str, CostFormat] = LazyFormats(
    __name__, _MODULES, lambda module: CostFormat(module.rows, module.stream)
)
