"""Reporters for `cost diff`: table (terminal), json, markdown (a pull-request comment), github (annotations).

Each format is a module with ``stream(diff, root) -> Iterator[str]``, imported when first asked for; ``LINES`` names
the formats that point at a task's line (the pipeline then locates each task: a scan of a JSON file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING

from seedance_lint.core.formats import LazyFormats

if TYPE_CHECKING:
    from seedance_lint.cost.diff import CostDiff

#: Format name -> module of seedance_lint.reporters.diff.
_MODULES = {"table": "table", "json": "json_", "markdown": "markdown", "github": "github"}
#: The formats that need each task's line.
LINES = frozenset({"github"})

#: A format: the diff and the repository's root (where annotation paths start; None: as shown) to text.
Stream = Callable[["CostDiff", "str | None"], Iterator[str]]


DIFF_REPORTERS: Mapping[str, Stream] = LazyFormats(__name__, _MODULES, attrgetter("stream"))
