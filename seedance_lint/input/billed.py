"""Runware responses read for `reconcile`: what each task was billed, or why it failed, with positions.

A file holds a response body (``{"data": [item, ...]}`` or ``{"errors": [...]}``), an array of items, or
JSON Lines of webhook bodies (each line a body or an item). JSON Lines files are read a line at a time, so a
million billed items never sit in memory. Numbers are parsed as Decimal from their text (never via float):
a bill of 0.0367 stays 0.0367.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, NamedTuple

from seedance_lint.input.documents import Problem, decode
from seedance_lint.input.parsers.jsonpos import LazyPositions, valid_positions
from seedance_lint.input.parsers.positions import Position

TASK_TYPE = "videoInference"
_LINE_SUFFIXES = (".jsonl", ".ndjson")
#: No bill is this large; a larger number (1e999) is a typo, and would overflow the sums' Decimal context.
MAX_BILL = Decimal(10) ** 12
#: One decoder for every line (json.loads would build one per call); numbers with a fraction become Decimal.
_DECODER = json.JSONDecoder(parse_float=Decimal)


class BilledItem(NamedTuple):
    """One videoInference item of a response with its cost."""

    task_uuid: str
    cost: Decimal
    file: str
    line: int
    pointer: str


class FailedTask(NamedTuple):
    """One entry of an ``errors`` response: a task that failed (not billed)."""

    task_uuid: str | None
    code: str
    message: str
    file: str
    line: int
    pointer: str


class BilledProblem(NamedTuple):
    """What cannot be read as a bill: located, with a stable code."""

    file: str
    problem: Problem


class Skipped(NamedTuple):
    """An item of another taskType (an imageInference of the same batch): counted, not reconciled."""

    task_type: str


Billed = BilledItem | FailedTask | BilledProblem | Skipped


def read_billed(display: str, path: Path | None, data: bytes | None = None) -> Iterator[Billed]:
    """Every item of one billed file (``data``: standard input's bytes), in file order."""
    if data is None and path is not None and path.suffix.lower() in _LINE_SUFFIXES:
        with path.open("rb") as stream:
            yield from _lines(display, stream)
        return
    raw = data if data is not None else path.read_bytes() if path is not None else b""
    text = decode(raw)
    if isinstance(text, Problem):
        yield BilledProblem(display, text)
        return
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":  # more than one value: JSON Lines given another name (stdin)
            yield _syntax(display, error, 1)
            return
        yield from _lines(display, iter(raw.splitlines(keepends=True)))
        return
    yield from _items(display, value, text, 1)


def _lines(display: str, lines: BinaryIO | Iterator[bytes]) -> Iterator[Billed]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        text = decode(line.rstrip(b"\r\n"), number)  # a line's own text: one line, located without a scan
        if isinstance(text, Problem):
            yield BilledProblem(display, text)
            continue
        try:
            value = _DECODER.decode(text)
        except json.JSONDecodeError as error:
            yield _syntax(display, error, number)
            continue
        yield from _items(display, value, text, number)


def _syntax(display: str, error: json.JSONDecodeError, first_line: int) -> BilledProblem:
    where = (first_line + error.lineno - 1, error.colno)
    return BilledProblem(display, Problem("RCN001", f"not valid JSON: {error.msg}; fix the response file", where))


def _items(display: str, value: object, text: str, first_line: int) -> Iterator[Billed]:
    """The items of one JSON value: a body, an array of items, or one item."""
    place = _Place(display, text, first_line)
    if isinstance(value, dict) and ("data" in value or "errors" in value):
        for key in ("data", "errors"):
            members = value.get(key, [])
            if not isinstance(members, list):
                yield place.problem("RCN002", f"/{key}", f"`{key}` is not an array of items", "give a list")
                continue
            read = _item if key == "data" else _error
            for index, member in enumerate(members):
                yield read(place, member, f"/{key}/{index}")
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield _item(place, member, f"/{index}")
    elif isinstance(value, dict) and "taskType" in value:
        yield _item(place, value, "")
    else:
        yield place.problem(
            "RCN002",
            "",
            'not a Runware response: expected {"data": [...]}, {"errors": [...]}, an array of items or an item',
            "pass response bodies only",
        )


class _Place:
    """One parsed value's text, where its items are located (the positions found once, when first asked)."""

    def __init__(self, display: str, text: str, first_line: int) -> None:
        self.display, self.text, self.first_line = display, text, first_line
        self._positions: LazyPositions | None = None

    def position(self, pointer: str) -> Position:
        if self._positions is None:
            self._positions = valid_positions(self.text, self.first_line)
        return self._positions.nearest(pointer)

    def line_of(self, pointer: str) -> int:
        if not pointer or "\n" not in self.text:  # a JSON Lines line: its own line (no scan of the text)
            return self.first_line
        return self.position(pointer)[0]

    def problem(self, code: str, pointer: str, what: str, fix: str) -> BilledProblem:
        return BilledProblem(self.display, Problem(code, f"{what}; {fix}", self.position(pointer), pointer))


def _item(place: _Place, item: object, pointer: str) -> Billed:
    if not isinstance(item, dict):
        return place.problem("RCN002", pointer, "an item is not an object", "each item is a JSON object")
    task_type = item.get("taskType")
    if task_type != TASK_TYPE:
        if isinstance(task_type, str):
            return Skipped(task_type)
        return place.problem("RCN002", pointer, "the item has no taskType string", 'add "taskType"')
    uuid = item.get("taskUUID")
    if not isinstance(uuid, str) or not uuid:
        return place.problem(
            "RCN004", pointer, "the item has no taskUUID string, so it matches no request", "keep taskUUID"
        )
    cost = item.get("cost")
    if isinstance(cost, int) and not isinstance(cost, bool):
        cost = Decimal(cost)
    if not isinstance(cost, Decimal) or not cost.is_finite() or cost < 0 or cost >= MAX_BILL:
        return place.problem(
            "RCN003",
            f"{pointer}/cost" if "cost" in item else pointer,
            f"the item's cost is {_described(item)}: a bill is a non-negative number of USD",
            'ask for it with "includeCost": true and pass the response as received',
        )
    return BilledItem(uuid, cost, place.display, place.line_of(pointer), pointer)


def _error(place: _Place, entry: object, pointer: str) -> Billed:
    if not isinstance(entry, dict):
        return place.problem("RCN002", pointer, "an error entry is not an object", "each entry is a JSON object")
    uuid = entry.get("taskUUID")
    code, message = entry.get("code"), entry.get("message")
    return FailedTask(
        uuid if isinstance(uuid, str) else None,
        code if isinstance(code, str) else "",
        message if isinstance(message, str) else "",
        place.display,
        place.line_of(pointer),
        pointer,
    )


def _described(item: dict) -> str:
    """What a cost that is not a bill is (never its value: the file may hold anything there)."""
    if "cost" not in item:
        return "missing"
    cost = item["cost"]
    if cost is None:
        return "null"
    if isinstance(cost, (int, Decimal)) and not isinstance(cost, bool):
        return "negative" if cost < 0 else "too large"
    return {bool: "a boolean", str: "a string", float: "not finite"}.get(type(cost), "not a number")
