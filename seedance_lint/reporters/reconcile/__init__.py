"""Reporters for `reconcile`: table (terminal), markdown (PR comment), csv (spreadsheet), json; chosen by name.

Every format writes its rows as the bills are matched (a million bills never sit in memory), then the
summary. Modules are imported on first use: the command line lists the names without loading them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seedance_lint.cost.reconcile import Reconciliation

Stream = Callable[["Reconciliation"], Iterator[str]]

#: Format name -> module of seedance_lint.reporters.reconcile (with ``stream``).
_MODULES = {"table": "table", "json": "json_", "csv": "csv_", "markdown": "markdown"}


class _Formats(Mapping[str, Stream]):
    """Format name -> its stream function, the module imported when the format is first asked for."""

    def __getitem__(self, name: str) -> Stream:
        stream: Stream = import_module(f"seedance_lint.reporters.reconcile.{_MODULES[name]}").stream
        return stream

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


RECONCILE_REPORTERS: Mapping[str, Stream] = _Formats()
