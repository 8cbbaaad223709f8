"""--jobs: a JSON Lines file linted by worker processes gives the serial report, byte for byte.

Blocks are made tiny here (a few lines each) so that a handful of lines
spreads over several workers, and repeated taskUUIDs cross block boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.input.sources import Source
from seedance_lint.linting import blocks as parallel
from seedance_lint.linting.linter import Linter

from test_batch import lines


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


pytestmark = pytest.mark.skipif(not _fork_available(), reason="workers are forked; serial elsewhere")


def _lint(path: Path, jobs: int) -> tuple[list, int]:
    linter = Linter(jobs=jobs)
    found = list(linter.lint_sources([Source(str(path), path, "jsonl", True)]))
    return found, linter.stats.tasks


@pytest.fixture
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 700)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "cpu_count", lambda: 4)  # workers however few CPUs the machine has


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(lines(), st.booleans())
def test_workers_report_what_one_process_reports(
    tmp_path: Path, tiny_blocks: None, deadline: None, chosen: list[str], bom: bool
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(chosen).encode() + b"\n")
    serial = _lint(path, 1)
    assert _lint(path, 2) == serial and _lint(path, 3) == serial  # this process and one worker; and two workers


def test_a_taskuuid_repeated_in_another_block_is_reported_with_its_first_use(tmp_path: Path, tiny_blocks: None) -> None:
    task = (Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text().replace("\n", " ")
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([task] * 6) + "\n")
    found, tasks = _lint(path, 2)
    assert tasks == 6
    assert [(d.code, d.line, d.task) for d in found] == [("SDL401", line, line - 1) for line in range(2, 7)]
    assert all("task 0 of" in d.message for d in found)


def test_small_files_and_other_formats_stay_serial(tmp_path: Path) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("{}\n")
    assert parallel.processes_for(Source(str(small), small, "jsonl", True), 2) == 1
    assert parallel.processes_for(Source(str(small), small, "json", True), 2) == 1
    assert parallel.processes_for(Source(str(small), small, "jsonl", True), 1) == 1


def test_one_cpu_means_no_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    path = tmp_path / "b.jsonl"
    path.write_text("{}\n")
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    assert parallel.processes_for(Source(str(path), path, "jsonl", True), 0) == 2
    monkeypatch.setattr(parallel, "cpu_count", lambda: 1)
    assert parallel.processes_for(Source(str(path), path, "jsonl", True), 0) == 1
    assert parallel.processes_for(Source(str(path), path, "jsonl", True), 2) == 1


@pytest.mark.parametrize("given", ["0", "-1", "two", "\u00b2", "\u0663"])  # superscript two, Arabic-Indic three
def test_jobs_must_be_a_positive_number(run_cli, tmp_path: Path, given: str) -> None:
    result = run_cli(["check", "--jobs", given, "x.jsonl"], cwd=tmp_path)
    assert result.exit == 2 and "expected a number of processes" in result.stderr and result.stderr.count("\n") == 1


def _price(path: Path, jobs: int, fmt: str = "json") -> int:
    """The exit code of `cost`; the caller compares what it wrote (capsys)."""
    from seedance_lint.cli import main

    return main(["cost", "--format", fmt, "--jobs", str(jobs), "--max-task-cost", "0.1", str(path)])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(lines(), st.sampled_from(["json", "csv", "markdown", "table"]))
def test_workers_price_what_one_process_prices(
    tmp_path: Path, tiny_blocks: None, capsys: pytest.CaptureFixture[str], chosen: list[str], fmt: str
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(chosen * 3) + "\n")  # a few hundred bytes a block: several per worker
    capsys.readouterr()
    serial = _price(path, 1, fmt), capsys.readouterr()
    assert (_price(path, 2, fmt), capsys.readouterr()) == serial


def test_an_empty_file_is_reported_once_by_workers_too(tmp_path: Path, tiny_blocks: None) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n   \n")
    assert _lint(path, 2) == _lint(path, 1) and [d.code for d in _lint(path, 1)[0]] == ["SDL002"]


@pytest.fixture
def jobs_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The jobs each `check` run's Linter gets, on a 3-CPU machine; b.jsonl is there to check."""
    from seedance_lint.commands import check as commands

    seen: list[int] = []
    monkeypatch.setattr(parallel, "cpu_count", lambda: 3)
    monkeypatch.setattr(commands, "Linter", lambda selection, jobs: seen.append(jobs) or Linter(selection, jobs=jobs))
    (tmp_path / "b.jsonl").write_text("{}\n")
    return seen


def test_jobs_auto_is_one_per_available_cpu_and_the_default_two(run_cli, tmp_path: Path, jobs_seen: list[int]) -> None:
    seen = jobs_seen
    run_cli(["check", "--jobs", "auto", "b.jsonl"], cwd=tmp_path)
    run_cli(["check", "b.jsonl"], cwd=tmp_path)  # the default: this process and one worker
    assert seen == [0, 2] and [parallel.processes(jobs) for jobs in seen] == [3, 2]


@pytest.mark.parametrize(("jobs", "cpus", "used"), [(0, 3, 3), (2, 3, 2), (2, 1, 1), (8, 3, 3), (1, 8, 1)])
def test_never_more_processes_than_cpus(monkeypatch: pytest.MonkeyPatch, jobs: int, cpus: int, used: int) -> None:
    monkeypatch.setattr(parallel, "cpu_count", lambda: cpus)
    assert parallel.processes(jobs) == used


@pytest.mark.parametrize(
    ("limits", "cpus"),
    [
        ({}, 4),
        ({"": "max 100000\n"}, 4),
        ({"": "150000 100000\n"}, 2),  # a container's own cgroup namespace: the quota at the root
        ({"": "50000 100000\n"}, 1),
        ({"": "400000 100000\n"}, 4),  # more than the affinity allows
        ({"": "garbage\n"}, 4),
        ({"system.slice/ci.service": "100000 100000\n"}, 1),  # systemd CPUQuota=, no namespace: the process's own
        ({"system.slice": "200000 100000\n", "system.slice/ci.service": "max 100000\n"}, 2),  # one above it
    ],
)
def test_a_cgroup_cpu_quota_counts_as_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limits: dict[str, str], cpus: int
) -> None:
    import os

    root = tmp_path / "cgroup"
    for directory, cpu_max in limits.items():
        (root / directory).mkdir(parents=True, exist_ok=True)
        (root / directory / "cpu.max").write_text(cpu_max)
    (tmp_path / "cgroups").write_text("0::/system.slice/ci.service\n")
    monkeypatch.setattr(parallel, "CGROUP_ROOT", str(root))
    monkeypatch.setattr(parallel, "PROC_CGROUP", str(tmp_path / "cgroups"))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert parallel.cpu_count() == cpus


def test_jobs_from_the_config_file_and_the_flag_on_top(run_cli, tmp_path: Path, jobs_seen: list[int]) -> None:
    seen = jobs_seen
    (tmp_path / ".seedance-lint.toml").write_text('jobs = "auto"\n')
    run_cli(["check", "b.jsonl"], cwd=tmp_path)
    run_cli(["check", "--jobs", "1", "b.jsonl"], cwd=tmp_path)  # a CI machine's config, one run without workers
    (tmp_path / ".seedance-lint.toml").write_text("jobs = 2\n")
    run_cli(["check", "b.jsonl"], cwd=tmp_path)
    assert seen == [0, 1, 2]
    assert run_cli(["cost", "--show-config"], cwd=tmp_path).json()["jobs"] == 2


class _TwoArgumentError(Exception):
    """Like JsonSyntaxError: __init__ takes more than the message, so the exception does not unpickle."""

    def __init__(self, message: str, where: int) -> None:
        super().__init__(message)
        self.where = where


def _fail_in_worker(*_: object) -> None:
    raise _TwoArgumentError("a bug in a worker", 3)


def _die_in_worker(*_: object) -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, not hang, if the main process waits for a worker forever (the bug these tests guard against)."""
    import signal

    def hung(*_: object) -> None:
        raise AssertionError("the run hung waiting for a worker")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("command", ["check", "cost"])
@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (_fail_in_worker, "in a --jobs worker: _TwoArgumentError: a bug"),
        (_die_in_worker, "a --jobs worker process stopped"),
    ],
)
def test_a_failing_worker_is_an_internal_error_not_a_hang(
    run_cli,
    tmp_path: Path,
    tiny_blocks: None,
    deadline: None,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    failure: Callable,
    said: str,
) -> None:
    from seedance_lint import batch

    task = (Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text().replace("\n", " ")
    (tmp_path / "b.jsonl").write_text((task + "\n") * 4)
    monkeypatch.setattr(parallel, "AHEAD", 100)  # every block to the worker: this process never lints one itself
    monkeypatch.setattr(parallel, "items_from", failure)  # the workers, forked after this, run it
    monkeypatch.setattr(batch, "value_items_from", failure)
    result = run_cli([command, "--jobs", "2", "b.jsonl"], cwd=tmp_path)
    assert result.exit == 2 and said in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_workers_are_told_whether_a_walked_file_names_our_model(
    tmp_path: Path, tiny_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found once in the main process: a worker with a broken line in a walk does not read the whole file again."""
    from seedance_lint import engine

    path = tmp_path / "b.jsonl"
    path.write_text('{"model": "bytedance:2@2", \n' * 8)
    reads = tmp_path / "reads"  # a file: the workers' calls count too

    def mentions_model(*_: object) -> bool:
        with reads.open("a") as log:
            log.write("read\n")
        return True

    monkeypatch.setattr(engine, "mentions_model", mentions_model)
    monkeypatch.setattr(parallel, "mentions_model", mentions_model)
    linter = Linter(jobs=2)
    found = list(linter.lint_sources([Source(str(path), path, "jsonl", False)]))
    assert [d.code for d in found] == ["SDL001"] * 8 and reads.read_text() == "read\n"


def test_a_diagnostic_sent_back_as_its_fields_keeps_every_field_but_its_task() -> None:
    """A block sends each diagnostic as a tuple of its fields: a field added to Diagnostic must be carried too."""
    import pickle
    from dataclasses import astuple, replace

    from seedance_lint.core.diagnostic import Diagnostic, Fix

    d = Diagnostic("f.jsonl", 3, 4, "SDL204", "unsupported-dimensions", "error", "m", "/width", 1, Fix("/width", 864))
    sent = pickle.loads(pickle.dumps(parallel.fields_of(d)))
    assert astuple(parallel._rebuilt(sent, 8)) == astuple(replace(d, task=9))
    assert parallel._rebuilt(parallel.fields_of(replace(d, task=None)), 8) == replace(d, task=None)


class _SlowWorker:
    """A worker whose results are never ready before they are asked for (a slow worker)."""

    def __init__(self, work: Callable) -> None:
        self.work, self.in_flight, self.submitted, self.results = work, 0, [], []

    def submit(self, block: tuple[int, ...]) -> None:
        self.submitted.append(block[0])
        self.results.append(self.work(*block))
        self.in_flight += 1

    def ready(self) -> bool:
        return False

    def result(self) -> object:
        self.in_flight -= 1
        return self.results.pop(0)


def test_this_process_works_on_blocks_while_every_worker_is_busy_and_results_come_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "AHEAD", 2)
    monkeypatch.setattr(parallel, "WINDOW", 4)
    here: list[int] = []

    def work(number: int) -> int:
        if number not in worker.submitted:
            here.append(number)
        return number * 10

    worker, taken = _SlowWorker(work), []

    def blocks() -> Iterator[tuple[int]]:
        for n in range(10):
            taken.append(n)
            yield (n,)

    done = []
    for result in parallel._in_order([worker], blocks(), work):
        done.append((result, len(taken)))
    assert [result for result, _ in done] == [((n,), n * 10) for n in range(10)]
    assert done[0][1] == 5  # at most WINDOW blocks held: the first result goes out as the fifth block is taken
    assert sorted(worker.submitted + here) == list(range(10))
    assert worker.submitted[:2] == [0, 1] and 2 in here  # two in flight, then the third block is done here


def test_a_worker_gone_before_a_block_is_sent_is_a_worker_error_not_a_closed_reader() -> None:
    """Writing to a dead worker's pipe raises BrokenPipeError, which the CLI takes for `| head` leaving quietly."""
    import os
    import signal

    with parallel._pool(1, lambda *block: block) as pool:
        os.kill(pool[0].pid, signal.SIGKILL)
        os.waitpid(pool[0].pid, 0)
        with pytest.raises(parallel.WorkerError, match="stopped before it finished"):
            pool[0].submit((1, 0, 0))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.binary(max_size=9000).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    st.booleans(),
    st.integers(1, 5000),
)
def test_blocks_are_whole_lines_with_their_first_line_numbers(
    tmp_path: Path, lines: list[bytes], last_feed: bool, size: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if last_feed and lines else b"")
    path = tmp_path / "b.jsonl"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "BLOCK_BYTES", size)
        blocks = list(parallel._blocks(path))
    assert b"".join(data[start : start + length] for _, start, length in blocks) == data
    for line, start, length in blocks:
        assert start == 0 or data[start - 1 : start] == b"\n"  # each block starts a line
        assert line == data[:start].count(b"\n") + 1 and length > 0


def test_a_worker_killed_while_it_sends_a_result_is_a_worker_error_not_a_broken_pickle() -> None:
    import os
    import signal

    with parallel._pool(1, lambda *block: b"x" * (8 << 20)) as pool:  # more than the pipe holds
        worker = pool[0]
        worker.submit((1, 0, 0))
        while not worker.ready():  # the worker has begun to write, and waits for the pipe to empty
            pass
        os.kill(worker.pid, signal.SIGKILL)  # as the out-of-memory killer would
        with pytest.raises(parallel.WorkerError, match="stopped before it finished"):
            worker.result()


CTRL_C_IN_A_NEW_WORKER = """
import os, signal, sys
from pathlib import Path
from seedance_lint import cli, parallel
parallel.MIN_BYTES, parallel.cpu_count = 0, lambda: 2
fork = os.fork
def fork_and_interrupt_the_worker():
    pid = fork()
    if pid == 0:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C reaches the worker before it can ignore it
    return pid
os.fork = fork_and_interrupt_the_worker
code = cli.main(["cost", "--format", "csv", "--jobs", "2", sys.argv[1]])
sys.stdout.flush()
print(f"exit {code} from", "the main process" if os.getpid() == int(sys.argv[2]) else "a worker")
"""


def test_ctrl_c_in_a_worker_before_it_ignores_it_does_not_make_a_second_main_process(tmp_path: Path) -> None:
    """A worker is a copy of the main process: had it taken Ctrl-C, it would have run on as one (its output twice)."""
    import subprocess
    import sys

    from conftest import REPO_ROOT

    task = (REPO_ROOT / "examples" / "text-to-video.json").read_text().replace("\n", " ")
    (tmp_path / "b.jsonl").write_text((task + "\n") * 20)
    script = "import os, sys; sys.argv[2:] = [str(os.getpid())]\n" + CTRL_C_IN_A_NEW_WORKER
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "b.jsonl")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": ""},
    )
    assert done.stdout.count("file,task,taskUUID") == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "exit 0 from the main process" and "Traceback" not in done.stderr


def test_a_dead_worker_is_a_worker_error_where_children_are_reaped_by_the_kernel() -> None:
    """With SIGCHLD ignored (inherited from a parent), a dead worker is gone at once: killing it must not fail."""
    import os
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        with (
            pytest.raises(parallel.WorkerError, match="stopped before it finished"),
            parallel._pool(2, lambda *block: os._exit(9)) as pool,
        ):
            pool[0].submit((1, 0, 0))
            pool[1].submit((1, 0, 0))
            pool[0].result()
    finally:
        signal.signal(signal.SIGCHLD, previous)


SLOW_BLOCKS = """
import sys, time
from seedance_lint import cli, parallel
parallel.MIN_BYTES, parallel.BLOCK_BYTES, parallel.cpu_count = 0, 700, lambda: 2
items_from = parallel.items_from
def slowly(*args, **kwargs):
    time.sleep(0.05)
    return items_from(*args, **kwargs)
parallel.items_from = slowly
print("started", flush=True)
sys.exit(cli.main(["check", sys.argv[1]]))
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds leftover processes in /proc")
def test_ctrl_c_stops_the_run_and_its_workers(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO_ROOT

    task = (REPO_ROOT / "examples" / "text-to-video.json").read_text().replace("\n", " ")
    (tmp_path / "b.jsonl").write_text((task + "\n") * 400)  # hundreds of blocks of a few lines, 50 ms each
    marker = f"ctrl-c-{os.getpid()}-{time.monotonic_ns()}"  # in every process's command line: forks keep it
    run = subprocess.Popen(
        [sys.executable, "-c", SLOW_BLOCKS, str(tmp_path / "b.jsonl"), marker],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": ""},
        start_new_session=True,
    )
    assert run.stdout.readline() == "started\n"
    time.sleep(0.5)
    os.killpg(run.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130 and "Traceback" not in stderr, stderr
    time.sleep(0.2)
    left = [p for p in os.listdir("/proc") if p.isdigit() and _cmdline_has(p, marker)]
    assert left == []


def _cmdline_has(pid: str, marker: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return marker.encode() in cmdline.read()
    except OSError:
        return False


def test_a_fork_that_fails_is_a_worker_error_and_leaves_no_pipe_open(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: too many processes

    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    monkeypatch.setattr(os, "fork", no_fork)
    with (
        pytest.raises(parallel.WorkerError, match="cannot start a --jobs worker: Resource temporarily"),
        parallel._pool(1, lambda *block: block),
    ):
        pass
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


class _Stopping:
    def __init__(self, stopped: list[str], name: str, fails: bool) -> None:
        self.stopped, self.name, self.fails = stopped, name, fails

    def stop(self) -> None:
        self.stopped.append(self.name)
        if self.fails:
            raise OSError(9, "Bad file descriptor")


def test_every_worker_is_stopped_even_when_stopping_one_fails() -> None:
    stopped: list[str] = []
    pool = [_Stopping(stopped, "a", True), _Stopping(stopped, "b", True), _Stopping(stopped, "c", False)]
    with pytest.raises(OSError):
        parallel._stop_all(pool)
    assert stopped == ["a", "b", "c"]
