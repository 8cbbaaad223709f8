"""Where the time of `check` and `cost` goes on a JSON Lines batch, stage by stage, without a profiler.

    python bench/components.py [bench/corpus/tasks-100000.jsonl] [--repeats 3]

Each stage is timed alone, chunk by chunk, over the whole file in this process
(imports and data loading done beforehand), on the chunks the pipeline itself
reads (batch.py); it prints µs per task, median of the repeats. The stages of
`check` (the accept path) and of `cost`:

  json.loads per line              the baseline of issue 6 (nothing but parsing)
  read chunks                      the file in blocks of whole lines (batch._read_chunks)
  orjson parse                     every line of a chunk (batch._parse)
  accept-path validator            jsonschema-rs over the chunk's values (fastpath.accepts_all)
  duplicate keys, secrets          the chunk dumped again, quotes counted, the secret prefilter (batch._taken)
  taskUUID registry                registering the chunk's UUIDs (engine.TaskUuids.add_run)
  check, everything                Linter.lint_sources: the rows above, rejected lines and their rules
  cost: price                      costing.price_many over parsed chunks, the memo emptied first (as in a run)
  cost: render json                reporters.cost.render_block for json, its cache new (as in a run)
  cost, everything                 the priced blocks streamed as json (no start-up, no writing)

The rows are parts of one pipeline, not cumulative: "everything" is more than
their sum (generators, runs of accepted lines, failing tasks).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402
import run  # noqa: E402  (its baseline: json.loads over the lines, none kept)


def _chunks(path: Path) -> list:
    from seedance_lint.input import jsonl

    with open(path, "rb") as stream:
        return [(raw, jsonl.split_lines(raw)) for raw in jsonl.read_blocks(stream, jsonl.CHUNK_BYTES)]


def _per_chunk(path: Path, stage: Callable[[bytes, list[bytes]], object]) -> Callable[[], float]:
    """Seconds spent in ``stage`` over every chunk of the file (only the stage is timed)."""
    chunks = _chunks(path)

    def timed() -> float:
        spent = 0.0
        for raw, lines in chunks:
            start = time.perf_counter()
            stage(raw, lines)
            spent += time.perf_counter() - start
        return spent

    return timed


def _whole(run: Callable[[], object]) -> Callable[[], float]:
    def timed() -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    return timed


def stages(path: Path) -> dict[str, Callable[[], Callable[[], float]]]:
    """Label -> a factory of the timed stage (made just before it is timed: what it holds is not held
    while the others run)."""
    from seedance_lint.core.data import model_spec
    from seedance_lint.cost.table import price_table
    from seedance_lint.input import jsonl
    from seedance_lint.linting import accept
    from seedance_lint.linting.linter import Linter

    spec, table = model_spec(), price_table()

    def forget_prices() -> None:
        table.memo.clear()
        spec.memo.clear()

    return {
        "json.loads per line": lambda: _whole(lambda: run._loads_all(path, json.loads)),
        "read chunks": lambda: _whole(lambda: _chunks(path)),
        "orjson parse": lambda: _per_chunk(path, lambda raw, lines: jsonl.parse_lines(lines)),
        "accept-path validator": lambda: _per_chunk_values(
            path, lambda raw, lines, values, clean: accept.accepts_all(values)
        ),
        "duplicate keys, secrets": lambda: _per_chunk_values(
            path, lambda raw, lines, values, clean: accept._taken(lines, values, clean, raw)
        ),
        "taskUUID registry": lambda: _registry(path),
        "check, everything": lambda: _whole(lambda: list(Linter().lint_sources(_sources(path)))),
        "cost: price": lambda: _fresh(forget_prices, _per_chunk_values(path, _price)),
        "cost: render json": lambda: _render(path),
        "cost, everything": lambda: _fresh(forget_prices, _whole(lambda: _cost(path))),
    }


def _price(raw: bytes, lines: list[bytes], values: list, clean: list[bool]) -> None:
    from seedance_lint.core.data import model_spec
    from seedance_lint.cost.model import price_many
    from seedance_lint.cost.table import price_table

    price_many(values, model_spec(), price_table())


def _registry(path: Path) -> Callable[[], float]:
    from seedance_lint.input import jsonl
    from seedance_lint.linting.uuids import TaskUuids

    uuids = [[v.get("taskUUID") for v in jsonl.parse_lines(lines) if isinstance(v, dict)] for _, lines in _chunks(path)]

    def timed() -> float:
        registry = TaskUuids()
        registry.reserve(jsonl.expected_tasks(_sources(path)[0]))  # sized from the file, as Linter.lint_source does
        start = time.perf_counter()
        for index, chunk in enumerate(uuids):
            registry.add_run(chunk, "f", index)
        return time.perf_counter() - start

    return timed


def _per_chunk_values(
    path: Path, stage: Callable[[bytes, list[bytes], list, list[bool]], object]
) -> Callable[[], float]:
    """A stage that takes a chunk's bytes, lines, values and accept-path verdicts (made beforehand, not timed)."""
    from seedance_lint.input import jsonl
    from seedance_lint.linting.accept import accepts_all

    parsed = [
        (raw, lines, values, accepts_all(values))
        for raw, lines in _chunks(path)
        for values in [jsonl.parse_lines(lines)]
    ]

    def timed() -> float:
        spent = 0.0
        for chunk in parsed:
            start = time.perf_counter()
            stage(*chunk)
            spent += time.perf_counter() - start
        return spent

    return timed


def _fresh(reset: Callable[[], object], timed: Callable[[], float]) -> Callable[[], float]:
    def run() -> float:
        reset()
        return timed()

    return run


def _render(path: Path) -> Callable[[], float]:
    from seedance_lint.core.data import model_spec
    from seedance_lint.cost.model import price_many
    from seedance_lint.cost.pipeline import PricedRun, render_block
    from seedance_lint.cost.table import price_table
    from seedance_lint.input import jsonl
    from seedance_lint.reporters.cost import COST_REPORTERS

    spec, table = model_spec(), price_table()
    priced = [
        PricedRun("f", 0, *price_many(jsonl.parse_lines(lines), spec, table), range(1, len(lines) + 1))
        for _, lines in _chunks(path)
    ]

    def timed() -> float:
        render = COST_REPORTERS["json"].renderer()
        start = time.perf_counter()
        for chunk in priced:
            render_block(chunk, render, "USD", None)
        return time.perf_counter() - start

    return timed


def _sources(path: Path) -> list:
    from seedance_lint.input.sources import discover

    return list(discover([str(path)]))


def _cost(path: Path) -> None:
    from seedance_lint.cost.pipeline import CostTally, cost_blocks
    from seedance_lint.reporters.cost import COST_REPORTERS

    fmt = COST_REPORTERS["json"]
    for _ in fmt.stream(CostTally("USD", cost_blocks(_sources(path), fmt.renderer, "USD", None))):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=HERE / "corpus" / "tasks-100000.jsonl")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.path.exists():
        make_corpus.write_jsonl(args.path, 100_000)
    with open(args.path, "rb") as lines:
        tasks = sum(1 for _ in lines)
    print(f"{args.path} ({tasks:,} lines), µs per task, median of {args.repeats}:\n")
    for label, make in stages(args.path).items():
        timed = make()
        gc.collect()
        gc.freeze()  # what the stage holds beforehand is not walked by the collections it triggers
        seconds = statistics.median(timed() for _ in range(args.repeats))
        gc.unfreeze()
        del timed
        print(f"  {label:<30} {seconds * 1e6 / tasks:7.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
