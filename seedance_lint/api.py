"""The Python API: lint and price request objects in code (budget scripts, notebooks)."""
from __future__ import annotations

import json

from seedance_lint.diagnostic import Diagnostic
from seedance_lint.engine import Linter, Selection
from seedance_lint.sources import Source


def lint(request: object, *, selection: Selection | None = None) -> list[Diagnostic]:
    """Diagnostics for a task object or a list of tasks.

    Lines and columns refer to ``json.dumps(request, indent=2)``, the canonical
    rendering of an in-memory request; the file is reported as ``<request>``.
    """
    text = json.dumps(request, indent=2, ensure_ascii=False, default=str)
    source = Source("<request>", None, "json", True, text.encode("utf-8"))
    return list(Linter(selection or Selection()).lint_source(source))


def estimate(request: object):  # noqa: ANN201 - returns costing.Estimate, imported lazily
    """The cost estimate of one task object (see :class:`seedance_lint.costing.Estimate`)."""
    from seedance_lint.costing import estimate_task

    return estimate_task(request)


__all__ = ["lint", "estimate"]
