"""What every command shares: exit codes, the shape of its output, and the files it reads."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from seedance_lint.core.errors import UsageError
from seedance_lint.core.executor import AHEAD_PER_WORKER, ExecutorLike, ProcessPool, process_pool
from seedance_lint.input.sources import Source, SourceError, discover

if TYPE_CHECKING:
    from seedance_lint.config import Config

EXIT_OK, EXIT_PROBLEMS = 0, 1
#: The formats of `prices` (named here: the command line lists them without loading the price model).
PRICES_FORMATS = ("table", "csv", "json", "markdown")
#: What a command prints: all at once, or in pieces as it goes (a stream of a large batch).
Output = str | Iterable[str]
#: A stream's exit code is known only once it has been written.
ExitCode = int | Callable[[], int]
T = TypeVar("T")


class ToStderr(str):
    """A piece of output that belongs on stderr (a problem beside a machine format on stdout)."""


def gather_sources(args: argparse.Namespace, stdin: bytes | None, config: Config) -> list[Source]:
    """The files the command line names (directories walked with the config's globs)."""
    try:
        sources = list(
            discover(
                args.paths or config.default_paths(),
                stdin=stdin,
                stdin_name=args.stdin_filename,
                include=config.include,
                exclude=config.exclude,
                root=config.root,
            )
        )
    except SourceError as error:
        raise UsageError(str(error)) from None
    if args.skip_non_requests:  # judged by shape, as files found in a directory are
        sources = [replace(s, explicit=False) for s in sources]
    return sources


def write_report(path: str, chunks: Iterable[str]) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            out.writelines(chunks)
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write the report: {error.strerror or error}") from None


def pool_for(jobs: int) -> tuple[ProcessPool | None, int]:
    """The process pool for ``--jobs`` (started only if a file is large enough), and how many blocks to keep
    submitted ahead of the one being merged."""
    pool = process_pool(jobs)
    return pool, AHEAD_PER_WORKER * (pool.workers if pool else 1)


def shut_after(chunks: Iterable[T], pool: ExecutorLike | None) -> Iterator[T]:
    """The output (or any items), then the pool shut down (also when the reader stops early, or on Ctrl-C)."""
    try:
        yield from chunks
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ
