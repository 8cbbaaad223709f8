"""A name table of output formats whose modules are imported on first use.

The command line lists the format names (argparse choices) without loading a reporter, and a run loads
only the format it writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from types import ModuleType
from typing import TypeVar

T = TypeVar("T")


class LazyFormats(Mapping[str, T]):
    """Format name -> ``pick(module)``, the module (``package.modules[name]``) imported when first asked for."""

    def __init__(self, package: str, modules: dict[str, str], pick: Callable[[ModuleType], T]) -> None:
        self._package, self._modules, self._pick = package, modules, pick

    def __getitem__(self, name: str) -> T:
        return self._pick(import_module(f"{self._package}.{self._modules[name]}"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)
