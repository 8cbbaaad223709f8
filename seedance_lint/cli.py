"""Command line: ``main(argv) -> int``; the only module that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import Any, NoReturn, TextIO

from seedance_lint.commands import COMMANDS, COST_DIFF
from seedance_lint.commands.output import PRE_COMMIT, PRICES_FORMATS, ToStderr, hook_arguments
from seedance_lint.config import parse_jobs
from seedance_lint.core.errors import UsageError
from seedance_lint.core.version import __version__
from seedance_lint.reporters.check import CHECK_REPORTERS
from seedance_lint.reporters.cost import COST_REPORTERS
from seedance_lint.reporters.diff import DIFF_REPORTERS
from seedance_lint.reporters.reconcile import RECONCILE_REPORTERS

EXIT_USAGE = 2  # exit 0 and 1 are the commands' (seedance_lint.commands.check)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away
REPORT_URL = "https://github.com/seedance-lint/seedance-lint/issues"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No abbreviated long options: `--out` or a file named `--outp.json` is never `--output`.
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str) -> NoReturn:  # argparse would print usage and exit itself
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="seedance-lint",
        description="Lint and price Runware videoInference requests "
        "for ByteDance Seedance 1.0 Pro Fast (bytedance:2@2), offline.",
    )
    parser.add_argument("--version", action="version", version=f"seedance-lint {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the full trace of an internal error")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_check(commands.add_parser("check", help="lint request files"))
    _add_cost(
        commands.add_parser(
            "cost",
            help="estimate what request files cost",
            epilog="seedance-lint cost diff BASE HEAD: what a change does to the cost (see cost diff --help); "
            "to price a file named diff, write ./diff",
        )
    )
    _add_cost_diff(commands.add_parser(COST_DIFF, help="compare the cost of two sides: paths, saved reports, git:REV"))
    _add_reconcile(commands.add_parser("reconcile", help="compare billed costs (Runware responses) with estimates"))
    prices = commands.add_parser("prices", help="print the price matrix")
    prices.add_argument("--format", choices=PRICES_FORMATS, default="table")
    commands.add_parser("rules", help="list every rule")
    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="a rule code (SDL204) or name (unsupported-dimensions)")
    return parser


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (walked for .json .jsonl .ndjson .yaml .yml); - for stdin "
        "(none: the configuration's paths, else the current directory)",
    )
    parser.add_argument(
        "--stdin-filename", default="-", metavar="NAME", help="name (and so format) for what is read from stdin"
    )
    _add_walk_options(parser)


def _add_walk_options(parser: argparse.ArgumentParser) -> None:
    """What every command that walks directories takes: --[no-]respect-gitignore, and --traceback."""
    parser.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="skip what git ignores when walking a directory: .gitignore files, .git/info/exclude and "
        "core.excludesFile (default: the config's `respect-gitignore`, else on)",
    )
    # Also accepted after the subcommand, where people add it when rerunning a failed command.
    parser.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _add_check(parser: argparse.ArgumentParser) -> None:
    _add_inputs(parser)
    parser.add_argument(
        "--format",
        choices=tuple(CHECK_REPORTERS),
        default="text",
        help="text (default), json, github (workflow commands), sarif (2.1.0) or junit (XML)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (stdout then stays empty)")
    _add_skip_non_requests(parser)
    parser.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="warnings fail the run too (overrides `strict` of the config file)",
    )
    parser.add_argument(
        "--select",
        default="",
        metavar="CODES",
        help="comma-separated codes, prefixes or names to run (replaces the config file's)",
    )
    parser.add_argument(
        "--ignore",
        default="",
        metavar="CODES",
        help="comma-separated codes, prefixes or names to skip (added to the config file's)",
    )
    _add_fix(parser)
    _add_config(parser)


def _add_fix(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fix", action="store_true", help="apply safe fixes in place (they cannot change what the request means)"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply the suggested fixes that may change meaning too",
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff instead of writing them (exit 1 if any)"
    )


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="configuration file (default: the nearest .seedance-lint.toml, .seedance-lint.yaml "
        "or pyproject.toml [tool.seedance-lint] at or above the working directory)",
    )
    parser.add_argument("--show-config", action="store_true", help="print the merged configuration as JSON and exit")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="worker processes for a JSON Lines file of 8 MB or more, at most one per available CPU: "
        "a number, or 'auto' for one per CPU (default: the config's `jobs`, else 2; 1 starts no "
        "worker; each worker has memory of its own)",
    )


def _jobs(text: str) -> int:
    """A number of processes; 0 stands for 'auto' (one per available CPU)."""
    try:
        return parse_jobs(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_skip_non_requests(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--skip-non-requests",
        action="store_true",
        help="skip named files that hold no Runware task, as a directory walk does "
        "(the pre-commit hook passes every JSON and YAML file: package.json, CI workflows...)",
    )


def _add_cost(parser: argparse.ArgumentParser) -> None:
    _add_inputs(parser)
    _add_skip_non_requests(parser)
    parser.add_argument("--format", choices=tuple(COST_REPORTERS), default="table")
    parser.add_argument("--budget", metavar="USD", help="fail when the total (high end) is above this")
    parser.add_argument("--max-task-cost", metavar="USD", help="fail when one task (high end) is above this")
    parser.add_argument(
        "--group-by",
        metavar="KEY",
        action="append",
        help="subtotals by KEY (repeatable or comma-separated): file, resolution, aspectRatio, duration, "
        "numberResults, label",
    )
    parser.add_argument("--summary", action="store_true", help="totals and groups only, no row per task")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (stdout then stays empty)")
    _add_config(parser)


def _add_cost_diff(parser: argparse.ArgumentParser) -> None:
    for side in ("base", "head"):
        parser.add_argument(
            side,
            metavar=side.upper(),
            help="a file or directory, a saved `cost --format json` report, or git:REV[:PATH] (the files of a "
            "git revision; PATH from the repository's root, or from here when it starts with ./)",
        )
    parser.add_argument("--format", choices=tuple(DIFF_REPORTERS), default="table")
    parser.add_argument("--budget", metavar="USD", help="fail when the head's total (high end) is above this")
    parser.add_argument(
        "--max-increase", metavar="USD", help="fail when the cost may rise (the delta's high end) by more than this"
    )
    parser.add_argument(
        "--max-increase-percent",
        metavar="P",
        help="fail when the delta's high end is more than P percent of the base's high end",
    )
    parser.add_argument("--show-unchanged", action="store_true", help="list the unchanged tasks too")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (stdout then stays empty)")
    _add_walk_options(parser)
    _add_config(parser)


def cost_diff_routed(argv: list[str]) -> list[str]:
    """`cost diff ...` as the one subcommand "cost diff": `cost` takes paths, so `diff` right after it is the
    sub-action, and a file named diff is priced as `cost ./diff` (or `cost -- diff`)."""
    for at, arg in enumerate(argv):
        if not arg.startswith("-"):  # the subcommand (the options before it are the program's)
            if arg == "cost" and argv[at + 1 : at + 2] == ["diff"]:
                return [*argv[:at], COST_DIFF, *argv[at + 2 :]]
            return argv
    return argv


def _add_reconcile(parser: argparse.ArgumentParser) -> None:
    _add_inputs(parser)
    _add_skip_non_requests(parser)
    parser.add_argument(
        "--billed",
        metavar="FILE",
        action="append",
        required=True,
        help="Runware responses (a body, an array of items, or JSON Lines of webhook bodies); repeatable; - for stdin",
    )
    parser.add_argument(
        "--tolerance",
        metavar="USD",
        default="0",
        help="how far a bill may lie outside [low, high] before the run fails (default 0)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a bill for no request, a request with no bill or a request without a taskUUID fails the run too",
    )
    parser.add_argument("--format", choices=tuple(RECONCILE_REPORTERS), default="table")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (stdout then stays empty)")
    _add_config(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (tests call this directly)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [PRE_COMMIT]:  # the hooks' entry (.pre-commit-hooks.yaml): file names follow the args
        argv = hook_arguments(argv[1:])
    try:
        return _dispatch(_parsed(cost_diff_routed(argv)))
    except UsageError as error:
        return _fail(str(error))
    except SystemExit as leave:  # --version and --help (their text is written by _parsed)
        return int(leave.code or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `seedance-lint cost big.jsonl | head`: the reader left; say nothing more
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OutputError as error:  # > /dev/full: stdout is unusable, and the interpreter's last flush would fail
        _silence_stdout()
        return _fail(str(error))
    except OSError as error:  # the environment, not a bug: a path too long, no permission, a deleted cwd
        return _fail(_environment_error(error))
    except Exception as error:  # never a traceback unless asked for
        if "--traceback" in argv or os.environ.get("SEEDANCE_LINT_TRACEBACK", "") not in ("", "0"):
            raise
        return _fail(_internal_error(error))


def _internal_error(error: Exception) -> str:
    """One line: what failed and where to report it (the error's text may quote input: mask credentials)."""
    from seedance_lint.rules.secrets import redact  # the rule registry: loaded by a run, not by a failed start

    what = " ".join(redact(str(error)).split()).rstrip(".")
    what = what if len(what) <= 200 else what[:197] + "..."
    return (
        f"internal error: {type(error).__name__}: {what}. Please report it at {REPORT_URL} "
        "(rerun with --traceback or SEEDANCE_LINT_TRACEBACK=1 for the full trace)"
    )


class OutputError(OSError):
    """Standard output or standard error could not be written (a full disk, a closed descriptor)."""


def _parsed(argv: list[str]) -> argparse.Namespace:
    """The parsed arguments; what --help or --version prints is written by ``write``, so that a full disk fails.

    argparse writes to sys.stdout and ignores an OSError, then exits 0: its text is caught here instead.
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            return build_parser().parse_args(argv)
    except SystemExit:
        write(printed.getvalue())
        raise


def _environment_error(error: OSError) -> str:
    """One line naming the path and the operating system's reason; the working directory when none is named."""
    reason = error.strerror or type(error).__name__
    if error.filename is not None:
        return f"{os.fsdecode(error.filename)}: {reason}"
    try:
        os.getcwd()
    except OSError:
        return f"the working directory: {reason} (was it deleted?)"
    return f"{reason} ({type(error).__name__})"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _fail(message: str) -> int:
    """One line on stderr: masked like every output (a value or URL quoted in a usage error), then printable."""
    from seedance_lint.core.text import printable  # a path in the message may hold a newline or ESC
    from seedance_lint.rules.secrets import redact  # the rule registry: loaded only on this failing path

    sys.stderr.write(f"seedance-lint: {printable(redact(message))}\n")
    return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    command = import_module(f"seedance_lint.commands.{COMMANDS[args.command]}")  # only the command run is loaded
    code, output = command.run(args, _stdin_bytes(args))
    write(output)
    return code() if callable(code) else code  # a streamed report knows its exit code once written


def _stdin_bytes(args: argparse.Namespace) -> bytes | None:
    if "-" in getattr(args, "paths", ()) or "-" in (getattr(args, "billed", None) or ()):
        return sys.stdin.buffer.read()
    return None


def write(output: str | Iterable[str]) -> None:
    """Write all of it, or piece by piece as a streamed report is produced."""
    sys.stdout.flush()  # text written before (by argparse, say) goes first
    sys.stderr.flush()
    last = sys.stdout
    for chunk in [output] if isinstance(output, str) else output:
        stream = sys.stderr if isinstance(chunk, ToStderr) else sys.stdout
        if stream is not last:  # keep the order across the two streams; within one, let it buffer
            _put(last, b"")
            last = stream
        _put(stream, chunk.encode("utf-8", "backslashreplace"))
    _put(sys.stdout, b"")
    _put(sys.stderr, b"")


def _put(stream: TextIO, data: bytes) -> None:
    """Write and flush; a failure of the stream itself (ENOSPC, EIO) is an OutputError naming it."""
    try:
        if data:
            stream.buffer.write(data)
        else:
            stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        name = "standard error" if stream is sys.stderr else "standard output"
        raise OutputError(f"{name}: cannot write: {error.strerror or error}") from None


def console_main() -> None:
    sys.exit(main())
