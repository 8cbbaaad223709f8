"""One JSON object: {"diagnostics": [...], "summary": {...}} (a stable interface).

Written as the run goes: each diagnostic as soon as it is found, the summary last.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.reporters.check.base import Report, applicability


def render(report: Report) -> str:
    return "".join(stream(report))


def stream(report: Report) -> Iterator[str]:
    yield '{\n  "diagnostics": ['
    separator = "\n"
    for d in report.diagnostics:
        yield separator + _indented(_diagnostic(d), "    ")
        separator = ",\n"
    yield ("\n  " if separator == ",\n" else "") + '],\n  "summary": '
    summary: dict[str, object] = dict(report.summary())
    if report.fixed is not None:
        summary["fixed"] = report.fixed
    yield _indented(summary, "  ").lstrip() + "\n}\n"


def _diagnostic(d: Diagnostic) -> dict[str, object]:
    """The diagnostic's members, and its fix (as ruff's JSON gives one): applicability and edits."""
    fields = d.as_dict()
    if d.fix is not None:
        edits = [
            {"pointer": e.pointer, "remove": True} if e.remove else {"pointer": e.pointer, "value": e.value}
            for e in d.fix.edits
        ]
        fields["fix"] = {"applicability": applicability(d), "edits": edits}
    return fields


def _indented(value: object, prefix: str) -> str:
    return "\n".join(prefix + line for line in json.dumps(value, indent=2, ensure_ascii=False).split("\n"))
