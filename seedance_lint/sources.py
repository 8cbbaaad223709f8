"""Which files a run reads: the paths given, directories walked, or standard input."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

#: File name endings and the parser each one is read with.
FORMATS: dict[str, str] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}
#: Directories no one keeps request files in.
SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


@dataclass(frozen=True)
class Source:
    """One input: a file (named, or found in a directory) or standard input."""

    display: str
    path: Path | None
    format: str
    explicit: bool
    data: bytes | None = None  # standard input's bytes


class SourceError(Exception):
    """A path that does not exist: a usage error (exit 2)."""


def format_for(name: str, default: str = "json") -> str:
    return FORMATS.get(Path(name).suffix.lower(), default)


def discover(
    paths: Iterable[str],
    *,
    stdin: bytes | None = None,
    stdin_name: str = "-",
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> Iterator[Source]:
    for given in paths:
        if given == "-":
            yield Source(stdin_name, None, format_for(stdin_name, "auto"), True, stdin or b"")
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, given, include, exclude)
        elif path.exists() or path.is_symlink():
            yield Source(given, path, format_for(given), True)
        else:
            raise SourceError(f"{given}: no such file or directory")


def _walk(root: Path, given: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> Iterator[Source]:
    # os.walk does not follow directory symlinks, so symlink loops cannot trap it.
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            path = Path(directory, name)
            shown = os.path.join(given, os.path.relpath(path, root))
            if _wanted(shown, name, include, exclude):
                yield Source(shown, path, format_for(name), False)


def _wanted(shown: str, name: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if Path(name).suffix.lower() not in FORMATS:
        return False
    if any(fnmatch(shown, pattern) or fnmatch(name, pattern) for pattern in exclude):
        return False
    return not include or any(fnmatch(shown, pattern) or fnmatch(name, pattern) for pattern in include)
