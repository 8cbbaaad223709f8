"""Where each member of a parsed document sits in its file."""

from __future__ import annotations

import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Protocol

Position = tuple[int, int]  # 1-based line and column (Unicode code points)


@dataclass
class Positions:
    """Pointer -> position of the member's key and of its value."""

    keys: dict[str, Position] = field(default_factory=dict)
    values: dict[str, Position] = field(default_factory=dict)

    def of_key(self, pointer: str) -> Position | None:
        return self.keys.get(pointer) or self.values.get(pointer)

    def of_value(self, pointer: str) -> Position | None:
        return self.values.get(pointer) or self.keys.get(pointer)

    def nearest(self, pointer: str) -> Position:
        """The value position of the pointer or of its closest ancestor."""
        while True:
            found = self.values.get(pointer)
            if found or not pointer:
                return found or (1, 1)
            pointer = pointer.rsplit("/", 1)[0]


class PositionLookup(Protocol):
    """What the engine asks of positions: Positions, or jsonpos.LazyPositions for a document orjson read."""

    def of_key(self, pointer: str) -> Position | None: ...

    def of_value(self, pointer: str) -> Position | None: ...

    def nearest(self, pointer: str) -> Position: ...


class LineIndex:
    """Converts character offsets in a text to 1-based (line, column)."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0]
        start = text.find("\n")
        while start != -1:
            self._starts.append(start + 1)
            start = text.find("\n", start + 1)
        self._first_line = first_line

    def position(self, offset: int) -> Position:
        row = bisect_right(self._starts, offset) - 1
        return row + self._first_line, offset - self._starts[row] + 1


def too_many_digits(number: str) -> str:
    """Why an integer literal is refused: Python converts at most sys.get_int_max_str_digits() digits."""
    digits = sum(c.isdigit() for c in number)
    return (
        f"an integer of {digits:,} digits is longer than the {sys.get_int_max_str_digits():,} digits Python "
        "converts; no request needs one"
    )
