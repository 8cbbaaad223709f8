"""The Python API: lint and price request objects in code (budget scripts, notebooks)."""
from __future__ import annotations

import json

from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.config import Selection
from seedance_lint.linting.linter import Linter
from seedance_lint.input.sources import Source


def lint(request: object, *, selection: Selection | None = None) -> list[Diagnostic]:
    """Diagnostics for a task object or a list of tasks.

    Lines and columns refer to ``json.dumps(request, indent=2)``, the canonical
    rendering of an in-memory request; the file is reported as ``<request>``.
    """
    text = json.dumps(request, indent=2, ensure_ascii=False, default=str)
    source = Source("<request>", None, "json", True, text.encode("utf-8"))
    return list(Linter(selection or Selection()).lint_source(source))


def estimate(request: object):  # noqa: ANN201 - returns costing.Estimate, imported lazily
    """The cost estimate of one task object (see :class:`seedance_lint.cost.model.Estimate`)."""
    from seedance_lint.cost.model import estimate_task

    return estimate_task(request)


__all__ = ["lint", "estimate"]
