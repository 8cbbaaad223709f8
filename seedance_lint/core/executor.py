"""Processes for large batches: a standard-library process pool, started only when a file needs it.

Everything here works with any ``concurrent.futures.Executor``: the CLI uses
a ``ProcessPoolExecutor`` of its own; a user who outgrows one machine passes
Dask's ``distributed.Client.get_executor()`` to the Python API instead.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # concurrent.futures imports logging (15 ms): only a run that starts a pool pays for it
    from concurrent.futures import Future

#: Blocks submitted ahead of the one being merged, per worker: enough to keep each worker busy. Each block
#: in flight is held twice (its lines here, its result coming back): 4 a worker made `cost` at 1M tasks
#: 117 MB in all processes, 2 made it 108 MB (bench/run.py section d).
AHEAD_PER_WORKER = 2

T = TypeVar("T")
R = TypeVar("R")

#: cgroup v2: the process's cgroup is named in PROC_CGROUP ("0::/path"); a CPU quota set on it or on any
#: cgroup above it is in that directory's cpu.max under CGROUP_ROOT: "max 100000" (none), or "200000
#: 100000" for two CPUs' worth. In a container with its own cgroup namespace the path is "/".
PROC_CGROUP = "/proc/self/cgroup"
CGROUP_ROOT = "/sys/fs/cgroup"


def cpu_count() -> int:
    """The CPUs this process may run on: its affinity (not the machine's count), and a container's CPU
    quota where one is set (cgroup v2), whichever is fewer."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _cpu_quota() or cpus))


def _cpu_quota() -> int | None:
    """The CPUs' worth of time this process's cgroups may use (the least, rounded up), or None."""
    quotas = [quota for quota in map(_quota_in, _cgroup_directories()) if quota]
    return min(quotas) if quotas else None


def _cgroup_directories() -> list[str]:
    """The directory of this process's cgroup (v2) and of every cgroup above it."""
    try:
        with open(PROC_CGROUP) as cgroups:
            path = next((line[3:].strip() for line in cgroups if line.startswith("0::")), "/")
    except OSError:
        path = "/"
    parts = [part for part in path.split("/") if part and part != ".."]
    return [os.path.join(CGROUP_ROOT, *parts[:depth]) for depth in range(len(parts), -1, -1)]


def _quota_in(directory: str) -> int | None:
    try:
        with open(os.path.join(directory, "cpu.max")) as limits:
            quota, period = limits.read().split()[:2]
        return -(-int(quota) // int(period)) or None
    except (OSError, ValueError, ZeroDivisionError):  # no such file, or "max": no quota there
        return None


def processes(jobs: int) -> int:
    """How many worker processes ``jobs`` asks for (0: "auto", one per CPU): never more than the CPUs
    available, since the work is all CPU and more processes would only take turns."""
    cpus = cpu_count()
    return min(jobs or cpus, cpus)


class ExecutorLike(Protocol):
    """What this project asks of an executor: a ``concurrent.futures.Executor`` (a process pool, Dask's
    ``Client.get_executor()``) or a ProcessPool."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]: ...

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


def _ignore_interrupts() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the pool (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessPool:
    """A ``ProcessPoolExecutor`` of ``workers`` processes, started on the first submit (a run whose files
    are all small never starts one, nor imports concurrent.futures). It has the two methods of an
    Executor that this project calls, ``submit`` and ``shutdown``."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ExecutorLike | None = None

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor  # imports multiprocessing: only a large file pays

            self._pool = ProcessPoolExecutor(self.workers, initializer=_ignore_interrupts)
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except OSError:  # a worker could not be started (EAGAIN: too many processes)
            self._stop_started()
            raise

    def _stop_started(self) -> None:
        """Stop the workers a half-started pool did start: on Python 3.11 its shutdown() leaves them waiting
        for work, and the interpreter then waits for them at exit (a hang)."""
        started = getattr(self._pool, "_processes", None) or {}  # the stdlib's own table of its workers
        for process in list(started.values()):
            process.kill()
            process.join(timeout=5)  # reaped here, not left to the interpreter's exit
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait, cancel_futures=cancel_futures)


def process_pool(jobs: int) -> ProcessPool | None:
    """The pool for ``--jobs`` (None for one process: jobs 1, or one CPU)."""
    workers = processes(jobs)
    return ProcessPool(workers) if workers > 1 else None


def in_order(
    executor: ExecutorLike | None, work: Callable[[T], R], items: Iterable[T], ahead: int
) -> Iterator[tuple[T, R]]:
    """(item, work(item)) for each item, in order, with at most ``ahead`` items submitted and not yet taken
    (Executor.map would submit every item first: a whole file in memory); without an executor, here."""
    if executor is None:
        yield from ((item, work(item)) for item in items)
        return
    pending: deque[tuple[T, Future[R]]] = deque()
    try:
        for item in items:
            pending.append((item, executor.submit(work, item)))
            if len(pending) >= ahead:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        for _, future in pending:  # stopped early (an error, Ctrl-C, `| head`): drop what was not started
            future.cancel()
