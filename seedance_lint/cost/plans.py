"""Pricing a plan file: each line is `count` tasks of one size, priced as one task and multiplied.

A line's row carries the line's money (one task's, rounded as every estimate
is, times count: exactly what `count` copies of the task cost in a request
file), its count and its label. A line the plan rules flag is unpriced, its
reason their first message; a finding about the plan as a whole is a problem
of the file.
"""

from __future__ import annotations

from typing import NamedTuple

from seedance_lint.core.data import ModelSpec, model_spec
from seedance_lint.core.text import printable
from seedance_lint.cost.model import Estimate, price_many
from seedance_lint.cost.table import PriceTable
from seedance_lint.input.plans import as_task, line_values


class PricedPlan(NamedTuple):
    """A plan's lines priced (one estimate a line, for all its tasks), the pointer of each line, and the
    (pointer, message) of each finding about the plan as a whole."""

    estimates: list[Estimate]
    pointers: list[str]
    problems: list[tuple[str, str]]


def price_plan(value: object, spec: ModelSpec, table: PriceTable) -> PricedPlan:
    """Every line of a plan document priced (an invalid one unpriced, with the rules' reason)."""
    wrong, problems = _findings(value)
    lines = line_values(value)
    valid = [(pointer, line) for pointer, line in lines if pointer not in wrong and isinstance(line, dict)]
    _, units = price_many([as_task(line, spec) for _, line in valid], spec, table)
    priced = {pointer: _times(unit, line) for (pointer, line), unit in zip(valid, units, strict=True)}
    estimates = [priced.get(pointer) or _unpriced(line, wrong.get(pointer, "")) for pointer, line in lines]
    return PricedPlan(estimates, [pointer for pointer, _ in lines], problems)


def _findings(value: object) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The plan rules' findings: the first message for each line that has one (by the line's pointer), and
    the (pointer, message) of those about the plan as a whole."""
    # Imported here: a cost run over request files does not load the rule registry (nor jsonschema-rs).
    from seedance_lint.rules import PLAN_RULES
    from seedance_lint.rules.base import TaskContext
    from seedance_lint.rules.secrets import redact

    context = TaskContext(value)
    wrong: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for rule in PLAN_RULES:
        for finding in rule.check(context):
            parts = finding.pointer.split("/")
            if len(parts) >= 3 and parts[1] == "plan":
                wrong.setdefault("/".join(parts[:3]), redact(f"{rule.code} {finding.message}"))
            else:
                problems.append((finding.pointer, redact(f"{rule.code} {finding.message}")))
    return wrong, problems


def _times(unit: Estimate, line: dict) -> Estimate:
    """One task's estimate as the line's: its money times count, with the count and the label."""
    count, label = int(line["count"]), _masked(line.get("label"))
    if unit.cost is None:
        return unit._replace(tasks=count, label=label)
    return unit._replace(
        cost=unit.cost * count,
        low=None if unit.low is None else unit.low * count,
        high=None if unit.high is None else unit.high * count,
        tasks=count,
        label=label,
    )


def _unpriced(line: object, reason: str) -> Estimate:
    """A line the rules flag: no price, their reason; its label when it can be read, and its count when it is
    a valid one (an invalid count adds no task: 0 tasks, as no money)."""
    fields = line if isinstance(line, dict) else {}
    count, label = fields.get("count"), fields.get("label")
    tasks = count if type(count) is int and 1 <= count <= model_spec().js_safe_integer_max else 0
    return Estimate(
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "unpriced",
        reason,
        tasks,
        _masked(label) if isinstance(label, str) and label else None,
    )


def _masked(label: str | None) -> str | None:
    """A label as every format prints it: on one line (control characters escaped, as file names are), and a
    URL with a token put there masked as `check` masks it (the test of model._masked_uuids: a plain label has
    neither "=" nor "@")."""
    if label is None:
        return None
    label = printable(label)
    if "=" not in label and "@" not in label:
        return label
    from seedance_lint.rules.secrets import redact  # as model.py: only a label that may hold one loads the rules

    return redact(label)
