"""`check --fix`: apply fixes as text edits, so everything else in the file stays byte for byte.

Only the edited values (and removed members) change: key order, indentation,
line endings and comments are kept. Fixes are planned from the diagnostics of
a run, applied per document (a JSON file, a JSON Lines line, a single-document
YAML file), and written atomically.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from seedance_lint.core.diagnostic import Diagnostic, Edit
from seedance_lint.core.pointer import child_pointer
from seedance_lint.input.documents import Document, Problem, load_bytes
from seedance_lint.input.parsers import jsonpos
from seedance_lint.input.sources import Source
from seedance_lint.rules.secrets import API_KEY_MEMBERS

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


def fix_text(text: str, fmt: str, diagnostics: list[Diagnostic]) -> str:
    """The text with every applicable fix applied; unchanged where a document cannot be edited.

    A fix never makes a file unreadable: if the edited text no longer parses
    (a removed YAML member held an anchor that an alias uses, say), the file is left as it was.
    """
    if fmt == "jsonl":
        fixed = _fix_lines(text, diagnostics)
    elif fmt == "yaml":
        fixed = _fix_yaml(text, diagnostics)
    else:
        fixed = _fix_json(text, diagnostics)
    return fixed if fixed == text or _unreadable(fixed, fmt) <= _unreadable(text, fmt) else text


def _unreadable(text: str, fmt: str) -> int:
    """How many documents of the text fail to parse (a JSON Lines file may have some already)."""
    codes = {"SDL001", "SDL002", "SDL007", "SDL009"}
    return sum(isinstance(item, Problem) and item.code in codes for item in load_bytes(text.encode("utf-8"), fmt))


def _absolute_edits(diagnostics: list[Diagnostic]) -> list[Edit]:
    return [edit for d in diagnostics if d.fix for edit in d.fix.edits]


def _fix_json(text: str, diagnostics: list[Diagnostic]) -> str:
    try:
        spans = jsonpos.parse_spans(text)
    except jsonpos.JsonSyntaxError:
        return text
    edits = [_json_edit(text, spans, e) for e in _absolute_edits(diagnostics)]
    if any(d.code == DUPLICATE_KEY for d in diagnostics):
        edits += [_member_removal(text, start, end) for _, start, end in spans.duplicates]
    return apply(text, [e for e in edits if e])


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
    """Apply non-overlapping edits, last first; an edit overlapping an earlier-applied one is dropped."""
    limit = len(text) + 1
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if edit.end <= limit:
            text = text[: edit.start] + edit.text + text[edit.end :]
            limit = edit.start
    return text


def _fix_lines(text: str, diagnostics: list[Diagnostic]) -> str:
    by_line: dict[int, list[Diagnostic]] = {}
    for d in diagnostics:
        by_line.setdefault(d.line, []).append(d)
    # Only "\n" ends a JSON Lines line: splitlines() also splits at U+2028, \x85, \x1c... inside strings,
    # which shifted every later line (a fix for line 3 was applied to line 2).
    lines = text.split("\n")
    for number, found in by_line.items():
        if 1 <= number <= len(lines):
            body = lines[number - 1].rstrip("\r")
            lines[number - 1] = _fix_json(body, found) + lines[number - 1][len(body) :]
    return "\n".join(lines)


def _fix_yaml(text: str, diagnostics: list[Diagnostic]) -> str:
    try:
        nodes = list(yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        return text
    if len(nodes) != 1:
        return text  # multi-document streams: pointers do not say which document
    values, members, key_ends = _yaml_spans(nodes[0])
    edits = []
    for edit in _absolute_edits(diagnostics):
        if edit.remove and edit.pointer in members:
            edits.append(_yaml_line_removal(text, *members[edit.pointer]))
        elif not edit.remove and edit.pointer in values:
            edits.append(_yaml_value_edit(text, values[edit.pointer], key_ends.get(edit.pointer), edit.value))
    return apply(text, edits)


def _yaml_value_edit(text: str, span: tuple[int, int], key_end: int | None, value: object) -> TextEdit:
    start, end = span
    end = start + len(text[start:end].rstrip())  # a block collection ends at the next line's start
    if key_end is not None and "\n" in text[key_end:start]:
        # a block value below its key: the scalar goes on the key's line (`key: value`)
        return TextEdit(key_end, end, ": " + _yaml_scalar(value))
    return TextEdit(start, end, _yaml_scalar(value))


Spans = dict[str, tuple[int, int]]


def _yaml_spans(root: yaml.Node) -> tuple[Spans, Spans, dict[str, int]]:
    values: Spans = {}
    members: Spans = {}
    key_ends: dict[str, int] = {}
    stack = [("", root)]
    while stack:
        pointer, node = stack.pop()
        values[pointer] = (node.start_mark.index, node.end_mark.index)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                member = child_pointer(pointer, key.value)
                members[member] = (key.start_mark.index, value.end_mark.index)
                key_ends[member] = key.end_mark.index
                stack.append((member, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child_pointer(pointer, i), item) for i, item in enumerate(node.value))
    return values, members, key_ends


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


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, then rename over the original."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after its fixes (BOM kept apart, written back as found)."""

    path: Path
    display: str
    old: str
    new: str
    bom: bool

    def data(self) -> bytes:
        return (_BOM if self.bom else b"") + self.new.encode("utf-8")

    def diff(self) -> str:
        return unified_diff(self.display, self.old, self.new)


_BOM = b"\xef\xbb\xbf"


def plan(diagnostics: list[Diagnostic], sources: list[Source], unsafe: bool) -> list[FileChange]:
    """The change each fixable file would get; files that would not change are left out."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if fixable(diagnostic, unsafe):
            by_file.setdefault(diagnostic.file, []).append(diagnostic)
    changes = []
    for source in sources:
        found = by_file.get(source.display)
        if not found or source.path is None:
            continue
        change = _change_for(source, source.path, found)
        if change:
            changes.append(change)
    return changes


def _change_for(source: Source, path: Path, diagnostics: list[Diagnostic]) -> FileChange | None:
    try:
        raw = path.read_bytes()
        bom = raw.startswith(_BOM)
        old = raw[len(_BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    new = fix_text(old, source.format, diagnostics)
    return FileChange(path, source.display, old, new, bom) if new != old else None


def api_keys(text: str) -> list[str]:
    """Credentials held in a file's text (authentication apiKey values), to mask in a diff."""
    found: list[str] = []
    for fmt in ("json", "jsonl", "yaml"):
        for loaded in load_bytes(text.encode("utf-8"), fmt):
            if isinstance(loaded, Document):
                found += _members_named(loaded.value, API_KEY_MEMBERS)
        if found:
            break
    return found


def _members_named(value: object, names: frozenset[str]) -> list[str]:
    if isinstance(value, dict):
        own = [v for k, v in value.items() if isinstance(k, str) and k.lower() in names and isinstance(v, str)]
        return own + [s for v in value.values() for s in _members_named(v, names)]
    if isinstance(value, list):
        return [s for v in value for s in _members_named(v, names)]
    return []
