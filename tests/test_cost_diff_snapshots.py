"""`cost diff` of two snapshots of a folder: files matched by their place within each side, not by name alone.

Files are matched by name first (`git:HEAD` against `req`), then by their path within their side's root: the
folder named, `git:REV:PATH`'s PATH, a saved report's common folder; two sides of one file each are one file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cost_diff import BASE, HEAD, VALIDATOR, check_changes, committed_repository, jsonl, task, uuid, write
from test_cost_diff_properties import TASKS, side

from seedance_lint.cost.diff import compare
from seedance_lint.reporters.diff.json_ import stream

#: The per-file counts of BASE -> HEAD, by the file's place in the side.
PER_FILE = {
    "batch.jsonl": {"added": 1, "removed": 1, "changed": 1, "unchanged": 1},
    "one.json": {"added": 0, "removed": 0, "changed": 1, "unchanged": 0},
}


def snapshots(root: Path) -> None:
    """old/ holds BASE's req/, new/ HEAD's."""
    write(root / "old", BASE)
    write(root / "new", HEAD)


def per_file(report: dict, folder: str) -> dict:
    """The counts of each file, named from the folder (which every shown name must start with)."""
    assert all(f["file"].startswith(folder) for f in report["files"]), report["files"]
    return {f["file"][len(folder) :]: f["counts"] for f in report["files"]}


def test_two_folders_are_compared_file_by_file(tmp_path: Path, run_cli) -> None:
    snapshots(tmp_path)
    result = run_cli(["cost", "diff", "old/req", "new/req", "--format", "json"], cwd=tmp_path)
    assert result.exit == 0, result.stderr
    check_changes(result.json())
    assert per_file(result.json(), "new/req/") == PER_FILE  # each file once, by the head's name
    removed = next(t for t in result.json()["tasks"] if t["change"] == "removed")
    assert removed["file"] == "old/req/batch.jsonl"  # a task shows the file it is in


def test_a_folder_within_a_side_is_part_of_the_place(tmp_path: Path, run_cli) -> None:
    """old/ against new/req: req/batch.jsonl is not batch.jsonl; the files are added and removed."""
    snapshots(tmp_path)
    result = run_cli(["cost", "diff", "old", "new/req", "--format", "json"], cwd=tmp_path).json()
    assert {f["file"] for f in result["files"]} == {
        "old/req/batch.jsonl",
        "old/req/one.json",
        "new/req/batch.jsonl",
        "new/req/one.json",
    }


def test_two_single_files_are_one_file(tmp_path: Path, run_cli) -> None:
    write(tmp_path, {"a.jsonl": BASE["req/batch.jsonl"], "b.jsonl": HEAD["req/batch.jsonl"]})
    result = run_cli(["cost", "diff", "a.jsonl", "b.jsonl", "--format", "json"], cwd=tmp_path)
    assert per_file(result.json(), "") == {"b.jsonl": PER_FILE["batch.jsonl"]}
    VALIDATOR.validate(result.json())


def test_a_folder_against_a_saved_report_of_another_folder(tmp_path: Path, run_cli) -> None:
    snapshots(tmp_path)
    saved = run_cli(["cost", "old/req", "--format", "json", "-o", "saved.json"], cwd=tmp_path)
    assert saved.exit == 0, saved.stderr
    result = run_cli(["cost", "diff", "saved.json", "new/req", "--format", "json"], cwd=tmp_path)
    check_changes(result.json())
    assert per_file(result.json(), "new/req/") == PER_FILE
    # Saved with absolute names, from elsewhere: the same.
    absolute = run_cli(["cost", tmp_path / "old" / "req", "--format", "json", "-o", "abs.json"], cwd=tmp_path)
    assert absolute.exit == 0, absolute.stderr
    again = run_cli(["cost", "diff", "abs.json", "new/req", "--format", "json"], cwd=tmp_path)
    assert per_file(again.json(), "new/req/") == PER_FILE


def test_a_git_path_against_a_folder_elsewhere(tmp_path: Path, run_cli) -> None:
    repo = committed_repository(tmp_path / "repo")
    write(tmp_path / "copy", HEAD)
    result = run_cli(["cost", "diff", "git:HEAD:req", "../copy/req", "--format", "json"], cwd=repo)
    assert result.exit == 0, result.stderr
    check_changes(result.json())
    assert per_file(result.json(), "../copy/req/") == PER_FILE
    # And git:HEAD:req against req itself stays matched by name, as before.
    write(repo, HEAD)
    same = run_cli(["cost", "diff", "git:HEAD:req", "req", "--format", "json"], cwd=repo)
    assert per_file(same.json(), "req/") == PER_FILE


def test_tasks_without_a_taskuuid_are_matched_by_rank_across_snapshots(tmp_path: Path, run_cli) -> None:
    old = jsonl(task(None), task(None), task(uuid(7)))
    new = jsonl(task(None), task(None, duration=10), task(uuid(7)))
    write(tmp_path, {"old/a.jsonl": old, "new/a.jsonl": new})
    report = run_cli(["cost", "diff", "old", "new", "--format", "json"], cwd=tmp_path).json()
    assert report["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2}
    (changed,) = report["tasks"]
    assert changed["file"] == "new/a.jsonl" and changed["head"]["task"] == 1 and changed["changed"] == ["duration"]


def test_renaming_a_folder_side_changes_only_the_names(tmp_path: Path, run_cli) -> None:
    snapshots(tmp_path)
    first = run_cli(["cost", "diff", "old/req", "new/req", "--format", "json"], cwd=tmp_path).stdout
    shutil.move(tmp_path / "old", tmp_path / "before")
    shutil.move(tmp_path / "new", tmp_path / "after")
    second = run_cli(["cost", "diff", "before/req", "after/req", "--format", "json"], cwd=tmp_path).stdout
    assert second == first.replace('"old/', '"before/').replace('"new/', '"after/')


ROOTS = st.sampled_from(["old", "new", "x/y", "/abs/snap", "a-b"])


@settings(max_examples=100, deadline=None)
@given(st.lists(TASKS, max_size=10), st.lists(TASKS, max_size=10), ROOTS, ROOTS, ROOTS, ROOTS)
def test_the_roots_of_both_sides_change_nothing_but_the_names(
    base_tasks: list, head_tasks: list, base_root: str, head_root: str, other_base: str, other_head: str
) -> None:
    def report(base: str, head: str) -> dict:
        diff = compare(side(base_tasks, base), side(head_tasks, head), "USD", show_unchanged=True)
        found = json.loads("".join(stream(diff)))
        sides = [t[end] for t in found["tasks"] for end in ("base", "head") if t[end] is not None]
        for item in (*found["files"], *found["tasks"], *sides):  # each name from its side's root
            item["file"] = item["file"].rsplit("/", 1)[-1]
        return found

    assert report(base_root, head_root) == report(other_base, other_head)


def test_a_saved_report_of_one_file_against_another_file(tmp_path: Path, run_cli) -> None:
    write(tmp_path, {"req/a.jsonl": BASE["req/batch.jsonl"], "b.jsonl": HEAD["req/batch.jsonl"]})
    saved = run_cli(["cost", "req/a.jsonl", "--format", "json", "-o", "saved.json"], cwd=tmp_path)
    assert saved.exit == 0, saved.stderr
    result = run_cli(["cost", "diff", "saved.json", "b.jsonl", "--format", "json"], cwd=tmp_path)
    assert per_file(result.json(), "") == {"b.jsonl": PER_FILE["batch.jsonl"]}
