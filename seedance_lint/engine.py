"""The pipeline, top to bottom: sources -> documents -> tasks -> findings -> diagnostics.

Rules are pure; this module stamps each finding with its rule's code and
severity, the file, and the line and column of the pointer.
"""
from __future__ import annotations

import os
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from seedance_lint.data import ModelSpec, model_spec
from seedance_lint.diagnostic import Diagnostic, Finding, Severity
from seedance_lint.batch import AcceptedRun, expected_tasks, load_accepting
from seedance_lint.documents import Document, Problem
from seedance_lint.fastpath import is_clean
from seedance_lint.parsers.positions import PositionLookup
from seedance_lint.rules import BY_CODE, DOCUMENT_RULES, TASK_RULES
from seedance_lint.rules.base import Rule, TaskContext
from seedance_lint.rules.secrets import redact, secret_parts
from seedance_lint.sources import Source, glob_matches, relative_path
from seedance_lint.tasks import Skipped, TaskRef, looks_like_request, select


@dataclass(frozen=True)
class Selection:
    """Which rules run and at what severity (from the config file and flags)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    #: (glob, codes or prefixes) pairs: those codes are not reported in matching files.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The directory the globs are relative to (the config file's); "" means as given.
    root: str = ""
    # A cache, never copied by dataclasses.replace (init=False): a replaced selection starts afresh.
    _ignored: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, compare=False, hash=False,
                                                 repr=False)

    def enabled(self, code: str) -> bool:
        chosen = not self.select or any(code.startswith(p) for p in self.select)
        return chosen and not any(code.startswith(p) for p in self.ignore)

    def enabled_in(self, code: str, file: str) -> bool:
        """enabled, and not ignored in this file by a per-file-ignores glob."""
        if not self.enabled(code):
            return False
        return not self.per_file_ignores or not any(code.startswith(p) for p in self.ignored_in(file))

    def ignored_in(self, file: str) -> tuple[str, ...]:
        if file not in self._ignored:  # one glob walk per file, not per diagnostic
            path = relative_path(file, self.root)
            self._ignored[file] = tuple(c for glob, codes in self.per_file_ignores if glob_matches(path, glob) for c in codes)
        return self._ignored[file]

    def severity_of(self, rule: Rule) -> Severity:
        return dict(self.severity).get(rule.code, rule.severity)


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
    #: Processes for a large JSON Lines file (parallel.py), this one included; 0: one per CPU; 1: this one alone.
    jobs: int = 1
    _uuids: TaskUuids = field(default_factory=lambda: TaskUuids())  # (defined at the end of this module)
    _stamps_file: str | None = field(default=None, init=False, repr=False)
    _stamps: dict[str, tuple[str, Severity] | None] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rules = tuple(r for r in TASK_RULES if self.selection.enabled(r.code))
        # Always run: what they flag is masked in every message even when their own codes are not reported.
        self._document_rules = DOCUMENT_RULES

    def lint_sources(self, sources: Iterable[Source]) -> Iterator[Diagnostic]:
        for source in sources:
            yield from self.lint_source(source)

    def lint_source(self, source: Source) -> Iterator[Diagnostic]:
        self.stats.files += 1
        file_lint = _FileLint(self, source)
        self._uuids.reserve(expected_tasks(source))
        if self.jobs != 1 and source.format == "jsonl":
            from seedance_lint import parallel  # imported only for a file that may need it

            jobs = parallel.processes_for(source, self.jobs)
            if jobs > 1:
                yield from parallel.lint_source(self, source, file_lint, jobs)
                yield from file_lint.finish()
                return
        for loaded in load_accepting(source):
            if isinstance(loaded, AcceptedRun):
                yield from file_lint.accepted(loaded)
            else:
                yield from file_lint.document(loaded)
        yield from file_lint.finish()

    def make(self, code: str, file: str, where: tuple[int, int], message: str, pointer: str = "",
             task: int | None = None, finding: Finding | None = None) -> Diagnostic | None:
        stamp = self._name_and_severity(code, file)
        if stamp is None:
            return None
        return Diagnostic(file, where[0], where[1], code, stamp[0], stamp[1], message, pointer, task,
                          finding.fix if finding else None)

    def _name_and_severity(self, code: str, file: str) -> tuple[str, Severity] | None:
        """(name, severity) of a code reported in a file, None if it is not; worked out once per code and file
        (a batch asks once per diagnostic)."""
        if file != self._stamps_file:  # files come one after the other: what is kept is the current one's
            self._stamps_file, self._stamps = file, {}
        if code not in self._stamps:
            rule = BY_CODE[code]
            enabled = self.selection.enabled_in(code, file)
            self._stamps[code] = (rule.name, self.selection.severity_of(rule)) if enabled else None
        return self._stamps[code]

    def remember_uuid(self, task: dict, file: str, index: int) -> tuple[str, int] | None:
        uuid = task.get("taskUUID")
        if not isinstance(uuid, str):
            return None
        return self._uuids.setdefault(uuid, file, index)


class _FileLint:
    """The state of linting one file: its running task index and what it held."""

    def __init__(self, linter: Linter, source: Source) -> None:
        self.linter = linter
        self.source = source
        self.task_index = 0
        self.recognized = False
        self.pending: list[Diagnostic] = []
        self._task_pointers: dict[str, int] = {}  # the current document's tasks: pointer -> index
        self._mentions: bool | None = None

    def document(self, loaded: Document | Problem) -> Iterator[Diagnostic]:
        """Every diagnostic of one document, with any credential masked (rules may echo values)."""
        self._task_pointers = {}
        scanned = isinstance(loaded, Document) and not loaded.secret_free  # cleared by the prefilter: nothing to find
        found = check_task(loaded.value, self.linter._document_rules) if scanned else []
        known = _quoted_secrets(loaded, found)
        for diagnostic in self._document(loaded, found):
            message = printable(redact(diagnostic.message, known))
            yield diagnostic if message == diagnostic.message else replace(diagnostic, message=message)

    def _document(self, loaded: Document | Problem, found: list[tuple[Rule, Finding]]) -> Iterator[Diagnostic]:
        if isinstance(loaded, Problem):
            if loaded.code == "SDL001" and not self.source.explicit and not self._mentions_model():
                return  # a tsconfig.json with comments, found in a walk or staged by pre-commit: not ours
            self.recognized = True  # a broken request file is reported, never skipped
            yield from self._problem(loaded)
            return
        if not self.source.explicit and not looks_like_request(loaded.value, self.linter.spec):
            return
        self.recognized = True
        for note in loaded.notes:
            yield from self._problem(note)
        for item in select(loaded.value, self.linter.spec):
            yield from self._item(item, loaded)
        yield from self._document_findings(loaded, found)

    def _mentions_model(self) -> bool:
        if self._mentions is None:  # read once per file, not once per broken JSON Lines line
            self._mentions = mentions_model(self.source, self.linter.spec)
        return self._mentions

    def _document_findings(self, document: Document, found: list[tuple[Rule, Finding]]) -> Iterator[Diagnostic]:
        """Findings of the rules that read the whole document (the secret scan), after its tasks."""
        for rule, finding in found:
            where = locate(document.positions(), finding.pointer, finding.anchor)
            task = self._task_pointers.get("/".join(finding.pointer.split("/")[:2]),
                                            self._task_pointers.get(""))
            made = self.linter.make(rule.code, self.source.display, where, finding.message, finding.pointer,
                                    task, finding)
            if made:
                yield made

    def accepted(self, run: AcceptedRun) -> Iterator[Diagnostic]:
        """Clean tasks that only need their taskUUIDs registered (one task per line, at the root)."""
        first = self.task_index
        self.task_index += len(run.values)
        self.linter.stats.tasks += len(run.values)
        self.recognized = True
        uuids = [task["taskUUID"] for task in run.values]
        for offset in self.linter._uuids.add_run(uuids, self.source.display, first):
            document = Document(run.values[offset], run.first_line + offset, run.text(offset))
            for made in filter(None, self._duplicate_uuid(TaskRef("", run.values[offset]), first + offset, document)):
                message = printable(redact(made.message, ()))  # as document() does: a file name may hold anything
                yield made if message == made.message else replace(made, message=message)

    def finish(self) -> Iterator[Diagnostic]:
        if not self.recognized:
            spec = self.linter.spec
            yield from self._problem(Problem("SDL006", f"skipped: no {spec.task_type} task or {spec.model} model "
                                             "here, so it does not look like a request file; name it on the "
                                             "command line (without --skip-non-requests) to lint it anyway",
                                             (1, 1)))

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
        found = (check_task if document.unclean and not item.pointer else lint_task)(item.value, self.linter._rules)
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
        first = self.linter.remember_uuid(item.value, self.source.display, index)
        if first is None or first == (self.source.display, index):
            return []
        pointer = item.pointer + "/taskUUID"
        where = locate(document.positions(), pointer, "value")
        message = (f"taskUUID {item.value['taskUUID']!r} is already used by task {first[1]} of {first[0]}: "
                   "every task needs its own UUID v4 (uuid.uuid4()).")
        return [self.linter.make("SDL401", self.source.display, where, message, pointer, index)]


#: Control characters, DEL and Unicode line breaks: a key quoted raw could
#: start a new log line (a GitHub "::error" command) or drive the terminal (ESC).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(message: str) -> str:
    """The message on one line, with control characters written as escapes (\\n, \\x1b)."""
    if message.isprintable():  # the usual message: str.isprintable is false for every character replaced
        return message
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


def _quoted_secrets(loaded: Document | Problem, found: list[tuple[Rule, Finding]]) -> tuple[str, ...]:
    """The credentials in flagged values, which no message may quote (of a URL, only its secret parts)."""
    if not found or not isinstance(loaded, Document):  # nothing flagged: the usual document
        return ()
    values = (resolve(loaded.value, finding.pointer) for _, finding in found)
    return tuple(part for v in values if isinstance(v, str) for part in secret_parts(v))


def resolve(value: object, pointer: str) -> object:
    """The value at an RFC 6901 pointer, or None where it leads nowhere."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value


def mentions_model(source: Source, spec: ModelSpec) -> bool:
    """Whether a file that does not parse names our task type or model anywhere (else: not a request file)."""
    names = (spec.model.encode(), spec.task_type.encode())
    if source.data is not None:
        return any(name in source.data for name in names)
    try:
        return _file_contains(source.path, names)
    except (OSError, TypeError):
        return True  # unreadable: report it


def _file_contains(path: os.PathLike, needles: tuple[bytes, ...]) -> bool:
    """Whether the file holds any of the needles, read a megabyte at a time (a batch may exceed memory)."""
    overlap = max(map(len, needles)) - 1  # a needle across two reads is found in the joined window
    tail = b""
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            window = tail + block
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:] if overlap else b""
    return False


def locate(positions: PositionLookup, pointer: str, anchor: str) -> tuple[int, int]:
    if anchor == "key":
        found = positions.of_key(pointer)
    elif anchor == "parent":
        found = positions.of_value(pointer.rsplit("/", 1)[0])
    else:
        found = positions.of_value(pointer)
    return found or positions.nearest(pointer)


def _packed(uuid: str) -> bytes | None:
    """The 16 bytes of a UUID in canonical 8-4-4-4-12 hex form (either case), else None.

    bytes.fromhex skips whitespace between pairs, so 32 characters that give
    16 bytes are 32 hex digits; a fifth dash leaves 31 and fails too.
    """
    if len(uuid) != 36 or uuid[8] != "-" or uuid[13] != "-" or uuid[18] != "-" or uuid[23] != "-":
        return None
    try:
        key = bytes.fromhex(uuid.replace("-", ""))
    except ValueError:
        return None
    return key if len(key) == 16 else None


def pack_uuids(uuids: list[str]) -> bytes | None:
    """The 16 bytes of each UUID, end to end, in one call; None when that fails.

    For UUIDs that match the request schema's canonical pattern (those of
    accepted tasks): 36 characters, 32 hex digits and 4 dashes each.
    """
    try:
        packed = bytes.fromhex("".join(uuids).replace("-", ""))
    except ValueError:
        return None
    return packed if len(packed) == 16 * len(uuids) and all(len(u) == 36 for u in uuids) else None


class TaskUuids:
    """Where each taskUUID of a run was first seen: (file, task index), compared case-insensitively.

    It holds every taskUUID of the run, so it must stay small: a dict of
    str -> (str, int) costs about 220 bytes a task (over 200 MB for a
    million-task batch). A canonical UUID is kept as 16 bytes in one
    bytearray, in order of first sight, and found through an open-addressing
    table of 32-bit slots: 24 to 32 bytes a task. Where it was seen is kept
    in spans: UUIDs seen one after another in the same file, at consecutive
    task indices, share one (first position, file number, first index) entry,
    so a batch takes a few entries in all. Any other string (not a canonical
    UUID) goes to a plain dict, as before.
    """

    def __init__(self) -> None:
        self._files: list[str] = []
        self._file_numbers: dict[str, int] = {}
        self._keys = bytearray()  # 16 bytes per UUID, in order of first sight
        self._count = 0  # UUIDs in _keys
        # Spans: from position _span_start[s] on, file _span_file[s] at task index _span_index[s] + the offset.
        self._span_start = array("Q")
        self._span_file = array("I")
        self._span_index = array("Q")
        self._next = (-1, -1)  # the (file number, index) that extends the last span
        self._slots = array("i", [-1]) * 1024  # -1: empty; else a position in _keys / 16
        self._others: dict[str, tuple[str, int]] = {}
        self._last_file: str | None = None
        self._last_number = -1

    def setdefault(self, uuid: str, file: str, index: int) -> tuple[str, int]:
        """The first (file, index) of this UUID; records (file, index) when it is new."""
        key = _packed(uuid)
        if key is None:
            return self._others.setdefault(uuid.lower(), (file, index))
        slots, keys = self._slots, self._keys
        mask = len(slots) - 1
        slot = hash(key) & mask
        while True:  # linear probing; the table is at most half full
            position = slots[slot]
            if position < 0:
                break
            if keys[16 * position : 16 * position + 16] == key:
                return self._seen_at(position)
            slot = (slot + 1) & mask
        slots[slot] = self._count
        keys += key
        self._note(self._count, self._file_number(file), index)
        self._count += 1
        if 2 * self._count > len(slots):
            self._grow()
        return file, index

    def _note(self, position: int, number: int, index: int) -> None:
        """Record that the UUID at ``position`` (the newest) was first seen at (file ``number``, ``index``)."""
        if (number, index) != self._next:
            self._span_start.append(position)
            self._span_file.append(number)
            self._span_index.append(index)
        self._next = (number, index + 1)

    def _seen_at(self, position: int) -> tuple[str, int]:
        span = bisect_right(self._span_start, position) - 1
        return self._files[self._span_file[span]], self._span_index[span] + position - self._span_start[span]

    def add_run(self, uuids: list[str], file: str, first_index: int) -> list[int]:
        """setdefault for consecutive tasks of one file; the offsets of those whose UUID was seen before.

        The same table, filled in one loop with no call per task: a large
        batch registers most of its UUIDs here. They come from accepted tasks,
        so they match the schema's canonical pattern and pack in one call;
        anything else is registered one by one.
        """
        packed = pack_uuids(uuids)
        if packed is None:
            return [o for o, u in enumerate(uuids) if self.setdefault(u, file, first_index + o) != (file, first_index + o)]
        return self.add_packed(packed, file, first_index)

    def add_packed(self, packed: bytes, file: str, first_index: int) -> list[int]:
        """add_run for UUIDs already packed by pack_uuids."""
        self.reserve(len(packed) // 16)
        slots, keys, mask, seen = self._slots, self._keys, len(self._slots) - 1, []
        count = self._count
        for offset, key in enumerate([packed[i : i + 16] for i in range(0, len(packed), 16)]):
            slot = hash(key) & mask
            while (position := slots[slot]) >= 0 and keys[16 * position : 16 * position + 16] != key:
                slot = (slot + 1) & mask
            if position >= 0:
                seen.append(offset)
                continue
            slots[slot] = count
            count += 1
            keys += key
        self._note_run(self._file_number(file), first_index, len(packed) // 16, seen)
        self._count = count
        return seen

    def _note_run(self, number: int, first_index: int, size: int, seen: list[int]) -> None:
        """Spans for a run's UUIDs, added from position _count on, but for those at the offsets ``seen``."""
        if not size:
            return
        if not seen:  # the usual run: one new span, or none (the last one goes on)
            self._note(self._count, number, first_index)
            self._next = (number, first_index + size)
            return
        new = sorted(set(range(size)).difference(seen))  # a run with a repeated UUID: rare
        for position, offset in enumerate(new, self._count):
            self._note(position, number, first_index + offset)

    def reserve(self, more: int) -> None:
        """Room for ``more`` new UUIDs without a rehash on the way."""
        while 2 * (self._count + more) > len(self._slots):
            self._grow()

    def _grow(self) -> None:
        slots = self._slots = array("i", [-1]) * (2 * len(self._slots))
        mask = len(slots) - 1
        keys = self._keys
        for position in range(self._count):
            slot = hash(bytes(keys[16 * position : 16 * position + 16])) & mask
            while slots[slot] >= 0:
                slot = (slot + 1) & mask
            slots[slot] = position

    def _file_number(self, file: str) -> int:
        if file != self._last_file:  # tasks come file by file: one dict lookup per file
            self._last_file = file
            self._last_number = self._file_numbers.setdefault(file, len(self._files))
            if self._last_number == len(self._files):
                self._files.append(file)
        return self._last_number
