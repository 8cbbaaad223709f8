"""`seedance-lint check`: lint the files, then fix, diff or report."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from seedance_lint.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ExitCode,
    Output,
    gather_sources,
    pool_for,
    shut_after,
    use_color,
    write_report,
)
from seedance_lint.config import Config, load_config
from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.errors import UsageError
from seedance_lint.input.sources import Source, SourceError, discover
from seedance_lint.linting.blocks import lint_sources
from seedance_lint.linting.known import remember_uuids
from seedance_lint.linting.linter import Linter
from seedance_lint.reporters.check import HUMAN_FORMATS, STREAMING, stream
from seedance_lint.reporters.check.base import Report, Stream


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = gather_sources(args, stdin, config)
    linter = Linter(config.selection())
    if args.paths and config.paths:  # files named (staged): their taskUUIDs against the whole request set
        remember_uuids(linter.uuids, _rest_of_the_set(sources, config))
    pool, ahead = pool_for(config.jobs)
    diagnostics: Iterable[Diagnostic] = lint_sources(linter, sources, pool, ahead)
    failing = frozenset({"error", "warning"} if config.strict else {"error"})
    if args.diff or args.fix:
        diagnostics = tuple(shut_after(diagnostics, pool))  # read whole, then the pool is shut
        if args.diff:
            return _diff(diagnostics, sources, args.unsafe_fixes, failing)
        linter, diagnostics = _fix(linter, diagnostics, sources, args.unsafe_fixes)
    found = Stream(diagnostics if args.format in STREAMING else tuple(diagnostics), failing)
    color = args.format in HUMAN_FORMATS and not args.output and use_color()
    report = Report(found, linter.stats, color, tuple(s.display for s in sources), failing)
    chunks = shut_after(stream(args.format, report), pool)

    def exit_code() -> int:  # known once the stream has been read
        return EXIT_PROBLEMS if found.failed else EXIT_OK

    if args.output:
        write_report(args.output, chunks)
        return exit_code(), ""
    return exit_code, chunks


def _rest_of_the_set(named: list[Source], config: Config) -> list[Source]:
    """The files of the configuration's ``paths`` that the command line does not name."""
    given = {source.path.resolve() for source in named if source.path is not None}
    paths = config.default_paths()
    try:
        found = list(discover(paths, include=config.include, exclude=config.exclude, root=config.root))
    except SourceError as error:
        raise UsageError(f"{config.path}: paths: {error}") from None
    return [s for s in found if s.path is not None and s.path.resolve() not in given]


def _diff(diagnostics: tuple, sources: list[Source], unsafe: bool, failing: frozenset[str]) -> tuple[int, str]:
    """What --fix would change, as a unified diff with every credential masked.

    Exit 1 when there is a change to make, or a failing problem no fix would remove.
    """
    from seedance_lint.linting import fixer  # imports PyYAML (15 ms): only --diff and --fix need it
    from seedance_lint.rules.secrets import redact

    changes = fixer.plan(list(diagnostics), sources, unsafe)
    text = "".join(redact(change.diff(), fixer.api_keys(change.old)) for change in changes)
    left = [d for d in diagnostics if d.severity in failing and not fixer.fixable(d, unsafe)]
    return (EXIT_PROBLEMS if changes or left else EXIT_OK), text


def _fix(linter: Linter, diagnostics: tuple, sources: list[Source], unsafe: bool) -> tuple[Linter, tuple]:
    """Write the fixes, then lint again: what is reported (and the exit code) is what remains."""
    from seedance_lint.linting import fixer  # imports PyYAML (15 ms): only --diff and --fix need it

    changes = fixer.plan(list(diagnostics), sources, unsafe)
    for change in changes:
        try:
            fixer.write_atomically(change.path, change.data())
        except OSError as error:
            raise UsageError(f"{change.display}: cannot write the fixed file: {error.strerror or error}") from None
    if not changes:
        return linter, diagnostics
    again = Linter(linter.selection)
    return again, tuple(again.lint_sources(sources))
