"""Evidence for the first remaining bottleneck (RESULTS.md, "Current results"): memoised cost lookups.

    python bench/prototype_cost_cache.py [bench/corpus/tasks-100000.jsonl] [--limit 20000]

Prices every task of a JSONL twice: once with seedance_lint.costing as it is, and once with two
memos patched in this process only. The memos are `_cells_for` per (resolution, ratio) and
`cell_price` per (cell, duration); the table and spec are frozen, so both are pure. The script
checks that every Estimate is equal, then prints µs per task for each. It changes no file of the package.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402


def tasks_of(path: Path, limit: int) -> list[object]:
    with open(path, "rb") as stream:
        return [orjson.loads(line) for _, line in zip(range(limit), stream)]


def price_all(tasks: list[object]) -> list[object]:
    from seedance_lint import costing

    spec, table = costing.model_spec(), costing.price_table()
    return [costing.estimate_task(task, spec, table) for task in tasks]


def patched() -> None:
    from seedance_lint import costing

    original_cells, original_price = costing._cells_for, costing.cell_price

    # The price table is a pydantic model (not hashable): it is the same frozen object on every call.
    cells_memo: dict[tuple, tuple] = {}
    price_memo: dict[tuple, object] = {}

    def cells(resolution: str, ratio: str | None, spec: object, table: object) -> list:
        key = (resolution, ratio, id(spec), id(table))
        if key not in cells_memo:
            cells_memo[key] = tuple(original_cells(resolution, ratio, spec, table))
        return list(cells_memo[key])

    def price(cell: object, duration: object, table: object) -> object:
        key = (cell, duration.as_tuple(), id(table))  # as_tuple: 5 and 5.0 stay apart, exponents and all
        if key not in price_memo:
            price_memo[key] = original_price(cell, duration, table)
        return price_memo[key]

    costing._cells_for = cells
    costing.cell_price = price


def timed(tasks: list[object], repeats: int) -> tuple[float, list[object]]:
    walls, result = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = price_all(tasks)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls) / len(tasks) * 1e6, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, nargs="?", default=make_corpus.jsonl_path(100_000))
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    tasks = tasks_of(args.path, args.limit)
    price_all(tasks[:100])  # warm-up: data files, price table
    before, expected = timed(tasks, args.repeats)
    patched()
    after, got = timed(tasks, args.repeats)
    same = sum(a == b and repr(a) == repr(b) for a, b in zip(expected, got))
    print(f"{args.path} ({len(tasks):,} tasks), median of {args.repeats}")
    print(f"estimate_task as it is:    {before:6.1f} µs/task")
    print(f"with the two memos:        {after:6.1f} µs/task")
    print(f"identical estimates:       {same:,} of {len(tasks):,}")
    return 0 if same == len(tasks) else 1


if __name__ == "__main__":
    sys.exit(main())
