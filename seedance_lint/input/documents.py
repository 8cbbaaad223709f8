"""Bytes to documents: decoding, then the parser of the file's format.

The JSON paths parse with orjson first and fall back to the position-tracking
parser only when positions are needed (a finding to locate), when orjson
fails (to explain where), or when the text may hold duplicate keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

# yamlpos (and PyYAML, ~15 ms to import) is imported by _yaml_documents only:
# a run over JSON files never pays for it.
from seedance_lint.input.parsers import jsonpos
from seedance_lint.input.parsers.positions import Position, PositionLookup
from seedance_lint.input.sources import Source

_BOM = b"\xef\xbb\xbf"
#: Every object key in JSON text is a string followed by a colon; strings
#: inside values may match too, so the count is an upper bound on the keys.
_KEY_LIKE = re.compile(rb'"\s*:')
#: orjson reads integers outside [-2^63, 2^64) as rounded floats (a seed of 2^64 + 1 became 1.8446744073709552e+19);
#: they have at least 19 digits, and the slow parser keeps them exact.
#: Tested as "19 zeros once every digit is mapped to 0": the same answer as the regex
#: [0-9]{19}, at a fifth of its cost (re retries every start inside a run of digits).
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_INTEGER = b"0" * 19
_JSON_ERROR_CODES = {
    "syntax": "SDL001",
    "empty": "SDL002",
    "non-finite": "SDL008",
    "too-deep": "SDL009",
    "too-large": "SDL009",
}
_YAML_NOTE_CODES = {"duplicate-key": "SDL003", "yaml11": "SDL010", "tag": "SDL011", "non-finite": "SDL008"}
_YAML_ERROR_CODES = {"syntax": "SDL001", "too-deep": "SDL009", "too-large": "SDL009"}


@dataclass(frozen=True)
class Problem:
    """A finding of the loaders, located directly in the file."""

    code: str
    message: str
    position: Position
    pointer: str = ""


@dataclass
class Document:
    """One parsed JSON value (a whole file, a JSON Lines line, or a YAML document)."""

    value: object
    first_line: int = 1
    text: str | None = None
    notes: list[Problem] = field(default_factory=list)
    _positions: PositionLookup | None = None
    #: The secret prefilter (rules.secrets.may_hold_secret) cleared the value: no document rule can flag it.
    secret_free: bool = False
    #: The accept path's validator (fastpath) rejected the value: as a task, it goes straight to its rules.
    unclean: bool = False

    def positions(self) -> PositionLookup:
        """Positions, computed on first use from the text.

        A document without them was read by orjson (duplicate keys and long
        integers take the position parser at once), so its text is valid JSON
        and a scan of its tokens finds them.
        """
        if self._positions is None:
            self._positions = jsonpos.valid_positions(self.text or "", self.first_line, self.value)
        return self._positions


Loaded = Document | Problem


def load(source: Source) -> Iterator[Loaded]:
    """Every document of a source, or the problems that stop it from being read."""
    if source.problem is not None:
        yield Problem(*source.problem, (1, 1))
        return
    try:
        if source.format == "jsonl" and source.path is not None:
            yield from _jsonl_file(source.path)
            return
        if source.data is not None:
            data = source.data
        else:
            assert source.path is not None  # a source without its bytes is a file (input.sources)
            data = source.path.read_bytes()
    except OSError as error:
        yield Problem("SDL001", f"cannot read the file: {error.strerror or error}", (1, 1))
        return
    yield from load_bytes(data, source.format)


def load_bytes(data: bytes, format: str) -> Iterator[Loaded]:
    text = decode(data)
    if isinstance(text, Problem):
        yield text
        return
    if format == "auto":
        format = sniff(text)
    if format == "yaml":
        yield from _yaml_documents(text)
    elif format == "jsonl":
        # Only "\n" ends a JSON Lines line; splitlines() also splits inside strings at U+2028, \x85, \x1c...
        yield from _jsonl_byte_lines(line.encode("utf-8") for line in text.split("\n"))
    else:
        yield load_json_text(text, 1)


def sniff(text: str) -> str:
    """The format of text whose name does not decide (standard input, <(...), no suffix): JSON, JSON Lines or YAML.

    A YAML flow collection starts with "{" or "[" too: what follows the
    brackets tells them apart, as JSON's keys are quoted and its bare words are
    true, false and null only.
    """
    start = text.lstrip()[:1]
    if start not in ("{", "[") or _YAML_FLOW.match(text):
        return "yaml"
    first, _, rest = text.strip().partition("\n")
    if rest.strip() and _parses(first) and not _parses(text):
        return "jsonl"
    return "json"


#: After the opening brackets, a token JSON has no use for: an unquoted key or word, a comment, a quoted
#: single-quoted string. Anchored at the start, and its runs end at the first other character: linear.
_YAML_FLOW = re.compile(r"\s*(?:[\[{]\s*)+(?:#|'|(?!(?:true|false|null)\b)[A-Za-z_$~.])")


def _parses(text: str) -> bool:
    try:
        orjson.loads(text)
        return True
    except orjson.JSONDecodeError:
        return False


def decode(data: bytes, first_line: int = 1) -> str | Problem:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    encoding = other_unicode(data) if first_line == 1 else None
    if encoding:
        return Problem(
            "SDL007",
            f"the file is {encoding} text (it starts with that byte order mark), not UTF-8: JSON and YAML sent to "
            "the API are UTF-8 (RFC 8259), and a fix could not write it back as it was. Convert it, for example "
            f"with `iconv -f {encoding.split()[0]} -t UTF-8`",
            (first_line, 1),
        )
    if b"\x00" in data[:8192]:
        return Problem(
            "SDL007", "the file is binary (it contains NUL bytes), not a UTF-8 request file", (first_line, 1)
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        where = (first_line + before.count(b"\n"), column)
        return Problem(
            "SDL007", f"the file is not valid UTF-8: byte 0x{data[error.start]:02x} cannot be decoded", where
        )


#: Byte order marks of the other Unicode encodings; UTF-32's first, as UTF-32LE's starts with UTF-16LE's.
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32LE (little-endian)"),
    (b"\x00\x00\xfe\xff", "UTF-32BE (big-endian)"),
    (b"\xff\xfe", "UTF-16LE (little-endian)"),
    (b"\xfe\xff", "UTF-16BE (big-endian)"),
)


def other_unicode(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte order mark names, or None (no such mark)."""
    return next((name for bom, name in _OTHER_BOMS if data.startswith(bom)), None)


def load_json_text(text: str, first_line: int, raw: bytes | None = None) -> Loaded:
    """``raw``, when given, is ``text`` as UTF-8 (a JSONL line as read): it spares re-encoding it."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _load_json_slowly(text, first_line)
    data = raw if raw is not None else text.encode("utf-8")
    if _may_repeat_keys(text, value, data) or has_long_integer(data):
        return _load_json_slowly(text, first_line)
    return Document(value, first_line, text)


def has_long_integer(data: bytes) -> bool:
    """Whether the text holds a run of 19 digits or more (orjson may round such an integer)."""
    return _LONG_INTEGER in data.translate(_DIGITS_TO_ZERO)


def _may_repeat_keys(text: str, value: object, raw: bytes | None = None) -> bool:
    try:
        return len(_KEY_LIKE.findall(raw if raw is not None else text.encode("utf-8"))) != _count_keys(value, 0)
    except _TooDeep:  # orjson nests to 1024 levels; the slow parser reports SDL009 past ours
        return True


class _TooDeep(Exception):
    pass


def _count_keys(value: object, depth: int) -> int:
    # Runs on every task: plain loops and exact type tests (orjson builds only
    # dict and list) take half the time of sum() over generator expressions.
    if depth >= jsonpos.MAX_DEPTH:  # this value is nested at level depth + 1
        raise _TooDeep
    children: Iterable[object]
    if type(value) is dict:
        count = len(value)
        children = value.values()
    elif type(value) is list:
        count = 0
        children = value
    else:
        return 0
    for child in children:
        if type(child) is dict or type(child) is list:
            count += _count_keys(child, depth + 1)
    return count


def _load_json_slowly(text: str, first_line: int) -> Loaded:
    try:
        parsed = jsonpos.parse(text, first_line)
    except jsonpos.JsonSyntaxError as error:
        where = jsonpos.error_position(text, error, first_line)
        return Problem(_JSON_ERROR_CODES[error.kind], f"invalid JSON: {error.message}", where)
    notes = [
        Problem(
            "SDL003",
            f"duplicate key {pointer.rsplit('/', 1)[1]!r} (also at line {first[0]}); parsers keep only the last value",
            where,
            pointer,
        )
        for pointer, where, first in parsed.duplicates
    ]
    return Document(parsed.value, first_line, text, notes, parsed.positions)


def _jsonl_file(path: Path) -> Iterator[Loaded]:
    with open(path, "rb") as stream:  # streamed: a batch may be larger than memory
        yield from _jsonl_byte_lines(stream)


def _jsonl_byte_lines(lines: Iterable[bytes]) -> Iterator[Loaded]:
    found = False
    for number, raw in enumerate(lines, 1):
        loaded = load_line(raw, number)
        if loaded is not None:
            found = True
            yield loaded
        if number == 1 and other_unicode(raw):  # said once: its "\n" bytes do not end lines of UTF-16 text
            return
    if not found:
        yield EMPTY_JSONL


#: What an empty JSON Lines batch (no line but blank ones) is reported as.
EMPTY_JSONL = Problem("SDL002", "the file is empty: a JSON Lines batch needs one task per line", (1, 1))


def load_line(raw: bytes, number: int) -> Loaded | None:
    """One JSON Lines line as read (with its line break), or None for a blank line."""
    if number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        return None
    text = decode(raw, number)
    return text if isinstance(text, Problem) else load_json_text(text.rstrip("\r\n"), number, raw)


def _yaml_documents(text: str) -> Iterator[Loaded]:
    from seedance_lint.input.parsers import yamlpos

    try:
        parsed = yamlpos.parse_all(text)
    except yamlpos.YamlSyntaxError as error:
        yield Problem(_YAML_ERROR_CODES[error.kind], f"invalid YAML: {error.message}", error.position)
        return
    if not parsed:
        yield Problem("SDL002", "the file is empty: it holds no YAML document", (1, 1))
    for document in parsed:
        notes = [Problem(_YAML_NOTE_CODES[n.kind], n.message, n.position, n.pointer) for n in document.notes]
        yield Document(document.value, 1, None, notes, document.positions)
