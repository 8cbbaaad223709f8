"""The Python API: seedance_lint.lint and seedance_lint.estimate, as the README shows them."""

from __future__ import annotations

import json
from decimal import Decimal

import seedance_lint
from seedance_lint.core.diagnostic import Diagnostic

from conftest import EXAMPLES_DIR

TASK = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text())


def test_lint_a_clean_task_and_a_list() -> None:
    assert seedance_lint.lint(TASK) == []
    assert seedance_lint.lint([TASK]) == []


def test_lint_reports_positions_in_the_canonical_rendering() -> None:
    found = seedance_lint.lint({**TASK, "width": 1280, "height": 720})
    (diagnostic,) = found
    assert isinstance(diagnostic, Diagnostic) and diagnostic.code == "SDL204" and diagnostic.file == "<request>"
    rendering = json.dumps({**TASK, "width": 1280, "height": 720}, indent=2).splitlines()
    assert rendering[diagnostic.line - 1][diagnostic.column - 1 :].startswith('"width"')


def test_estimate_returns_decimals_and_a_basis() -> None:
    estimate = seedance_lint.estimate({"width": 864, "height": 480, "duration": 6})
    assert all(isinstance(v, Decimal) for v in (estimate.cost, estimate.low, estimate.high))
    assert estimate.basis == "interpolated" and estimate.low <= estimate.cost <= estimate.high


def test_an_estimate_is_a_named_tuple_as_the_readme_says() -> None:
    estimate = seedance_lint.estimate({"width": 864, "height": 480, "duration": 6})
    fields = estimate._asdict()
    assert fields["cost"] == estimate.cost and fields["basis"] == "interpolated"
    assert estimate._replace(basis="table").basis == "table" and estimate.basis == "interpolated"


def test_a_misspelt_task_type_is_checked_not_skipped() -> None:
    codes = {d.code for d in seedance_lint.lint({**TASK, "taskType": "videoinference"})}
    assert "SDL104" in codes
