"""GitHub Actions workflow commands: one annotation per diagnostic, then a summary.

``::error file=F,line=L,col=C,title=CODE name::message``, escaped exactly as
the Actions toolkit escapes them (@actions/core, command.ts). GitHub shows at
most 10 annotations of each kind per step, so the plain summary line at the
end tells the whole count; the text format's fix lines follow it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.text import printable
from seedance_lint.reporters.check.base import Report
from seedance_lint.reporters.check.text import fix_lines, summary_line

LINE = "::{command} file={file},line={line},col={column},title={title}::{message}"
#: Workflow commands have no "info": a notice is the closest.
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: How many annotations of one kind GitHub shows per step.
SHOWN_PER_STEP = 10
#: After the message of a problem --fix would fix (the text format's [*]).
FIXABLE = " [*] fixable with --fix"

_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def escape_data(text: str) -> str:
    """Escaped for a workflow command: its own escapes for line breaks, then other control characters (ESC) as \\x1b."""
    return printable(text.translate(_DATA))


def escape_property(text: str) -> str:
    return printable(text.translate(_PROPERTY))


def render(report: Report) -> str:
    return "".join(stream(report))


def stream(report: Report) -> Iterator[str]:
    for d in report.diagnostics:
        yield annotation(d, report.root, report.marked(d)) + "\n"
    yield summary_line(report) + _hidden_note(report) + "\n"
    yield from (line + "\n" for line in fix_lines(report))


def annotation(d: Diagnostic, root: str | None = None, fixable: bool = False) -> str:
    return LINE.format(
        command=COMMANDS[d.severity],
        file=escape_property(relative_to(d.file, root)),
        line=d.line,
        column=d.column,
        title=escape_property(f"{d.code} {d.name}"),
        message=escape_data(d.message + (FIXABLE if fixable else "")),
    )


def relative_to(path: str, root: str | None) -> str:
    """The path relative to the repository root, as GitHub resolves annotation paths (a workflow step with
    ``working-directory:`` lints paths relative to that directory); as given when outside the root."""
    if root is None or path in ("-", "<stdin>"):
        return path
    full = os.path.abspath(path)
    if os.path.commonpath([full, root]) != root:
        return path
    return os.path.relpath(full, root).replace(os.sep, "/")


def _hidden_note(report: Report) -> str:
    most = max((report.count(severity) for severity in COMMANDS), default=0)
    if most <= SHOWN_PER_STEP:
        return ""
    return f" GitHub shows at most {SHOWN_PER_STEP} annotations of each kind per step: every one is listed above."
