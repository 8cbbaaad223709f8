"""Text as it reaches a terminal or a log: one line, no control characters."""

from __future__ import annotations

import re

#: Control characters, DEL and Unicode line breaks: a key quoted raw could
#: start a new log line (a GitHub "::error" command) or drive the terminal (ESC).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(message: str) -> str:
    """The message on one line, with control characters written as escapes (\\n, \\x1b)."""
    if message.isprintable():  # the usual message: str.isprintable is false for every character replaced
        return message
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


#: What a spreadsheet reads as a formula when a cell starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


#: What markdown would read as syntax in a table cell: a column break, code, HTML, a link or an image.
_MARKDOWN_SPECIAL = str.maketrans(
    {"|": "\\|", "`": "\\`", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "!": "\\!"}
)
_MARKDOWN_CHARS = frozenset("|`<>[]!&\\")


def markdown_text(text: str) -> str:
    """Text shown as it is in a markdown table cell or quote: one line, its syntax escaped (a file name
    like `![x](http://…)` stays a name, not an image fetched by the reader's browser)."""
    text = printable(text)
    if _MARKDOWN_CHARS.isdisjoint(text):  # the usual cell: nothing to escape
        return text
    return text.replace("\\", "\\\\").replace("&", "&amp;").translate(_MARKDOWN_SPECIAL)
