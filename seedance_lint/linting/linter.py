"""The linter: documents -> tasks -> findings -> diagnostics, for one file after another.

Rules are pure; this module stamps each finding with its rule's code and
severity, the file, and the line and column of the pointer, and keeps what
a run shares across files: the taskUUIDs seen and the counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from seedance_lint.config import Selection
from seedance_lint.core.data import ModelSpec, model_spec
from seedance_lint.core.diagnostic import Diagnostic, Finding, Severity
from seedance_lint.core.pointer import resolve
from seedance_lint.core.text import printable
from seedance_lint.input.documents import Document, Problem
from seedance_lint.input.jsonl import expected_tasks
from seedance_lint.input.parsers.positions import PositionLookup
from seedance_lint.input.sources import Source
from seedance_lint.input.tasks import Skipped, TaskRef, looks_like_request, mentions_model, select
from seedance_lint.linting.accept import AcceptedRun, is_clean, load_accepting
from seedance_lint.linting.uuids import TaskUuids, pack_uuids
from seedance_lint.rules import BY_CODE, DOCUMENT_RULES, PLAN_RULES, TASK_RULES
from seedance_lint.rules.base import Rule, TaskContext
from seedance_lint.rules.secrets import redact, secret_parts


def check_task(task: object, rules: Iterable[Rule] = TASK_RULES) -> list[tuple[Rule, Finding]]:
    """Every finding of the rules on one value (pure; no positions)."""
    ctx = TaskContext(task)
    return [(rule, finding) for rule in rules for finding in rule.check(ctx)]


def lint_task(task: object, rules: Iterable[Rule] = TASK_RULES) -> list[tuple[Rule, Finding]]:
    """check_task for a task, after one compiled check that decides for most tasks of a batch."""
    return [] if is_clean(task) else check_task(task, rules)


@dataclass
class Stats:
    files: int = 0
    tasks: int = 0


@dataclass
class Linter:
    """One run: it remembers taskUUIDs across files and counts files and tasks."""

    selection: Selection = field(default_factory=Selection)
    spec: ModelSpec = field(default_factory=model_spec)
    stats: Stats = field(default_factory=Stats)
    #: Where each taskUUID of the run was first seen.
    uuids: TaskUuids = field(default_factory=TaskUuids)
    _stamps_file: str | None = field(default=None, init=False, repr=False)
    _stamps: dict[str, tuple[str, Severity] | None] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.task_rules = tuple(r for r in TASK_RULES if self.selection.enabled(r.code))
        self.plan_rules = tuple(r for r in PLAN_RULES if self.selection.enabled(r.code))
        # Always run: what they flag is masked in every message even when their own codes are not reported.
        self.document_rules = DOCUMENT_RULES

    def lint_sources(self, sources: Iterable[Source]) -> Iterator[Diagnostic]:
        for source in sources:
            yield from self.lint_source(source)

    def lint_source(self, source: Source) -> Iterator[Diagnostic]:
        file_lint = self.start(source)
        for loaded in load_accepting(source):
            if isinstance(loaded, AcceptedRun):
                yield from file_lint.accepted(loaded)
            else:
                yield from file_lint.document(loaded)
        yield from file_lint.finish()

    def start(self, source: Source) -> FileLint:
        """Begin a file: counted, and the taskUUID table made room for its tasks."""
        self.stats.files += 1
        self.uuids.reserve(expected_tasks(source))
        return FileLint(self, source)

    def make(
        self,
        code: str,
        file: str,
        where: tuple[int, int],
        message: str,
        pointer: str = "",
        task: int | None = None,
        finding: Finding | None = None,
    ) -> Diagnostic | None:
        stamp = self._name_and_severity(code, file)
        if stamp is None:
            return None
        return Diagnostic(
            file, where[0], where[1], code, stamp[0], stamp[1], message, pointer, task, finding.fix if finding else None
        )

    def _name_and_severity(self, code: str, file: str) -> tuple[str, Severity] | None:
        """(name, severity) of a code reported in a file, None if it is not; worked out once per code and file
        (a batch asks once per diagnostic)."""
        if file != self._stamps_file:  # files come one after the other: what is kept is the current one's
            self._stamps_file, self._stamps = file, {}
        if code not in self._stamps:
            rule = BY_CODE[code]
            enabled = self.selection.enabled_in(code, file)
            self._stamps[code] = (rule.name, self.selection.severity_of(code, rule.severity)) if enabled else None
        return self._stamps[code]

    def remember_uuid(self, task: dict, file: str, index: int) -> tuple[str, int] | None:
        uuid = task.get("taskUUID")
        if not isinstance(uuid, str):
            return None
        return self.uuids.setdefault(uuid, file, index)


#: What a file's lint records instead of checking taskUUIDs, when a block of it is linted apart from the run
#: (linting/blocks.py): (task index, line, taskUUID) of each task with a string taskUUID, in order; an accepted
#: run as (first task index, first line, its UUIDs packed by pack_uuids, or the list).
UuidRecord = list[tuple[int, int, "str | bytes | list[str]"]]


class FileLint:
    """The state of linting one file: its running task index and what it held.

    ``mentions`` is whether the file names our model, where already known
    (read once per file); ``recorded``, when given, receives the taskUUIDs
    instead of the run's registry: a block linted in a worker process does
    not know the run's other taskUUIDs (linting/blocks.py registers them).
    """

    def __init__(
        self, linter: Linter, source: Source, mentions: bool | None = None, recorded: UuidRecord | None = None
    ) -> None:
        self.linter = linter
        self.source = source
        self.task_index = 0
        self.recognized = False
        self.mentions = mentions
        self.recorded = recorded
        #: Line -> index of the first task of its document, for documents read while recording.
        self.first_task_of_line: dict[int, int] = {}
        self._task_pointers: dict[str, int] = {}  # the current document's tasks: pointer -> index

    def document(self, loaded: Document | Problem) -> Iterator[Diagnostic]:
        """Every diagnostic of one document, with any credential masked (rules may echo values)."""
        self._task_pointers = {}
        if self.recorded is not None and isinstance(loaded, Document):
            self.first_task_of_line.setdefault(loaded.first_line, self.task_index)
        found: list[tuple[Rule, Finding]] = []
        if isinstance(loaded, Document) and not loaded.secret_free:  # cleared by the prefilter: nothing to find
            found = check_task(loaded.value, self.linter.document_rules)
        known = _quoted_secrets(loaded, found)
        for diagnostic in self._document(loaded, found):
            message = printable(redact(diagnostic.message, known))
            yield diagnostic if message == diagnostic.message else replace(diagnostic, message=message)

    def _document(self, loaded: Document | Problem, found: list[tuple[Rule, Finding]]) -> Iterator[Diagnostic]:
        if isinstance(loaded, Problem):
            ours = self.source.explicit or self.source.plan  # a plan is ours by its name, wherever found
            if loaded.code == "SDL001" and not ours and not self._mentions_model():
                return  # a tsconfig.json with comments, found in a walk or staged by pre-commit: not ours
            if loaded.code == "SDL002" and not ours:
                return  # empty or only comments, found in a walk or by --skip-non-requests: it holds no request
            self.recognized = True  # a broken request file is reported, never skipped
            yield from self._problem(loaded)
            return
        if self.source.plan:  # a plan by its name, named or found in a walk: its own rules, never the tasks'
            self.recognized = True
            yield from self._problems(loaded.notes)
            yield from self._plan(loaded)
            yield from self._document_findings(loaded, found)
            return
        if not self.source.explicit and not looks_like_request(loaded.value, self.linter.spec):
            return
        self.recognized = True
        items = [d for item in select(loaded.value, self.linter.spec) for d in self._item(item, loaded)]
        fixed_booleans = _yaml11_booleans_fixed(items)
        for note in loaded.notes:
            if not (note.code == YAML11_NOTE and note.pointer in fixed_booleans):
                yield from self._problem(note)
        yield from items
        yield from self._document_findings(loaded, found)

    def _problems(self, notes: list[Problem]) -> Iterator[Diagnostic]:
        for note in notes:
            yield from self._problem(note)

    def _plan(self, document: Document) -> Iterator[Diagnostic]:
        """The plan rules' findings on a plan document (input/plans.py), in file order."""
        found = check_task(document.value, self.linter.plan_rules)
        made = [
            self.linter.make(
                rule.code,
                self.source.display,
                locate(document.positions(), f.pointer, f.anchor),
                f.message,
                f.pointer,
                finding=f,
            )
            for rule, f in found
        ]
        yield from sorted(d for d in made if d)

    def _mentions_model(self) -> bool:
        if self.mentions is None:  # read once per file, not once per broken JSON Lines line
            self.mentions = mentions_model(self.source, self.linter.spec)
        return self.mentions

    def _document_findings(self, document: Document, found: list[tuple[Rule, Finding]]) -> Iterator[Diagnostic]:
        """Findings of the rules that read the whole document (the secret scan), after its tasks."""
        for rule, finding in found:
            where = locate(document.positions(), finding.pointer, finding.anchor)
            task = self._task_pointers.get("/".join(finding.pointer.split("/")[:2]), self._task_pointers.get(""))
            made = self.linter.make(
                rule.code, self.source.display, where, finding.message, finding.pointer, task, finding
            )
            if made:
                yield made

    def accepted(self, run: AcceptedRun) -> Iterator[Diagnostic]:
        """Clean tasks that only need their taskUUIDs registered (one task per line, at the root)."""
        first = self.task_index
        self.task_index += len(run.values)
        self.linter.stats.tasks += len(run.values)
        self.recognized = True
        uuids = [task["taskUUID"] for task in run.values]
        if self.recorded is not None:
            self.recorded.append((first, run.first_line, pack_uuids(uuids) or uuids))
            return
        for offset in self.linter.uuids.add_run(uuids, self.source.display, first):
            document = Document(run.values[offset], run.first_line + offset, run.text(offset))
            for made in filter(None, self._duplicate_uuid(TaskRef("", run.values[offset]), first + offset, document)):
                message = printable(redact(made.message, ()))  # as document() does: a file name may hold anything
                yield made if message == made.message else replace(made, message=message)

    def finish(self) -> Iterator[Diagnostic]:
        if not self.recognized:
            spec = self.linter.spec
            yield from self._problem(
                Problem(
                    "SDL006",
                    f"skipped: no {spec.task_type} task or {spec.model} model "
                    "here, so it does not look like a request file; name it on the "
                    "command line (without --skip-non-requests) to lint it anyway",
                    (1, 1),
                )
            )

    def _problem(self, problem: Problem) -> Iterator[Diagnostic]:
        made = self.linter.make(problem.code, self.source.display, problem.position, problem.message, problem.pointer)
        if made:
            yield made

    def _item(self, item: TaskRef | Skipped, document: Document) -> Iterator[Diagnostic]:
        if isinstance(item, Skipped):
            if item.code:
                where = document.positions().nearest(item.pointer)
                made = self.linter.make(item.code, self.source.display, where, item.message, item.pointer)
                yield from [made] if made else []
            return
        index = self.task_index
        self.task_index += 1
        self._task_pointers[item.pointer] = index
        self.linter.stats.tasks += 1
        # A line the accept path rejected is not asked again (only a task at the root is what it checked).
        found = (check_task if document.unclean and not item.pointer else lint_task)(item.value, self.linter.task_rules)
        diagnostics = [self._stamp(rule, f, item.pointer, index, document) for rule, f in found]
        diagnostics += self._duplicate_uuid(item, index, document)
        yield from sorted(d for d in diagnostics if d)

    def _stamp(self, rule: Rule, finding: Finding, prefix: str, index: int, document: Document) -> Diagnostic | None:
        pointer = prefix + finding.pointer
        where = locate(document.positions(), pointer, finding.anchor)
        if finding.fix and prefix:  # diagnostics carry fixes with pointers into the document
            finding = replace(finding, fix=finding.fix.within(prefix))
        return self.linter.make(rule.code, self.source.display, where, finding.message, pointer, index, finding)

    def _duplicate_uuid(self, item: TaskRef, index: int, document: Document) -> list[Diagnostic | None]:
        if self.recorded is not None:
            uuid = item.value.get("taskUUID")
            if isinstance(uuid, str):
                self.recorded.append((index, document.first_line, uuid))
            return []
        first = self.linter.remember_uuid(item.value, self.source.display, index)
        if first is None or first == (self.source.display, index):
            return []
        pointer = item.pointer + "/taskUUID"
        where = locate(document.positions(), pointer, "value")
        message = (
            f"taskUUID {item.value['taskUUID']!r} is already used by task {first[1]} of {first[0]}: "
            "every task needs its own UUID v4 (uuid.uuid4())."
        )
        return [self.linter.make("SDL401", self.source.display, where, message, pointer, index)]


#: The YAML 1.1 note (SDL010): on a boolean member, SDL103 says the same with a fix, and only it is kept.
YAML11_NOTE = "SDL010"


def _yaml11_booleans_fixed(diagnostics: list[Diagnostic]) -> set[str]:
    """Pointers of `yes`/`no` on boolean members that SDL103 fixes to true/false."""
    return {
        d.pointer
        for d in diagnostics
        if d.code == "SDL103" and d.fix is not None and isinstance(d.fix.value, bool) and d.fix.safe
    }


def _quoted_secrets(loaded: Document | Problem, found: list[tuple[Rule, Finding]]) -> tuple[str, ...]:
    """The credentials in flagged values, which no message may quote (of a URL, only its secret parts)."""
    if not found or not isinstance(loaded, Document):  # nothing flagged: the usual document
        return ()
    values = (resolve(loaded.value, finding.pointer) for _, finding in found)
    return tuple(part for v in values if isinstance(v, str) for part in secret_parts(v))


def locate(positions: PositionLookup, pointer: str, anchor: str) -> tuple[int, int]:
    if anchor == "key":
        found = positions.of_key(pointer)
    elif anchor == "parent":
        found = positions.of_value(pointer.rsplit("/", 1)[0])
    else:
        found = positions.of_value(pointer)
    return found or positions.nearest(pointer)
