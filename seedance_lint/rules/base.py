"""What a rule is, and the per-task context that rules read."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from seedance_lint.core.data import ModelSpec, model_spec
from seedance_lint.core.diagnostic import Finding, Severity
from seedance_lint.core.values import is_int, show

__all__ = ["Rule", "TaskContext", "is_int", "rule", "show"]

Check = Callable[["TaskContext"], Iterable[Finding]]
#: A task rule's promise to the accept path: a JSON Schema that a task satisfies only if the rule yields
#: nothing for it (made on first use, from the data files).
Accepts = Callable[[], dict]
#: A document rule's promise to the accept path: false only for the JSON text (orjson's dump) of a document
#: the rule cannot flag.
Prefilter = Callable[[bytes], bool]


@dataclass(frozen=True)
class Rule:
    """A stable code and name, a default severity, and the documentation.

    ``check`` is the pure function that yields findings for one task; rules
    reported by the loaders (syntax, duplicate keys) or by the run (duplicate
    taskUUIDs across files) have a documenting function that is never called.
    """

    code: str
    name: str
    severity: Severity
    check: Check
    scope: str = "task"  # "task": run per task; "document": per document; "file"/"run": emitted by the pipeline
    #: What the accept path needs to know (linting/accept.py assembles it from every rule): for a task rule, the
    #: schema that passes only tasks it does not flag; for a document rule, a prefilter. None: the rule
    #: needs its Python check on every value it could see, so no task skips the rules (safe, slower).
    accepts: Accepts | None = None
    prefilter: Prefilter | None = None

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


def rule(
    code: str,
    name: str,
    severity: Severity,
    scope: str = "task",
    *,
    accepts: Accepts | None = None,
    prefilter: Prefilter | None = None,
) -> Callable[[Check], Rule]:
    """Make a function a rule: its code, name, default severity and what it tells the accept path."""

    def make(check: Check) -> Rule:
        return Rule(code, name, severity, check, scope, accepts, prefilter)

    return make


@dataclass
class TaskContext:
    """One task under lint, with lazily computed facts shared by several rules."""

    task: Any
    spec: ModelSpec = field(default_factory=model_spec)
    _schema_findings: dict[str, list[Finding]] | None = None

    def member(self, *path: str) -> Any:
        """The value at a path of object members, or None where any step is missing."""
        node = self.task
        for name in path:
            if not isinstance(node, dict):
                return None
            node = node.get(name)
        return node
