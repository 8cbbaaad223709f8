"""What each subcommand does: read, check or price, and render. Returns (exit code, output)."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import chain
from typing import TYPE_CHECKING

from seedance_lint.data import ModelSpec, model_spec
from seedance_lint.diagnostic import Diagnostic
from seedance_lint.documents import Problem
from seedance_lint.engine import Linter, mentions_model
from seedance_lint.errors import UsageError
from seedance_lint.sources import Source, SourceError, discover
from seedance_lint.tasks import TaskRef, looks_like_request, select

if TYPE_CHECKING:
    from seedance_lint.config import Config
    from decimal import Decimal

    from seedance_lint.reporters.cost import CostFormat, CostTally, PricedRun, RowBlock

EXIT_OK, EXIT_PROBLEMS = 0, 1
#: What a command prints: all at once, or in pieces as it goes (a stream of a large batch).
Output = str | Iterable[str]
#: A stream's exit code is known only once it has been written.
ExitCode = int | Callable[[], int]


def run_check(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    from seedance_lint.config import load_config
    from seedance_lint.reporters import HUMAN_FORMATS, STREAMING, stream
    from seedance_lint.reporters.base import Report, Stream

    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = _sources(args, stdin, config)
    linter = Linter(config.selection(), jobs=config.jobs)
    diagnostics: Iterable[Diagnostic] = linter.lint_sources(sources)
    failing = frozenset({"error", "warning"} if config.strict else {"error"})
    if args.diff:
        return _diff(tuple(diagnostics), sources, args.unsafe_fixes, failing)
    if args.fix:
        linter, diagnostics = _fix(linter, tuple(diagnostics), sources, args.unsafe_fixes)
    found = Stream(diagnostics if args.format in STREAMING else tuple(diagnostics), failing)
    color = args.format in HUMAN_FORMATS and not args.output and _use_color()
    report = Report(found, linter.stats, color, tuple(s.display for s in sources), failing)
    chunks = stream(args.format, report)

    def exit_code() -> int:  # known once the stream has been read
        return EXIT_PROBLEMS if found.failed else EXIT_OK

    if args.output:
        _write_report(args.output, chunks)
        return exit_code(), ""
    return exit_code, chunks


def _diff(diagnostics: tuple, sources: list[Source], unsafe: bool, failing: frozenset[str]) -> tuple[int, str]:
    """What --fix would change, as a unified diff with every credential masked.

    Exit 1 when there is a change to make, or a failing problem no fix would remove.
    """
    from seedance_lint import fixer
    from seedance_lint.rules.secrets import redact

    changes = fixer.plan(list(diagnostics), sources, unsafe)
    text = "".join(redact(change.diff(), fixer.api_keys(change.old)) for change in changes)
    left = [d for d in diagnostics if d.severity in failing and not fixer.fixable(d, unsafe)]
    return (EXIT_PROBLEMS if changes or left else EXIT_OK), text


def _fix(linter: Linter, diagnostics: tuple, sources: list[Source], unsafe: bool) -> tuple[Linter, tuple]:
    """Write the fixes, then lint again: what is reported (and the exit code) is what remains."""
    from seedance_lint import fixer

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


def _sources(args: argparse.Namespace, stdin: bytes | None, config: Config) -> list[Source]:
    sources = _discover(args, stdin, config)
    if args.skip_non_requests:  # judged by shape, as files found in a directory are
        sources = [replace(s, explicit=False) for s in sources]
    return sources


def _discover(args: argparse.Namespace, stdin: bytes | None, config: Config) -> list[Source]:
    try:
        return list(discover(args.paths, stdin=stdin, stdin_name=args.stdin_filename, include=config.include,
                             exclude=config.exclude, root=config.root))
    except SourceError as error:
        raise UsageError(str(error)) from None


def _write_report(path: str, chunks: Iterable[str]) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            out.writelines(chunks)
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write the report: {error.strerror or error}") from None


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def cost_blocks(sources: list[Source], fmt: CostFormat, currency: str, max_task: Decimal | None,
                jobs: int = 1) -> Iterator[RowBlock | str]:
    """The priced tasks of every file, rendered for ``fmt`` a block at a time, or a problem that stops one."""
    from seedance_lint import parallel
    from seedance_lint.batch import load_values
    from seedance_lint.reporters.cost import render_block

    render = fmt.renderer()
    for source in sources:
        processes = parallel.processes_for(source, jobs)
        if processes > 1:
            yield from parallel.cost_blocks(source, processes, fmt, currency, max_task)
            continue
        for run in priced_tasks(source, load_values(source)):
            yield run if isinstance(run, str) else render_block(run, render, currency, max_task)


def priced_tasks(source: Source, documents: Iterable, index: int = 0,
                 mentions: bool | None = None) -> Iterator[PricedRun | str]:
    """The tasks of ours in the documents (from batch.load_values), priced, a run at a time; or a problem.

    ``index`` is the task index of the first task in its file; ``mentions``,
    whether the file names our model, when that is known already.
    """
    from seedance_lint.batch import ValueRun
    from seedance_lint.costing import price_many, price_table
    from seedance_lint.reporters.cost import PricedRun

    spec, table, file = model_spec(), price_table(), source.display
    for loaded in documents:
        if isinstance(loaded, Problem):
            if loaded.code == "SDL001" and not source.explicit:
                mentions = mentions_model(source, spec) if mentions is None else mentions  # once per file
                if not mentions:
                    continue  # a tsconfig.json with comments among the staged files: nothing to price
            if loaded.code != "SDL006":  # a skipped file (a FIFO found in a walk) has nothing to price
                yield f"{file}:{loaded.position[0]}:{loaded.position[1]}: cannot price: {loaded.message}"
            continue
        values = loaded.values if isinstance(loaded, ValueRun) else [loaded.value]
        model = spec.model
        if not all(type(v) is dict and v.get("model") == model for v in values):  # one task a line: the usual
            values = [task for value in values for task in _tasks_in(source, value, spec)]
        if values:
            yield PricedRun(file, index, *price_many(values, spec, table))
            index += len(values)


def _tasks_in(source: Source, value: object, spec: ModelSpec) -> list[dict]:
    """The tasks of ours in one document (the request-body array, or a file found in a walk)."""
    if type(value) is dict and value.get("model") == spec.model:
        return [value]
    if not source.explicit and not looks_like_request(value, spec):
        return []
    return [item.value for item in select(value, spec) if isinstance(item, TaskRef)]


def run_cost(args: argparse.Namespace, stdin: bytes | None) -> tuple[ExitCode, Output]:
    from seedance_lint.config import load_config
    from seedance_lint.costing import price_table
    from seedance_lint.reporters.cost import COST_REPORTERS, CostTally

    config = load_config(args)
    if args.show_config:
        return EXIT_OK, config.to_json()
    sources = _sources(args, stdin, config)
    table, fmt = price_table(), COST_REPORTERS[args.format]
    blocks = cost_blocks(sources, fmt, table.currency, config.max_task_cost, config.jobs)
    tally = CostTally(table.currency, blocks, config.budget, table.roundTo)

    def exit_code() -> int:  # known once every task has been priced and written
        return EXIT_PROBLEMS if tally.problems else EXIT_OK

    chunks = fmt.stream(tally)
    if args.format == "csv":  # a spreadsheet has no room for them: the problems go to stderr
        chunks = chain(chunks, _problems_on_stderr(tally))
    return exit_code, chunks


def _problems_on_stderr(tally: CostTally) -> Iterator[str]:
    yield from (ToStderr(f"seedance-lint: {problem}\n") for problem in tally.problems)


class ToStderr(str):
    """A piece of output that belongs on stderr (a problem beside a machine format on stdout)."""


def run_prices(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    """The price matrix: documented cells as given, derived cells marked with '*'."""
    from seedance_lint.costing import Cell, cell_price, price_table

    table, spec = price_table(), model_spec()
    durations = sorted({row.duration for row in table.rows})
    ratios = list(dict.fromkeys([*table.aspect_ratios(), *(d.aspectRatio for d in table.derivedAspectRatios)]))
    header = ["resolution", "aspect", *(f"{d:f}s" for d in durations), "USD/s", "size"]
    rows = [header]
    for resolution in table.resolutions():
        sizes = {s.aspect_ratio: f"{s.width}x{s.height}" for s in spec.sizes_for(resolution)}
        for ratio in ratios:
            prices = [cell_price(Cell(resolution, ratio), d, table) for d in durations]
            if None in prices:
                continue
            mark = "*" if prices[0].basis == "derived" else ""
            per_second = (prices[-1].value / durations[-1]).quantize(table.roundTo)
            rows.append([resolution, ratio, *(f"{p.value:f}{mark}" for p in prices), f"{per_second:f}",
                         sizes.get(ratio, "undocumented")])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    notes = [f"* derived: {d.aspectRatio} priced as {d.from_} ({d.reason})" for d in table.derivedAspectRatios]
    headline = ", ".join(f"{k} ~{v:f}/s" for k, v in table.headlineRates.perSecond.items())
    notes.append(f"Headline rates on the API page: {headline}. Currency: {table.currency}.")
    return EXIT_OK, "\n".join(lines + notes) + "\n"


def run_rules(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    from seedance_lint.rulesdoc import rules_table

    return EXIT_OK, rules_table()


def run_rule(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    from seedance_lint.rulesdoc import find, rule_text

    found = find(args.code)
    if found is None:
        raise UsageError(f"no rule {args.code!r}: `seedance-lint rules` lists every code and name")
    return EXIT_OK, rule_text(found)
