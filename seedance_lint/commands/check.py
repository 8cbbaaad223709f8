"""`seedance-lint check`: lint the files, then fix, diff or report."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from itertools import chain
from typing import TYPE_CHECKING

from seedance_lint.commands.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ExitCode,
    Output,
    ToStderr,
    discovered,
    gather_sources,
    pool_for,
    repository_root,
    shut_after,
    use_color,
    write_report,
)
from seedance_lint.config import Config, load_config
from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.errors import UsageError
from seedance_lint.input.sources import Source
from seedance_lint.linting.blocks import lint_sources
from seedance_lint.linting.known import remember_uuids
from seedance_lint.linting.linter import Linter
from seedance_lint.reporters.check import HUMAN_FORMATS, STREAMING, stream
from seedance_lint.reporters.check.base import Report, Stream, shown_name

if TYPE_CHECKING:
    from seedance_lint.linting.fixer import FileChange


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = gather_sources(args, stdin, config)
    # Files named (staged): their taskUUIDs against the whole request set the configuration names.
    rest = _rest_of_the_set(sources, config) if args.paths and config.paths else []

    def fresh_linter() -> Linter:  # a linter that has seen the rest of the set's taskUUIDs (again after --fix)
        linter = Linter(config.selection())
        remember_uuids(linter.uuids, rest)
        return linter

    linter = fresh_linter()
    pool, ahead = pool_for(config.jobs)
    failing = frozenset({"error", "warning"} if config.strict else {"error"})
    notes: list[str] = []
    diagnostics: Iterable[Diagnostic]
    if args.diff or args.fix:
        from seedance_lint.linting import fixer  # imports PyYAML (15 ms): only --diff and --fix need it

        # Each file is read once: what is linted is what the fixes are planned on and compared with.
        linted, taken = fixer.snapshots(sources)
        whole = tuple(shut_after(lint_sources(linter, linted, pool, ahead), pool))
        changes = fixer.plan(list(whole), taken, args.unsafe_fixes, _relinter(linter))
        if args.diff:
            return _diff(whole, changes, failing)
        linter, diagnostics, notes = _fix(linter, whole, changes, sources, fresh_linter)
        fixed = _fixed_count(whole, diagnostics, args.unsafe_fixes) if args.fix else None
    else:
        diagnostics = lint_sources(linter, sources, pool, ahead)
        fixed = None
    if args.format not in STREAMING:  # the format needs every diagnostic first: read them, then shut the pool
        diagnostics = tuple(shut_after(diagnostics, pool))
    found = Stream(diagnostics, failing)
    color = args.format in HUMAN_FORMATS and not args.output and use_color()
    displays = tuple(shown_name(s.display) for s in sources)  # junit's testcases: masked as the diagnostics
    root = repository_root() if args.format == "github" else None
    report = Report(found, linter.stats, color, displays, failing, args.unsafe_fixes, fixed, root)
    chunks = shut_after(stream(args.format, report), pool)

    def exit_code() -> int:  # known once the stream has been read
        return EXIT_PROBLEMS if found.failed or notes else EXIT_OK

    if args.output:
        write_report(args.output, chunks)
        return exit_code(), [ToStderr(note) for note in notes]
    return exit_code, chain((ToStderr(note) for note in notes), chunks)


def _fixed_count(before: Iterable[Diagnostic], after: Iterable[Diagnostic], unsafe: bool) -> int:
    """Problems --fix fixed: those it could fix before, less those it still could after (a fix not written)."""
    from seedance_lint.linting.fixer import fixable

    return max(0, sum(fixable(d, unsafe) for d in before) - sum(fixable(d, unsafe) for d in after))


def _relinter(linter: Linter) -> Callable[[Source], list[Diagnostic]]:
    """Lint one file's fixed text on its own (a fix pass after the first plans on what is left)."""
    return lambda source: list(Linter(linter.selection).lint_source(source))


def _rest_of_the_set(named: list[Source], config: Config) -> list[Source]:
    """The files of the configuration's ``paths`` that the command line does not name."""
    given = {source.path.resolve() for source in named if source.path is not None}
    paths = config.default_paths()
    try:
        found = discovered(paths, config)
    except UsageError as error:
        raise UsageError(f"{config.path}: paths: {error}") from None
    return [s for s in found if s.path is not None and s.path.resolve() not in given]


def _diff(diagnostics: tuple, changes: list[FileChange], failing: frozenset[str]) -> tuple[int, Output]:
    """What --fix would change, as a unified diff with every credential masked.

    Exit 1 when there is a change to make, or a failing problem the fixes leave: with no
    change every problem found is left (a YAML duplicate key, standard input, a multi-document
    file, a fix its guard refused), and a stderr line says so, as the diff itself is empty.
    """
    from seedance_lint.input.sources import format_for
    from seedance_lint.linting.masking import masked_diff
    from seedance_lint.rules.secrets import redact

    # Secrets masked in their source spelling (escaped, continued), then any URL credential left (a file that
    # does not parse): each pass is linear in the diff.
    text = "".join(
        redact(masked_diff(change.display, change.old, change.new, format_for(str(change.path), "auto")))
        for change in changes
    )
    if changes:
        return EXIT_PROBLEMS, text
    left = sum(d.severity in failing for d in diagnostics)
    if not left:
        return EXIT_OK, text
    return EXIT_PROBLEMS, ToStderr(f"seedance-lint: --diff: no fix to show; {left} failing problem(s) remain\n")


def _fix(
    linter: Linter,
    diagnostics: tuple,
    changes: list[FileChange],
    sources: list[Source],
    fresh_linter: Callable[[], Linter],
) -> tuple[Linter, tuple, list[str]]:
    """Write the fixes, then lint again with ``fresh_linter()``: what is reported (and the exit code) is what
    remains.

    Every file is checked before any is written: one the user could not write with an editor
    stops the run (exit 2) with nothing written. A file whose bytes changed since they were read
    is not written (the fixes were planned on the old bytes): a note on stderr says so, exit 1.
    """
    from seedance_lint.linting import fixer

    for change in changes:
        why = fixer.refusal(change.path)
        if why:
            raise UsageError(f"{change.display}: {why}: --fix wrote no file (make it writable to fix it)")
    notes = []
    for change in changes:
        try:
            written = fixer.write_in_place(change.path, change.before, change.data())
        except OSError as error:
            raise UsageError(f"{change.display}: cannot write the fixed file: {error.strerror or error}") from None
        if not written:
            shown = shown_name(change.display)  # a note is not a UsageError: the CLI does not mask it
            notes.append(f"seedance-lint: {shown}: changed while it was checked: not fixed, run again\n")
    if not changes:
        return linter, diagnostics, notes
    again = fresh_linter()
    return again, tuple(again.lint_sources(sources)), notes
