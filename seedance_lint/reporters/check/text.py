"""path:line:col: CODE [severity] message -- one per line, then a summary."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.text import printable
from seedance_lint.reporters.check.base import Report

LINE = "{file}:{line}:{column}: {code} [{severity}] {message}"
_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def render(report: Report) -> str:
    return "".join(stream(report))


#: Marks a diagnostic that --fix fixes, after its code (as ruff does).
FIXABLE = " [*]"


def stream(report: Report) -> Iterator[str]:
    for d in report.diagnostics:
        fields = d.__dict__
        if report.marked(d):
            fields = {**fields, "code": d.code + FIXABLE}
        yield _line(fields, report.color) + "\n"
    yield summary_line(report) + "\n"
    yield from (line + "\n" for line in fix_lines(report))


def fix_lines(report: Report) -> list[str]:
    """ "Fixed N problems (M remaining)." after --fix; "N fixable with --fix (M more with --unsafe-fixes)."."""
    lines = []
    if report.fixed is not None:
        counts = report.summary()
        remaining = counts["errors"] + counts["warnings"] + counts["infos"]
        lines.append(f"Fixed {report.fixed} problem{'s' if report.fixed != 1 else ''} ({remaining} remaining).")
    safe, unsafe = report.fix_counts()
    if safe or unsafe:
        more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
        lines.append(f"{safe} fixable with --fix{more}.")
    return lines


def _line(fields: dict, color: bool) -> str:
    if not fields["file"].isprintable():  # a name with a newline or ESC would forge a log line or drive the terminal
        fields = {**fields, "file": printable(fields["file"])}
    if color:
        fields = {**fields, "severity": f"{_COLORS[fields['severity']]}{fields['severity']}{_RESET}"}
    return LINE.format(**fields)


def summary_line(report: Report) -> str:
    counts = report.summary()
    files = f"{counts['files']} file{'s' if counts['files'] != 1 else ''}"
    tasks = f"{counts['tasks']} task{'s' if counts['tasks'] != 1 else ''}"
    if not counts["errors"] + counts["warnings"] + counts["infos"]:
        return f"All good: {files}, {tasks}, no problems."
    return (
        f"Found {counts['errors']} error(s), {counts['warnings']} warning(s), {counts['infos']} info "
        f"in {files} ({tasks})."
    )
