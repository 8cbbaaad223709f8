"""What every command shares: exit codes, the shape of its output, and the files it reads."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from seedance_lint.core.errors import UsageError
from seedance_lint.core.executor import AHEAD_PER_WORKER, ExecutorLike, ProcessPool, process_pool
from seedance_lint.input.sources import FORMATS, Source, SourceError, discover

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


#: The first argument of the pre-commit hooks' entry: what follows is parsed as hook_arguments says.
PRE_COMMIT = "--pre-commit"


def hook_arguments(argv: list[str]) -> list[str]:
    """The arguments of a pre-commit hook run, where no file name can be taken for an option.

    pre-commit appends the staged file names after the hook's args with no `--`, so a file named
    `-opackage.json` would be read as `-o package.json` (and package.json overwritten with the
    report). Here an argument that starts with `-` and names an existing file of a format the hook
    selects is a file: it is given as `./-opackage.json`, which no parser reads as an option.
    (An option of the hook's args never names an existing file that way; long options are
    never abbreviated, so `--out.json` cannot stand for `--output` either.)
    """
    return [f"./{arg}" if _a_file_that_looks_like_an_option(arg) else arg for arg in argv]


def _a_file_that_looks_like_an_option(arg: str) -> bool:
    return arg.startswith("-") and arg.lower().endswith(tuple(FORMATS)) and os.path.lexists(arg)


def discovered(paths: list[str], config: Config, stdin: bytes | None = None, stdin_name: str = "-") -> list[Source]:
    """The sources of ``paths``, directories walked as the configuration says (its globs, whether git's
    ignore rules apply); a path that does not exist is a usage error."""
    try:
        return list(
            discover(
                paths,
                stdin=stdin,
                stdin_name=stdin_name,
                include=config.include,
                exclude=config.exclude,
                root=config.root,
                respect_gitignore=config.respect_gitignore,
            )
        )
    except SourceError as error:
        raise UsageError(str(error)) from None


def gather_sources(args: argparse.Namespace, stdin: bytes | None, config: Config) -> list[Source]:
    """The files the command line names (directories walked with the config's globs)."""
    sources = discovered(args.paths or config.default_paths(), config, stdin, args.stdin_filename)
    output = getattr(args, "output", None)
    if output:
        sources = _without_report(sources, output)
    if args.skip_non_requests:  # judged by shape, as files found in a directory are
        sources = [replace(s, explicit=False) for s in sources]
    return sources


def _without_report(sources: list[Source], output: str) -> list[Source]:
    """The sources without the report file: refused when named, left out when found by a walk.

    Checked before anything is opened for writing, so that `check victim.json --output victim.json`
    loses nothing, and `check req/ --output req/lint.json` does not lint its own last report.
    """
    try:
        report = os.stat(output)
    except OSError:
        return sources  # not there yet (or unreachable: writing it will say so)
    kept = []
    for source in sources:
        if source.path is not None and _same_file(source.path, report):
            if source.explicit:
                raise UsageError(f"--output {output}: is also an input ({source.display}): nothing was written")
            continue
        kept.append(source)
    return kept


def _same_file(path: Path, report: os.stat_result) -> bool:
    try:
        found = os.stat(path)
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (report.st_dev, report.st_ino)


def write_report(path: str, chunks: Iterable[str]) -> None:
    """Write the report to a temporary file beside the target, renamed over it once complete.

    A run that fails half way leaves the previous report as it was. A symbolic link is followed
    (its target gets the report); what is not a regular file (/dev/stdout, a FIFO) is written
    directly, as there is nothing to rename over.
    """
    try:
        target = os.path.realpath(path)
        if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
            with open(target, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
                out.writelines(chunks)
            return
        _write_replacing(target, chunks)
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write the report: {error.strerror or error}") from None


def _write_replacing(target: str, chunks: Iterable[str]) -> None:
    folder, name = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            out.writelines(chunks)
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(target: str) -> int:
    """The mode the report had, or the one open() would give a new file (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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


def repository_root() -> str | None:
    """Where GitHub annotation paths start: $GITHUB_WORKSPACE, else the git top level above the working
    directory (the nearest directory holding .git), else None (paths are then shown as given)."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return os.path.realpath(workspace)
    directory = os.path.realpath(os.getcwd())
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def set_aside(chunks: Iterator[str], aside: list[str]) -> Iterator[str]:
    """The report's chunks, those for stderr put into ``aside`` (written after the report, with --output)."""
    for chunk in chunks:
        if isinstance(chunk, ToStderr):
            aside.append(chunk)
        else:
            yield chunk
