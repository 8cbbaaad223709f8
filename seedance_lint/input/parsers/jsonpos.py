"""A JSON parser that remembers where every key and value is.

The standard library and orjson give no positions and silently keep the last
of duplicate keys, so the explaining path parses again with this one. It
accepts exactly RFC 8259 JSON: no NaN/Infinity, no trailing commas.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import Enum
from json.decoder import (  # type: ignore[attr-defined]  # scanstring: there (C or Python), not in typeshed
    JSONDecodeError,
    scanstring,
)
from typing import Final

from seedance_lint.core.pointer import child_pointer, escape_token
from seedance_lint.input.parsers.positions import LineIndex, Position, Positions, too_many_digits

#: Deeper documents are refused (a request is a handful of levels deep); this
#: keeps the recursive parser far from Python's recursion limit.
MAX_DEPTH = 200

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NON_FINITE = re.compile(r"-?(?:NaN|Infinity)")
_LITERALS = (("true", True), ("false", False), ("null", None))


class JsonSyntaxError(ValueError):
    """Malformed JSON at a character offset; ``kind`` picks the rule that reports it."""

    def __init__(self, message: str, offset: int, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.kind = kind


@dataclass
class Duplicate:
    pointer: str
    key_offset: int
    first_offset: int
    first_end: int = 0  # where the earlier member's value ends


@dataclass
class ParsedJson:
    value: object
    positions: Positions
    duplicates: list[tuple[str, tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def parse(text: str, first_line: int = 1) -> ParsedJson:
    """Parse ``text``; positions are numbered from ``first_line``."""
    parser = _Parser(text)
    value = parser.document()
    lines = LineIndex(text, first_line)
    positions = Positions(
        keys={pointer: lines.position(offset) for pointer, offset in parser.keys.items()},
        values={pointer: lines.position(offset) for pointer, offset in parser.values.items()},
    )
    duplicates = [
        (dup.pointer, lines.position(dup.key_offset), lines.position(dup.first_offset)) for dup in parser.duplicates
    ]
    return ParsedJson(value, positions, duplicates)


@dataclass(frozen=True)
class Spans:
    """Character offsets for editing: member key starts, value spans, repeated members."""

    keys: dict[str, int]
    values: dict[str, tuple[int, int]]
    duplicates: list[tuple[str, int, int]]  # pointer, start of the earlier key, end of its value


def parse_spans(text: str) -> Spans:
    """Offsets rather than positions; raises JsonSyntaxError like :func:`parse`."""
    parser = _Parser(text)
    parser.document()
    values = {pointer: (start, parser.ends[pointer]) for pointer, start in parser.values.items()}
    earlier = [(d.pointer, d.first_offset, d.first_end) for d in parser.duplicates]
    return Spans(dict(parser.keys), values, earlier)


def error_position(text: str, error: JsonSyntaxError, first_line: int = 1) -> tuple[int, int]:
    return LineIndex(text, first_line).position(min(error.offset, len(text)))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[str, int] = {}
        self.values: dict[str, int] = {}
        self.ends: dict[str, int] = {}  # where each value ends (for --fix edits)
        self.duplicates: list[Duplicate] = []

    def document(self) -> object:
        index = self._skip(0)
        if index == len(self.text):
            raise JsonSyntaxError("expected a JSON value, found the end of the file", index, "empty")
        value, index = self._value(index, "", 0)
        index = self._skip(index)
        if index != len(self.text):
            raise JsonSyntaxError("unexpected data after the end of the JSON value", index)
        return value

    def _skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        assert match is not None  # `[ \t\n\r]*` matches anywhere, if only the empty string
        return match.end()

    def _value(self, index: int, pointer: str, depth: int) -> tuple[object, int]:
        self.values[pointer] = index
        value, end = self._parse_value(index, pointer, depth)
        self.ends[pointer] = end
        return value, end

    def _parse_value(self, index: int, pointer: str, depth: int) -> tuple[object, int]:
        char = self.text[index : index + 1]
        if char == "{":
            return self._object(index, pointer, depth + 1)
        if char == "[":
            return self._array(index, pointer, depth + 1)
        if char == '"':
            return self._string(index)
        return self._scalar(index)

    def _string(self, index: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, index + 1, True)
        except JSONDecodeError as error:
            # json's messages end in " at" (it appends the position); ours is reported separately.
            raise JsonSyntaxError(error.msg.lower().removesuffix(" at").removesuffix(" starting"), error.pos) from None

    def _scalar(self, index: int) -> tuple[object, int]:
        for word, value in _LITERALS:
            if self.text.startswith(word, index):
                return value, index + len(word)
        if _NON_FINITE.match(self.text, index):
            raise JsonSyntaxError("NaN and Infinity are not JSON numbers", index, "non-finite")
        number = _NUMBER.match(self.text, index)
        if not number:
            raise JsonSyntaxError("expected a JSON value", index)
        return self._number(number), number.end()

    def _number(self, match: re.Match[str]) -> int | float:
        if not match.group(1) and not match.group(2):
            try:
                return int(match.group())
            except ValueError:  # past Python's digit limit (4,300): refused, as a hostile file is
                raise JsonSyntaxError(too_many_digits(match.group()), match.start(), "too-large") from None
        value = float(match.group())
        if not math.isfinite(value):
            raise JsonSyntaxError("number is too large to represent", match.start(), "non-finite")
        return value

    def _check_depth(self, index: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise JsonSyntaxError(f"nested deeper than {MAX_DEPTH} levels", index, "too-deep")

    def _array(self, index: int, pointer: str, depth: int) -> tuple[list, int]:
        self._check_depth(index, depth)
        items: list = []
        index = self._skip(index + 1)
        if self.text.startswith("]", index):
            return items, index + 1
        while True:
            item, index = self._value(index, child_pointer(pointer, len(items)), depth)
            items.append(item)
            index = self._skip(index)
            index = self._separator(index, "]")
            if index < 0:
                return items, -index
            index = self._skip(index)

    def _separator(self, index: int, closer: str) -> int:
        """Index after a comma, or the negated index after the closer."""
        char = self.text[index : index + 1]
        if char == ",":
            follow = self._skip(index + 1)
            if self.text.startswith(closer, follow):
                raise JsonSyntaxError(f"trailing comma before '{closer}'", index)
            return index + 1
        if char == closer:
            return -(index + 1)
        found = repr(char) if char else "the end of the file"
        raise JsonSyntaxError(f"expected ',' or '{closer}', found {found}", index)

    def _object(self, index: int, pointer: str, depth: int) -> tuple[dict, int]:
        self._check_depth(index, depth)
        members: dict = {}
        index = self._skip(index + 1)
        if self.text.startswith("}", index):
            return members, index + 1
        while True:
            index = self._member(index, pointer, members, depth)
            index = self._separator(self._skip(index), "}")
            if index < 0:
                return members, -index
            index = self._skip(index)

    def _member(self, index: int, pointer: str, members: dict, depth: int) -> int:
        if not self.text.startswith('"', index):
            raise JsonSyntaxError("expected a member name in double quotes", index)
        key, after = self._string(index)
        member = child_pointer(pointer, key)
        if key in members:
            self.duplicates.append(Duplicate(member, index, self.keys[member], self.ends[member]))
        self.keys[member] = index
        after = self._skip(after)
        if not self.text.startswith(":", after):
            raise JsonSyntaxError("expected ':' after the member name", after)
        value, after = self._value(self._skip(after + 1), member, depth)
        members[key] = value
        return after


#: The tokens of valid JSON text that carry a position: a member name with its colon (group 2 is the
#: colon), a string or scalar value (1 or 3), an opening brace (4) or bracket (5), or a closing one
#: (no group). Commas and colons are skipped: an array's index is counted from its values.
_STRING_PATTERN = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(rf'({_STRING_PATTERN})([ \t\n\r]*:)?|([^\s{{}}\[\]:,"]+)|(\{{)|(\[)|[}}\]]')
_NAME, _OBJECT, _ARRAY = 2, 4, 5


def valid_positions(text: str, first_line: int = 1, root: object = None) -> LazyPositions:
    """parse(text).positions for text known to be valid JSON without duplicate keys (orjson read it).

    ``root``, when given, is the value orjson read from the text: it tells
    which members the root object has without a search.
    """
    return LazyPositions(text, first_line, root)


#: Offsets of keys and of values, by pointer.
Offsets = tuple[dict[str, int], dict[str, int]]


class LazyPositions:
    """The positions of valid JSON text, found when first looked up and kept as offsets.

    A failing task of a batch has a position or two looked up out of dozens.
    A member of the root object (most findings' pointers) is found by a
    search for its quoted name; a pointer below one is found by a scan of
    that member's value only; anything else by one scan of the text. Offsets
    become (line, column) only for the pointers looked up.
    """

    def __init__(self, text: str, first_line: int = 1, root: object = None) -> None:
        self._text = text
        self._lines = LineIndex(text, first_line)
        self._members = root if isinstance(root, dict) else None
        self._plain = "\\" not in text  # no escape anywhere: every name is spelled as itself
        self._scans: dict[str | None, Offsets] = {}  # a root member's name (None: the whole text) -> its offsets
        self._found: dict[str, tuple[int, int] | _Unsure | None] = {}  # a root member's name -> _root_member's answer

    def of_key(self, pointer: str) -> Position | None:
        keys, values = self._offsets(pointer)
        offset = keys.get(pointer, values.get(pointer))
        return None if offset is None else self._lines.position(offset)

    def of_value(self, pointer: str) -> Position | None:
        keys, values = self._offsets(pointer)
        offset = values.get(pointer, keys.get(pointer))
        return None if offset is None else self._lines.position(offset)

    def nearest(self, pointer: str) -> Position:
        """The value position of the pointer or of its closest ancestor."""
        while True:
            offset = self._offsets(pointer)[1].get(pointer)
            if offset is not None or not pointer:
                return (1, 1) if offset is None else self._lines.position(offset)
            pointer = pointer.rsplit("/", 1)[0]

    def resolved(self) -> Positions:
        """Every position, converted (for tests that compare with the position parser's)."""
        keys, values = self._scanned(None)
        position = self._lines.position
        return Positions({p: position(o) for p, o in keys.items()}, {p: position(o) for p, o in values.items()})

    def _offsets(self, pointer: str) -> Offsets:
        """Offsets that hold the pointer's, if it is in the text: of the member it is in, or of the whole text."""
        if not pointer:
            return {}, {"": len(self._text) - len(self._text.lstrip(" \t\n\r"))}
        if pointer[0] != "/":
            return self._scanned(None)  # not a pointer: the scan does not hold it either
        name = pointer.split("/", 2)[1]
        member = self._found.get(name, _UNSURE)
        if name not in self._found:  # each search reads the text: a plan's 10,000 lines would read it 10,000 times
            member = self._found[name] = self._root_member(name) if _PLAIN_NAME.fullmatch(name) else _UNSURE
        if member is _UNSURE:
            return self._scanned(None)
        if member is None:
            return {}, {}  # the root object has no such member
        if pointer.count("/") == 1:
            return {pointer: member[0]}, {pointer: member[1]}
        return self._scanned(name, member[1])

    def _root_member(self, name: str) -> tuple[int, int] | _Unsure | None:
        """(key offset, value offset) of the root object's member ``name`` (spelled plainly), found by
        search; None if there is none; _UNSURE when a search cannot tell."""
        text, quoted = self._text, f'"{name}"'
        if self._members is not None and self._plain:
            if name not in self._members:
                return None
            start = text.find(quoted)  # without escapes, a name's only spelling is the root's member
            if text.find(quoted, start + 1) == -1:
                colon = _COLON.match(text, start + len(quoted))
                return (start, colon.end()) if colon else _UNSURE
        start = text.find(quoted)
        if start != -1:  # only the first occurrence is tried: trying each would be quadratic in the text
            colon = _COLON.match(text, start + len(quoted))
            return (start, colon.end()) if colon and _depth(text[:start]) == 1 else _UNSURE
        # Not there: absent, if the root is an object and no name can be escaped (the text has no backslash).
        return None if self._plain and text.lstrip(" \t\n\r")[:1] == "{" else _UNSURE

    def _scanned(self, name: str | None, start: int = 0) -> Offsets:
        if name not in self._scans:
            self._scans[name] = _token_offsets(self._text, start, "" if name is None else f"/{name}")
        return self._scans[name]


class _Unsure(Enum):
    UNSURE = "unsure"


#: What LazyPositions._root_member answers when a search cannot tell.
_UNSURE: Final = _Unsure.UNSURE
#: A member name that is written as itself in JSON and in a pointer (no escapes either way).
_PLAIN_NAME = re.compile(r'[^"\\/~\x00-\x1f\x7f-\x9f\u2028\u2029]+')
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_STRING = re.compile(_STRING_PATTERN)


def _depth(prefix: str) -> int:
    """How many containers are open at the end of ``prefix`` of valid JSON text; -1 if it ends in a string."""
    outside = _STRING.sub("", prefix)
    if '"' in outside:
        return -1
    return outside.count("{") + outside.count("[") - outside.count("}") - outside.count("]")


def _token_offsets(text: str, start: int = 0, base: str = "") -> Offsets:
    """(pointer -> offset of its key, pointer -> offset of its value) of every member and item of the
    value that begins at ``start``, whose pointer is ``base`` (by default: the whole text)."""
    keys: dict[str, int] = {}
    values: dict[str, int] = {}
    parents, items = [""], [-1]  # each open container's pointer, and its next index (-1: an object)
    pointer = base
    for match in _TOKEN.finditer(text, start):
        kind = match.lastindex
        if kind == _NAME:
            pointer = f"{parents[-1]}/{_pointer_token(match.group(1))}"
            keys[pointer] = match.start()
            continue
        if kind is None:
            parents.pop()
            items.pop()
        else:
            index = items[-1]
            if index >= 0:
                pointer = f"{parents[-1]}/{index}"
                items[-1] = index + 1
            values[pointer] = match.start()
            if kind in (_OBJECT, _ARRAY):
                parents.append(pointer)
                items.append(-1 if kind == _OBJECT else 0)
                continue
        if len(parents) == 1:
            break  # the value at base is complete
    return keys, values


def _pointer_token(quoted: str) -> str:
    """A member name, as written in JSON, as an RFC 6901 reference token (escapes are rare: tested first)."""
    name = quoted[1:-1] if "\\" not in quoted else scanstring(quoted, 1, True)[0]
    return name if "~" not in name and "/" not in name else escape_token(name)
