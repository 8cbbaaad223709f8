"""One reporter per output format, chosen by name from a table.

A reporter turns a run (diagnostics and summary) into text; only the CLI
writes it anywhere. Modules are imported on first use: a run loads only the
format it prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedance_lint.reporters.check.base import Report

Reporter = Callable[["Report"], str]

#: Format name -> module of seedance_lint.reporters.
_MODULES = {"text": "text", "json": "json_", "github": "github", "sarif": "sarif", "junit": "junit"}
#: Formats written while the run goes (their module has ``stream``); the others need every diagnostic first.
STREAMING = frozenset({"text", "json", "github"})
#: Formats read by people: only these may carry colour.
HUMAN_FORMATS = frozenset({"text"})


def _lazy(module: str) -> Reporter:
    def render(report: Report) -> str:
        return import_module(f"seedance_lint.reporters.check.{module}").render(report)

    render.__qualname__ = f"{module}.render"
    return render


CHECK_REPORTERS: dict[str, Reporter] = {name: _lazy(module) for name, module in _MODULES.items()}


def stream(name: str, report: Report) -> Iterator[str]:
    """The report in pieces as the run goes, where the format allows it."""
    module = import_module(f"seedance_lint.reporters.check.{_MODULES[name]}")
    return module.stream(report) if name in STREAMING else iter([module.render(report)])
