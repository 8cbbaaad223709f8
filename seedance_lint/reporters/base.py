"""The finished result of a check run, as reporters see it."""
from __future__ import annotations

from dataclasses import dataclass

from seedance_lint.diagnostic import Diagnostic


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files: int
    tasks: int
    color: bool = False

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "tasks": self.tasks,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
        }
