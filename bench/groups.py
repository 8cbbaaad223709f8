"""What --group-by and --summary add to `cost` (issue 16's target: at most 10% on a 100,000-task JSON Lines file).

    python bench/groups.py                 # 100,000 tasks, 5 runs each, contenders in alternation
    python bench/groups.py --count 10000 --repeats 3   # a smoke test
    python bench/groups.py --in-process    # one process, the json format, no pool: less noise to read through

Each contender is `seedance-lint cost FILE --format json` as a subprocess (wall time, the installed
defaults), alone and with the flags; the ratio to the plain run is what to read (machines are noisy).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import corpus_jsonl, ours

FLAGS = {
    "plain": [],
    "--group-by resolution,duration": ["--group-by", "resolution,duration"],
    "--group-by file,aspectRatio,numberResults": ["--group-by", "file,aspectRatio,numberResults"],
    "--summary": ["--summary"],
    "--summary --group-by resolution": ["--summary", "--group-by", "resolution"],
}


def in_process(path: Path, flags: list[str]) -> float:
    """What `cost PATH --format json FLAGS --jobs 1` does, in this process (no start-up, no pool)."""
    from seedance_lint.commands.cost import group_keys
    from seedance_lint.cost.pipeline import CostTally, Limits, cost_blocks
    from seedance_lint.input.sources import discover
    from seedance_lint.reporters.cost import COST_REPORTERS

    given = [flags[i + 1] for i, flag in enumerate(flags) if flag == "--group-by"]
    summary = "--summary" in flags
    group_by = group_keys(given, summary)
    fmt = COST_REPORTERS["json"]
    start = time.perf_counter()
    blocks = cost_blocks(list(discover([str(path)])), fmt.renderer, "USD", None, limits=Limits(group_by))
    for _ in fmt.stream(CostTally("USD", blocks, group_by=group_by, summary=summary)):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--in-process", action="store_true", help="time the pipeline in this process")
    options = parser.parse_args()
    path = corpus_jsonl(options.count)
    times: dict[str, list[float]] = {name: [] for name in FLAGS}
    for _ in range(options.repeats):
        for name, flags in FLAGS.items():  # in alternation: a noisy neighbour slows every contender alike
            if options.in_process:
                times[name].append(in_process(path, flags))
                continue
            start = time.perf_counter()
            subprocess.run([*ours(), "cost", str(path), "--format", "json", *flags], capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["plain"])
    print(f"| cost --format json, {options.count:,} tasks | median s | vs plain |")
    print("|---|---|---|")
    for name, found in times.items():
        median = statistics.median(found)
        print(f"| {name} | {median:.3f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
