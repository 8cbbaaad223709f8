"""The run's taskUUID registry: where each taskUUID was first seen, kept small enough for a million tasks."""

from __future__ import annotations

from array import array
from bisect import bisect_right


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
            return [
                o for o, u in enumerate(uuids) if self.setdefault(u, file, first_index + o) != (file, first_index + o)
            ]
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
