"""One reporter per output format, chosen by name from a table.

A reporter turns the finished run (diagnostics and summary) into text; only
the CLI writes it anywhere.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedance_lint.reporters.base import Report

Reporter = Callable[["Report"], str]


def _lazy(module: str) -> Reporter:
    """The module's ``render``, imported on first use: a run loads only the format it prints."""

    def render(report: Report) -> str:
        return import_module(f"seedance_lint.reporters.{module}").render(report)

    render.__qualname__ = f"{module}.render"
    return render


CHECK_REPORTERS: dict[str, Reporter] = {
    "text": _lazy("text"),
    "json": _lazy("json_"),
    "github": _lazy("github"),
    "sarif": _lazy("sarif"),
    "junit": _lazy("junit"),
}
#: Formats read by people: only these may carry colour.
HUMAN_FORMATS = frozenset({"text"})
