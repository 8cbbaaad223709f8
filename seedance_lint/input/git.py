"""The request files of a git revision, read through `git` into memory: the work tree is never touched.

``git:REV`` is every tracked file of REV; ``git:REV:PATH`` the file or folder PATH in it, where PATH is
read as git reads ``REV:PATH``: from the repository's root, or from the current directory when it starts
with ``./`` or ``../``. The files selected are those a walk of the same folder would select (the known
suffixes, the configuration's include and exclude, no SKIPPED_DIRECTORIES); each is shown by its path from
the current directory, as a walk shows it, so that both sides of a `cost diff` name a file alike.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import NamedTuple

from seedance_lint.core.errors import UsageError
from seedance_lint.input.sources import SKIPPED_DIRECTORIES, Source, format_for, wanted

#: What a side of `cost diff` starts with when it names a revision.
PREFIX = "git:"
#: ls-tree's modes of the files read: regular and executable files (not symbolic links, not submodules).
_FILE_MODES = (b"100644", b"100755")


class Revision(NamedTuple):
    """The files of ``git:REV[:PATH]``, and PATH (the revision's root without one) named as its files are."""

    root: str
    sources: list[Source]


class _Entry(NamedTuple):
    path: str  # from the repository's root, with "/"
    object_id: str


def revision_sources(
    spec: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), root: str = "", cwd: str | None = None
) -> Revision:
    """The request files named by ``spec`` (``git:REV`` or ``git:REV:PATH``), their bytes read into memory."""
    here = os.path.realpath(cwd or os.getcwd())
    revision, _, given = spec[len(PREFIX) :].partition(":")
    if not revision:
        raise UsageError(f"{spec}: no revision named (git:REV or git:REV:PATH)")
    top = _run(spec, here, ["rev-parse", "--show-toplevel"], "not inside a git repository").decode().rstrip("\n")
    commit = _run(
        spec, top, ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], f"unknown revision {revision}"
    )
    inside = _inside(spec, given, here, os.path.realpath(top))
    target = f"{commit.decode().strip()}:{inside}"
    kind = _run(spec, top, ["cat-file", "-t", target], f"no such path in {revision}").strip()
    if kind == b"blob":
        entries, explicit = (
            [_Entry(inside, _run(spec, top, ["rev-parse", target], "unreadable").decode().strip())],
            True,
        )
    else:
        listing = _run(spec, top, ["ls-tree", "-r", "-z", target], f"cannot list {revision}")
        entries, explicit = _files(listing, inside), False
    shown = [os.path.relpath(os.path.join(top, entry.path), here) for entry in entries]
    if not explicit:
        kept = [i for i, name in enumerate(shown) if wanted(name, name.rsplit("/", 1)[-1], include, exclude, root)]
        entries, shown = [entries[i] for i in kept], [shown[i] for i in kept]
    blobs = _blobs(spec, top, [entry.object_id for entry in entries])
    named = os.path.relpath(os.path.join(top, inside), here)  # PATH (or the root) as a walk from here names it
    return Revision(
        named,
        [Source(name, None, format_for(name, "auto"), explicit, data) for name, data in zip(shown, blobs, strict=True)],
    )


def _inside(spec: str, given: str, here: str, top: str) -> str:
    """PATH as a path from the repository's root ("" for the root itself), read as git reads REV:PATH."""
    if given in (".", "..") or given.startswith(("./", "../")):
        full = os.path.normpath(os.path.join(here, given))
    else:
        full = os.path.normpath(os.path.join(top, given))
    if os.path.commonpath([full, top]) != top:
        raise UsageError(f"{spec}: {given} is outside the repository ({top})")
    inside = os.path.relpath(full, top).replace(os.sep, "/")
    return "" if inside == "." else inside


def _files(listing: bytes, folder: str) -> list[_Entry]:
    """The regular files of `ls-tree -r -z` output ("MODE TYPE OID\\tNAME" entries), outside skipped folders."""
    entries = []
    lead = f"{folder}/" if folder else ""
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, _, rest = meta.partition(b" ")
        if mode not in _FILE_MODES:
            continue
        path = lead + os.fsdecode(name)
        if SKIPPED_DIRECTORIES.isdisjoint(path.split("/")[:-1]):
            entries.append(_Entry(path, rest.rpartition(b" ")[2].decode()))
    return entries


def _blobs(spec: str, top: str, object_ids: Sequence[str]) -> list[bytes]:
    """The bytes of each object, read with one `git cat-file --batch`."""
    if not object_ids:
        return []
    output = _run(spec, top, ["cat-file", "--batch"], "cannot read the files", "".join(f"{o}\n" for o in object_ids))
    blobs, at = [], 0
    for _ in object_ids:
        end = output.index(b"\n", at)
        size = int(output[at:end].rsplit(b" ", 1)[1])
        blobs.append(output[end + 1 : end + 1 + size])
        at = end + 1 + size + 1  # the content, then a line feed
    return blobs


def _run(spec: str, cwd: str, arguments: list[str], failure: str, stdin: str | None = None) -> bytes:
    """git's standard output; a failure is a UsageError (exit 2): one line naming the side and why."""
    try:
        done = subprocess.run(
            ["git", "--no-pager", *arguments],
            cwd=cwd,
            input=None if stdin is None else stdin.encode(),
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise UsageError(f"{spec}: git is not installed (it is needed to read a revision)") from None
    except OSError as error:
        raise UsageError(f"{spec}: cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"{spec}: {failure}" + (f" ({said[0]})" if said else ""))
    return done.stdout
