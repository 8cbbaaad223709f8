"""Directory walks skip what git ignores (.gitignore files, .git/info/exclude), as ruff and ripgrep do.

Every request file written here has the same error (SDL204, a height the model does not take), so the files a
run read are the files its diagnostics name; each test checks both that an ignored file's error is absent and
that a kept neighbour's error is present.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.input.sources import discover

from conftest import REPO_ROOT, refuse_listing, run_in_child

BAD_TASK = (
    '{"taskType": "videoInference", "taskUUID": "6513270e-269e-4d37-b2a7-4de452e6b438", "model": "bytedance:2@2", '
    '"positivePrompt": "A dancer on a rooftop", "width": 864, "height": 481}'
)


def _tree(root: Path, files: dict[str, str | None]) -> Path:
    """Files under ``root``: a name ending in "/" is a directory; None content is a request file with SDL204."""
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BAD_TASK if content is None else content)
    return root


def _read(run_cli, cwd: Path, *paths: str) -> list[str]:
    """The files a `check` run read: those its SDL204 diagnostics name (one each), sorted."""
    result = run_cli(["check", "--format", "json", *paths], cwd=cwd)
    report = result.json()
    named = sorted(d["file"] for d in report["diagnostics"] if d["code"] == "SDL204")
    # SDL401: the files share a taskUUID
    assert {d["code"] for d in report["diagnostics"]} <= {"SDL204", "SDL401"}, report["diagnostics"]
    assert report["summary"]["files"] == len(named) and result.exit == (1 if named else 0)
    return named


def test_ignored_files_and_directories_are_not_read(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.tmp.json\n/top.json\n",
            "ok.json": None,
            "draft.tmp.json": None,
            "build/x.json": None,
            "sub/build/y.json": None,
            "sub/keep.json": None,
            "top.json": None,
            "sub/top.json": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./ok.json", "./sub/keep.json", "./sub/top.json"]


def test_an_ignored_directory_is_not_descended_into(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing the ignored directory would fail (SDL001): it is not listed at all."""
    _tree(tmp_path, {".gitignore": "locked/\n", "ok.json": None, "locked/x.json": None})
    refuse_listing(monkeypatch, "locked")
    assert _read(run_cli, tmp_path, ".") == ["./ok.json"]


def test_negation_re_includes(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "*.json\n!keep*.json\nlogs/*\n!logs/keep.json\ndata/**\n!data/keep.json\n",
            "drop.json": None,
            "keep.json": None,
            "keep-too.json": None,
            "logs/drop.json": None,
            "logs/keep.json": None,
            "data/keep.json": None,
            "data/drop.json": None,
            "data/sub/keep.json": None,
        },
    )
    # git: data/sub is ignored by data/**, so nothing under it can be re-included; the allow-list idiom below too
    assert _read(run_cli, tmp_path, ".") == ["./data/keep.json", "./keep-too.json", "./keep.json", "./logs/keep.json"]


def test_an_allow_list_keeps_only_what_it_names(run_cli, tmp_path: Path) -> None:
    """Ignore everything, then re-include every directory and the .json files: the other files stay ignored."""
    _tree(
        tmp_path,
        {
            ".gitignore": "*\n!*/\n!*.json\n",
            "a.json": None,
            "a.yaml": None,
            "d/b.json": None,
            "d/e/c.json": None,
            "d/e/c.yml": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./a.json", "./d/b.json", "./d/e/c.json"]


def test_a_deeper_gitignore_overrides_a_shallower_one_in_its_subtree(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "*.tmp.json\nold/\n",
            "sub/.gitignore": "!*.tmp.json\nx.json\n",
            "a.tmp.json": None,
            "sub/a.tmp.json": None,
            "sub/deep/b.tmp.json": None,
            "x.json": None,
            "sub/x.json": None,
            "sub/deep/x.json": None,
            "other/a.tmp.json": None,
            "old/a.json": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./sub/a.tmp.json", "./sub/deep/b.tmp.json", "./x.json"]


def test_later_rules_win_and_patterns_are_relative_to_their_gitignore(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "sub/.gitignore": "/a.json\nb.json\n!b.json\nc.json\n",
            "a.json": None,
            "sub/a.json": None,
            "sub/deep/a.json": None,
            "sub/b.json": None,
            "sub/c.json": None,
            "sub/deep/c.json": None,
            "c.json": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./a.json", "./c.json", "./sub/b.json", "./sub/deep/a.json"]


def test_a_folder_name_with_glob_characters_is_taken_literally(run_cli, tmp_path: Path) -> None:
    """A .gitignore in "w*ld" applies there, not in "wild" (which "w*ld" as a glob would match)."""
    _tree(
        tmp_path,
        {
            "w*ld/.gitignore": "x.json\n",
            "w*ld/x.json": None,
            "wild/x.json": None,
            "[a]/.gitignore": "/y.json\n",
            "[a]/y.json": None,
            "a/y.json": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./a/y.json", "./wild/x.json"]


def test_parent_gitignores_apply_up_to_the_repository_root(run_cli, tmp_path: Path) -> None:
    """Walking repo/requests: repo/.gitignore applies (its anchored rules from repo/), outer/.gitignore does not."""
    _tree(
        tmp_path,
        {
            ".gitignore": "ok.json\n",
            "repo/.git/": None,
            "repo/.gitignore": "generated/\nsecret.json\n/top.json\n/requests/anchored.json\n",
            "repo/requests/.gitignore": "!secret.json\n",
            "repo/requests/ok.json": None,
            "repo/requests/generated/a.json": None,
            "repo/requests/top.json": None,
            "repo/requests/anchored.json": None,
            "repo/requests/sub/secret.json": None,
            "repo/requests/sub/.gitignore": "secret.json\n",
        },
    )
    requests = tmp_path / "repo" / "requests"
    assert _read(run_cli, requests, ".") == ["./ok.json", "./top.json"]
    assert _read(run_cli, tmp_path / "repo", "requests") == ["requests/ok.json", "requests/top.json"]


def test_git_info_exclude_applies_below_the_gitignore_files(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "repo/.git/info/exclude": "# a comment\n*.draft.json\nlocal/\n",
            "repo/a.draft.json": None,
            "repo/ok.json": None,
            "repo/local/x.json": None,
            "repo/sub/.gitignore": "!keep.draft.json\n",
            "repo/sub/keep.draft.json": None,
            "repo/sub/b.draft.json": None,
        },
    )
    assert _read(run_cli, tmp_path / "repo", ".") == ["./ok.json", "./sub/keep.draft.json"]
    assert _read(run_cli, tmp_path / "repo" / "sub", ".") == ["./keep.draft.json"]


def test_a_worktree_git_file_leads_to_its_info_exclude(run_cli, tmp_path: Path) -> None:
    """A linked worktree: .git is a file naming the git directory, whose commondir holds info/exclude."""
    _tree(
        tmp_path,
        {
            "main.git/info/exclude": "excluded.json\n",
            "main.git/worktrees/wt/commondir": "../..\n",
            "wt/.git": f"gitdir: {tmp_path / 'main.git' / 'worktrees' / 'wt'}\n",
            "wt/excluded.json": None,
            "wt/ok.json": None,
        },
    )
    assert _read(run_cli, tmp_path / "wt", ".") == ["./ok.json"]


def test_a_file_named_on_the_command_line_is_read_even_if_ignored(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path, {".gitignore": "ignored.json\nbuild/\n", "ignored.json": None, "ok.json": None, "build/x.json": None}
    )
    assert _read(run_cli, tmp_path, ".") == ["./ok.json"]
    assert _read(run_cli, tmp_path, "ignored.json", "build/x.json") == ["build/x.json", "ignored.json"]
    assert _read(run_cli, tmp_path, ".", "ignored.json") == ["./ok.json", "ignored.json"]


def test_a_directory_named_on_the_command_line_is_walked_even_if_a_gitignore_above_ignores_it(
    run_cli, tmp_path: Path
) -> None:
    """As a named file is read; the other rules of that .gitignore still apply inside it (bench/corpus is ignored,
    and bench/run.py walks it)."""
    _tree(
        tmp_path,
        {
            ".git/": None,
            ".gitignore": "corpus/\n*.tmp.json\n",
            "corpus/a.json": None,
            "corpus/b.tmp.json": None,
            "corpus/sub/c.json": None,
            "ok.json": None,
        },
    )
    assert _read(run_cli, tmp_path, "corpus") == ["corpus/a.json", "corpus/sub/c.json"]
    assert _read(run_cli, tmp_path / "corpus", ".") == ["./a.json", "./sub/c.json"]
    assert _read(run_cli, tmp_path, ".") == ["./ok.json"]


def test_a_nested_repository_does_not_inherit_the_outer_rules(run_cli, tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".git/": None,
            ".gitignore": "*.tmp.json\n",
            "a.tmp.json": None,
            "inner/.git/info/exclude": "x.json\n",
            "inner/a.tmp.json": None,
            "inner/x.json": None,
            "x.json": None,
        },
    )
    assert _read(run_cli, tmp_path, ".") == ["./inner/a.tmp.json", "./x.json"]


def test_a_walk_with_no_gitignore_is_unchanged(run_cli, tmp_path: Path) -> None:
    """Every request file is read, in order, and pathspec is not even imported (a child process tells)."""
    names = ["a.json", "b/c.json", "b/d/e.yaml", ".hidden.json", "z.jsonl"]
    _tree(tmp_path, {"repo/.git/": None, **{f"repo/{name}": None for name in names}})
    walked = [Path(s.path).relative_to(tmp_path / "repo").as_posix() for s in discover([str(tmp_path / "repo")])]
    assert walked == [".hidden.json", "a.json", "z.jsonl", "b/c.json", "b/d/e.yaml"]  # a folder's files, then below
    assert len(_read(run_cli, tmp_path / "repo", ".")) == 5
    code = (
        "import sys; from seedance_lint.input.sources import discover; "
        f"n = len(list(discover([{str(tmp_path / 'repo')!r}]))); print(n, 'pathspec' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert out.stdout.split() == ["5", "False"]


def test_a_gitignore_that_cannot_be_read_is_passed_over(run_cli, tmp_path: Path) -> None:
    """A broken symlink (git does not follow one anyway), and a line pathspec rejects (the rest still apply)."""
    _tree(tmp_path, {"a.json": None, "sub/b.json": None, "sub/c.json": None, "sub/.gitignore": "!\nc.json\n"})
    (tmp_path / ".gitignore").symlink_to(tmp_path / "nowhere")
    assert _read(run_cli, tmp_path, ".") == ["./a.json", "./sub/b.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_gitignore_is_not_waited_on(tmp_path: Path) -> None:
    """In a child process: if opening the FIFO ever blocked, the timeout would fail the test instead of hanging."""
    _tree(tmp_path, {"a.json": None})
    os.mkfifo(tmp_path / ".gitignore")
    run = run_in_child(["check", "."], tmp_path)
    assert run.returncode == 1 and "./a.json:1:153: SDL204" in run.stdout, run.stdout + run.stderr


# -- the same answer as git -------------------------------------------------------

#: Rules of every kind: anchored or not, for directories only, negations, globs, "**"; not "a/**/", which
#: pathspec reads as "a/" (it ignores the files in a; git ignores only the directories below a).
RULES = [
    "x.json",
    "/x.json",
    "a/",
    "a",
    "*.json",
    "!x.json",
    "!a/",
    "b/x.json",
    "**/c",
    "a/**/y.json",
    "!/b",
    "*",
    "!*/",
    "c/*",
    "!c/z.json",
    "/a/b/",
    "[xy].json",
    "?.json",
    "a/**",
    "!*.json",
    "b",
    "!b/",
    "**/x.json",
    "c/",
    "!c",
    "a/b",
    "!a/b/y.json",
    "z.json",
    "/c/",
    "!**/y.json",
    "b/**/z.json",
    "*/x.json",
    "!/a",
    "a/*",
    "**",
    "#x.json",
    "",
    "\\!x.json",
    "x.json ",
    "y.json/",
    "/",
    "!/",
    "a//",
    "[ab]/",
    "!**/",
    "*/",
    "!a/**",
]
folders = st.lists(
    st.sampled_from(["a/", "b/", "c/", "a/b/", "a/c/", "b/a/", "c/c/", "a/b/c/", "b/a/c/"]), max_size=6, unique=True
)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    folders,
    st.lists(
        st.tuples(
            st.sampled_from(["", "a/", "b/", "a/b/", "c/", "a/c/"]),
            st.lists(st.sampled_from(RULES), min_size=1, max_size=5),
        ),
        max_size=4,
    ),
    st.lists(st.sampled_from(RULES), max_size=3),
)
def test_a_walk_reads_what_git_does_not_ignore(folders: list[str], gitignores, exclude: list[str]) -> None:
    """`git ls-files --others --exclude-standard` lists the files git does not ignore: the walk reads the same,
    from the repository's root and from each folder git keeps."""
    with tempfile.TemporaryDirectory() as temporary:
        repo = Path(temporary)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        for folder in ["", *folders]:
            (repo / folder).mkdir(parents=True, exist_ok=True)
            for name in ("x.json", "y.json", "z.json"):
                (repo / folder / name).write_text("{}")
        for folder, rules in gitignores:
            (repo / folder).mkdir(parents=True, exist_ok=True)
            with open(repo / folder / ".gitignore", "a") as file:
                file.write("\n".join(rules) + "\n")
        with open(repo / ".git" / "info" / "exclude", "a") as file:
            file.write("\n".join(exclude) + "\n")

        def git(folder: str = ".") -> list[str]:
            listed = subprocess.run(
                ["git", "-C", str(repo), "ls-files", "-o", "--exclude-standard", "-z", "--", folder],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return sorted(p for p in listed.split("\0") if p.endswith(".json"))

        def walked(folder: str = "") -> list[str]:
            return sorted(Path(s.path).relative_to(repo).as_posix() for s in discover([str(repo / folder)]))

        kept = git()
        assert walked() == kept
        for folder in sorted({p.rsplit("/", 1)[0] for p in kept if "/" in p}):
            assert walked(folder) == git(folder), folder


# --- the global excludes file (core.excludesFile) and --no-respect-gitignore ---------------------------------


def _home(monkeypatch: pytest.MonkeyPatch, home: Path, gitconfig: str | None = None) -> None:
    """A home of the test's own: git's global configuration and default excludes file live under it."""
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    if gitconfig is not None:
        (home / ".gitconfig").write_text(gitconfig)


def test_the_default_global_excludes_file_applies_below_info_exclude(run_cli, tmp_path, monkeypatch) -> None:
    _home(monkeypatch, tmp_path / "home")
    _tree(
        tmp_path,
        {
            "home/.config/git/ignore": "*.local.json\nscratch/\n",
            "repo/.git/info/exclude": "!keep.local.json\n",  # info/exclude comes above the global file
            "repo/a.local.json": None,
            "repo/keep.local.json": None,
            "repo/scratch/x.json": None,
            "repo/ok.json": None,
        },
    )
    assert _read(run_cli, tmp_path / "repo", ".") == ["./keep.local.json", "./ok.json"]


def test_core_excludes_file_set_in_the_global_gitconfig_is_read(run_cli, tmp_path, monkeypatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _home(monkeypatch, tmp_path / "home", "[core]\n\texcludesFile = ~/my-ignores\n")
    _tree(tmp_path, {"home/my-ignores": "draft*.json\n", "repo/.git/": None, "repo/draft1.json": None})
    _tree(tmp_path, {"repo/ok.json": None, "home/.config/git/ignore": "ok.json\n"})  # the default: not read
    assert _read(run_cli, tmp_path / "repo", ".") == ["./ok.json"]


def test_no_respect_gitignore_reads_what_git_ignores(run_cli, tmp_path, monkeypatch) -> None:
    _home(monkeypatch, tmp_path / "home")
    files: dict[str, str | None] = {
        ".git/info/exclude": "excluded.json\n",
        ".gitignore": "ignored.json\nbuild/\n",
        "ignored.json": None,
        "excluded.json": None,
        "build/x.json": None,
        "ok.json": None,
        "node_modules/y.json": None,  # never a request folder, gitignore or not
    }
    repo = _tree(tmp_path / "repo", files)
    everything = ["./build/x.json", "./excluded.json", "./ignored.json", "./ok.json"]
    assert _read(run_cli, repo, ".") == ["./ok.json"]
    assert _read(run_cli, repo, ".", "--no-respect-gitignore") == everything
    (repo / ".seedance-lint.toml").write_text("respect-gitignore = false\n")
    assert _read(run_cli, repo, ".") == everything
    assert _read(run_cli, repo, ".", "--respect-gitignore") == ["./ok.json"]  # the flag wins over the file


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("where", ["default", "gitconfig", "repository config"])
def test_a_walk_honours_the_excludes_file_as_git_does(tmp_path, monkeypatch, where: str) -> None:
    home = tmp_path / "home"
    _home(monkeypatch, home)
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    rules = "*.tmp.json\n!keep.tmp.json\nout/\n"
    if where == "default":
        _tree(home, {".config/git/ignore": rules})
    else:
        _tree(home, {"elsewhere/ignore": rules})
        config = home / ".gitconfig" if where == "gitconfig" else repo / ".git" / "config"
        with open(config, "a") as file:
            file.write(f"[core]\n\texcludesFile = {home / 'elsewhere' / 'ignore'}\n")
    _tree(repo, {"a.tmp.json": "{}", "keep.tmp.json": "{}", "out/b.json": "{}", "c.json": "{}"})
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-o", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    git = sorted(p for p in listed.split("\0") if p.endswith(".json"))
    assert git == ["c.json", "keep.tmp.json"]
    assert sorted(Path(s.path).relative_to(repo).as_posix() for s in discover([str(repo)])) == git
