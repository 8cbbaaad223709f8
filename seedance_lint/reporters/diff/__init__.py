"""Reporters for `cost diff`: table (terminal), json, markdown (a pull-request comment), github (annotations).

Each format is a module with ``stream(diff, root) -> Iterator[str]``, imported when first asked for; ``LINES`` names
the formats that point at a task's line (the pipeline then locates each task: a scan of a JSON file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedance_lint.cost.diff import CostDiff

#: Format name -> module of seedance_lint.reporters.diff.
_MODULES = {"table": "table", "json": "json_", "markdown": "markdown", "github": "github"}
#: The formats that need each task's line.
LINES = frozenset({"github"})

#: A format: the diff and the repository's root (where annotation paths start; None: as shown) to text.
Stream = Callable[["CostDiff", "str | None"], Iterator[str]]


class _Formats(Mapping[str, Stream]):
    """Format name -> its stream, the module imported when the format is first asked for."""

    def __getitem__(self, name: str) -> Stream:
        stream: Stream = import_module(f"seedance_lint.reporters.diff.{_MODULES[name]}").stream
        return stream

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


DIFF_REPORTERS: Mapping[str, Stream] = _Formats()
