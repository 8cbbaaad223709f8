"""`check --fix`: apply fixes as text edits, so everything else in the file stays byte for byte.

Only the edited values (and removed members) change: key order, indentation,
line endings and comments are kept. Fixes are planned from the diagnostics of
a run, applied per document (a JSON file, a JSON Lines line, a single-document
YAML file), and written in place (see write_in_place).
"""

from __future__ import annotations

import copy
import difflib
import errno
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from seedance_lint.core.diagnostic import Diagnostic, Edit
from seedance_lint.core.pointer import child_pointer, tokens
from seedance_lint.input.documents import Problem, load_bytes
from seedance_lint.input.parsers import jsonpos
from seedance_lint.input.sources import Source

#: Removing the earlier of two duplicate keys keeps what every parser reads (the last one).
DUPLICATE_KEY = "SDL003"
_PLAIN_YAML = re.compile(r"^[A-Za-z][A-Za-z0-9_./:@-]*$")


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str


def fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    if diagnostic.code == DUPLICATE_KEY:
        return True
    return diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)


def fix_text(text: str, fmt: str, diagnostics: list[Diagnostic], waiting: list[TextEdit] | None = None) -> str:
    """The text with every applicable fix applied; unchanged where a document cannot be edited.

    A fix never makes a file unreadable: if the edited text no longer parses
    (a removed YAML member held an anchor that an alias uses, say), the file is left as it was.
    """
    if fmt == "jsonl":
        fixed = _fix_lines(text, diagnostics, waiting)
    elif fmt == "yaml":
        fixed = _fix_yaml(text, diagnostics, waiting)
    else:
        fixed = _fix_json(text, diagnostics, waiting)
    return fixed if fixed == text or _unreadable(fixed, fmt) <= _unreadable(text, fmt) else text


def _unreadable(text: str, fmt: str) -> int:
    """How many documents of the text fail to parse (a JSON Lines file may have some already)."""
    codes = {"SDL001", "SDL002", "SDL007", "SDL009"}
    return sum(isinstance(item, Problem) and item.code in codes for item in load_bytes(text.encode("utf-8"), fmt))


def _absolute_edits(diagnostics: list[Diagnostic]) -> list[Edit]:
    return [edit for d in diagnostics if d.fix for edit in d.fix.edits]


def _fix_json(text: str, diagnostics: list[Diagnostic], waiting: list[TextEdit] | None = None) -> str:
    try:
        spans = jsonpos.parse_spans(text)
    except jsonpos.JsonSyntaxError:
        return text
    pairs = [(e, _json_edit(text, spans, e)) for e in _absolute_edits(diagnostics)]
    edits = [t for _, t in pairs if t]
    if any(d.code == DUPLICATE_KEY for d in diagnostics):
        edits += [_member_removal(text, start, end) for _, start, end in spans.duplicates]
    kept, deferred = schedule(edits)
    return _guarded(text, _json_data, pairs, [_without_dangling_comma(text, e) for e in kept] + list(deferred), waiting)


def _without_dangling_comma(text: str, edit: TextEdit) -> TextEdit:
    """Merged removals up to the end of an object or array also take the comma before them.

    Each member's removal takes one comma (the one after it, or before the last member); when the
    removals of the last members are merged, the comma before the first of them would be left.
    """
    if edit.text or text[edit.end :].lstrip()[:1] not in ("}", "]"):
        return edit
    before = len(text[: edit.start].rstrip())
    return TextEdit(before - 1, edit.end, "") if text[before - 1 : before] == "," else edit


def _guarded(
    text: str,
    read: Callable[[str], object],
    pairs: list[tuple[Edit, TextEdit | None]],
    edits: list[TextEdit],
    waiting: list[TextEdit] | None,
) -> str:
    """The text with the edits made, if it reads as the planned data (else the text unchanged).

    Edits deferred (overlapping one made) are added to ``waiting``: the planner runs another pass.
    """
    deferred = schedule(edits)[1]
    made = [edit for edit, text_edit in pairs if text_edit is not None and text_edit not in deferred]
    made.sort(key=lambda e: e.remove)  # values set first: one may lie in a member removed after
    fixed = apply(text, edits)
    if not _only_planned_changes(read(text), read(fixed), made):
        return text
    if waiting is not None:
        waiting.extend(deferred)
    return fixed


def _json_data(text: str) -> object:
    try:
        return json.loads(
            text
        )  # the last of duplicate keys wins, as for every parser: removing the others is no change
    except ValueError:
        return _UNREADABLE


_UNREADABLE = object()


def _only_planned_changes(before: object, after: object, edits: list[Edit]) -> bool:
    """The guard of every fix: the edited text reads as the old data with exactly the planned edits.

    Whatever the syntax (explicit YAML keys, comments between key and value, flow or block,
    anchors), a text edit that would change anything else (or make the file unreadable) is not
    applied: the problem stays reported instead.
    """
    if before is _UNREADABLE or after is _UNREADABLE:
        return False
    expected = copy.deepcopy(before)
    for edit in edits:
        expected = _edited(expected, edit)
        if expected is _UNREADABLE:
            return False
    return _same(expected, after)


def _edited(data: object, edit: Edit) -> object:
    """The data with one edit made; _UNREADABLE when the pointer does not name a member."""
    if not edit.pointer.startswith("/"):
        return edit.value if not edit.remove and edit.pointer == "" else _UNREADABLE
    *parents, last = tokens(edit.pointer)
    holder: object = data
    for token in parents:
        holder = _child(holder, token)
    if isinstance(holder, dict) and (last in holder or not edit.remove):
        if edit.remove:
            del holder[last]
        else:
            holder[last] = edit.value
        return data
    if isinstance(holder, list) and last.isdigit() and int(last) < len(holder) and not edit.remove:
        holder[int(last)] = edit.value
        return data
    return _UNREADABLE


def _child(holder: object, token: str) -> object:
    if isinstance(holder, dict):
        return holder.get(token, _UNREADABLE)
    if isinstance(holder, list) and token.isdigit() and int(token) < len(holder):
        return holder[int(token)]
    return _UNREADABLE


def _same(a: object, b: object) -> bool:
    """Equal, and of the same types all the way down (1, 1.0 and True are three different values)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)  # same type
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        assert isinstance(b, list)  # same type
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _json_edit(text: str, spans: jsonpos.Spans, edit: Edit) -> TextEdit | None:
    if edit.remove:
        if edit.pointer not in spans.keys:
            return None
        return _member_removal(text, spans.keys[edit.pointer], spans.values[edit.pointer][1])
    if edit.pointer in spans.values:
        start, end = spans.values[edit.pointer]
        return TextEdit(start, end, json.dumps(edit.value, ensure_ascii=False))
    return None


def _member_removal(text: str, key_start: int, value_end: int) -> TextEdit:
    """Remove a member with the comma that separates it, and its line when it has one of its own."""
    after = len(text) - len(text[value_end:].lstrip())
    if text[after : after + 1] == ",":
        line_start = text.rfind("\n", 0, key_start) + 1
        own_line = not text[line_start:key_start].strip()
        next_line = text.find("\n", after)
        if own_line and next_line != -1 and not text[after + 1 : next_line].strip():
            return TextEdit(line_start, next_line + 1, "")
        following = len(text) - len(text[after + 1 :].lstrip(" \t"))
        return TextEdit(key_start, following, "")
    before = len(text[:key_start].rstrip())
    if text[before - 1 : before] == ",":
        return TextEdit(before - 1, value_end, "")
    return TextEdit(key_start, value_end, "")


def apply(text: str, edits: list[TextEdit]) -> str:
    """Apply edits in one pass, so that a second pass finds nothing left to do.

    Removals that overlap or touch (two adjacent members sharing the comma between them) are
    merged into one: dropping either would change the value the API reads (`"a":1,"a":2`
    with both removed must lose both). An edit inside a removal goes with the removed text.
    Two replacements of overlapping text cannot both hold: the later is left for the next
    run of the planner (fix_until_stable), never applied half.
    """
    for edit in reversed(schedule(edits)[0]):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def schedule(edits: list[TextEdit]) -> tuple[list[TextEdit], set[TextEdit]]:
    """The edits to make, in order and without overlaps, and those deferred to the next pass."""
    kept: list[TextEdit] = []
    deferred: set[TextEdit] = set()
    for edit in sorted(set(edits), key=lambda e: (e.start, -e.end, e.text)):
        last = kept[-1] if kept else None
        if last is None or (edit.start >= last.end and not (edit.start == last.end and _both_removals(last, edit))):
            kept.append(edit)
        elif _both_removals(last, edit):
            kept[-1] = TextEdit(last.start, max(last.end, edit.end), "")
        elif not last.text and edit.end <= last.end:
            continue  # inside a removed member: goes with it
        elif not edit.text and edit.start <= last.start:
            kept[-1] = edit  # a removal covering the earlier replacement
        else:
            deferred.add(edit)
    return kept, deferred


def _both_removals(first: TextEdit, second: TextEdit) -> bool:
    return not first.text and not second.text and first.start != first.end and second.start != second.end


def _fix_lines(text: str, diagnostics: list[Diagnostic], waiting: list[TextEdit] | None) -> str:
    by_line: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        by_line.setdefault(d.line, []).append(d)
    # Only "\n" ends a JSON Lines line: splitlines() also splits at U+2028, \x85, \x1c... inside strings,
    # which shifted every later line (a fix for line 3 was applied to line 2).
    lines = text.split("\n")
    for number, found in by_line.items():
        if 1 <= number <= len(lines):
            body = lines[number - 1].rstrip("\r")
            lines[number - 1] = _fix_json(body, found, waiting) + lines[number - 1][len(body) :]
    return "\n".join(lines)


def _fix_yaml(text: str, diagnostics: list[Diagnostic], waiting: list[TextEdit] | None) -> str:
    try:
        nodes = list(yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        return text
    if len(nodes) != 1:
        return text  # multi-document streams: pointers do not say which document
    values, members, key_ends, scalars = _yaml_spans(nodes[0])
    pairs: list[tuple[Edit, TextEdit | None]] = []
    for edit in _absolute_edits(diagnostics):
        text_edit = None
        if edit.remove and edit.pointer in members:
            text_edit = _yaml_line_removal(text, *members[edit.pointer])
        elif not edit.remove and edit.pointer in values:
            scalar = edit.pointer in scalars
            text_edit = _yaml_value_edit(text, values[edit.pointer], key_ends.get(edit.pointer), edit.value, scalar)
        pairs.append((edit, text_edit))
    return _guarded(text, _yaml_data, pairs, [t for _, t in pairs if t], waiting)


def _yaml_data(text: str) -> object:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return _UNREADABLE


def _yaml_value_edit(text: str, span: tuple[int, int], key_end: int | None, value: object, scalar: bool) -> TextEdit:
    start, end = span
    end = start + len(text[start:end].rstrip())  # a block collection ends at the next line's start
    # A scalar is replaced where it stands: whatever is between key and value (an explicit key's
    # `? key` / `: value`, a comment) stays as written.
    if not scalar and key_end is not None and "\n" in text[key_end:start] and "#" not in text[key_end:start]:
        # a block value below its key: the scalar goes on the key's line (`key: value`)
        return TextEdit(key_end, end, ": " + _yaml_scalar(value))
    return TextEdit(start, end, _yaml_scalar(value))


Spans = dict[str, tuple[int, int]]


def _yaml_spans(root: yaml.Node) -> tuple[Spans, Spans, dict[str, int], set[str]]:
    scalars: set[str] = set()
    values: Spans = {}
    members: Spans = {}
    key_ends: dict[str, int] = {}
    stack = [("", root)]
    while stack:
        pointer, node = stack.pop()
        values[pointer] = (node.start_mark.index, node.end_mark.index)
        if isinstance(node, yaml.ScalarNode):
            scalars.add(pointer)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                member = child_pointer(pointer, key.value)
                members[member] = (key.start_mark.index, value.end_mark.index)
                key_ends[member] = key.end_mark.index
                stack.append((member, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child_pointer(pointer, i), item) for i, item in enumerate(node.value))
    return values, members, key_ends, scalars


def _yaml_line_removal(text: str, start: int, end: int) -> TextEdit:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end - 1 if end and text[end - 1 : end] == "\n" else end)
    return TextEdit(line_start, len(text) if line_end == -1 else line_end + 1, "")


def _yaml_scalar(value: object) -> str:
    if isinstance(value, str) and _PLAIN_YAML.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def unified_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


#: Passes of plan-and-fix over one file: an edit deferred because it overlapped another is made by the
#: next pass, so that one `--fix` leaves nothing for a second run to do. Each pass must change the
#: text; more than a few would mean fixes that undo each other, and the last text is kept as it is.
MAX_PASSES = 4


def refusal(path: Path) -> str | None:
    """Why `--fix` will not write a file the user could not write with an editor; None when it may.

    A file is written when its permissions let the user write it (access(2) with the effective
    ids, so ACLs count): a read-only file, or someone else's file that is not writable by group
    or others, is refused. root passes every access(2) check, but a mode without any write bit
    (0444) is still its owner's statement that the file is not to be changed, as an editor's
    "readonly" warning says: root is refused those, and may fix files of other owners (written in
    place, they keep their owner).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"cannot read the file: {error.strerror or error}"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    if not mode & 0o222:
        return f"read-only (mode {stat.S_IMODE(mode):04o})"
    if _is_root() or os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        return None
    return f"no write permission for you (mode {stat.S_IMODE(mode):04o}, owner uid {os.stat(path).st_uid})"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def write_in_place(path: Path, before: bytes, data: bytes) -> bool:
    """Rewrite the contents of the file the path resolves to, if it still holds ``before``.

    In place, not a temporary file renamed over the path: the inode stays, so a symbolic link
    keeps pointing at the fixed file, hard links keep sharing it, and the owner, group, mode,
    ACLs and extended attributes stay as they were, with nothing to copy (a copy would need
    privileges to keep another user's ownership, and would miss what this code does not know
    of). What that gives up is atomicity against a crash in the middle of the write; a full
    disk is covered: the file is first extended to the new length, so that running out of
    space fails before any byte of the old contents is overwritten.

    Returns False, writing nothing, when the file no longer holds the bytes the fix was
    planned on (it changed during the run).
    """
    with open(os.path.realpath(path), "r+b") as stream:
        if stream.read() != before:
            return False
        if len(data) > len(before):
            _reserve(stream.fileno(), len(data))
        stream.seek(0)
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())
    return True


def _reserve(descriptor: int, size: int) -> None:
    """Allocate the file's new length before writing (ENOSPC now, not halfway through)."""
    try:
        os.posix_fallocate(descriptor, 0, size)
    except AttributeError:  # no posix_fallocate (macOS): the write may still fail halfway on a full disk
        return
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            raise  # ENOSPC, EFBIG...: nothing written yet


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after its fixes (BOM kept apart, written back as found)."""

    path: Path
    display: str
    old: str
    new: str
    bom: bool
    before: bytes  # the bytes the fixes were planned on

    def data(self) -> bytes:
        return (_BOM if self.bom else b"") + self.new.encode("utf-8")

    def diff(self) -> str:
        return unified_diff(self.display, self.old, self.new)


_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes, read once: linted, planned on, and compared with the file right before writing."""

    path: Path
    display: str
    format: str
    raw: bytes


def snapshots(sources: list[Source]) -> tuple[list[Source], list[Snapshot]]:
    """The sources to lint (each file read once, its bytes in the source) and the snapshots taken."""
    linted: list[Source] = []
    taken: list[Snapshot] = []
    for source in sources:
        if source.path is None or source.problem is not None:
            linted.append(source)
            continue
        try:
            raw = source.path.read_bytes()
        except OSError:
            linted.append(source)  # reported as unreadable by the lint, as without --fix
            continue
        taken.append(Snapshot(source.path, source.display, source.format, raw))
        linted.append(replace(source, path=None, data=raw))
    return linted, taken


Relint = Callable[[Source], list[Diagnostic]]


def plan(diagnostics: list[Diagnostic], taken: list[Snapshot], unsafe: bool, relint: Relint) -> list[FileChange]:
    """The change each fixable file would get; files that would not change are left out."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if fixable(diagnostic, unsafe):
            by_file.setdefault(diagnostic.file, []).append(diagnostic)
    changes = []
    planned: set[str] = set()
    for snapshot in taken:
        found = by_file.get(snapshot.display)
        target = os.path.realpath(snapshot.path)
        if target in planned:  # named twice, or a link and its target: one change, written once
            continue
        change = _change_for(snapshot, found, unsafe, relint) if found else None
        if change:
            changes.append(change)
            planned.add(target)
    return changes


def _change_for(snapshot: Snapshot, found: list[Diagnostic], unsafe: bool, relint: Relint) -> FileChange | None:
    raw = snapshot.raw
    bom = raw.startswith(_BOM)
    try:
        old = raw[len(_BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    new = old
    for _ in range(MAX_PASSES):
        waiting: list[TextEdit] = []
        fixed = fix_text(new, snapshot.format, found, waiting)
        if fixed == new:
            break
        new = fixed
        if not waiting:
            break  # every planned edit made: nothing for another pass (and no second lint of the file)
        data = (_BOM if bom else b"") + new.encode("utf-8")
        again = relint(Source(snapshot.display, None, snapshot.format, True, data))
        found = [d for d in again if fixable(d, unsafe)]
    return FileChange(snapshot.path, snapshot.display, old, new, bom, raw) if new != old else None
