"""JSON values as the rules see them: what counts as an integer, and how a value is shown in a message."""

from __future__ import annotations

import json
from typing import TypeGuard


def show(value: object, limit: int = 60) -> str:
    """A short, printable JSON rendering of a value for messages."""
    if type(value) is int:  # the usual value shown (a size, a duration): json.dumps writes an int as repr does
        text = repr(value)
        return text if len(text) <= limit else text[: limit - 3] + "..."
    if type(value) is str and len(value) > limit:  # a 20 MB string is not dumped whole to show 57 characters:
        value = value[:limit]  # it is escaped character by character, so its dump begins as the whole one's
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError):
        text = repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_int(value: object) -> TypeGuard[int | float]:
    """A JSON integer: a Python int (not bool) or a float with no fractional part."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


#: The plain scalars that YAML 1.1 (PyYAML's resolver, most YAML tools before 1.2) reads as booleans and
#: YAML 1.2, which seedance-lint reads, as strings (true and false are booleans in both).
YAML11_BOOLEANS: dict[str, bool] = {
    word: meaning
    for meaning, words in ((True, ("yes", "on")), (False, ("no", "off")))
    for base in words
    for word in (base, base.capitalize(), base.upper())
}
