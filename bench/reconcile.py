"""`reconcile` at scale: N requests (JSON Lines) against N billed webhook bodies (JSON Lines).

Writes both files into a temporary directory, runs `seedance-lint reconcile --format json` as a child
process (output to /dev/null) and reports its wall time and peak RSS (os.wait4's ru_maxrss, the child's
own). Usage: python bench/reconcile.py [N] (default 1_000_000). Figures go to docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SIZES = [(864, 480), (960, 416), (1248, 704), (1920, 1088)]


def write_files(root: Path, count: int) -> tuple[Path, Path]:
    requests, billed = root / "requests.jsonl", root / "billed.jsonl"
    with requests.open("w") as r, billed.open("w") as b:
        for i in range(count):
            task_uuid = str(uuid.UUID(int=i * 7919 + 1, version=4))
            width, height = SIZES[i % len(SIZES)]
            task = {
                "taskType": "videoInference",
                "taskUUID": task_uuid,
                "model": "bytedance:2@2",
                "positivePrompt": "a dancer",
                "width": width,
                "height": height,
                "duration": 5 + i % 6,
            }
            r.write(json.dumps(task) + "\n")
            item = {"taskType": "videoInference", "taskUUID": task_uuid, "cost": 0.0367}
            b.write(json.dumps({"data": [item]}) + "\n")
    return requests, billed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        requests, billed = write_files(Path(folder), count)
        cmd = [
            sys.executable,
            "-m",
            "seedance_lint",
            "reconcile",
            "--format",
            "json",
            str(requests),
            "--billed",
            str(billed),
        ]
        start = time.perf_counter()
        with open(os.devnull, "w") as sink:
            child = subprocess.Popen(cmd, stdout=sink)
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        print(
            f"reconcile {count} requests x {count} bills: {wall:.1f} s wall, peak RSS {usage.ru_maxrss / 1024:.0f} MB, "
            f"exit {os.waitstatus_to_exitcode(status)}"
        )


if __name__ == "__main__":
    main()
