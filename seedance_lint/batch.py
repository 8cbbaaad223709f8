"""JSON Lines in chunks: the accept path run over many lines at once.

A large batch is mostly clean tasks. Taken one line at a time, each stage
costs a Python round trip per line; here a chunk of lines is parsed with one
orjson map, validated with one map of the accept-path validator, and checked
for duplicate keys and credentials with a few byte counts over the whole
chunk. A line that passes all of that is *accepted*: a clean task for this
model with no duplicate key and nothing a secret rule could flag, so the only
thing left to do with it is to register its taskUUID (the engine does, a run
of lines at a time). Every other line goes through documents.load_line, the
per-line path, so what is reported never depends on the chunking: a property
test lints the same lines both ways.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_not
from typing import BinaryIO

import orjson

from seedance_lint.documents import EMPTY_JSONL, Document, Loaded, Problem, has_long_integer, load, load_line
from seedance_lint.fastpath import accepts_all
from seedance_lint.parsers.jsonpos import MAX_DEPTH
from seedance_lint.rules.secrets import may_hold_secret
from seedance_lint.sources import Source

#: How much of a file is read per chunk: large enough to make per-chunk work
#: negligible, small enough that the chunk's parsed values are still in the CPU
#: cache when they are checked or priced (1 MB chunks took a quarter longer).
CHUNK_BYTES = 128 << 10
#: A large task's size in bytes (the benchmark's average 740); see expected_tasks.
BYTES_PER_TASK = 1024
#: Every byte but an opening bracket and the line feed (deleted to count a line's opening brackets).
_NOT_OPENING = bytes(sorted(set(range(256)) - set(b"{[\n")))
#: A quote written as an escape: it would make the quote counts below disagree.
_ESCAPED_QUOTE = b"\\u0022"


@dataclass(frozen=True)
class AcceptedRun:
    """Consecutive accepted lines: clean tasks with nothing to report but their taskUUIDs."""

    first_line: int
    lines: list[bytes]
    values: list[dict]

    def text(self, offset: int) -> str:
        return self.lines[offset].decode("utf-8").rstrip("\r\n")


def load_accepting(source: Source) -> Iterator[Loaded | AcceptedRun]:
    """documents.load, with the accepted lines of a JSON Lines file gathered into runs."""
    return _chunked(source, _items)


def _chunked(source: Source, items) -> Iterator:  # noqa: ANN001 - _items or _value_items
    if source.format != "jsonl" or source.path is None or source.problem is not None:
        yield from load(source)
        return
    try:
        with open(source.path, "rb") as stream:  # streamed: a batch may be larger than memory
            yield from items(_read_chunks(stream))
    except OSError as error:
        yield Problem("SDL001", f"cannot read the file: {error.strerror or error}", (1, 1))


#: A chunk of whole lines, and their bytes joined when at hand (else None: joined where needed).
Chunk = tuple[bytes | None, list[bytes]]


def _read_chunks(stream: BinaryIO) -> Iterator[Chunk]:
    """The file in chunks of whole lines of about CHUNK_BYTES, each with its bytes: no join to count them."""
    while data := stream.read(CHUNK_BYTES):
        if not data.endswith(b"\n"):
            data += stream.readline()
        yield data, io.BytesIO(data).readlines()  # lines as the file's readlines() splits them: at b"\n" only


@dataclass(frozen=True)
class ValueRun:
    """Consecutive lines parsed by orjson alone, with values exactly as the position parser reads them."""

    first_line: int
    values: list[object]


def load_values(source: Source) -> Iterator[Loaded | ValueRun]:
    """documents.load for `cost`: values only (no findings to locate), a chunk of lines at a time.

    Duplicate keys do not matter here (both parsers keep the last value); an
    integer of 19 digits or more might (orjson rounds past 64 bits), so a
    chunk that holds one takes the per-line path.
    """
    return _chunked(source, _value_items)


def _value_items(chunks: Iterator[Chunk]) -> Iterator[Loaded | ValueRun]:
    return _runs(chunks, _values_of, lambda number, lines, values: ValueRun(number, values))


def _values_of(chunk: list[bytes], raw: bytes | None = None) -> list[object]:
    values = _parse(chunk)
    alike = _read_alike(chunk, values, raw)
    if all(alike):  # the usual chunk: every value as orjson read it
        return values
    return [value if ok else None for value, ok in zip(values, alike)]


def _read_alike(lines: list[bytes], values: list[object], raw: bytes | None = None) -> list[bool]:
    """Per line, whether orjson read a value and load_line would read the same: no integer of 19 digits
    or more (orjson rounds past 64 bits), no nesting past the position parser's MAX_DEPTH. Each test
    runs line by line only when the lines joined may fail it (rarely)."""
    raw = b"".join(lines) if raw is None else raw
    long, deep = has_long_integer(raw), _may_nest_too_deep_any(raw)
    read = list(map(is_not, values, repeat(None)))
    if not long and not deep:  # the usual lines: orjson read what it could as load_line would
        return read
    long_lines = map(has_long_integer, lines) if long else repeat(False)
    deep_lines = map(_may_nest_too_deep, lines) if deep else repeat(False)
    return [ok and not too_long and not too_deep for ok, too_long, too_deep in zip(read, long_lines, deep_lines)]


def _may_nest_too_deep_any(raw: bytes) -> bool:
    """Whether any line of ``raw`` may nest deeper than the position parser allows (no line has brackets
    enough, usually): the lines' opening brackets, the rest deleted, counted at C speed."""
    return max(map(len, raw.translate(None, _NOT_OPENING).split(b"\n"))) > MAX_DEPTH


def _may_nest_too_deep(line: bytes) -> bool:
    """Whether orjson (1,024 levels) may have read a line the position parser rejects (MAX_DEPTH levels)."""
    return line.count(b"{") + line.count(b"[") > MAX_DEPTH


def value_items_from(lines: list[bytes], first_line: int, data: bytes | None = None) -> Iterator[Loaded | ValueRun]:
    """load_values for some lines of a file (``data``: them joined, if at hand), from ``first_line`` on; no
    SDL002 when all are blank."""
    return _runs(_slices(lines, data), _values_of, lambda number, lines, values: ValueRun(number, values), first_line,
                 report_empty=False)


def expected_tasks(source: Source) -> int:
    """About how many tasks a JSON Lines file holds, from its size (0 for anything else).

    A high guess of the task size, so that the taskUUID table sized from it
    is rehashed less while the file is read but never made larger than it
    would grow to: at 512 bytes a task, a 1,000,000-task file took 20 MB more.
    """
    if source.format != "jsonl" or source.path is None or source.problem is not None:
        return 0
    try:
        return source.path.stat().st_size // BYTES_PER_TASK
    except OSError:
        return 0


def _items(chunks: Iterator[Chunk]) -> Iterator[Loaded | AcceptedRun]:
    return _runs(chunks, accept, AcceptedRun)


def items_from(lines: list[bytes], first_line: int, data: bytes | None = None) -> Iterator[Loaded | AcceptedRun]:
    """load_accepting for some lines of a file (``data``: them joined, if at hand), from ``first_line`` on;
    no SDL002 when all are blank."""
    return _runs(_slices(lines, data), accept, AcceptedRun, first_line, report_empty=False)


def _slices(lines: list[bytes], data: bytes | None = None) -> Iterator[Chunk]:
    """The lines in chunks of about CHUNK_BYTES, as a file is read; with their bytes, sliced from ``data``
    (the lines joined), when given."""
    start, size, offset = 0, 0, 0  # offset: where the chunk starts in data
    for end, line in enumerate(lines, 1):
        size += len(line)
        if size >= CHUNK_BYTES:
            yield None if data is None else data[offset : offset + size], lines[start:end]
            start, offset, size = end, offset + size, 0
    if start < len(lines):
        yield None if data is None else data[offset:], lines[start:]


def _runs(chunks: Iterator[Chunk], judge, make_run, first_line: int = 1,  # noqa: ANN001
          report_empty: bool = True) -> Iterator:
    """Runs of the lines ``judge`` gives a value to, and the loaded rest (None: load_line reads the line; a
    Parsed line: its value is kept)."""
    number, found = first_line, False  # the line number of the chunk's first line
    for raw, chunk in chunks:
        verdicts = judge(chunk, raw)
        if None not in verdicts and Parsed not in map(type, verdicts):  # the usual chunk: every line passes
            found = True
            yield make_run(number, chunk, verdicts)
            number += len(chunk)
            continue
        start = 0  # the first line of the current run
        for offset, value in enumerate(verdicts):
            if value is None or type(value) is Parsed:
                if start < offset:
                    found = True
                    yield make_run(number + start, chunk[start:offset], verdicts[start:offset])
                start = offset + 1
                line = chunk[offset]
                loaded = load_line(line, number + offset) if value is None else value.document(line, number + offset)
                if loaded is not None:
                    found = True
                    yield loaded
        if start < len(chunk):
            found = True
            yield make_run(number + start, chunk[start:], verdicts[start:])
        number += len(chunk)
    if not found and report_empty:
        yield EMPTY_JSONL


def accept(lines: list[bytes], raw: bytes | None = None) -> list[dict | Parsed | None]:
    """Each line's value where the accept path passes it; else a Parsed line to lint, or None (load_line).

    ``raw`` is the lines joined, when at hand.
    """
    values = _parse(lines)
    clean = accepts_all(values)
    taken = _taken(lines, values, clean, raw)
    if all(taken):
        return values
    rejected = [not ok for ok in taken]
    kept = iter(_kept(list(compress(lines, rejected)), list(compress(values, rejected)),
                      list(compress(clean, rejected))))
    return [value if ok else next(kept) for value, ok in zip(values, taken)]


def _taken(lines: list[bytes], values: list[object], clean: list[bool], raw: bytes | None) -> list[bool]:
    """Which lines are accepted: clean, and plain (no duplicate key, nothing for the secret rules)."""
    if not any(clean):
        return clean
    if raw is None or not all(clean):
        raw = b"".join(compress(lines, clean))
    if _plain(raw, list(compress(values, clean))):
        return clean
    return [ok and _plain(line, [v]) for line, v, ok in zip(lines, values, clean)]


def _kept(lines: list[bytes], values: list[object], clean: list[bool]) -> list[Parsed | None]:
    """For rejected lines, a Parsed line where orjson's value is what load_line would read, else None.

    The checks run over all the lines joined, and line by line only where that fails.
    """
    fit = _read_alike(lines, values)
    dumped = _dump_keeping_quotes(b"".join(compress(lines, fit)), list(compress(values, fit)))
    if dumped is None:  # a line lost a member to a duplicate key: find which
        fit = [ok and _dump_keeping_quotes(line, [v]) is not None for line, v, ok in zip(lines, values, fit)]
        dumped = orjson.dumps(list(compress(values, fit)))
    free = not may_hold_secret(dumped)
    found = iter([Parsed(v, free or not may_hold_secret(orjson.dumps([v])), not ok)
                  for v, ok in zip(compress(values, fit), compress(clean, fit))])
    return [next(found) if ok else None for ok in fit]


@dataclass(frozen=True)
class Parsed:
    """A line the accept path rejects, whose value orjson read as the position parser would."""

    value: object
    secret_free: bool  # the secret prefilter cleared its dump
    unclean: bool  # the accept path's validator rejected it

    def document(self, line: bytes, number: int) -> Document:
        return Document(self.value, number, line.decode("utf-8").rstrip("\r\n"), secret_free=self.secret_free,
                        unclean=self.unclean)


def _parse(lines: list[bytes]) -> list[object]:
    try:
        return list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:  # a blank line, a BOM, a syntax error: the per-line path explains
        return [_parse_or_none(line) for line in lines]


def _parse_or_none(line: bytes) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _plain(raw: bytes, values: list[object]) -> bool:
    """True when the raw lines hold no duplicate key and their values nothing a secret rule could flag."""
    dumped = _dump_keeping_quotes(raw, values)
    return dumped is not None and not may_hold_secret(dumped)


def _dump_keeping_quotes(raw: bytes, values: list[object]) -> bytes | None:
    """orjson's dump of the values read from ``raw``, if it kept every quote of it (no duplicate key); else None.

    orjson keeps the last of two equal keys and drops the other member, quotes
    and all; dumping what it kept gives back every other quote of the text
    (an escaped quote \\" stays one quote), unless one was written \\u0022. So
    equal quote counts mean no member was dropped: no duplicate key.
    """
    if b"\\" in raw and _ESCAPED_QUOTE in raw:  # one byte is found at memory speed; the escape, 50x slower
        return None
    try:
        dumped = orjson.dumps(values)
    except (TypeError, orjson.JSONEncodeError):
        return None
    return dumped if raw.count(b'"') == dumped.count(b'"') else None
