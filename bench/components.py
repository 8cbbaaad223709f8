"""Where the time of `check` goes on a JSONL batch, stage by stage, without a profiler's overhead.

    python bench/components.py [bench/corpus/tasks-100000.jsonl] [--repeats 3]

Each stage runs over every line of the file in this process (imports and data
loading done beforehand) and prints µs per task, median of the repeats. The
stages are cumulative slices of the pipeline, so differences between rows are
what each step costs:

  read lines                      the file, line by line (bytes)
  json.loads / orjson.loads       parse only
  documents.load                  decode + orjson + duplicate-key guard (_may_repeat_keys)
  + accept path                   fastpath.is_clean: the one compiled schema that passes clean tasks
  + task rules                    engine.lint_task: the accept path, then every task rule for the tasks it does not pass
  + document rules                the whole-document rules (secret scan)
  Linter (everything)             the real engine: positions, stamping, taskUUID registry, redaction
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402


def stages(path: Path) -> dict[str, Callable[[], int]]:
    import orjson

    from seedance_lint import engine, rules
    from seedance_lint.documents import Document, load
    from seedance_lint.sources import Source

    source = Source(str(path), path, "jsonl", True)
    task_rules = rules.TASK_RULES
    document_rules = getattr(rules, "DOCUMENT_RULES", ())

    def read() -> int:
        with open(path, "rb") as stream:
            return sum(1 for _ in stream)

    def json_loads() -> int:
        with open(path, "rb") as stream:
            return sum(1 for line in stream if json.loads(line) is not None)

    def orjson_loads() -> int:
        with open(path, "rb") as stream:
            return sum(1 for line in stream if orjson.loads(line) is not None)

    def documents() -> int:
        return sum(1 for _ in load(source))

    # engine.lint_task (accept path first) exists since e4c1c8f; before it every task ran the rules.
    lint_task = getattr(engine, "lint_task", engine.check_task)

    def with_accept_path() -> int:
        from seedance_lint.fastpath import is_clean

        return sum(1 for loaded in load(source) if isinstance(loaded, Document) and (is_clean(loaded.value) or True))

    def with_task_rules() -> int:
        count = 0
        for loaded in load(source):
            if isinstance(loaded, Document):
                lint_task(loaded.value, task_rules)
                count += 1
        return count

    def with_document_rules() -> int:
        count = 0
        for loaded in load(source):
            if isinstance(loaded, Document):
                lint_task(loaded.value, task_rules)
                engine.check_task(loaded.value, document_rules)
                count += 1
        return count

    def linter() -> int:
        run = engine.Linter()
        for _ in run.lint_sources([source]):
            pass
        return run.stats.tasks

    found = {
        "read lines": read,
        "json.loads": json_loads,
        "orjson.loads": orjson_loads,
        "documents.load": documents,
    }
    if hasattr(engine, "lint_task"):
        found["+ accept path"] = with_accept_path
    found |= {
        "+ task rules": with_task_rules,
    }
    if document_rules:
        found["+ document rules"] = with_document_rules
    found["Linter (everything)"] = linter
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path, nargs="?", default=make_corpus.jsonl_path(100_000))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"missing {args.path}: python bench/make_corpus.py jsonl 100000", file=sys.stderr)
        return 2
    measured = stages(args.path)
    for measure in measured.values():  # warm-up: imports, validators, file cache
        measure()
    times: dict[str, list[float]] = {name: [] for name in measured}
    counts: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, measure in measured.items():
            start = time.perf_counter()
            counts[name] = measure()
            times[name].append(time.perf_counter() - start)
    lines = counts["read lines"]
    print(f"{args.path} ({lines:,} lines), median of {args.repeats}")
    print(f"{'stage':<24} {'µs/task':>9} {'tasks/s':>10}")
    for name, walls in times.items():
        wall = statistics.median(walls)
        print(f"{name:<24} {wall / lines * 1e6:9.1f} {lines / wall:10,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
