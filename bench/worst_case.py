"""Worst cases for the secret scan, the --diff masking and the fixer (issue 18, classes 11 and 12).

Builds inputs made to be worst cases, then times `check` against `check --diff`
(and `cost`) on the same bytes, in child processes, medians of --runs runs; the
target is a ratio under 2x to a plain `check` (docs/performance.md):

  colons   one task whose prompt is 120 kB of "://" (the prefilter was quadratic in them)
  urls     one task whose prompt lists 6,000 URLs with a query (228 kB)
  secrets  16,000 lines, one authentication task with its own apiKey a line, and one task to fix
  fixes    16,000 tasks in one JSON Lines file, each with a fix to make (outputFormat "mp4")

    .venv/bin/python bench/worst_case.py [--runs 3] [--dir /tmp/worst]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

LINES = 16_000


def _task(**extra: object) -> dict[str, object]:
    task: dict[str, object] = {
        "taskType": "videoInference",
        "taskUUID": str(uuid.UUID(int=len(extra) + 1, version=4)),
        "model": "bytedance:2@2",
        "positivePrompt": "A dancer on a rooftop",
        "width": 864,
        "height": 480,
    }
    return {**task, **extra}


def build(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "colons": [_task(positivePrompt="://" * 40_000)],
        "urls": [_task(positivePrompt=" ".join(f"https://e.example.com/a{i}?q={i}" for i in range(6_000)))],
    }
    paths = {}
    for name, tasks in files.items():
        paths[name] = directory / f"{name}.json"
        paths[name].write_text(json.dumps(tasks))
    secrets = [
        json.dumps({"taskType": "authentication", "apiKey": f"rw_live_{i:08d}a1b2c3d4e5f6"}) for i in range(LINES)
    ]
    paths["secrets"] = directory / "secrets.jsonl"
    paths["secrets"].write_text("\n".join([*secrets, json.dumps(_task(outputFormat="mp4"))]) + "\n")
    fixes = [json.dumps(_task(outputFormat="mp4") | {"taskUUID": str(uuid.uuid4())}) for _ in range(LINES)]
    paths["fixes"] = directory / "fixes.jsonl"
    paths["fixes"].write_text("\n".join(fixes) + "\n")
    return paths


def _time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "seedance_lint", *argv], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/seedance-worst"))
    args = parser.parse_args()
    paths = build(args.dir)
    print("| input | bytes | `check` | `check --diff` | ratio | `cost` | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, path in paths.items():
        check = _time(["check", "--jobs", "1", str(path)], args.runs)
        diff = _time(["check", "--jobs", "1", "--diff", str(path)], args.runs)
        cost = _time(["cost", "--jobs", "1", str(path)], args.runs)
        size = path.stat().st_size
        print(
            f"| {name} | {size:,} | {check:.2f} s | {diff:.2f} s | {diff / check:.2f}x | {cost:.2f} s | "
            f"{cost / check:.2f}x |"
        )


if __name__ == "__main__":
    main()
