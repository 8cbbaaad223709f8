"""The pre-commit hooks: their file selection, and a real `pre-commit try-repo` run.

try-repo clones the hook repository at HEAD, so the slow test commits a copy
of this working tree to a temporary git repository first: what it tests is
what is on disk now, not what happens to be committed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES_DIR, REPO_ROOT

HOOKS_FILE = REPO_ROOT / ".pre-commit-hooks.yaml"
GOOD = (EXAMPLES_DIR / "text-to-video.json").read_text(encoding="utf-8")
BAD = json.dumps({**json.loads(GOOD), "taskUUID": "4b3e0a8c-2f7d-4c61-9a5e-1f2d3c4b5a69", "width": 1281})
#: Where pre-commit should (and should not) run the hooks.
SELECTED = ["req.json", "batch.jsonl", "batch.ndjson", "req.yaml", "req.yml", "deep/dir/REQ.json"]
NOT_SELECTED = ["notes.txt", "req.json5", "script.py", "data.csv"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}


def test_hooks_are_declared() -> None:
    found = hooks()
    assert set(found) == {"seedance-lint", "seedance-lint-cost", "seedance-lint-budget"}
    assert found["seedance-lint"]["entry"].startswith("seedance-lint --pre-commit check")
    assert found["seedance-lint-cost"]["entry"].startswith("seedance-lint --pre-commit cost")
    budget = found["seedance-lint-budget"]
    assert budget["entry"].startswith("seedance-lint cost") and budget["pass_filenames"] is False
    assert budget["always_run"] is True and "files" not in budget
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is True  # taskUUIDs are unique across files; budgets are totals


def test_the_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip(
        "pre_commit.clientlib", reason="pre-commit is not installed (pip install '.[test]')"
    )
    assert {hook["id"] for hook in clientlib.load_manifest(str(HOOKS_FILE))} == set(hooks())


def _selected(hook: dict, path: Path, root: Path) -> bool:
    """pre-commit's own rule: files/exclude on the path, then types/types_or/exclude_types on identify's tags."""
    from identify import identify

    name = path.relative_to(root).as_posix()
    tags = identify.tags_from_path(str(path))
    return (
        bool(re.search(hook.get("files", ""), name))
        and not re.search(hook.get("exclude", "^$"), name)
        and set(hook.get("types", ["file"])) <= tags
        and bool(set(hook.get("types_or", [])) & tags or not hook.get("types_or"))
        and not set(hook.get("exclude_types", [])) & tags
    )


@pytest.mark.parametrize("hook_id", ["seedance-lint", "seedance-lint-cost"])
def test_file_selection_includes_json_lines(hook_id: str, tmp_path: Path) -> None:
    pytest.importorskip("identify", reason="identify (a pre-commit dependency) is not installed")
    for name in SELECTED + NOT_SELECTED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    hook = hooks()[hook_id]
    assert [n for n in SELECTED if not _selected(hook, tmp_path / n, tmp_path)] == []
    assert [n for n in NOT_SELECTED if _selected(hook, tmp_path / n, tmp_path)] == []


def test_identify_gives_json_lines_no_json_tag(tmp_path: Path) -> None:
    """Why the hooks do not use `types_or: [json, yaml]`: it would skip every .jsonl and .ndjson file."""
    identify = pytest.importorskip("identify.identify", reason="identify is not installed")
    for name in ("a.jsonl", "a.ndjson"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
        assert not {"json", "yaml"} & identify.tags_from_path(str(tmp_path / name))


def test_check_skips_other_json_files_the_hook_names(run_cli, write_files) -> None:
    root = write_files({"package.json": '{"name": "app", "version": "1.0.0"}', "req.json": GOOD})
    entry = hooks()["seedance-lint"]["entry"].split()[1:]
    result = run_cli([*entry, "--format", "json", "package.json", "req.json"], cwd=root)
    assert result.exit == 0, result.stdout
    assert [d["code"] for d in result.json()["diagnostics"]] == ["SDL006"]


# -- the real thing --------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
    )


def _working_tree_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    return [Path(name) for name in listed.split("\0") if name and (REPO_ROOT / name).is_file()]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding this working tree, committed (try-repo clones HEAD)."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of seedance-lint")
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in _working_tree_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "working tree under test")
    return repo


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's repository with a good request, a bad one, and a package.json."""
    root = tmp_path_factory.mktemp("project")
    (root / "good.json").write_text(GOOD, encoding="utf-8")
    (root / "bad.json").write_text(BAD, encoding="utf-8")
    (root / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n', encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    return root


@pytest.mark.slow
def test_pre_commit_try_repo_passes_good_and_fails_bad(
    hook_repo: Path, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install '.[test]')")
    env = {
        **os.environ,
        **GIT_ENV,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PRE_COMMIT_COLOR": "never",
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        selection = ["--files", *files] if files else ["--all-files"]
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "seedance-lint", "--verbose", *selection],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    passed = try_repo("good.json", "package.json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "bad.json:1:" in failed.stdout and "SDL204" in failed.stdout
    assert "good.json:" not in failed.stdout


# -- file names that look like options (issue 18, class 3) ---------------------------------------

#: Files at a repository's root whose names a parser would read as options, and what they would do.
OPTION_NAMES = ["-opackage.json", "--output=package.json", "--outp.json", "-.json", "--fix.yaml"]


@pytest.mark.parametrize("hook_id", ["seedance-lint", "seedance-lint-cost"])
def test_a_file_name_cannot_steer_the_hook(hook_id: str, run_cli, write_files) -> None:
    package = '{"name": "app", "version": "1.0.0"}\n'
    root = write_files({"package.json": package, **{name: _good(i) for i, name in enumerate(OPTION_NAMES)}})
    entry = hooks()[hook_id]["entry"].split()[1:]
    result = run_cli([*entry, *OPTION_NAMES, "package.json"], cwd=root)
    assert result.exit == 0, result.stderr
    assert (root / "package.json").read_text() == package
    assert sorted(p.name for p in root.iterdir()) == sorted([*OPTION_NAMES, "package.json"])
    for i, name in enumerate(OPTION_NAMES):
        assert (root / name).read_text() == _good(i)


def _good(number: int) -> str:
    """The good request with a taskUUID of its own (SDL401 checks them across files)."""
    return json.dumps({**json.loads(GOOD), "taskUUID": f"6513270e-269e-4d37-b2a7-{number:012d}"})


def test_long_options_are_never_abbreviated(run_cli, write_files) -> None:
    root = write_files({"req.json": GOOD})
    result = run_cli(["check", "--out", "report.txt", "req.json"], cwd=root)
    assert result.exit == 2 and "unrecognized arguments" in result.stderr
    assert not (root / "report.txt").exists()


@pytest.mark.slow
def test_pre_commit_cannot_be_steered_by_a_file_name(hook_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    if find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install '.[test]')")
    root = tmp_path_factory.mktemp("steered")
    package = '{"name": "app", "version": "1.0.0"}\n'
    (root / "package.json").write_text(package, encoding="utf-8")
    (root / "-opackage.json").write_text(GOOD, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    env = {
        **os.environ,
        **GIT_ENV,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PRE_COMMIT_COLOR": "never",
    }
    for hook_id in ("seedance-lint", "seedance-lint-cost"):
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook_id, "--verbose", "--all-files"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert (root / "package.json").read_text(encoding="utf-8") == package


def _entry(hook: str, *files: str) -> list[str]:
    """The command line pre-commit runs for a hook (its entry, then the files it passes), without the program."""
    return [*hooks()[hook]["entry"].split()[1:], *files]


def test_budget_hook_prices_the_whole_request_set_not_the_staged_files(run_cli, write_files) -> None:
    task = json.loads(GOOD)
    requests = {f"requests/r{i}.json": json.dumps({**task, "taskUUID": f"u-{i}", "numberResults": 4}) for i in range(3)}
    root = write_files(
        {**requests, "notes/other.json": json.dumps(task), ".seedance-lint.toml": 'paths = ["requests/"]\n'}
    )
    each = run_cli(["cost", "requests/r0.json", "--format", "json"], cwd=root).json()["high"]
    (root / ".seedance-lint.toml").write_text(f'paths = ["requests/"]\nbudget = "{each}"\n')
    staged = run_cli(_entry("seedance-lint-cost", "requests/r0.json"), cwd=root)
    assert staged.exit == 0, staged.stdout  # one file alone is within the budget...
    whole = run_cli(_entry("seedance-lint-budget"), cwd=root)
    assert whole.exit == 1  # ...the three together are not
    assert "over budget" in whole.stdout and "(set in .seedance-lint.toml)" in whole.stdout
    report = run_cli(["cost", "--format", "json", "--summary"], cwd=root).json()
    assert report["groups"][0]["tasks"] == 3  # requests/ only: notes/ is not named in paths


def test_budget_hook_without_paths_prices_the_repository(run_cli, write_files) -> None:
    root = write_files({"a/r.json": GOOD, "b/deep/r.json": json.dumps({**json.loads(GOOD), "taskUUID": "u-2"})})
    result = run_cli([*_entry("seedance-lint-budget"), "--format", "json"], cwd=root)
    assert result.exit == 0 and result.json()["groups"][0]["tasks"] == 2


def test_cost_hook_fails_with_one_line_per_unpriceable_task(run_cli, write_files) -> None:
    task = {k: v for k, v in json.loads(GOOD).items() if k not in ("width", "height", "resolution")}
    batch = (
        "".join(json.dumps({**task, "taskUUID": f"u-{i}"}) + "\n" for i in range(5)) + GOOD.replace("\n", " ") + "\n"
    )
    root = write_files({"batch.jsonl": batch})
    result = run_cli(_entry("seedance-lint-cost", "batch.jsonl"), cwd=root)
    assert result.exit == 1
    problems = [line for line in result.stdout.splitlines() if "cannot be priced" in line]
    assert [line.split(": task ")[1].split()[0] for line in problems] == ["0", "1", "2", "3", "4"]
    assert len(result.stdout.splitlines()) == len(problems) + 2  # the header, the TOTAL row, one line a task


def test_a_staged_file_reusing_a_committed_taskuuid_is_told_and_the_original_is_not(run_cli, write_files) -> None:
    task = json.loads(GOOD)
    clash = json.dumps({**task, "positivePrompt": "another"})  # the same taskUUID as requests/old.json
    root = write_files(
        {
            "requests/old.json": GOOD,
            "requests/new.json": clash,
            "requests/fine.json": json.dumps({**task, "taskUUID": "0c0a4a8e-6a8b-4f7e-9d0c-2b9f8c7d6e5a"}),
            ".seedance-lint.toml": 'paths = ["requests/"]\n',
        }
    )
    staged = run_cli(_entry("seedance-lint", "requests/new.json"), cwd=root)
    assert staged.exit == 1 and "requests/new.json:" in staged.stdout and "SDL401" in staged.stdout
    assert "requests/old.json" in staged.stdout  # named as where the taskUUID is used already
    assert not any(line.startswith("requests/old.json:") for line in staged.stdout.splitlines())  # not reported
    alone = run_cli(_entry("seedance-lint", "requests/fine.json"), cwd=root)
    assert alone.exit == 0, alone.stdout


def test_without_paths_a_staged_file_is_compared_with_the_staged_files_only(run_cli, write_files) -> None:
    root = write_files({"requests/old.json": GOOD, "requests/new.json": GOOD})
    assert run_cli(_entry("seedance-lint", "requests/new.json"), cwd=root).exit == 0


def test_fix_on_a_staged_file_still_compares_its_taskuuids_with_the_whole_request_set(run_cli, write_files) -> None:
    """After --fix writes, what remains is linted again: with the rest of the request set's taskUUIDs, so a
    clash with a committed file is still told (the relint once started from an empty set)."""
    task = json.loads(GOOD)
    fixable = json.dumps({**task, "outputFormat": None})  # a null with a default: removed by a safe fix (SDL103)
    root = write_files(
        {"requests/old.json": GOOD, "requests/new.json": fixable, ".seedance-lint.toml": 'paths = ["requests/"]\n'}
    )
    fixed = run_cli([*_entry("seedance-lint", "requests/new.json"), "--fix"], cwd=root)
    assert "null" not in (root / "requests/new.json").read_text()  # the fix was written...
    assert fixed.exit == 1 and "requests/new.json:" in fixed.stdout and "SDL401" in fixed.stdout, fixed.stdout
