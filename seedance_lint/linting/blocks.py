"""A large JSON Lines file linted a block of lines at a time on an Executor (a process pool, a Dask cluster).

The main process reads the file in blocks of whole lines and submits them,
a bounded number ahead (core/executor.in_order); :func:`lint_block` lints one
block exactly as the serial path does (the accept path, then the per-line
path), except for the one check that needs the whole run: whether a taskUUID
was used before. A block records its taskUUIDs with their task indices and
lines instead; the main process registers them in file order and lints
again, with the run's registry, the rare line whose UUID was seen before. The
report is the serial one, byte for byte (tests/test_parallel.py).

A block goes out and comes back as plain picklable data (BlockJob,
BlockResult), so any ``concurrent.futures.Executor`` can run it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from seedance_lint.config import Selection
from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.executor import AHEAD_PER_WORKER, ExecutorLike, in_order
from seedance_lint.input.documents import EMPTY_JSONL, load_line
from seedance_lint.input.jsonl import BLOCK_BYTES, MIN_BYTES, FileBlocks, split_lines, splits
from seedance_lint.input.sources import Source
from seedance_lint.input.tasks import mentions_model
from seedance_lint.linting.accept import AcceptedRun, items_from
from seedance_lint.linting.linter import FileLint, Linter, UuidRecord


@dataclass(frozen=True)
class BlockJob:
    """One block of a file to lint: whole lines, the number of the first, and how to lint them."""

    file: str  # the file as shown in diagnostics
    explicit: bool  # named on the command line (else found in a walk: judged by shape)
    selection: Selection
    mentions: bool | None  # whether the file names our model (None: not needed, the file was named)
    first_line: int
    data: bytes


@dataclass(frozen=True)
class BlockResult:
    """What one block held; task indices count from the block's first task."""

    diagnostics: list[Diagnostic]
    tasks: int
    recognized: bool  # it held a task of ours (or a broken line that names our model)
    found: bool  # a line that is not blank
    uuids: UuidRecord
    first_task_of_line: dict[int, int]


def lint_block(job: BlockJob) -> BlockResult:
    """Lint one block as the serial path would, recording its taskUUIDs instead of checking them."""
    recorded: UuidRecord = []
    source = Source(job.file, None, "jsonl", job.explicit)
    file_lint = FileLint(Linter(job.selection), source, job.mentions, recorded)
    diagnostics: list[Diagnostic] = []
    found = False
    for loaded in items_from(split_lines(job.data), job.first_line, job.data):
        found = True
        diagnostics.extend(
            file_lint.accepted(loaded) if isinstance(loaded, AcceptedRun) else file_lint.document(loaded)
        )
    return BlockResult(
        diagnostics, file_lint.task_index, file_lint.recognized, found, recorded, file_lint.first_task_of_line
    )


def lint_sources(
    linter: Linter,
    sources: Iterable[Source],
    executor: ExecutorLike | None = None,
    ahead: int = 2 * AHEAD_PER_WORKER,
    min_bytes: int = MIN_BYTES,
) -> Iterator[Diagnostic]:
    """The run's diagnostics, file by file: a large JSON Lines file in blocks on ``executor``, if given."""
    for source in sources:
        if executor is not None and splits(source, min_bytes):
            yield from lint_in_blocks(linter, source, executor, ahead)
        else:
            yield from linter.lint_source(source)


def lint_in_blocks(linter: Linter, source: Source, executor: ExecutorLike | None, ahead: int) -> Iterator[Diagnostic]:
    """The diagnostics of one JSON Lines file, in the serial order, its blocks linted on ``executor``."""
    assert source.path is not None  # splits() said it is a file
    yield from lint_blocks(linter, source, FileBlocks(source.path, BLOCK_BYTES), executor, ahead)


def lint_blocks(
    linter: Linter, source: Source, blocks: Iterable[bytes], executor: ExecutorLike | None, ahead: int
) -> Iterator[Diagnostic]:
    """The diagnostics of a JSON Lines source given as blocks of whole lines, in the serial order, its blocks
    linted on ``executor`` (None: here)."""
    file_lint = linter.start(source)
    file_lint.mentions = None if source.explicit else mentions_model(source, linter.spec)  # read once, here
    base, found = 0, False  # tasks of the file before the current block
    for job, result in in_order(
        executor, lint_block, block_jobs(source, linter.selection, file_lint.mentions, blocks), ahead
    ):
        yield from _merge(file_lint, base, job, result)
        base += result.tasks
        found = found or result.found
        file_lint.recognized = file_lint.recognized or result.recognized
        linter.stats.tasks += result.tasks
    if isinstance(blocks, FileBlocks) and blocks.problem is not None:  # the file stopped being readable
        found = True
        yield from file_lint.document(blocks.problem)
    if not found:
        yield from file_lint.document(EMPTY_JSONL)
    yield from file_lint.finish()


def block_jobs(
    source: Source, selection: Selection, mentions: bool | None, blocks: Iterable[bytes]
) -> Iterator[BlockJob]:
    """A BlockJob for each block of whole lines, numbered from the file's first line."""
    line = 1
    for data in blocks:
        yield BlockJob(source.display, source.explicit, selection, mentions, line, data)
        line += data.count(b"\n")


def _merge(file_lint: FileLint, base: int, job: BlockJob, result: BlockResult) -> list[Diagnostic]:
    """The block's diagnostics in the run's terms: task indices of the file, repeated taskUUIDs reported."""
    repeated = _register(file_lint, base, result)
    found = [d if d.task is None else replace(d, task=d.task + base) for d in result.diagnostics]
    if not repeated:
        return found
    lines = split_lines(job.data)
    again = [
        d
        for line in sorted(repeated)
        for d in _relint(file_lint, lines[line - job.first_line], line, base + repeated[line])
    ]
    return sorted([d for d in found if d.line not in repeated] + again, key=lambda d: d.line)  # stable


def _register(file_lint: FileLint, base: int, result: BlockResult) -> dict[int, int]:
    """Register the block's taskUUIDs in order; line -> block index of its first task, for lines with a repeat."""
    uuids, file, repeated = file_lint.linter.uuids, file_lint.source.display, {}
    for index, line, uuid in result.uuids:
        if not isinstance(uuid, str):  # an accepted run: one task per line
            offsets = (
                uuids.add_packed(uuid, file, base + index)
                if isinstance(uuid, bytes)
                else uuids.add_run(uuid, file, base + index)
            )
            for offset in offsets:
                repeated[line + offset] = index + offset
        elif uuids.setdefault(uuid, file, base + index) != (file, base + index):
            repeated[line] = result.first_task_of_line.get(line, index)
    return repeated


def _relint(file_lint: FileLint, raw: bytes, line: int, first_task: int) -> list[Diagnostic]:
    """One line linted again here, where the registry knows every earlier taskUUID of the run."""
    tasks = file_lint.linter.stats.tasks
    file_lint.task_index = first_task
    loaded = load_line(raw, line)
    found = list(file_lint.document(loaded)) if loaded is not None else []
    file_lint.linter.stats.tasks = tasks  # counted once, from the block's result
    return found
