"""The rule registry: every rule, in code order, and a lookup by code."""

from __future__ import annotations

from seedance_lint.rules import consistency, dimensions, plans, schema, secrets, structure
from seedance_lint.rules.base import Rule

RULES: tuple[Rule, ...] = tuple(
    sorted(
        structure.RULES + schema.RULES + dimensions.RULES + consistency.RULES + secrets.RULES + plans.RULES,
        key=lambda r: r.code,
    )
)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
TASK_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.scope == "task")
#: Rules that read a whole document (every task, even those not linted): the secret scan.
DOCUMENT_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.scope == "document")
#: Rules that read a plan file (input/plans.py), never a request: not on the accept path.
PLAN_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.scope == "plan")
