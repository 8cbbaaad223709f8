"""JSON Lines in chunks: a file read a chunk of whole lines at a time, each chunk parsed with one orjson map.

A large batch is mostly clean tasks. Taken one line at a time, each stage
costs a Python round trip per line; here a chunk of lines is parsed with one
orjson map, and a *judge* (the linter's accept path, or `cost`'s values-only
reading) says for every line whether its value can be taken as orjson read
it. Consecutive lines so taken come out as one run; every other line goes
through documents.load_line, the per-line path, so what is reported never
depends on the chunking: a property test reads the same lines both ways.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from operator import is_not
from pathlib import Path
from typing import BinaryIO

import orjson

from seedance_lint.input.documents import (
    EMPTY_JSONL,
    Document,
    Loaded,
    Problem,
    decode,
    has_long_integer,
    load,
    load_line,
    other_unicode,
)
from seedance_lint.input.parsers.jsonpos import MAX_DEPTH
from seedance_lint.input.sources import Source

#: How much of a file is read per chunk: large enough to make per-chunk work
#: negligible, small enough that the chunk's parsed values are still in the CPU
#: cache when they are checked or priced (1 MB chunks took a quarter longer).
CHUNK_BYTES = 128 << 10
#: Bytes of whole lines a worker process takes at a time (linting/blocks.py, cost/pipeline.py). A worker holds
#: its block twice (bytes and lines) and its findings: 4 MB blocks made each worker 10 MB larger and balanced
#: the work worse.
BLOCK_BYTES = 512 << 10
#: Files below this are read in the main process: starting workers would cost more than they save.
MIN_BYTES = 8 << 20
#: A large task's size in bytes (the benchmark's average 740); see expected_tasks.
BYTES_PER_TASK = 1024
#: Every byte but an opening bracket and the line feed (deleted to count a line's opening brackets).
_NOT_OPENING = bytes(sorted(set(range(256)) - set(b"{[\n")))
#: A quote written as an escape: it would make the quote counts below disagree.
_ESCAPED_QUOTE = b"\\u0022"

#: A chunk of whole lines, and their bytes joined when at hand (else None: joined where needed).
Chunk = tuple[bytes | None, list[bytes]]


@dataclass(frozen=True)
class Parsed:
    """A line a judge did not take, whose value orjson read as the position parser would."""

    value: object
    secret_free: bool  # the document rules' prefilter cleared its dump
    unclean: bool  # the accept path's validator rejected it

    def document(self, line: bytes, number: int) -> Document:
        return Document(
            self.value, number, line.decode("utf-8").rstrip("\r\n"), secret_free=self.secret_free, unclean=self.unclean
        )


#: What a judge says of each line of a chunk: its value (taken), a Parsed line, or None (load_line reads it).
Verdicts = list
Judge = Callable[[list[bytes], bytes | None], Verdicts]
#: Makes a run of taken lines: (number of the first line, the lines, their values).
MakeRun = Callable[[int, list[bytes], list], object]


def read_blocks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """The stream in blocks of whole lines of about ``size`` bytes (a block ends at a line feed or the end)."""
    while data := stream.read(size):
        if not data.endswith(b"\n"):
            data += stream.readline()
        yield data


class FileBlocks:
    """A file's blocks of whole lines (read_blocks), and the problem that stopped reading it, if one did.

    The problem is kept, not raised: the blocks are consumed by an executor loop, where an OSError
    from a worker must stay an error of the run, not become "cannot read the file".
    """

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        self.problem: Problem | None = None

    def __iter__(self) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as stream:
                yield from read_blocks(stream, self.size)
        except OSError as error:  # said as the serial path says it (chunked)
            self.problem = Problem("SDL001", f"cannot read the file: {error.strerror or error}", (1, 1))


def split_lines(data: bytes) -> list[bytes]:
    """Lines as a file's readlines() splits them: at b"\\n" only, each with its line feed."""
    return io.BytesIO(data).readlines()


def chunked(source: Source, judge: Judge, make_run: MakeRun) -> Iterator:
    """documents.load for a source, with the lines of a JSON Lines file ``judge`` takes gathered into runs."""
    if not source.streamable:
        yield from load(source)
        return
    assert source.path is not None  # streamable
    try:
        with open(source.path, "rb") as stream:  # streamed: a batch may be larger than memory
            if other_unicode(stream.peek(4)[:4]):  # UTF-16/32: its "\n" bytes end no line; said once, at line 1
                yield decode(stream.read(4))
                return
            chunks = ((data, split_lines(data)) for data in read_blocks(stream, CHUNK_BYTES))
            yield from runs(chunks, judge, make_run)
    except OSError as error:
        yield Problem("SDL001", f"cannot read the file: {error.strerror or error}", (1, 1))


def slices(lines: list[bytes], data: bytes | None = None) -> Iterator[Chunk]:
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


def runs(
    chunks: Iterator[Chunk], judge: Judge, make_run: MakeRun, first_line: int = 1, report_empty: bool = True
) -> Iterator:
    """Runs of the lines ``judge`` takes, and the loaded rest (None: load_line reads the line; a Parsed
    line: its value is kept)."""
    number, found = first_line, False  # the line number of the chunk's first line
    for raw, chunk in chunks:
        verdicts = judge(chunk, raw)
        if None not in verdicts and Parsed not in map(type, verdicts):  # the usual chunk: every line taken
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


@dataclass(frozen=True)
class ValueRun:
    """Consecutive lines parsed by orjson alone, with values exactly as the position parser reads them."""

    first_line: int
    values: list[object]


def _value_run(first_line: int, lines: list[bytes], values: list) -> ValueRun:
    return ValueRun(first_line, values)


def load_values(source: Source) -> Iterator[Loaded | ValueRun]:
    """documents.load for `cost`: values only (no findings to locate), a chunk of lines at a time.

    Duplicate keys do not matter here (both parsers keep the last value); an
    integer of 19 digits or more might (orjson rounds past 64 bits), so a
    chunk that holds one takes the per-line path.
    """
    return chunked(source, values_of, _value_run)


def value_items_from(lines: list[bytes], first_line: int, data: bytes | None = None) -> Iterator[Loaded | ValueRun]:
    """load_values for some lines of a file (``data``: them joined, if at hand), from ``first_line`` on; no
    SDL002 when all are blank."""
    return runs(slices(lines, data), values_of, _value_run, first_line, report_empty=False)


def values_of(chunk: list[bytes], raw: bytes | None = None) -> list[object]:
    """Each line's value where orjson reads what load_line would, else None."""
    values = parse_lines(chunk)
    alike = read_alike(chunk, values, raw)
    if all(alike):  # the usual chunk: every value as orjson read it
        return values
    return [value if ok else None for value, ok in zip(values, alike, strict=True)]


def read_alike(lines: list[bytes], values: list[object], raw: bytes | None = None) -> list[bool]:
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
    # not strict: a repeat(False) has no end
    return [
        ok and not too_long and not too_deep
        for ok, too_long, too_deep in zip(read, long_lines, deep_lines, strict=False)
    ]


def _may_nest_too_deep_any(raw: bytes) -> bool:
    """Whether any line of ``raw`` may nest deeper than the position parser allows (no line has brackets
    enough, usually): the lines' opening brackets, the rest deleted, counted at C speed."""
    return max(map(len, raw.translate(None, _NOT_OPENING).split(b"\n"))) > MAX_DEPTH


def _may_nest_too_deep(line: bytes) -> bool:
    """Whether orjson (1,024 levels) may have read a line the position parser rejects (MAX_DEPTH levels)."""
    return line.count(b"{") + line.count(b"[") > MAX_DEPTH


def splits(source: Source, min_bytes: int = MIN_BYTES) -> bool:
    """Whether a file is linted or priced in blocks: a readable JSON Lines file of ``min_bytes`` or more."""
    if not source.streamable:
        return False
    assert source.path is not None  # streamable
    try:
        if source.path.stat().st_size < min_bytes:
            return False
        with open(source.path, "rb") as stream:  # UTF-16/32: one problem, said by chunked(), not one a block
            return not other_unicode(stream.read(4))
    except OSError:
        return False


def expected_tasks(source: Source) -> int:
    """About how many tasks a JSON Lines file holds, from its size (0 for anything else).

    A high guess of the task size, so that the taskUUID table sized from it
    is rehashed less while the file is read but never made larger than it
    would grow to: at 512 bytes a task, a 1,000,000-task file took 20 MB more.
    """
    if not source.streamable:
        return 0
    assert source.path is not None  # streamable
    try:
        return source.path.stat().st_size // BYTES_PER_TASK
    except OSError:
        return 0


def parse_lines(lines: list[bytes]) -> list[object]:
    """orjson's value of each line, or None where it reads none."""
    try:
        return list(map(orjson.loads, lines))
    except orjson.JSONDecodeError:  # a blank line, a BOM, a syntax error: the per-line path explains
        return [_parse_or_none(line) for line in lines]


def _parse_or_none(line: bytes) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def dump_keeping_quotes(raw: bytes, values: list[object]) -> bytes | None:
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
