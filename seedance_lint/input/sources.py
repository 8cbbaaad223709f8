"""Which files a run reads: the paths given, directories walked, or standard input."""
from __future__ import annotations

import os
import stat
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
    #: (code, message) of what stops this path from being read: an unreadable
    #: directory, or a FIFO or device that reading would block on or never end.
    problem: tuple[str, str] | None = None

    @property
    def streamable(self) -> bool:
        """A JSON Lines file on disk that can be read: streamed a chunk or a block of lines at a time."""
        return self.format == "jsonl" and self.path is not None and self.problem is None


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
    root: str = "",
) -> Iterator[Source]:
    """Sources for the paths given; include/exclude globs are relative to ``root`` (default: here)."""
    root = root or os.getcwd()
    for given in paths:
        if given == "-":
            yield Source(stdin_name, None, format_for(stdin_name, "auto"), True, stdin or b"")
            continue
        if not given:  # Path("") is ".": an empty argument (an unset shell variable) must not walk here
            raise SourceError(f"{given!r}: an empty path names no file")
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, given, include, exclude, root)
        elif path.exists() or path.is_symlink():
            kind = _special_kind(path)
            # A FIFO named on the command line is read (process substitution: <(...)); a device is not.
            problem = ("SDL001", f"cannot read {kind}: it is not a request file") if kind and kind != "a FIFO" else None
            yield Source(given, path, format_for(given), True, problem=problem)
        else:
            raise SourceError(f"{given}: no such file or directory")


def _walk(root: Path, given: str, include: tuple[str, ...], exclude: tuple[str, ...],
          globs_root: str) -> Iterator[Source]:
    # os.walk does not follow directory symlinks, so symlink loops cannot trap it.
    unreadable: list[OSError] = []
    for directory, subdirectories, files in os.walk(root, onerror=unreadable.append):
        yield from (_unreadable_directory(error, root, given) for error in unreadable)
        unreadable.clear()
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            path = Path(directory, name)
            shown = os.path.join(given, os.path.relpath(path, root))
            if _wanted(shown, name, include, exclude, globs_root):
                yield _found(shown, path, name)
    yield from (_unreadable_directory(error, root, given) for error in unreadable)


def _found(shown: str, path: Path, name: str) -> Source:
    kind = _special_kind(path)
    if kind:  # reading a FIFO found in a directory would wait for a writer forever
        return Source(shown, path, format_for(name), False,
                      problem=("SDL006", f"skipped: {kind} is not a regular file; name a regular file to lint it"))
    return Source(shown, path, format_for(name), False)


def _unreadable_directory(error: OSError, root: Path, given: str) -> Source:
    where = error.filename or str(root)
    shown = os.path.normpath(os.path.join(given, os.path.relpath(where, root)))
    return Source(shown, Path(where), "json", True,
                  problem=("SDL001", f"cannot read the directory: {error.strerror or error}"))


def _special_kind(path: Path) -> str | None:
    """What a path is when it is neither a regular file nor unreadable (those fail later, with a reason)."""
    try:
        mode = path.stat().st_mode
    except OSError:  # a dangling symlink or a loop: reading it reports why
        return None
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return None


def _wanted(shown: str, name: str, include: tuple[str, ...], exclude: tuple[str, ...], root: str = "") -> bool:
    if Path(name).suffix.lower() not in FORMATS:
        return False
    path = relative_path(shown, root)  # globs are relative to the config file's folder (or as walked)
    if any(glob_matches(path, pattern) for pattern in exclude):
        return False
    return not include or any(glob_matches(path, pattern) for pattern in include)


def glob_matches(path: str, glob: str) -> bool:
    """fnmatch on the POSIX path (``*`` crosses directories); a glob without "/" also matches the file name."""
    if fnmatch(path, glob) or ("**/" in glob and fnmatch(path, glob.replace("**/", ""))):
        return True
    return "/" not in glob and fnmatch(path.rsplit("/", 1)[-1], glob)


def relative_path(file: str, root: str) -> str:
    if root and file != "-":
        try:
            file = os.path.relpath(os.path.abspath(file), root)
        except ValueError:  # another drive on Windows: keep the path as given
            pass
    path = file.replace(os.sep, "/")
    return path[2:] if path.startswith("./") else path

