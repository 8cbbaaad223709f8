"""Reporters for `reconcile`: table (terminal), markdown (PR comment), csv (spreadsheet), json; chosen by name.

Every format writes its rows as the bills are matched (a million bills never sit in memory), then the
summary. Modules are imported on first use: the command line lists the names without loading them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING

from seedance_lint.core.formats import LazyFormats

if TYPE_CHECKING:
    from seedance_lint.cost.reconcile import Reconciliation

Stream = Callable[["Reconciliation"], Iterator[str]]

#: Format name -> module of seedance_lint.reporters.reconcile (with ``stream``).
_MODULES = {"table": "table", "json": "json_", "csv": "csv_", "markdown": "markdown"}


RECONCILE_REPORTERS: Mapping[str, Stream] = LazyFormats(__name__, _MODULES, attrgetter("stream"))
