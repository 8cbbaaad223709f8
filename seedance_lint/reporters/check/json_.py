"""One JSON object: {"diagnostics": [...], "summary": {...}} (a stable interface).

Written as the run goes: each diagnostic as soon as it is found, the summary last.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from seedance_lint.reporters.check.base import Report


def render(report: Report) -> str:
    return "".join(stream(report))


def stream(report: Report) -> Iterator[str]:
    yield '{\n  "diagnostics": ['
    separator = "\n"
    for d in report.diagnostics:
        yield separator + _indented(d.as_dict(), "    ")
        separator = ",\n"
    yield ("\n  " if separator == ",\n" else "") + '],\n  "summary": '
    yield _indented(report.summary(), "  ").lstrip() + "\n}\n"


def _indented(value: object, prefix: str) -> str:
    return "\n".join(prefix + line for line in json.dumps(value, indent=2, ensure_ascii=False).split("\n"))
