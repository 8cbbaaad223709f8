"""seedance-lint: offline linter and cost estimator for Seedance 1.0 Pro Fast requests.

``lint(request)`` and ``estimate(request)`` are the Python API; both import
their machinery on first use so that ``import seedance_lint`` stays cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from seedance_lint.cost.model import Estimate
    from seedance_lint.core.diagnostic import Diagnostic


def lint(request: object) -> list[Diagnostic]:
    """Diagnostics for a task object or a list of tasks (see seedance_lint.api.lint)."""
    from seedance_lint.api import lint as _lint

    return _lint(request)


def estimate(request: object) -> Estimate:
    """The cost estimate of one task object (see seedance_lint.cost.model.Estimate)."""
    from seedance_lint.api import estimate as _estimate

    return _estimate(request)


__all__ = ["__version__", "lint", "estimate"]
