"""Which files a run reads: the paths given, directories walked, or standard input.

A walk skips what git ignores (the .gitignore files of the walked directory, of the
directories below it and of those above it up to the repository's root,
.git/info/exclude and the user's global excludes file, core.excludesFile), as ruff and
ripgrep do, unless told not to (--no-respect-gitignore); a file named on the command
line is read all the same.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

#: File name endings and the parser each one is read with.
FORMATS: dict[str, str] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}
#: Name endings of plan files (video counts for `cost`, input/plans.py), read with the parser of FORMATS.
PLAN_SUFFIXES = (".plan.yaml", ".plan.yml", ".plan.json")
#: Directories no one keeps request files in.
SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}
)


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
    def plan(self) -> bool:
        """Whether this is a plan file (by its name: a request file is never read as a plan, nor a plan as one)."""
        return is_plan(self.display)

    @property
    def streamable(self) -> bool:
        """A JSON Lines file on disk that can be read: streamed a chunk or a block of lines at a time."""
        return self.format == "jsonl" and self.path is not None and self.problem is None


class SourceError(Exception):
    """A path that does not exist: a usage error (exit 2)."""


def is_plan(name: str) -> bool:
    return name.lower().endswith(PLAN_SUFFIXES)


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
    respect_gitignore: bool = True,
) -> Iterator[Source]:
    """Sources for the paths given; include/exclude globs are relative to ``root`` (default: here). A walk
    skips what git ignores unless ``respect_gitignore`` is false."""
    root = root or os.getcwd()
    for given in paths:
        if given == "-":
            yield Source(stdin_name, None, format_for(stdin_name, "auto"), True, stdin or b"")
            continue
        if not given:  # Path("") is ".": an empty argument (an unset shell variable) must not walk here
            raise SourceError(f"{given!r}: an empty path names no file")
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, given, include, exclude, root, respect_gitignore)
        elif path.exists() or path.is_symlink():
            kind = _special_kind(path)
            # A FIFO named on the command line is read (process substitution: <(...)); a device is not.
            problem = ("SDL001", f"cannot read {kind}: it is not a request file") if kind and kind != "a FIFO" else None
            # No known suffix (a FIFO from <(...), a file without one): the content is sniffed (documents.sniff).
            yield Source(given, path, format_for(given, "auto"), True, problem=problem)
        else:
            raise SourceError(f"{given}: no such file or directory")


def _walk(
    root: Path, given: str, include: tuple[str, ...], exclude: tuple[str, ...], globs_root: str, respect: bool
) -> Iterator[Source]:
    # os.walk does not follow directory symlinks, so symlink loops cannot trap it.
    unreadable: list[OSError] = []
    lead, above = _rules_above(root) if respect else ("", None)
    # Each directory still to be walked: the ignore rules in force there (None: none), and its path in the walk.
    pending: dict[str, tuple[_Rules | None, str]] = {}
    for directory, subdirectories, files in os.walk(root, onerror=unreadable.append):
        yield from (_unreadable_directory(error, root, given) for error in unreadable)
        unreadable.clear()
        rules, inside = pending.pop(directory, (above, ""))  # the root: the rules from above it
        here = lead + inside  # the rules match paths from their top folder (the repository's root)
        if respect:
            rules = _rules_here(directory, here, bool(inside), subdirectories, files, rules)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if d not in SKIPPED_DIRECTORIES and not (rules and rules.directories.match_file(here + d))
        )  # not descended into
        pending.update((os.path.join(directory, d), (rules, f"{inside}{d}/")) for d in subdirectories)
        for name in sorted(files):
            if rules and rules.files.match_file(here + name):
                continue
            path = Path(directory, name)
            shown = os.path.join(given, os.path.relpath(path, root))
            if wanted(shown, name, include, exclude, globs_root):
                yield _found(shown, path, name)
    yield from (_unreadable_directory(error, root, given) for error in unreadable)


# -- what git ignores ----------------------------------------------------------
#
# The rules in force in a directory are those of the global excludes file (core.excludesFile), then of
# .git/info/exclude, then of each .gitignore from the repository's root down to the directory, each line
# rewritten to be relative to the repository's root (the top folder), in one list: "the last matching rule
# wins" is then git's precedence (a deeper .gitignore overrides a shallower one; info/exclude comes below
# both, and the global file below it), and pathspec's GitIgnoreSpec weighs a rule that matches a path itself
# above one that matches a directory holding it, across files as within one.
#
# GitIgnoreSpec is made to match files. A directory is matched as a file of the same name, with each rule that
# only matches directories ("build/") stripped of its "/": "build/" is then "build", "!*/" is "!*", and "logs/**"
# matches what is in logs, not logs (asked "logs/", GitIgnoreSpec would ignore every directory under "*" and
# "!*/", and logs under "logs/**" and "!logs/keep.json"). Checked against `git ls-files --others
# --exclude-standard` on thousands of random trees and rule sets: the one difference left is pathspec's reading
# of "a/**/" (it ignores the files in a; git ignores only the directories below a).


class _Rules(NamedTuple):
    files: GitIgnoreSpec
    directories: GitIgnoreSpec  # the same rules, those for directories only stripped of their trailing "/"


def _rules_here(
    directory: str, folder: str, below_root: bool, subdirectories: list[str], files: list[str], rules: _Rules | None
) -> _Rules | None:
    """The rules in force in ``directory`` (``folder`` from the top): those above it, then its .gitignore's."""
    if below_root and (".git" in subdirectories or ".git" in files):  # a repository of its own: rules above stop
        rules = _repository_rules(directory, folder)
    if ".gitignore" in files:  # not followed if a symlink, as git does not
        rules = _with(rules, _read_lines(os.path.join(directory, ".gitignore"), follow=False), folder)
    return rules


def _rules_above(root: Path) -> tuple[str, _Rules | None]:
    """``root``'s path from its repository's root ("a/b/"), and the rules of info/exclude and of the .gitignore
    files above ``root``; outside a repository, "" and None (the walk's own .gitignore files still apply).

    A rule that ignores ``root`` itself, or a folder on the way down to it, is dropped: a directory named on the
    command line is walked, as a file named there is read (the file's other rules still apply inside it).
    """
    here = os.path.abspath(root)
    folders = [here]
    while not os.path.lexists(os.path.join(folders[-1], ".git")):
        parent = os.path.dirname(folders[-1])
        if parent == folders[-1]:
            return "", None
        folders.append(parent)
    top = folders[-1]
    rules = _repository_rules(top, "")
    for folder in reversed(folders[1:]):
        rules = _with(rules, _read_lines(os.path.join(folder, ".gitignore"), follow=False), _from_top(folder, top))
    lead = _from_top(here, top)
    return lead, _sparing(rules, lead) if rules else None


def _repository_rules(repository: str, folder: str) -> _Rules | None:
    """The rules a repository's .gitignore files come on top of: the global excludes file's, then
    info/exclude's (``folder``: the repository's path from the walk's top folder)."""
    git = _git_directory(repository)
    rules = _with(None, _read_lines(global_excludes_file(repository, git)), folder)
    return _with(rules, _read_lines(os.path.join(git, "info", "exclude")), folder)


def global_excludes_file(repository: str, git: str) -> str:
    """The path of git's core.excludesFile for ``repository`` (default: $XDG_CONFIG_HOME/git/ignore, or
    ~/.config/git/ignore).

    Asking git costs a process (2-5 ms) that a walk should not pay when no configuration file sets the
    option: git is asked only when one of them names it, or includes another file.
    """
    home = os.environ.get("HOME") or os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    configs = [os.path.join(home, ".gitconfig"), os.path.join(xdg, "git", "config"), os.path.join(git, "config")]
    configs += [os.environ.get("GIT_CONFIG_GLOBAL", ""), "/etc/gitconfig"]
    if any(_may_set_excludes_file(path) for path in configs if path):
        asked = _ask_git(repository)
        if asked:  # else unset, or git could not say: the default
            return asked
    return os.path.join(xdg, "git", "ignore")


def _may_set_excludes_file(path: str) -> bool:
    try:
        with open(path, "rb") as file:
            text = file.read().lower()
    except OSError:
        return False
    return b"excludesfile" in text or b"[include" in text


def _ask_git(repository: str) -> str | None:
    """`git config --path core.excludesFile` in ``repository``: its value ("" when unset), None if git cannot
    say (not installed, a broken configuration)."""
    import subprocess  # only when a configuration file may set the option

    try:
        done = subprocess.run(
            ["git", "-C", repository, "config", "--path", "--get", "core.excludesFile"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode not in (0, 1):  # 1: unset
        return None
    value = os.fsdecode(done.stdout.strip())
    return os.path.join(repository, value) if value else ""


def _from_top(folder: str, top: str) -> str:
    return "" if folder == top else os.path.relpath(folder, top).replace(os.sep, "/") + "/"


def _sparing(rules: _Rules, lead: str) -> _Rules:
    """``rules`` without those that ignore ``lead`` (the walked directory) or a folder on the way down to it."""
    parts = lead.split("/")[:-1]
    ways = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = [way for way in ways if rules.directories.match_file(way)]
    if not ignored:
        return rules

    def spared(spec: GitIgnoreSpec, suffix: str) -> GitIgnoreSpec:
        return type(spec)(
            [p for p in spec.patterns if not (p.include and any(p.match_file(way + suffix) for way in ignored))]
        )

    return _Rules(spared(rules.files, "/"), spared(rules.directories, ""))


def _with(rules: _Rules | None, lines: list[str] | None, folder: str) -> _Rules | None:
    """``rules`` followed by (so overridden by) the lines of ``folder``'s ignore file."""
    if not lines:
        return rules
    # Imported here, not at the top: `import pathspec` takes ~15 ms, which a walk of a tree without a .gitignore
    # (and a run naming its files) must not pay.
    from pathspec import GitIgnoreSpec

    rebased = [line for line in (_rebased(line, folder) for line in lines) if line]
    pairs = [(line, _for_directories(line)) for line in rebased]
    try:
        files, directories = GitIgnoreSpec.from_lines(rebased), GitIgnoreSpec.from_lines([p[1] for p in pairs])
    except ValueError:  # a line pathspec rejects (a lone "!", a trailing backslash): skipped, the rest kept
        pairs = [(line, twin) for line, twin in pairs if _valid(line) and _valid(twin)]
        files, directories = (
            GitIgnoreSpec.from_lines([p[0] for p in pairs]),
            GitIgnoreSpec.from_lines([p[1] for p in pairs]),
        )
    if rules:
        files = GitIgnoreSpec([*rules.files.patterns, *files.patterns])
        directories = GitIgnoreSpec([*rules.directories.patterns, *directories.patterns])
    return _Rules(files, directories)


def _for_directories(line: str) -> str:
    """A rule as matched against a directory's path: one for directories only without its trailing "/"."""
    core = line.rstrip()
    return core[:-1] if core.endswith("/") and not core.endswith("//") and core.strip("!/") else line


def _valid(line: str) -> bool:
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


_GLOB_CHARACTERS = str.maketrans({c: "\\" + c for c in "\\*?[]"})


def _rebased(line: str, folder: str) -> str | None:
    """A line of ``folder``'s .gitignore ("a/b/" from the top; "" for the top) as a line of the top's.

    A pattern with a "/" at its start or in its middle is relative to its folder; one without may match at
    any depth below it ("x" becomes "a/b/**/x"). The folder's name is escaped, its glob characters taken
    literally. Blank lines, comments and rules that match nothing are dropped.
    """
    negation = "!" if line.startswith("!") else ""
    pattern = line[len(negation) :]
    core = pattern.rstrip()
    if not core.strip("/") or line.startswith("#"):  # a blank line, a comment, or "/" (which matches nothing)
        return None
    if not folder:
        return line
    anchored = "/" in (core[:-1] if core.endswith("/") else core)
    prefix = folder.translate(_GLOB_CHARACTERS)
    if prefix[0] in "!#":
        prefix = "\\" + prefix
    return negation + prefix + (pattern.removeprefix("/") if anchored else "**/" + pattern)


def _git_directory(repository: str) -> str:
    """The git directory of a repository's working tree: its .git, or where a .git file points (a worktree or a
    submodule), or the main one a linked worktree shares info/exclude with."""
    git = os.path.join(repository, ".git")
    try:
        if os.path.isfile(git):
            with open(git, encoding="utf-8") as file:
                git = os.path.join(repository, file.read().strip().removeprefix("gitdir:").strip())
        common = os.path.join(git, "commondir")
        if os.path.isfile(common):
            with open(common, encoding="utf-8") as file:
                git = os.path.join(git, file.read().strip())
    except (OSError, UnicodeDecodeError):
        pass
    return git


def _read_lines(path: str, follow: bool = True) -> list[str] | None:
    """The lines of a .gitignore (or info/exclude), read once; None when it is missing, unreadable or holds no rule.

    One that cannot be read is passed over silently, as git passes over one it cannot open (git warns).
    """
    try:
        mode = (os.stat if follow else os.lstat)(path).st_mode
        if not stat.S_ISREG(mode):  # a FIFO would block the walk; a directory cannot be read
            return None
        with open(path, encoding="utf-8-sig", errors="surrogateescape") as file:  # git skips a BOM
            lines = file.read().splitlines()
    except OSError:
        return None
    return lines if any(line.strip() and not line.startswith("#") for line in lines) else None


def _found(shown: str, path: Path, name: str) -> Source:
    kind = _special_kind(path)
    if kind:  # reading a FIFO found in a directory would wait for a writer forever
        return Source(
            shown,
            path,
            format_for(name),
            False,
            problem=("SDL006", f"skipped: {kind} is not a regular file; name a regular file to lint it"),
        )
    return Source(shown, path, format_for(name), False)


def _unreadable_directory(error: OSError, root: Path, given: str) -> Source:
    where = error.filename or str(root)
    shown = os.path.normpath(os.path.join(given, os.path.relpath(where, root)))
    return Source(
        shown, Path(where), "json", True, problem=("SDL001", f"cannot read the directory: {error.strerror or error}")
    )


def _special_kind(path: Path) -> str | None:
    """What a path is when it is neither a regular file nor unreadable (those fail later, with a reason)."""
    try:
        mode = path.stat().st_mode
    except OSError:  # a dangling symlink or a loop: reading it reports why
        return None
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return None


def wanted(shown: str, name: str, include: tuple[str, ...], exclude: tuple[str, ...], root: str = "") -> bool:
    """Whether a file found in a walk (or a git tree) is read: a known suffix, not excluded, included."""
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
        with contextlib.suppress(ValueError):  # another drive on Windows: keep the path as given
            file = os.path.relpath(os.path.abspath(file), root)
    path = file.replace(os.sep, "/")
    return path[2:] if path.startswith("./") else path
