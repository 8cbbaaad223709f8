"""--jobs: a large JSON Lines file linted or priced by several processes, a block of lines each.

``--jobs N`` means N processes in all: this one and N - 1 forked workers.
The main process reads the file in blocks of whole lines, keeps a few of them
in flight to the workers, and, while they are all busy, lints the next block
itself rather than wait; it takes the results back in file order. A block
is linted exactly as the serial path does (batch.py, then the per-line path),
except for the one check that needs the whole run: whether a taskUUID was
used before. The block's taskUUIDs are recorded with their task indices and
lines instead; the main process registers them in order and lints again,
with the run's registry, the rare line whose UUID was seen before. The report
is the serial one, byte for byte (tests/test_parallel.py).

Workers are forked (they inherit the loaded rules and compiled schema for
free); where fork is not available, and for files too small to repay the
start of the workers, linting stays serial.
"""
from __future__ import annotations

import io
import os
import select
import struct
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cache
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, BinaryIO

from seedance_lint.batch import AcceptedRun, items_from
from seedance_lint.diagnostic import Diagnostic
from seedance_lint.documents import EMPTY_JSONL, Document, Problem, load_line
from seedance_lint.data import model_spec
from seedance_lint.engine import Linter, _FileLint, mentions_model, pack_uuids
from seedance_lint.sources import Source
from seedance_lint.tasks import TaskRef

if TYPE_CHECKING:  # reporters.cost imports costing, and so pydantic: `check` never needs it
    from decimal import Decimal

    from seedance_lint.reporters.cost import CostFormat, RowBlock

#: Bytes of whole lines a process takes at a time. A worker holds its block twice (bytes and lines) and
#: its findings: 4 MB blocks made each worker 10 MB larger and balanced the work worse.
BLOCK_BYTES = 512 << 10
#: Files below this are linted serially: starting the workers would cost more than it saves.
MIN_BYTES = 8 << 20
#: Blocks in flight per worker: enough to keep each busy while this process lints a block of its own.
AHEAD = 4
#: Blocks done or in flight, at most, per worker: results that wait for an earlier block stay few.
WINDOW = 8


def cpu_count() -> int:
    """The CPUs this process may run on: its affinity (not the machine's count), and a container's CPU
    quota where one is set (cgroup v2), whichever is fewer."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _cpu_quota() or cpus))


#: cgroup v2: the process's cgroup is named in PROC_CGROUP ("0::/path"); a CPU quota set on it or on any
#: cgroup above it is in that directory's cpu.max under CGROUP_ROOT: "max 100000" (none), or "200000
#: 100000" for two CPUs' worth. In a container with its own cgroup namespace the path is "/".
PROC_CGROUP = "/proc/self/cgroup"
CGROUP_ROOT = "/sys/fs/cgroup"


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
    """How many processes to use for ``jobs`` (0: "auto", one per CPU): never more than the CPUs available,
    since the work is all CPU and more processes would only take turns."""
    cpus = cpu_count()
    return min(jobs or cpus, cpus)


def processes_for(source: Source, jobs: int) -> int:
    """How many processes lint or price this file (1: this one alone). Workers are for a large JSON Lines
    file, where fork is, and two CPUs or more are there to use."""
    if jobs == 1 or source.format != "jsonl" or source.path is None or source.problem is not None:
        return 1
    try:
        large = source.path.stat().st_size >= MIN_BYTES
    except OSError:
        return 1
    return processes(jobs) if large and hasattr(os, "fork") else 1


@dataclass
class BlockResult:
    """What a worker found in one block; task indices count from the block's first task."""

    #: Each diagnostic as the tuple of its fields (fields_of): a tuple pickles in a fraction of the time of
    #: a dataclass, and the main process builds each diagnostic again anyway, with the run's task index.
    diagnostics: list[tuple] = field(default_factory=list)
    tasks: int = 0
    recognized: bool = False
    found: bool = False  # a line that is not blank
    #: (task index, line, taskUUID) of each task with a string taskUUID, in order;
    #: accepted runs as (first task index, first line, the UUIDs packed, or a list).
    uuids: list[tuple[int, int, str | bytes | list[str]]] = field(default_factory=list)
    #: line -> index of the first task of its document, for lines with a taskUUID.
    first_task_of_line: dict[int, int] = field(default_factory=dict)
    #: Where each line of the block starts, from the block's start, and where the last one ends (an
    #: array("Q") as bytes): the main process reads again only the lines it lints again.
    line_starts: bytes = b""


class _RecordingFileLint(_FileLint):
    """_FileLint in a worker: taskUUIDs are recorded for the main process instead of checked."""

    def __init__(self, linter: Linter, source: Source, result: BlockResult) -> None:
        super().__init__(linter, source)
        self.result = result

    def accepted(self, run: AcceptedRun) -> Iterator[Diagnostic]:
        uuids = [task["taskUUID"] for task in run.values]
        self.result.uuids.append((self.task_index, run.first_line, pack_uuids(uuids) or uuids))
        self.task_index += len(run.values)
        self.linter.stats.tasks += len(run.values)
        self.recognized = True
        return iter(())

    def document(self, loaded: Document | Problem) -> Iterator[Diagnostic]:
        if isinstance(loaded, Document):
            self.result.first_task_of_line.setdefault(loaded.first_line, self.task_index)
        return super().document(loaded)

    def _duplicate_uuid(self, item: TaskRef, index: int, document: Document) -> list[Diagnostic | None]:
        uuid = item.value.get("taskUUID")
        if isinstance(uuid, str):
            self.result.uuids.append((index, document.first_line, uuid))
        return []


#: What the workers work for (the linter or the cost format, and the file); set before they are forked.
_JOB: tuple | None = None


def _lint_block(first_line: int, start: int, size: int) -> BlockResult:
    linter, source, mentions = _JOB
    linter.stats.tasks = 0
    result = BlockResult()
    file_lint = _RecordingFileLint(linter, source, result)
    file_lint._mentions = mentions
    data, lines = _lines(source.path, start, size)
    result.line_starts = array("Q", accumulate(map(len, lines), initial=0)).tobytes()
    for loaded in items_from(lines, first_line, data):
        result.found = True
        found = file_lint.accepted(loaded) if isinstance(loaded, AcceptedRun) else file_lint.document(loaded)
        result.diagnostics.extend(map(fields_of, found))
    result.tasks, result.recognized = file_lint.task_index, file_lint.recognized
    return result


def _lines(path: os.PathLike, start: int, size: int) -> tuple[bytes, list[bytes]]:
    """The bytes of one block and its whole lines (read here, from the page cache: no block goes through a
    pipe)."""
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(size)
    return data, io.BytesIO(data).readlines()


def _blocks(path: os.PathLike) -> Iterator[tuple[int, int, int]]:
    """(line number of the first line, offset, size) of blocks of whole lines of about BLOCK_BYTES.

    Read here only to count lines: a block is linted with the absolute line
    numbers of its lines, which diagnostics carry and two texts name (SDL003's
    "(also at line N)", `cost`'s "file:line:col: cannot price").
    """
    line, start = 1, 0
    block = bytearray(BLOCK_BYTES)  # one buffer, read into again and again: no block is allocated or copied
    with open(path, "rb") as stream:
        while size := stream.readinto(block):
            lines = block.count(b"\n", 0, size)
            if block[size - 1] != ord("\n"):  # the block ends inside a line: take the rest of it
                rest = stream.readline()
                size, lines = size + len(rest), lines + rest.endswith(b"\n")
            yield line, start, size
            line, start = line + lines, start + size


def lint_source(linter: Linter, source: Source, file_lint: _FileLint, jobs: int) -> Iterator[Diagnostic]:
    """The diagnostics of one JSON Lines file, in the serial order, from ``jobs`` processes (this one too;
    processes_for says how many)."""
    global _JOB
    file_lint._mentions = _mentions(source)  # as the workers are told: found once, in this process
    # Blocks are linted by a linter of their own: the one given counts the run's tasks and holds its taskUUIDs.
    _JOB = (Linter(linter.selection, linter.spec), source, file_lint._mentions)
    base, found = 0, False  # tasks of the file before the current block
    with _pool(jobs - 1, _lint_block) as pool:
        for (first_line, start, size), result in _in_order(pool, _blocks(source.path)):
            yield from _merge(file_lint, base, first_line, (start, size), result)
            base += result.tasks
            found = found or result.found
            file_lint.recognized = file_lint.recognized or result.recognized
            linter.stats.tasks += result.tasks
    if not found:
        yield from file_lint.document(EMPTY_JSONL)


@contextmanager
def _pool(workers: int, work: Callable) -> Iterator[list[_Worker]]:
    """``workers`` forked processes that run ``work`` on the blocks sent to them.

    The objects loaded so far are frozen out of the garbage collector while
    the workers are forked, so that a worker's collections do not write to
    (and copy) the pages it shares with this process.
    """
    import gc
    import signal
    from importlib import import_module

    import_module("pickle")  # imported once here, before the fork, not by each worker after it
    gc.freeze()
    pool: list[_Worker] = []
    try:
        for _ in range(workers):
            # Ctrl-C is held back over the fork: a worker that took it before ignoring it would run on as a
            # copy of this process (its output, its exit code); this process takes it once the worker is in
            # the pool, which stops it.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                pool.append(_Worker(work, pool))
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        yield pool
    finally:
        try:
            _stop_all(pool)
        finally:
            gc.unfreeze()


def _stop_all(pool: list[_Worker]) -> None:
    """Stop every worker, even when stopping one fails."""
    if pool:
        try:
            pool[0].stop()
        finally:
            _stop_all(pool[1:])


class _Worker:
    """A forked process that works on the blocks sent down one pipe and sends each result back up another.

    No thread of this process stands between it and its worker (a
    ProcessPoolExecutor's does, and needs the GIL this process is busy with:
    its worker waited for blocks and this process did half the work). The
    pipe back is made large, where the system allows, so that a worker can
    run several results ahead of this process reading them.
    """

    def __init__(self, work: Callable, others: list[_Worker]) -> None:
        to_worker, self._down = os.pipe()
        self._up, from_worker = os.pipe()
        _widen(from_worker)
        try:
            self.pid = os.fork()
        except OSError as error:
            for fd in (to_worker, self._down, self._up, from_worker):
                os.close(fd)
            raise WorkerError(f"cannot start a --jobs worker: {error.strerror or error}; --jobs 1 runs without "
                              "workers") from None
        if self.pid == 0:  # the worker: it never returns from here
            _start(work, to_worker, from_worker, [self._down, self._up, *(fd for other in others
                                                                          for fd in (other._down, other._up))])
        os.close(to_worker)
        os.close(from_worker)
        self.in_flight = 0
        self._poll = select.poll()
        self._poll.register(self._up, select.POLLIN)

    def submit(self, block: tuple[int, int, int]) -> None:
        try:
            os.write(self._down, _BLOCK.pack(*block))
        except BrokenPipeError:  # not the reader of our output leaving: the worker is gone
            raise _stopped() from None
        self.in_flight += 1

    def ready(self) -> bool:
        """Whether the next result has begun to arrive (the rest follows at once)."""
        return bool(self._poll.poll(0))

    def result(self) -> object:
        import pickle

        header = _read_exactly(self._up, _SIZE.size)
        size = _SIZE.unpack(header)[0] if len(header) == _SIZE.size else 0
        data = _read_exactly(self._up, size) if size else b""
        if not size or len(data) != size:  # the pipe closed first (a result cut off, or none): the worker died
            raise _stopped()
        self.in_flight -= 1
        return pickle.loads(data)

    def stop(self) -> None:
        """Close the pipes (a worker reading the next block then ends) and wait for the process."""
        import signal

        os.close(self._down)
        os.close(self._up)
        try:
            if self.in_flight:  # stopped early (an error here, Ctrl-C): the worker's work is not wanted
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):  # already reaped (by us, or the kernel: SIGCHLD ignored)
            pass


#: A block sent to a worker: (first line number, offset, size); a result's size in front of its pickle.
_BLOCK = struct.Struct("=3Q")
_SIZE = struct.Struct("=Q")


def _widen(fd: int) -> None:
    """Make a pipe hold up to a megabyte (Linux; elsewhere it keeps its size and works as well, if slower)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _read_exactly(fd: int, size: int) -> bytearray:
    """``size`` bytes from a pipe, or fewer if it closes first (the worker died)."""
    data = bytearray()
    while len(data) < size and (piece := os.read(fd, size - len(data))):
        data += piece
    return data


def _start(work: Callable, blocks: int, results: int, others: list[int]) -> None:
    """The worker, just forked: it closes what is not its own, ignores Ctrl-C, serves, and exits; whatever
    happens, it never returns into the copy of the main process it is."""
    code = 1
    try:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle (exit 130)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for fd in others:
            os.close(fd)  # a pipe end of another worker kept open here would keep it from seeing the end
        _serve(work, blocks, results)
        code = 0
    finally:
        os._exit(code)  # no cleanup of the main process's state: its buffers, atexit hooks, open files


def _serve(work: Callable, blocks: int, results: int) -> None:
    """The worker's loop: a block in, its result out, until the pipe of blocks closes."""
    import pickle

    with open(blocks, "rb") as incoming:
        while len(block := incoming.read(_BLOCK.size)) == _BLOCK.size:
            data = pickle.dumps(_guarded(work, *_BLOCK.unpack(block)), pickle.HIGHEST_PROTOCOL)
            _write_all(results, _SIZE.pack(len(data)) + data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class WorkerError(Exception):
    """A worker failed: an internal error in it (its trace is the cause), or it died."""


def _stopped() -> WorkerError:
    return WorkerError("a --jobs worker process stopped before it finished (killed? out of memory?); "
                       "--jobs 1 runs without workers")


class _RemoteTrace(Exception):
    """A worker's traceback, as text: shown under --traceback as the cause of the WorkerError."""


@dataclass(frozen=True)
class _Failure:
    """An internal error in a worker, sent back as text: the exception itself may not pickle."""

    description: str
    trace: str


def _guarded(work: Callable, *block: int) -> object:
    try:
        return work(*block)
    except Exception as error:  # sent back as text: the main process reports it as an internal error
        import traceback

        return _Failure(f"{type(error).__name__}: {error}", traceback.format_exc())


def _in_order(pool: list[_Worker], blocks: Iterator[tuple[int, int, int]],
              work: Callable = _lint_block) -> Iterator[tuple[tuple, object]]:
    """(block, work(*block)) for each block, in order.

    Each worker has up to AHEAD blocks in flight; while they all do, this
    process works on the next block itself instead of waiting (it has only
    the merging to do otherwise). At most WINDOW blocks per worker are held,
    done or not, so results that wait for an earlier block stay few.
    """
    pending: deque = deque()  # (block, the worker on it, or _Done: the result of a block done here)
    for block in blocks:
        idle = min(pool, key=lambda worker: worker.in_flight)
        if idle.in_flight < AHEAD:
            idle.submit(block)
            pending.append((block, idle))
        else:
            pending.append((block, _Done(work(*block))))
        while pending and (_ready(pending[0][1]) or len(pending) > len(pool) * WINDOW):
            block, job = pending.popleft()
            yield block, _result(job)
    while pending:
        block, job = pending.popleft()
        yield block, _result(job)


@dataclass(frozen=True)
class _Done:
    """The result of a block this process worked on itself."""

    result: object


def _ready(job: _Worker | _Done) -> bool:
    return isinstance(job, _Done) or job.ready()


def _result(job: _Worker | _Done) -> object:
    result = job.result if isinstance(job, _Done) else job.result()
    if isinstance(result, _Failure):
        raise WorkerError(f"in a --jobs worker: {result.description}") from _RemoteTrace(result.trace)
    return result


def _mentions(source: Source) -> bool | None:
    """Whether the file names our model, found once here rather than by each worker that needs it
    (a broken line in a walk); None when the file was named on the command line (never asked)."""
    return None if source.explicit else mentions_model(source, model_spec())


def _merge(file_lint: _FileLint, base: int, first_line: int, where: tuple[int, int],
           result: BlockResult) -> list[Diagnostic]:
    """The block's diagnostics in the run's terms: task indices of the file, repeated taskUUIDs reported."""
    repeated = _register(file_lint, base, result)
    found = [_rebuilt(fields, base) for fields in result.diagnostics]
    if not repeated:
        return found
    starts = array("Q", result.line_starts)
    with open(file_lint.source.path, "rb") as stream:
        again = [d for line in sorted(repeated) for d in _relint(file_lint, _line(stream, where[0], starts,
                                                                                   line - first_line),
                                                                   line, base + repeated[line])]
    return sorted([d for d in found if d.line not in repeated] + again, key=lambda d: d.line)  # stable


def _line(stream: BinaryIO, block_start: int, starts: array, index: int) -> bytes:
    """The line at ``index`` of the block that starts at ``block_start`` in the file."""
    stream.seek(block_start + starts[index])
    return stream.read(starts[index + 1] - starts[index])


#: A diagnostic's fields, in order (a tuple of them goes back from a block: BlockResult).
fields_of = attrgetter(*(f.name for f in dataclass_fields(Diagnostic)))
_TASK = [f.name for f in dataclass_fields(Diagnostic)].index("task")


def _rebuilt(fields: tuple, base: int) -> Diagnostic:
    """The diagnostic of a block's tuple of fields, its task index counted from the file's first task."""
    if fields[_TASK] is None:
        return Diagnostic(*fields)
    return Diagnostic(*fields[:_TASK], fields[_TASK] + base, *fields[_TASK + 1 :])


def _register(file_lint: _FileLint, base: int, result: BlockResult) -> dict[int, int]:
    """Register the block's taskUUIDs in order; line -> block index of its first task, for lines with a repeat."""
    uuids, file, repeated = file_lint.linter._uuids, file_lint.source.display, {}
    for index, line, uuid in result.uuids:
        if not isinstance(uuid, str):  # an accepted run: one task per line
            added = uuids.add_packed if isinstance(uuid, bytes) else uuids.add_run
            for offset in added(uuid, file, base + index):
                repeated[line + offset] = index + offset
        elif uuids.setdefault(uuid, file, base + index) != (file, base + index):
            repeated[line] = result.first_task_of_line.get(line, index)
    return repeated


def _relint(file_lint: _FileLint, raw: bytes, line: int, first_task: int) -> list[Diagnostic]:
    """One line linted again here, where the registry knows every earlier taskUUID of the run."""
    stats = file_lint.linter.stats.tasks
    file_lint.task_index = first_task
    found = list(file_lint.document(load_line(raw, line)))
    file_lint.linter.stats.tasks = stats
    return found


# -- cost ---------------------------------------------------------------------------------


def _price_block(first_line: int, start: int, size: int) -> list:
    """[whether a line was not blank, then the block's RowBlocks (task indices from 0) and problems]."""
    from seedance_lint.batch import value_items_from
    from seedance_lint.commands import priced_tasks
    from seedance_lint.reporters.cost import render_block

    _, source, (fmt, currency, max_task, mentions) = _JOB
    render = _renderer(fmt)
    data, lines = _lines(source.path, start, size)
    documents = value_items_from(lines, first_line, data)  # a chunk at a time: priced while in cache
    blocks = [run if isinstance(run, str) else render_block(run, render, currency, max_task)
              for run in priced_tasks(source, documents, mentions=mentions)]
    return [bool(data.strip()), *blocks]  # a line not blank: the file is not empty


@cache  # one renderer (and its cache) per worker and format
def _renderer(fmt: CostFormat) -> Callable:
    return fmt.renderer()


def cost_blocks(source: Source, jobs: int, fmt: CostFormat, currency: str,
                max_task: Decimal | None) -> Iterator[RowBlock | str]:
    """commands.cost_blocks for a JSON Lines file, from ``jobs`` processes (this one too; processes_for says
    how many), in file order."""
    global _JOB
    _JOB = (None, source, (fmt, currency, max_task, _mentions(source)))
    base, found = 0, False  # tasks of the file before the current block
    with _pool(jobs - 1, _price_block) as pool:
        for _, (lines_found, *items) in _in_order(pool, _blocks(source.path), _price_block):
            found = found or lines_found
            for item in items:  # task indices count from the worker's block: from the file's start here
                yield item if isinstance(item, str) else item._replace(first=item.first + base)
            base += sum(len(item.rows) for item in items if not isinstance(item, str))
    if not found:
        from seedance_lint.commands import priced_tasks

        yield from priced_tasks(source, [EMPTY_JSONL])  # only the problem: an empty file has no task
