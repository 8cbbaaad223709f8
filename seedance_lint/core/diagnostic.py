"""The value types that flow through the pipeline: findings in, diagnostics out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

#: Where a finding points inside the document: at the member's key, at its
#: value, or (for a member that is missing) at the enclosing object.
Anchor = Literal["key", "value", "parent"]


@dataclass(frozen=True)
class Edit:
    """Set the value at ``pointer`` (relative to the task), or remove the member."""

    pointer: str
    value: object = None
    remove: bool = False


@dataclass(frozen=True)
class Fix:
    """A replacement for the value at ``pointer`` (relative to the task).

    ``remove`` deletes the member instead; ``extra`` holds further edits that
    belong to the same fix (width and height together). A fix is applied by
    ``--fix`` only when ``safe``: it cannot change what the user meant.
    """

    pointer: str
    value: object = None
    remove: bool = False
    safe: bool = False
    extra: tuple[Edit, ...] = ()

    @property
    def edits(self) -> tuple[Edit, ...]:
        return (Edit(self.pointer, self.value, self.remove), *self.extra)

    def within(self, prefix: str) -> Fix:
        """The same fix with pointers relative to the document instead of the task."""
        extra = tuple(Edit(prefix + e.pointer, e.value, e.remove) for e in self.extra)
        return replace(self, pointer=prefix + self.pointer, extra=extra)


@dataclass(frozen=True)
class Finding:
    """What a rule yields: a pointer relative to the task, and a message.

    Rules know nothing of files or positions; the engine stamps those.
    """

    pointer: str
    message: str
    anchor: Anchor = "value"
    fix: Fix | None = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One reported problem, immutable and fully located."""

    file: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    pointer: str = ""
    task: int | None = None
    fix: Fix | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "task": self.task,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
        }
