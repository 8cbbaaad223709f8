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
    #: Every file the run read, as given (junit has one testcase per file).
    paths: tuple[str, ...] = ()
    #: The severities that make the run fail (warnings too under --strict).
    failing: frozenset[str] = frozenset({"error"})

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def fails(self, diagnostic: Diagnostic) -> bool:
        return diagnostic.severity in self.failing

    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "tasks": self.tasks,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "infos": self.count("info"),
        }
