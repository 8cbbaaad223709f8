"""The Python API: lint and price requests in code (budget scripts, notebooks, data pipelines).

``lint`` and ``estimate`` take one request object; ``estimate_plan`` a plan (input/plans.py). ``check_batch`` and
``price_batch`` take a JSON Lines batch (a file, or lines or records in
memory) and return plain data: exactly what ``check --format json`` and
``cost --format json`` print, parsed. Given an Executor (a
``concurrent.futures.ProcessPoolExecutor``, or Dask's
``distributed.Client.get_executor()``), they send the batch there a block of
lines at a time; without one they run here. The result is the same either way.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from seedance_lint.config import Selection
from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.executor import AHEAD_PER_WORKER, ExecutorLike
from seedance_lint.input.jsonl import BLOCK_BYTES
from seedance_lint.input.sources import Source
from seedance_lint.linting.blocks import lint_blocks, lint_in_blocks
from seedance_lint.linting.linter import Linter
from seedance_lint.reporters.check import stream
from seedance_lint.reporters.check.base import Report, Stream

if TYPE_CHECKING:
    from seedance_lint.cost.model import Estimate

#: A JSON Lines batch: a file's path, or its lines (str or bytes) or records (objects, dumped as JSON).
Batch = str | os.PathLike[str] | Iterable[str | bytes | dict[str, Any]]
#: Blocks in flight on an executor whose size is unknown (a cluster): enough to keep a few workers busy.
DEFAULT_AHEAD = 4 * AHEAD_PER_WORKER


def lint(request: object, *, selection: Selection | None = None) -> list[Diagnostic]:
    """Diagnostics for a task object or a list of tasks.

    Lines and columns refer to ``json.dumps(request, indent=2)``, the canonical
    rendering of an in-memory request; the file is reported as ``<request>``.
    """
    text = json.dumps(request, indent=2, ensure_ascii=False, default=str)
    source = Source("<request>", None, "json", True, text.encode("utf-8"))
    return list(Linter(selection or Selection()).lint_source(source))


def estimate(request: object) -> Estimate:
    """The cost estimate of one task object (see :class:`seedance_lint.cost.model.Estimate`)."""
    from seedance_lint.cost.model import estimate_task  # pydantic (the price table): only pricing pays for it

    return estimate_task(request)


def estimate_plan(plan: object) -> list[Estimate]:
    """The estimate of each line of a plan (a plan file's parsed value, ``{"plan": [...]}``), as `cost` prices
    it: ``cost``, ``low`` and ``high`` for all of the line's tasks, ``tasks`` its count, ``label`` its label.
    A line the plan rules flag is unpriced, their message its ``reason``; what is wrong with the plan as a
    whole (an unknown member beside ``plan``) is for ``seedance-lint check`` to say."""
    from seedance_lint.core.data import model_spec
    from seedance_lint.cost.plans import price_plan  # the price table (pydantic): only pricing pays for it
    from seedance_lint.cost.table import price_table

    return price_plan(plan, model_spec(), price_table()).estimates


def check_batch(
    batch: Batch,
    *,
    name: str | None = None,
    executor: ExecutorLike | None = None,
    selection: Selection | None = None,
    ahead: int = DEFAULT_AHEAD,
) -> dict[str, Any]:
    """Lint a JSON Lines batch: ``{"diagnostics": [...], "summary": {...}}``, as ``check --format json``.

    ``name`` is the file name diagnostics carry (default: the path, or ``<batch>``).
    """
    source, blocks = _source(batch, name)
    linter = Linter(selection or Selection())
    if blocks is None:
        found = lint_in_blocks(linter, source, executor, ahead)
    else:
        found = lint_blocks(linter, source, blocks, executor, ahead)
    failing = frozenset({"error"})
    report = Report(Stream(found, failing), linter.stats, False, (source.display,), failing)
    return json.loads("".join(stream("json", report)))


def price_batch(
    batch: Batch, *, name: str | None = None, executor: ExecutorLike | None = None, ahead: int = DEFAULT_AHEAD
) -> dict[str, Any]:
    """Price a JSON Lines batch: ``{"currency", "tasks": [...], "total", "low", "high", "problems"}``, as
    ``cost --format json`` (money as decimal strings)."""
    # The price model (pydantic's price table): a script that only lints never loads it.
    from seedance_lint.cost.pipeline import CostTally, cost_blocks, price_blocks
    from seedance_lint.cost.table import price_table
    from seedance_lint.reporters.cost import COST_REPORTERS

    source, blocks = _source(batch, name)
    table, fmt = price_table(), COST_REPORTERS["json"]
    if blocks is None:
        priced = cost_blocks([source], fmt.renderer, table.currency, None, executor, ahead, min_bytes=0)
    else:
        priced = price_blocks(source, blocks, fmt.renderer, table.currency, None, executor, ahead)
    return json.loads("".join(fmt.stream(CostTally(table.currency, priced, None, table.roundTo))))


def _source(batch: Batch, name: str | None) -> tuple[Source, Iterator[bytes] | None]:
    """The batch as a source, and its blocks of lines when it is in memory (None: a file, read in blocks)."""
    from pathlib import Path

    if isinstance(batch, (str, os.PathLike)):
        return Source(name or os.fspath(batch), Path(batch), "jsonl", True), None
    return Source(name or "<batch>", None, "jsonl", True), _line_blocks(batch)


def _line_blocks(records: Iterable[str | bytes | dict[str, Any]]) -> Iterator[bytes]:
    """Lines or records in blocks of whole lines of about BLOCK_BYTES, as a file is read."""
    block: list[bytes] = []
    size = 0
    for record in records:
        if isinstance(record, bytes):
            line = record
        elif isinstance(record, str):
            line = record.encode("utf-8")
        else:
            line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        if not line.endswith(b"\n"):
            line += b"\n"
        block.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


__all__ = ["check_batch", "estimate", "lint", "price_batch"]
