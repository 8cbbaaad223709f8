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


def stream(report: Report) -> Iterator[str]:
    for d in report.diagnostics:
        yield _line(d.__dict__, report.color) + "\n"
    yield summary_line(report) + "\n"


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
