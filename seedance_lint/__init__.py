"""seedance-lint: offline linter and cost estimator for Seedance 1.0 Pro Fast requests.

``lint``, ``estimate``, ``estimate_plan``, ``check_batch`` and ``price_batch`` are the Python API
(seedance_lint.api); each imports its machinery on first use so that
``import seedance_lint`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seedance_lint.core.version import __version__

if TYPE_CHECKING:
    from seedance_lint.api import Batch
    from seedance_lint.core.diagnostic import Diagnostic
    from seedance_lint.cost.model import Estimate


def lint(request: object) -> list[Diagnostic]:
    """Diagnostics for a task object or a list of tasks (see seedance_lint.api.lint)."""
    from seedance_lint.api import lint as _lint

    return _lint(request)


def estimate(request: object) -> Estimate:
    """The cost estimate of one task object (see seedance_lint.cost.model.Estimate)."""
    from seedance_lint.api import estimate as _estimate

    return _estimate(request)


def estimate_plan(plan: object) -> list[Estimate]:
    """The estimate of each line of a plan, for all its tasks (see seedance_lint.api.estimate_plan)."""
    from seedance_lint.api import estimate_plan as _estimate_plan

    return _estimate_plan(plan)


def check_batch(batch: Batch, **options: Any) -> dict[str, Any]:
    """Lint a JSON Lines batch, optionally on an Executor (see seedance_lint.api.check_batch)."""
    from seedance_lint.api import check_batch as _check_batch

    return _check_batch(batch, **options)


def price_batch(batch: Batch, **options: Any) -> dict[str, Any]:
    """Price a JSON Lines batch, optionally on an Executor (see seedance_lint.api.price_batch)."""
    from seedance_lint.api import price_batch as _price_batch

    return _price_batch(batch, **options)


__all__ = ["__version__", "check_batch", "estimate", "estimate_plan", "lint", "price_batch"]
