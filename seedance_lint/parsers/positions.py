"""Where each member of a parsed document sits in its file."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Position = tuple[int, int]  # 1-based line and column (Unicode code points)


def escape_pointer_token(token: str) -> str:
    """RFC 6901: '~' becomes '~0' and '/' becomes '~1'."""
    return token.replace("~", "~0").replace("/", "~1")


def child_pointer(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_pointer_token(str(token))}"


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


class OffsetPositions:
    """Positions kept as character offsets, each turned into (line, column) only when asked.

    A failing task of a batch has a position or two looked up out of dozens
    found; converting all of them cost more than finding them.
    """

    def __init__(self, keys: dict[str, int], values: dict[str, int], lines: LineIndex) -> None:
        self._keys, self._values, self._lines = keys, values, lines

    def of_key(self, pointer: str) -> Position | None:
        offset = self._keys.get(pointer)
        return self.of_value(pointer) if offset is None else self._lines.position(offset)

    def of_value(self, pointer: str) -> Position | None:
        offset = self._values.get(pointer)
        if offset is None:
            offset = self._keys.get(pointer)
        return None if offset is None else self._lines.position(offset)

    def nearest(self, pointer: str) -> Position:
        """The value position of the pointer or of its closest ancestor."""
        while pointer and pointer not in self._values:
            pointer = pointer.rsplit("/", 1)[0]
        offset = self._values.get(pointer)
        return (1, 1) if offset is None else self._lines.position(offset)

    def resolved(self) -> Positions:
        """Every position, converted (for tests that compare with the position parser's)."""
        position = self._lines.position
        return Positions({p: position(o) for p, o in self._keys.items()},
                         {p: position(o) for p, o in self._values.items()})


#: What the engine looks positions up in: either kind.
AnyPositions = Positions | OffsetPositions


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
