"""Instructions executed by seedance-lint commands, counted by valgrind's callgrind.

Wall time on a shared machine moves by 10-40% between minutes; the number of
instructions a command executes does not. It settles whether a small change
helped, where alternated wall-clock runs cannot. It does not see cache misses
or memory traffic, so wall time (bench/run.py) stays the verdict.

    python bench/instructions.py                 # the standard commands on the bench corpus
    python bench/instructions.py --quick         # 10,000-task files instead of 100,000 (about 1 minute)

For an A/B comparison, run it in two checkouts (a `git worktree` of the other
revision, with PYTHONPATH pointing at it) and compare the tables. Each command
runs about 50 times slower under callgrind: the full set takes several minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (the corpus and the command of bench/run.py)


def commands(tasks: int) -> dict[str, list[str]]:
    mixed, valid = run.corpus_jsonl(tasks), run.corpus_jsonl(tasks, 0.0)
    return {
        "check, one file (start-up)": ["check", str(run.corpus_one())],
        f"check, {tasks:,} tasks, 90% valid": ["check", str(mixed)],
        f"check, {tasks:,} tasks, all valid": ["check", str(valid)],
        f"cost --format json, {tasks:,} tasks, 90% valid": ["cost", "--format", "json", str(mixed)],
    }


#: bench/run.py's environment, with str hashing fixed: set and dict layouts (and so the instructions that
#: probe them) then repeat from run to run.
_ENV = run.CHILD_ENV | {"PYTHONHASHSEED": "0"}


def instructions(args: list[str]) -> int:
    """Instructions of one run of `python -m seedance_lint ARGS` (the whole process, start-up included)."""
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "seedance_lint",
        *args,
    ]
    done = subprocess.run(
        cmd, cwd=run.ROOT, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode not in (0, 1) or not found:
        raise SystemExit(f"valgrind failed on {' '.join(args)}: {done.stderr.strip().splitlines()[-1:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000-task files instead of 100,000")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing measured", file=sys.stderr)
        return 2
    table = commands(10_000 if args.quick else 100_000)
    # Each command once outside valgrind first: compiling changed modules to bytecode (each command imports
    # its own) is not what is measured.
    for args_ in table.values():
        subprocess.run(
            [sys.executable, "-m", "seedance_lint", *args_],
            cwd=run.ROOT,
            env=_ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    print(f"Instructions executed (callgrind), code from {os.environ.get('PYTHONPATH') or run.ROOT}:\n")
    print("| command | instructions (millions) |\n|---|---|")
    for label, args_ in table.items():
        print(f"| {label} | {instructions(args_) / 1e6:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
