"""`cost diff` of two 100,000-task JSON Lines files against one `cost` of one of them (issue 17's target: at
most 2.5x), and the size of the markdown comment for a change of every task (target: under 65,536 characters).

    python bench/diff.py                         # 100,000 tasks, 5 runs each, contenders in alternation
    python bench/diff.py --count 10000 --repeats 3   # a smoke test

The head is the base corpus (bench/make_corpus.py) with 1% of its tasks changed (duration), 0.5% removed and
0.5% added; "every task changed" doubles every duration. Each contender is the installed command as a
subprocess (wall time, the installed defaults: two processes); the ratio is what to read.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import corpus_jsonl, ours

TARGET_RATIO = 2.5
COMMENT_CHARS = 65_536


def head_of(base: Path, out: Path, every: bool) -> Path:
    """The base with some tasks changed, removed and added (or every duration changed)."""
    rng = random.Random(17)
    lines = base.read_bytes().splitlines()
    kept = []
    for number, line in enumerate(lines):
        try:
            task = json.loads(line)
        except ValueError:
            kept.append(line)
            continue
        draw = rng.random()
        if not isinstance(task, dict) or (not every and draw >= 0.015):
            kept.append(line)
        elif every or draw < 0.01:
            if isinstance(task.get("duration"), int | float):
                task["duration"] = task["duration"] * 2 if every else task["duration"] + 1
            kept.append(json.dumps(task).encode())
        else:  # removed here, and one added in its place
            task["taskUUID"] = f"00000000-0000-4000-8000-{number:012d}"
            kept.append(json.dumps(task).encode())
    out.write_bytes(b"\n".join(kept) + b"\n")
    return out


def timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}: {done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    base = corpus_jsonl(options.count)
    out = base.parent / "diff"
    out.mkdir(exist_ok=True)
    head = head_of(base, out / f"head-{options.count}.jsonl", every=False)
    every = head_of(base, out / f"every-{options.count}.jsonl", every=True)
    contenders = {
        "cost BASE --format json": [*ours(), "cost", str(base), "--format", "json"],
        "cost diff BASE HEAD --format json": [*ours(), "cost", "diff", str(base), str(head), "--format", "json"],
        "cost diff BASE HEAD --format markdown": [
            *ours(),
            "cost",
            "diff",
            str(base),
            str(head),
            "--format",
            "markdown",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(options.repeats):
        for name, argv in contenders.items():  # in alternation: a noisy neighbour slows each alike
            times[name].append(timed(argv)[0])
    plain = statistics.median(times["cost BASE --format json"])
    print(f"{options.count:,} tasks, median of {options.repeats} runs (wall, seconds)")
    for name, series in times.items():
        median = statistics.median(series)
        print(f"  {name:40} {median:6.2f}  x{median / plain:.2f}")
    worst = max(statistics.median(s) for n, s in times.items() if "diff" in n) / plain
    print(f"  ratio of the slower diff to cost: x{worst:.2f} (target at most x{TARGET_RATIO})")
    _, text = timed([*ours(), "cost", "diff", str(base), str(every), "--format", "markdown"])
    print(f"  markdown of a change of every task: {len(text):,} characters (target under {COMMENT_CHARS:,})")
    _, text = timed([*ours(), "cost", "diff", str(base), str(head), "--format", "markdown"])
    print(f"  markdown of the 2% change: {len(text):,} characters")


if __name__ == "__main__":
    main()
