"""--jobs: a large JSON Lines file linted or priced in blocks on an Executor gives the serial report, byte for byte.

The blocks go to any ``concurrent.futures.Executor``: the CLI's process pool
(core/executor.ProcessPool), a thread pool, a Dask client. Here blocks are
made tiny (a few lines each) so that a handful of lines spreads over several
workers and repeated taskUUIDs cross block boundaries; one process pool and
one thread pool serve the whole module, so the property tests stay fast.

``lint_sources`` and ``cost_blocks`` take ``min_bytes`` as a default argument
(bound when the module is imported): patching ``MIN_BYTES`` changes nothing,
so the CLI's calls are wrapped with ``min_bytes=0`` instead (:func:`split_all`).
Tests through a subprocess use a real file above MIN_BYTES, and no patch.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.commands import check as check_command
from seedance_lint.commands import cost as cost_command
from seedance_lint.commands.output import pool_for, shut_after
from seedance_lint.core import executor as executors
from seedance_lint.core.executor import (
    AHEAD_PER_WORKER,
    ExecutorLike,
    ProcessPool,
    in_order,
    process_pool,
    processes,
)
from seedance_lint.cost import pipeline
from seedance_lint.cost.pipeline import CostTally, RowBlock, cost_blocks
from seedance_lint.cost.table import price_table
from seedance_lint.input.jsonl import MIN_BYTES, read_blocks, splits
from seedance_lint.input.sources import Source
from seedance_lint.linting import blocks
from seedance_lint.linting import linter as linting
from seedance_lint.linting.blocks import block_jobs, lint_sources
from seedance_lint.linting.linter import Linter
from seedance_lint.reporters.cost import COST_REPORTERS

from conftest import EXAMPLES_DIR, REPO_ROOT
from test_batch import lines

TASK = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text())
TASK_LINE = json.dumps(TASK)
#: Seconds any test here may take before it counts as hung (a worker waited for forever).
HUNG = 60
QUICK = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def not_hung() -> Iterator[None]:
    """Fail, not hang, if the main process waits for a worker forever (the bug several tests guard against)."""

    def hung(*_: object) -> None:
        raise AssertionError(f"the test hung for {HUNG} s, waiting for a worker")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HUNG)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def process_pool_of_two() -> Iterator[ProcessPool]:
    pool = ProcessPool(2)
    yield pool
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def thread_pool_of_two() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as pool:
        yield pool


@pytest.fixture(params=["processes", "threads"])
def pool(request: pytest.FixtureRequest) -> ExecutorLike:
    """Two workers: the CLI's process pool, and a thread pool (any Executor will do)."""
    return request.getfixturevalue("process_pool_of_two" if request.param == "processes" else "thread_pool_of_two")


@pytest.fixture
def block_bytes(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Sets the size of a block, for linting and for pricing (read in the main process only)."""

    def set_size(size: int) -> None:
        monkeypatch.setattr(blocks, "BLOCK_BYTES", size)
        monkeypatch.setattr(pipeline, "BLOCK_BYTES", size)

    return set_size


@pytest.fixture
def split_all(monkeypatch: pytest.MonkeyPatch, block_bytes: Callable[[int], None]) -> None:
    """Through the CLI: every JSON Lines file in blocks of a few lines, and --jobs 2 two workers on any machine."""
    block_bytes(700)
    monkeypatch.setattr(check_command, "lint_sources", partial(blocks.lint_sources, min_bytes=0))
    monkeypatch.setattr(cost_command, "cost_blocks", partial(pipeline.cost_blocks, min_bytes=0))
    monkeypatch.setattr(executors, "cpu_count", lambda: 2)


@pytest.fixture
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The workers of every ProcessPoolExecutor made from here on (ProcessPool makes one on its first submit)."""
    import concurrent.futures

    started: list[int] = []

    class Counted(ProcessPoolExecutor):
        def __init__(self, max_workers: int | None = None, *args: object, **kwargs: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    return started


def _sources(*paths: Path, explicit: bool = True) -> list[Source]:
    return [Source(str(path), path, "jsonl", explicit) for path in paths]


def _lint(sources: list[Source], executor: ExecutorLike | None = None, ahead: int = 4, min_bytes: int = 0) -> tuple:
    """(diagnostics, stats) of a run; serial without an executor."""
    linter = Linter()
    found = list(lint_sources(linter, sources, executor, ahead, min_bytes))
    return found, linter.stats


def _write_batch(path: Path, chosen: list[str], bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(chosen).encode() + b"\n")
    return path


# --- linting in blocks gives the serial report ------------------------------------------------------------------


@settings(QUICK, max_examples=20)
@given(lines(), st.booleans(), st.sampled_from([1, 300, 700, 4000]), st.integers(1, 5), st.data())
def test_blocks_on_an_executor_report_what_one_process_reports(
    tmp_path: Path,
    pool: ExecutorLike,
    block_bytes: Callable[[int], None],
    chosen: list[str],
    bom: bool,
    size: int,
    ahead: int,
    data: st.DataObject,
) -> None:
    """Two files (the run's taskUUID registry spans them), each split or linted serially by its size."""
    cut = data.draw(st.integers(0, len(chosen)), label="lines in the first file")
    first = _write_batch(tmp_path / "a.jsonl", chosen[:cut], bom)
    second = _write_batch(tmp_path / "b.jsonl", chosen[cut:])
    min_bytes = data.draw(
        st.sampled_from([0, 0, min(first.stat().st_size, second.stat().st_size) + 1]), label="min_bytes"
    )
    block_bytes(size)
    serial = _lint(_sources(first, second))
    assert _lint(_sources(first, second), pool, ahead, min_bytes) == serial


def test_a_taskuuid_repeated_in_another_block_is_reported_with_its_first_use(
    tmp_path: Path, process_pool_of_two: ProcessPool, block_bytes: Callable[[int], None]
) -> None:
    block_bytes(len(TASK_LINE) // 2)  # a block a line
    path = _write_batch(tmp_path / "batch.jsonl", [TASK_LINE] * 6)
    found, stats = _lint(_sources(path), process_pool_of_two)
    assert stats.tasks == 6
    assert [(d.code, d.line, d.task) for d in found] == [("SDL401", line, line - 1) for line in range(2, 7)]
    assert all("is already used by task 0 of" in d.message for d in found)
    assert (found, stats) == _lint(_sources(path))


def test_a_taskuuid_of_an_earlier_file_is_repeated_in_a_later_one_in_blocks(
    tmp_path: Path, process_pool_of_two: ProcessPool, block_bytes: Callable[[int], None]
) -> None:
    block_bytes(1)
    small = _write_batch(tmp_path / "small.jsonl", [TASK_LINE])
    large = _write_batch(tmp_path / "large.jsonl", [json.dumps({**TASK, "seed": n}) for n in range(4)])
    found, _ = _lint(_sources(small, large), process_pool_of_two, min_bytes=small.stat().st_size + 1)
    assert [(d.file, d.code, d.line) for d in found] == [(str(large), "SDL401", line) for line in range(1, 5)]
    assert all(f"task 0 of {small}" in d.message for d in found)


def test_an_empty_file_is_reported_once_in_blocks_too(
    tmp_path: Path, process_pool_of_two: ProcessPool, block_bytes: Callable[[int], None]
) -> None:
    block_bytes(1)
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n   \n")
    found, stats = _lint(_sources(path), process_pool_of_two)
    assert (found, stats) == _lint(_sources(path)) and [d.code for d in found] == ["SDL002"]
    table = price_table()
    priced = list(
        cost_blocks(_sources(path), COST_REPORTERS["json"].renderer, table.currency, None, process_pool_of_two, 4, 0)
    )
    assert (
        len(priced) == 1
        and "cannot price" in priced[0]
        and priced == list(cost_blocks(_sources(path), COST_REPORTERS["json"].renderer, table.currency, None))
    )


def test_blocks_are_told_whether_a_walked_file_names_our_model(
    tmp_path: Path,
    thread_pool_of_two: ThreadPoolExecutor,
    block_bytes: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read once in the main process: a block of broken lines found in a walk does not read the whole file again.
    (Threads: the workers see the counting function.)"""
    block_bytes(60)
    path = tmp_path / "b.jsonl"
    path.write_text('{"model": "bytedance:2@2", \n' * 8)
    reads: list[Path] = []

    def mentions_model(source: Source, *_: object) -> bool:
        reads.append(source.path)
        return True

    for module in (blocks, linting, pipeline):
        monkeypatch.setattr(module, "mentions_model", mentions_model)
    found, _ = _lint(_sources(path, explicit=False), thread_pool_of_two)
    assert [d.code for d in found] == ["SDL001"] * 8 and reads == [path]
    table = price_table()
    priced = list(
        cost_blocks(
            _sources(path, explicit=False),
            COST_REPORTERS["json"].renderer,
            table.currency,
            None,
            thread_pool_of_two,
            4,
            0,
        )
    )
    assert len(priced) == 8 and reads == [path, path]


def test_a_file_that_cannot_be_read_is_reported_as_the_serial_path_reports_it(
    tmp_path: Path, process_pool_of_two: ProcessPool
) -> None:
    unreadable = tmp_path / "dir.jsonl"
    unreadable.mkdir()  # stat() answers, open() fails
    found, stats = _lint(_sources(unreadable), process_pool_of_two)
    assert (found, stats) == _lint(_sources(unreadable)) and [d.code for d in found] == ["SDL001"]
    assert "cannot read the file" in found[0].message
    assert _cost(_sources(unreadable), "csv", process_pool_of_two) == _cost(_sources(unreadable), "csv")


@settings(QUICK, max_examples=150)
@given(
    st.lists(st.binary(max_size=3000).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    st.booleans(),
    st.integers(1, 5000),
)
def test_blocks_are_whole_lines_with_their_first_line_numbers(lines: list[bytes], last_feed: bool, size: int) -> None:
    data = b"\n".join(lines) + (b"\n" if last_feed and lines else b"")
    source = Source("b.jsonl", Path("b.jsonl"), "jsonl", True)
    jobs = list(block_jobs(source, Linter().selection, None, read_blocks(io.BytesIO(data), size)))
    assert b"".join(job.data for job in jobs) == data
    start = 0
    for number, job in enumerate(jobs, 1):
        assert job.data and (job.data.endswith(b"\n") or number == len(jobs))  # whole lines; the last may lack \n
        assert job.first_line == data[:start].count(b"\n") + 1
        start += len(job.data)


def test_small_files_and_other_formats_are_not_split(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text("{}\n")
    assert not splits(Source(str(path), path, "jsonl", True))  # below MIN_BYTES
    assert splits(Source(str(path), path, "jsonl", True), min_bytes=3)
    assert not splits(Source(str(path), path, "json", True), min_bytes=0)
    assert not splits(Source(str(path), tmp_path / "gone.jsonl", "jsonl", True), min_bytes=0)


# --- pricing in blocks gives the serial rows and totals ---------------------------------------------------------


def _cost(
    sources: list[Source], fmt: str, executor: ExecutorLike | None = None, ahead: int = 4, min_bytes: int = 0
) -> tuple:
    """What `cost` makes of the sources: every row (blocks concatenated), problems, totals and the report."""
    table, reporter = price_table(), COST_REPORTERS[fmt]
    items = list(cost_blocks(sources, reporter.renderer, table.currency, Decimal("0.1"), executor, ahead, min_bytes))
    rows = [
        (item.file, item.first + offset, item.head, row)
        for item in items
        if isinstance(item, RowBlock)
        for offset, row in enumerate(item.rows)
    ]
    tally = CostTally(table.currency, items, Decimal("1"), table.roundTo)
    report = "".join(reporter.stream(tally))
    return rows, tally.problems, tuple(map(str, (tally.total, tally.low, tally.high))), report


@settings(QUICK, max_examples=20)
@given(lines(), st.sampled_from(sorted(COST_REPORTERS)), st.sampled_from([1, 300, 700]), st.integers(1, 5))
def test_blocks_on_an_executor_price_what_one_process_prices(
    tmp_path: Path,
    pool: ExecutorLike,
    block_bytes: Callable[[int], None],
    chosen: list[str],
    fmt: str,
    size: int,
    ahead: int,
) -> None:
    path = _write_batch(tmp_path / "batch.jsonl", chosen * 2)
    block_bytes(size)
    serial = _cost(_sources(path), fmt)
    assert _cost(_sources(path), fmt, pool, ahead) == serial


# --- through the command line -----------------------------------------------------------------------------------


def _mixed_lines(rng: random.Random, count: int) -> list[str]:
    """Clean tasks, with now and then a line each path must hand over: an error, a taskUUID used before (in another
    block), a syntax error, a blank line, an array, a credential, another model, an integer past 64 bits."""
    base = [json.loads(line) for line in (EXAMPLES_DIR / "batch.jsonl").read_text().splitlines()] + [TASK]
    chosen: list[str] = []
    for n in range(count):
        task = {**rng.choice(base), "taskUUID": str(uuid.UUID(int=rng.getrandbits(128), version=4))}
        special = n % 97 if n else -1
        if special == 3:
            task["duration"] = 99
        elif special == 5:
            task["taskUUID"] = TASK["taskUUID"]
        elif special == 7:
            chosen.append('{"taskType": "videoInference", "model": "bytedance:2@2",')
            continue
        elif special == 11:
            chosen.append("")
        elif special == 13:
            chosen.append(json.dumps([task, {**task, "taskUUID": str(uuid.UUID(int=n, version=4))}]))
            continue
        elif special == 17:
            task["webhookURL"] = "https://hooks.example.com/r?token=Hk3Pq9Zs7Lm2Xw5V"
        elif special == 19:
            task["model"] = "other:1@1"
        elif special == 23:
            task["seed"] = 18446744073709551616
        chosen.append(json.dumps(task, separators=(",", ":")))
    return [TASK_LINE, *chosen]


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        *(["check", "--format", f] for f in ("json", "github", "sarif", "junit")),
        *(["cost", "--format", f, "--max-task-cost", "0.1"] for f in sorted(COST_REPORTERS)),
    ],
)
def test_jobs_2_and_jobs_1_print_the_same_report(
    run_cli, tmp_path: Path, split_all: None, pools_started: list[int], argv: list[str]
) -> None:
    _write_batch(tmp_path / "a.jsonl", _mixed_lines(random.Random(1), 300))
    _write_batch(tmp_path / "b.jsonl", _mixed_lines(random.Random(2), 40))
    one = run_cli([*argv, "--jobs", "1", "a.jsonl", "b.jsonl"], cwd=tmp_path)
    assert pools_started == []
    two = run_cli([*argv, "--jobs", "2", "a.jsonl", "b.jsonl"], cwd=tmp_path)
    assert pools_started == [2]  # one pool for both files
    assert two == one and one.exit == 1 and one.stdout


@pytest.fixture(scope="module")
def large_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines file just above MIN_BYTES: split with no patch (17 blocks of 512 kB)."""
    path = tmp_path_factory.mktemp("large") / "large.jsonl"
    rng, chosen, size = random.Random(7), [], 0
    while size <= MIN_BYTES + (64 << 10):
        more = _mixed_lines(rng, 1000)[1:]
        chosen += more
        size += sum(len(line) + 1 for line in more)
    return _write_batch(path, [TASK_LINE, *chosen])


#: Runs the CLI; with a file named in $FORKS, writes there how many processes it forked.
RUN = """
import os, sys
forks = []
os.register_at_fork(after_in_parent=lambda: forks.append(1))
from seedance_lint import cli
from seedance_lint.core import executor
executor.cpu_count = lambda: 2  # --jobs 2 is two workers on any machine
code = cli.main(sys.argv[1:])
sys.stdout.flush()
if os.environ.get("FORKS"):
    with open(os.environ["FORKS"], "w") as out:
        out.write(str(len(forks)))
sys.exit(code)
"""


def _run(tmp_path: Path, *argv: str, script: str = RUN) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(tmp_path)]), "PATH": "", "FORKS": str(tmp_path / "forks")}
    return subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, cwd=tmp_path, env=env, timeout=HUNG - 10
    )


@pytest.mark.parametrize("argv", [["check"], ["cost", "--format", "csv", "--max-task-cost", "0.1"]])
def test_a_file_above_min_bytes_is_reported_alike_with_workers_and_without(
    tmp_path: Path, large_batch: Path, argv: list[str]
) -> None:
    """No patch but the CPU count: the real MIN_BYTES and BLOCK_BYTES, the real ProcessPool, in a fresh process."""
    one = _run(tmp_path, *argv, "--jobs", "1", str(large_batch))
    assert (tmp_path / "forks").read_text() == "0"
    two = _run(tmp_path, *argv, "--jobs", "2", str(large_batch))
    assert (tmp_path / "forks").read_text() == "2"  # the two workers, started for the large file
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.returncode == 1 and one.stdout and b"Traceback" not in one.stderr


#: Slows a run down, in a module of its own so that any start method finds it: the workers (SLOW=workers: Ctrl-C
#: finds them busy) or the main process reading the file (SLOW=reader: Ctrl-C finds them idle, waiting for a block).
SLOW_BLOCKS = """
import os, time
from seedance_lint.cost import pipeline
from seedance_lint.input import jsonl
from seedance_lint.linting import blocks

lint_block, price_block, read_blocks = blocks.lint_block, pipeline.price_block, jsonl.read_blocks


def slow_lint_block(job):
    time.sleep(0.15)
    return lint_block(job)


def slow_price_block(job):
    time.sleep(0.15)
    return price_block(job)


def slow_read_blocks(stream, size):
    for block in read_blocks(stream, size):
        time.sleep(0.1)
        yield block


if os.environ["SLOW"] == "workers":
    blocks.lint_block, pipeline.price_block = slow_lint_block, slow_price_block
else:  # wherever the file's blocks are read
    for module in (jsonl, blocks, pipeline):
        if hasattr(module, "read_blocks"):
            module.read_blocks = slow_read_blocks
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if entry.isdigit() and int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    return found


def _running_with(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (a forked worker keeps its parent's)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if entry.isdigit() and marker.encode() in cmdline.read():
                    found.append(int(entry))
        except OSError:
            pass
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers in /proc")
@pytest.mark.parametrize(
    ("argv", "slow"),
    [
        (["check"], "workers"),
        (["check"], "reader"),
        (["check", "--format", "sarif"], "workers"),
        (["cost", "--format", "csv"], "reader"),
    ],
)
def test_ctrl_c_stops_the_run_and_its_workers(tmp_path: Path, large_batch: Path, argv: list[str], slow: str) -> None:
    """SIGINT to the process group, as a terminal sends it, while the workers lint (or wait for a block): exit 130,
    nothing on stderr, no process left. (sarif is written whole: Ctrl-C comes before the report is written.)"""
    (tmp_path / "slow_blocks.py").write_text(SLOW_BLOCKS)
    marker = f"ctrl-c-{os.getpid()}-{time.monotonic_ns()}"
    env = {"PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(tmp_path)]), "PATH": "", "SLOW": slow}
    script = "import sys, slow_blocks; sys.argv.pop()\n" + RUN
    run = subprocess.Popen(
        [sys.executable, "-c", script, *argv, "--jobs", "2", str(large_batch), marker],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while len(workers := _children(run.pid)) < 2 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(workers) == 2, "the workers never started"
        time.sleep(0.3)  # under way: 17 blocks of 0.15 s (or 0.1 s to read each) to go
        assert run.poll() is None, "the run ended before Ctrl-C"
        os.killpg(run.pid, signal.SIGINT)
        _, stderr = run.communicate(timeout=20)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 130 and stderr == b"", stderr.decode()
    assert _running_with(marker) == [] and not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- a worker that fails ends the run, it does not hang it ------------------------------------------------------


class _TwoArgumentError(Exception):
    """Like JsonSyntaxError: __init__ takes more than the message, so the exception does not unpickle."""

    def __init__(self, message: str, where: int) -> None:
        super().__init__(message)
        self.where = where


def _raise(*_: object) -> None:
    raise ValueError("a bug in a worker")


def _raise_unpicklable(*_: object) -> None:
    raise _TwoArgumentError("a bug in a worker", 3)


def _raise_os_error(*_: object) -> None:
    raise PermissionError(13, "a bug in a worker")


def _die(*_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would


@pytest.mark.parametrize("command", ["check", "cost"])
def test_a_pool_that_cannot_start_is_an_internal_error_not_a_finding(
    run_cli, tmp_path: Path, split_all: None, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """An OSError of the pool (here a fork that fails with EAGAIN) is the run's error, not the file's: no SDL001
    "cannot read the file", no "cannot price"."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: too many processes

    _write_batch(tmp_path / "b.jsonl", [TASK_LINE] * 8)
    monkeypatch.setattr(os, "fork", no_fork)
    result = run_cli([command, "--jobs", "2", "b.jsonl"], cwd=tmp_path)
    # An environment error (EAGAIN: too many processes), said in one line with the system's reason.
    assert result.exit == 2 and "Resource temporarily unavailable (BlockingIOError)" in result.stderr, (
        result.stdout + result.stderr
    )


@pytest.mark.parametrize("command", ["check", "cost"])
def test_a_pool_that_starts_one_worker_of_two_leaves_none_behind(
    run_cli, tmp_path: Path, split_all: None, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """The first fork succeeds, the second fails (EAGAIN): an internal error, and the first worker stopped (left
    running, it would wait for work forever, and the CLI's exit with it)."""
    import multiprocessing

    fork, forks = os.fork, []

    def second_fork_fails() -> int:
        forks.append(1)
        if len(forks) > 1:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return fork()

    _write_batch(tmp_path / "b.jsonl", [TASK_LINE] * 8)
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(os, "fork", second_fork_fails)
    try:
        result = run_cli([command, "--jobs", "2", "b.jsonl"], cwd=tmp_path)
        assert result.exit == 2 and "(BlockingIOError)" in result.stderr, result.stderr
        assert set(multiprocessing.active_children()) - before == set()
    finally:  # so that this test run does not wait for the worker at its own exit
        for left in set(multiprocessing.active_children()) - before:
            left.kill()
            left.join()


def _die_on_three(item: int) -> int:
    if item == 3:
        os._exit(9)
    return item


def test_a_worker_that_dies_breaks_in_order_instead_of_hanging_it() -> None:
    pool = ProcessPool(2)
    try:
        with pytest.raises(BrokenProcessPool):
            for _ in in_order(pool, _die_on_three, range(50), 4):
                pass
    finally:
        pool.shutdown()


@pytest.mark.parametrize("command", ["check", "cost"])
@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (_raise, "ValueError: a bug in a worker"),
        (_raise_unpicklable, "BrokenProcessPool: "),
        (_die, "BrokenProcessPool: "),
        (_raise_os_error, "a bug in a worker (PermissionError)"),
    ],
)
def test_a_failing_worker_is_an_internal_error_not_a_hang(
    run_cli,
    tmp_path: Path,
    split_all: None,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    failure: Callable,
    said: str,
) -> None:
    import multiprocessing

    monkeypatch.setattr(blocks, "lint_block", failure)  # sent to the workers by name
    monkeypatch.setattr(pipeline, "price_block", failure)
    _write_batch(tmp_path / "b.jsonl", [TASK_LINE] * 8)
    before = set(multiprocessing.active_children())
    result = run_cli([command, "--jobs", "2", "b.jsonl"], cwd=tmp_path)
    assert result.exit == 2 and result.stdout in (
        "",
        "file,task,line,taskUUID,width,height,resolution,aspectRatio,duration,numberResults,cost,low,high,basis,reason\n",
    )
    # An OSError is said as the environment's (one line with its reason); anything else is an internal error.
    prefix = "seedance-lint: " if failure is _raise_os_error else "seedance-lint: internal error: "
    assert result.stderr.startswith(prefix) and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert set(multiprocessing.active_children()) <= before  # the pool was shut down


# --- the pool: how many processes, started when --------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "cpus"),
    [
        ({}, 4),
        ({"": "max 100000\n"}, 4),
        ({"": "150000 100000\n"}, 2),  # a container's own cgroup namespace: the quota at the root
        ({"": "50000 100000\n"}, 1),
        ({"": "400000 100000\n"}, 4),  # more than the affinity allows
        ({"": "garbage\n"}, 4),
        ({"": "0 100000\n"}, 4),
        ({"system.slice/ci.service": "100000 100000\n"}, 1),  # systemd CPUQuota=, no namespace: the process's own
        ({"system.slice": "200000 100000\n", "system.slice/ci.service": "max 100000\n"}, 2),  # one above it
        ({"": "100000 100000\n", "system.slice": "300000 100000\n"}, 1),  # the least of them
    ],
)
def test_a_cgroup_cpu_quota_counts_as_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: dict[str, str], cpus: int
) -> None:
    root = tmp_path / "cgroup"
    for directory, cpu_max in limits.items():
        (root / directory).mkdir(parents=True, exist_ok=True)
        (root / directory / "cpu.max").write_text(cpu_max)
    (tmp_path / "cgroups").write_text("1:cpu:/elsewhere\n0::/system.slice/ci.service\n")
    monkeypatch.setattr(executors, "CGROUP_ROOT", str(root))
    monkeypatch.setattr(executors, "PROC_CGROUP", str(tmp_path / "cgroups"))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert executors.cpu_count() == cpus


def test_without_a_cgroup_file_the_quota_at_the_root_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cpu.max").write_text("200000 100000\n")
    monkeypatch.setattr(executors, "CGROUP_ROOT", str(tmp_path))
    monkeypatch.setattr(executors, "PROC_CGROUP", str(tmp_path / "no-such-file"))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert executors.cpu_count() == 2


@pytest.mark.parametrize(("jobs", "cpus", "used"), [(0, 3, 3), (2, 3, 2), (2, 1, 1), (8, 3, 3), (1, 8, 1), (0, 1, 1)])
def test_never_more_processes_than_cpus(monkeypatch: pytest.MonkeyPatch, jobs: int, cpus: int, used: int) -> None:
    monkeypatch.setattr(executors, "cpu_count", lambda: cpus)
    assert processes(jobs) == used
    pool = process_pool(jobs)
    assert (pool.workers if pool else 1) == used  # one process: no pool at all


def test_auto_is_one_process_per_cpu_here() -> None:
    assert processes(0) == executors.cpu_count() and processes(8) == min(8, executors.cpu_count())
    assert process_pool(1) is None


@pytest.mark.parametrize("given", ["0", "-1", "two", "\u00b2", "\u0663"])  # superscript two, Arabic-Indic three
def test_jobs_must_be_a_positive_number(run_cli, tmp_path: Path, given: str) -> None:
    result = run_cli(["check", "--jobs", given, "x.jsonl"], cwd=tmp_path)
    assert result.exit == 2 and "expected a number of processes" in result.stderr and result.stderr.count("\n") == 1


@pytest.fixture
def pools_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(jobs, workers) of each run's pool_for, on a 3-CPU machine (1 worker: no pool); b.jsonl is there to check."""
    seen: list[tuple[int, int]] = []

    def spy(jobs: int) -> tuple[ProcessPool | None, int]:
        pool, ahead = pool_for(jobs)
        seen.append((jobs, pool.workers if pool else 1))
        assert ahead == AHEAD_PER_WORKER * seen[-1][1]
        return pool, ahead

    monkeypatch.setattr(executors, "cpu_count", lambda: 3)
    monkeypatch.setattr(check_command, "pool_for", spy)
    monkeypatch.setattr(cost_command, "pool_for", spy)
    (tmp_path / "b.jsonl").write_text(TASK_LINE + "\n")
    return seen


def test_jobs_auto_is_one_per_available_cpu_and_the_default_two(
    run_cli, tmp_path: Path, pools_asked: list[tuple[int, int]]
) -> None:
    run_cli(["check", "--jobs", "auto", "b.jsonl"], cwd=tmp_path)
    run_cli(["check", "b.jsonl"], cwd=tmp_path)
    run_cli(["cost", "-j", "1", "b.jsonl"], cwd=tmp_path)
    assert pools_asked == [(0, 3), (2, 2), (1, 1)]


def test_jobs_from_the_config_file_and_the_flag_on_top(
    run_cli, tmp_path: Path, pools_asked: list[tuple[int, int]]
) -> None:
    (tmp_path / ".seedance-lint.toml").write_text('jobs = "auto"\n')
    run_cli(["check", "b.jsonl"], cwd=tmp_path)
    run_cli(["check", "--jobs", "1", "b.jsonl"], cwd=tmp_path)  # a CI machine's config, one run without workers
    (tmp_path / ".seedance-lint.toml").write_text("jobs = 2\n")
    run_cli(["cost", "b.jsonl"], cwd=tmp_path)
    assert pools_asked == [(0, 3), (1, 1), (2, 2)]
    assert run_cli(["cost", "--show-config"], cwd=tmp_path).json()["jobs"] == 2


def test_the_pool_starts_on_the_first_block_and_its_workers_leave_ctrl_c_to_the_main_process(
    pools_started: list[int],
) -> None:
    import multiprocessing

    before = set(multiprocessing.active_children())
    pool = ProcessPool(2)
    pool.shutdown()  # never started: nothing to stop
    assert pools_started == [] and set(multiprocessing.active_children()) == before
    pool = ProcessPool(2)
    try:
        assert pool.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN
        assert pools_started == [2] and len(set(multiprocessing.active_children()) - before) == 2
    finally:
        pool.shutdown()
    assert set(multiprocessing.active_children()) == before


#: Runs `check` and `cost` on what is named, then says what it imported and how many processes it forked.
PROBE = """
import os, sys
forks = []
os.register_at_fork(after_in_parent=lambda: forks.append(1))
from seedance_lint import cli
from seedance_lint.core import executor
executor.cpu_count = lambda: 2
codes = [cli.main([command, "--jobs", "2", *sys.argv[1:]]) for command in ("check", "cost")]
sys.stdout.flush()
pool = sorted(m for m in ("concurrent.futures", "multiprocessing") if m in sys.modules)
print("\\nprobe:", codes, len(forks), pool)
"""


def test_a_run_of_small_files_starts_no_pool(tmp_path: Path, large_batch: Path) -> None:
    """--jobs 2, but every file is small: no worker is forked, not even concurrent.futures is imported."""
    small = _run(tmp_path, str(EXAMPLES_DIR), script=PROBE)
    assert small.stdout.decode().splitlines()[-1] == "probe: [0, 0] 0 []", small.stderr.decode()
    large = _run(tmp_path, str(EXAMPLES_DIR), str(large_batch), script=PROBE)  # the probe sees a pool
    assert large.stdout.decode().splitlines()[-1] == "probe: [1, 1] 4 ['concurrent.futures', 'multiprocessing']", (
        large.stderr.decode()
    )


# --- in_order and shut_after ----------------------------------------------------------------------------------


class _OnDemand(Future):
    """A future whose work runs only when its result is asked for: until then it is pending (and cancellable)."""

    def __init__(self, run: Callable[[], object]) -> None:
        super().__init__()
        self.run = run

    def result(self, timeout: float | None = None) -> object:
        if not self.done():
            try:
                self.set_result(self.run())
            except Exception as error:  # kept for the caller, as an Executor does
                self.set_exception(error)
        return super().result(timeout)


class _Counting(Executor):
    """Counts what was submitted; each piece of work runs when its result is taken."""

    def __init__(self) -> None:
        self.futures: list[_OnDemand] = []

    def submit(self, fn: Callable, /, *args: object, **kwargs: object) -> Future:
        self.futures.append(_OnDemand(lambda: fn(*args, **kwargs)))
        return self.futures[-1]


@pytest.mark.parametrize("count", [0, 1, 3, 10])
@pytest.mark.parametrize("ahead", [1, 2, 5])
def test_in_order_keeps_the_order_and_at_most_ahead_items_in_flight(count: int, ahead: int) -> None:
    executor, taken, in_flight = _Counting(), [], []

    def items() -> Iterator[int]:
        for item in range(count):
            taken.append(item)
            yield item

    done, read = [], []
    for item, result in in_order(executor, lambda n: n * 10, items(), ahead):
        in_flight.append(len(executor.futures) - len(done))  # submitted and not yet taken, this one included
        read.append(len(taken) - len(done))  # items read from the file and not yet taken
        done.append((item, result))
    assert done == [(n, n * 10) for n in range(count)] and len(taken) == count
    assert max(in_flight, default=0) == min(ahead, count)  # never more than ahead; as many as allowed
    assert max(read, default=0) == min(ahead, count)  # the items are read as they are submitted, not all first


def test_in_order_without_an_executor_works_here_one_item_at_a_time() -> None:
    taken = []

    def items() -> Iterator[int]:
        for item in range(5):
            taken.append(item)
            yield item

    results = in_order(None, lambda n: (n, len(taken)), items(), 4)
    assert list(results) == [(n, (n, n + 1)) for n in range(5)]  # item n worked on when n + 1 were read


@pytest.mark.parametrize("stop", ["closed", "failed"])
def test_in_order_cancels_what_was_not_started_when_it_stops_early(stop: str) -> None:
    executor, ran = _Counting(), []

    def work(n: int) -> int:
        ran.append(n)
        if stop == "failed" and n == 2:
            raise ValueError("a bug")
        return n

    results = in_order(executor, work, iter(range(100)), 5)
    with pytest.raises(ValueError) if stop == "failed" else nullcontext():
        for item, _ in results:
            if item == 2:
                results.close()  # the reader left (`| head`)
    assert ran == [0, 1, 2] and len(executor.futures) == 7  # two taken, the third stopped it, four more submitted
    assert [f.cancelled() for f in executor.futures[3:]] == [True] * 4


def test_in_order_runs_on_a_real_pool_in_order_and_can_be_closed_early(process_pool_of_two: ProcessPool) -> None:
    results = in_order(process_pool_of_two, abs, range(-1000, 0), 4)
    assert [next(results) for _ in range(3)] == [(-1000, 1000), (-999, 999), (-998, 998)]
    results.close()
    assert list(in_order(process_pool_of_two, abs, range(-5, 0), 2)) == [(n, -n) for n in range(-5, 0)]


class _Shutdowns(Executor):
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.calls.append({"wait": wait, "cancel_futures": cancel_futures})


@pytest.mark.parametrize("reader", ["reads all", "leaves early", "fails"])
def test_the_pool_is_shut_when_the_output_ends_however_it_ends(reader: str) -> None:
    pool, written = _Shutdowns(), []

    def chunks() -> Iterator[str]:
        yield "a"
        if reader == "fails":
            raise KeyboardInterrupt
        yield "b"

    output = shut_after(chunks(), pool)
    with pytest.raises(KeyboardInterrupt) if reader == "fails" else nullcontext():
        for chunk in output:
            written.append(chunk)
            assert pool.calls == []  # still writing
            if reader == "leaves early":
                output.close()
    assert pool.calls == [{"wait": True, "cancel_futures": True}]
    assert list(shut_after(iter("ab"), None)) == ["a", "b"]  # --jobs 1: no pool
