"""One reporter per output format, chosen by name from a table.

A reporter turns the finished run (diagnostics and summary) into text; only
the CLI writes it anywhere.
"""
from __future__ import annotations

from collections.abc import Callable

from seedance_lint.reporters import json_, text
from seedance_lint.reporters.base import Report

Reporter = Callable[[Report], str]

CHECK_REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_.render,
}
