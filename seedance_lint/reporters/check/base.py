"""The result of a check run, as reporters see it: finished, or still streaming."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol

from seedance_lint.core.diagnostic import Diagnostic


class Counts(Protocol):
    files: int
    tasks: int


class Stream:
    """Diagnostics as the run produces them, counted on the way; iterable once.

    A streamed run never holds its diagnostics: a million-task batch prints
    as it goes, in bounded memory.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], failing: frozenset[str]) -> None:
        self._source = iter(diagnostics)
        self._failing = failing
        self.counts: Counter[str] = Counter()
        #: Diagnostics with a fix, by applicability ("safe": --fix applies it; "unsafe": --unsafe-fixes too).
        self.fixes: Counter[str] = Counter()
        self.failed = False

    def __iter__(self) -> Iterator[Diagnostic]:
        file, shown = "", ""  # the last file met, and its name as shown: masked once per file
        for diagnostic in self._source:
            if diagnostic.file != file:
                file, shown = diagnostic.file, shown_name(diagnostic.file)
            if shown != file:  # a credential in the file's name: never printed
                diagnostic = replace(diagnostic, file=shown)
            if _may_hold_credential(diagnostic.pointer) or (
                diagnostic.fix is not None and _may_hold_credential(diagnostic.fix.pointer)
            ):  # a member named with a credential (`"https://x/?token=...": 1`): its pointer never printed as is
                diagnostic = _masked_pointers(diagnostic)
            self.counts[diagnostic.severity] += 1
            if diagnostic.fix is not None:
                self.fixes[applicability(diagnostic)] += 1
            self.failed = self.failed or diagnostic.severity in self._failing
            yield diagnostic


def _may_hold_credential(text: str) -> bool:
    return "=" in text or "@" in text  # what redact looks for: the usual pointer or name has neither


def _masked_pointers(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with a credential masked in its pointer and in its fix's pointers."""
    from seedance_lint.rules.secrets import redact

    fix = diagnostic.fix
    if fix is not None:
        extra = tuple(replace(edit, pointer=redact(edit.pointer)) for edit in fix.extra)
        fix = replace(fix, pointer=redact(fix.pointer), extra=extra)
    return replace(diagnostic, pointer=redact(diagnostic.pointer), fix=fix)


def shown_name(name: str) -> str:
    """rules.secrets.masked_name, imported only for a name that may hold a credential (as cost.pipeline does)."""
    if not _may_hold_credential(name):
        return name
    from seedance_lint.rules.secrets import masked_name

    return masked_name(name)


def applicability(diagnostic: Diagnostic) -> str:
    """ "safe" when --fix applies the diagnostic's fix, "unsafe" when only --unsafe-fixes does (ruff's words)."""
    assert diagnostic.fix is not None  # asked only of a diagnostic with a fix
    return "safe" if diagnostic.fix.safe else "unsafe"


@dataclass(frozen=True)
class Report:
    diagnostics: Iterable[Diagnostic]  # a tuple, or a Stream (read once, summary after)
    stats: Counts  # files and tasks read (live while a Stream is read)
    color: bool = False
    #: Every file the run read, as given (junit has one testcase per file).
    paths: tuple[str, ...] = ()
    #: The severities that make the run fail (warnings too under --strict).
    failing: frozenset[str] = field(default=frozenset({"error"}))
    #: --unsafe-fixes was given: unsafe fixes count as fixable with --fix.
    unsafe: bool = False
    #: Problems that --fix fixed (None: no --fix in this run).
    fixed: int | None = None
    #: The repository root GitHub annotations are relative to (GITHUB_WORKSPACE or the git top level).
    root: str | None = None

    @property
    def files(self) -> int:
        return self.stats.files

    @property
    def tasks(self) -> int:
        return self.stats.tasks

    def count(self, severity: str) -> int:
        if isinstance(self.diagnostics, Stream):
            return self.diagnostics.counts[severity]
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def fix_counts(self) -> tuple[int, int]:
        """(fixable with --fix, more with --unsafe-fixes) among the diagnostics reported."""
        if isinstance(self.diagnostics, Stream):
            fixes = self.diagnostics.fixes
        else:
            fixes = Counter(applicability(d) for d in self.diagnostics if d.fix is not None)
        return (fixes["safe"] + fixes["unsafe"], 0) if self.unsafe else (fixes["safe"], fixes["unsafe"])

    def marked(self, diagnostic: Diagnostic) -> bool:
        """Whether --fix (with --unsafe-fixes as given) would fix the diagnostic: [*] in the text output."""
        return diagnostic.fix is not None and (diagnostic.fix.safe or self.unsafe)

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
