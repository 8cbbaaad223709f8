"""A streamed check writes each diagnostic as it is found, and holds none of them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.linting.linter import Stats
from seedance_lint.reporters.check import STREAMING, stream
from seedance_lint.reporters.check.base import Report, Stream


def _diagnostic(n: int) -> Diagnostic:
    return Diagnostic("a.jsonl", n, 1, "SDL204", "unsupported-dimensions", "error", f"problem {n}", "/width", n)


@pytest.mark.parametrize("name", sorted(STREAMING))
def test_first_diagnostic_is_written_before_the_run_ends(name: str) -> None:
    produced: list[int] = []

    def run() -> Iterator[Diagnostic]:
        for n in range(1, 4):
            produced.append(n)
            yield _diagnostic(n)

    found = Stream(run(), frozenset({"error"}))
    chunks = stream(name, Report(found, Stats(files=1, tasks=3), paths=("a.jsonl",)))
    text = ""
    while "problem 1" not in text:
        text += next(chunks)
    assert len(produced) == 1  # the rest of the run has not happened yet
    text += "".join(chunks)
    assert found.failed and found.counts["error"] == 3 and "problem 3" in text


@pytest.mark.parametrize("count", [0, 1, 3])
def test_streamed_json_is_one_object(count: int) -> None:
    found = Stream((_diagnostic(n) for n in range(1, count + 1)), frozenset({"error"}))
    document = json.loads("".join(stream("json", Report(found, Stats(files=1, tasks=count)))))
    assert [d["line"] for d in document["diagnostics"]] == list(range(1, count + 1))
    assert document["summary"] == {"files": 1, "tasks": count, "errors": count, "warnings": 0, "infos": 0}


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path) -> None:
    import subprocess
    import sys

    from conftest import EXAMPLES_DIR, REPO_ROOT

    line = (EXAMPLES_DIR / "batch.jsonl").read_text().splitlines()[0]
    batch = tmp_path / "big.jsonl"
    batch.write_text((line + "\n") * 20_000)
    child = subprocess.Popen(
        [sys.executable, "-m", "seedance_lint", "cost", str(batch), "--format", "csv"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout.readline().startswith(b"file,task")
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 141 and stderr == b""
