"""Reporters for `cost`: table (terminal), markdown (PR comment), csv (spreadsheet), json; chosen by name.

json, csv and markdown are written as the tasks are priced (a million-task
batch never sits in memory); the table needs every row to size its columns.
Each format is a renderer (what a run of priced tasks becomes, made once per
distinct estimate) and a stream (the rows, the totals and the problems).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from seedance_lint.cost.pipeline import CostTally, Renderer
from seedance_lint.reporters.cost import csv_, json_, markdown, table


class CostFormat(NamedTuple):
    renderer: Renderer  # a renderer, with its own cache, for one run of the command
    stream: Callable[[CostTally], Iterator[str]]


COST_REPORTERS: dict[str, CostFormat] = {
    "table": CostFormat(table.table_rows, table.stream_table),
    "markdown": CostFormat(markdown.markdown_rows, markdown.stream_markdown),
    "csv": CostFormat(csv_.csv_rows, csv_.stream_csv),
    "json": CostFormat(json_.json_rows, json_.stream_json),
}
