"""What a rule is, and the per-task context that rules read."""
from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from seedance_lint.data import ModelSpec, model_spec
from seedance_lint.diagnostic import Finding, Severity

Check = Callable[["TaskContext"], Iterable[Finding]]


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
    scope: str = "task"  # "task": run per task; "file"/"run": emitted by the pipeline

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""


def rule(code: str, name: str, severity: Severity, scope: str = "task") -> Callable[[Check], Rule]:
    def make(check: Check) -> Rule:
        return Rule(code, name, severity, check, scope)

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


def show(value: object, limit: int = 60) -> str:
    """A short, printable JSON rendering of a value for messages."""
    if type(value) is int:  # the usual value shown (a size, a duration): json.dumps writes an int as repr does
        text = repr(value)
        return text if len(text) <= limit else text[: limit - 3] + "..."
    if type(value) is str and len(value) > limit:  # a 20 MB string is not dumped whole to show 57 characters:
        value = value[:limit]  # it is escaped character by character, so its dump begins as the whole one's
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError):
        text = repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_int(value: object) -> bool:
    """A JSON integer: a Python int (not bool) or a float with no fractional part."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
