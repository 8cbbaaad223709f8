"""A 10,000-line plan priced through the CLI (issue 16's target: under 1 s).

    python bench/plans.py                         # 10,000 lines, YAML and JSON, 5 runs each
    python bench/plans.py --lines 1000 --repeats 3   # a smoke test

Each run is `seedance-lint cost PLAN --format json --group-by label` as a subprocess (wall time, start-up
included), the YAML and the JSON plan in alternation; lines draw every way a line gives its size (a
resolution with and without an aspect ratio, width and height), durations and counts, and 50 labels.
The start-up alone (`seedance-lint cost` of a one-line plan) is printed beside, to read the pricing apart.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from seedance_lint.core.data import model_spec

from run import ours


def plan_lines(count: int, seed: int = 16) -> list[dict]:
    rng = random.Random(seed)
    sizes = model_spec().known_sizes
    lines = []
    for i in range(count):
        size = rng.choice(sizes)
        kind = rng.randrange(3)
        if kind == 0:
            line: dict = {"resolution": size.resolution, "aspectRatio": size.aspect_ratio}
        elif kind == 1:
            line = {"resolution": size.resolution}
        else:
            line = {"width": size.width, "height": size.height}
        line |= {"label": f"shot-{i % 50}", "count": rng.randint(1, 5000), "duration": rng.choice([3, 5, 7.5, 10, 12])}
        if rng.random() < 0.3:
            line["numberResults"] = rng.randint(1, 4)
        lines.append(line)
    return lines


def write_plans(folder: Path, count: int) -> dict[str, Path]:
    import yaml

    lines = plan_lines(count)
    paths = {"yaml": folder / "bench.plan.yaml", "json": folder / "bench.plan.json", "one": folder / "one.plan.json"}
    paths["yaml"].write_text(yaml.safe_dump({"plan": lines}, sort_keys=False), encoding="utf-8")
    paths["json"].write_text(json.dumps({"plan": lines}, indent=1), encoding="utf-8")
    paths["one"].write_text(json.dumps({"plan": lines[:1]}), encoding="utf-8")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_plans(Path(folder), options.lines)
        times: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(options.repeats):
            for name, path in paths.items():  # in alternation: a noisy neighbour slows every contender alike
                argv = [*ours(), "cost", str(path), "--format", "json", "--group-by", "label"]
                start = time.perf_counter()
                done = subprocess.run(argv, capture_output=True, check=False)
                times[name].append(time.perf_counter() - start)
                assert done.returncode == 0, done.stderr
    print("| cost --format json --group-by label | lines | median s | min s |")
    print("|---|---|---|---|")
    for name, found in times.items():
        lines = 1 if name == "one" else options.lines
        print(f"| {paths[name].name} | {lines:,} | {statistics.median(found):.3f} | {min(found):.3f} |")


if __name__ == "__main__":
    main()
