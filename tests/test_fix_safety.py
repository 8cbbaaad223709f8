"""`--fix`, `--diff` and `--output` never lose a byte (issue 18, classes 1 to 6 and 13).

In place: links, owner, group, mode and extended attributes kept; refusals (exit 2,
nothing written); a file changed during the run is not written; a report is never an
input; every planned fix in one pass, and a guard that holds for every YAML syntax form.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.input.sources import Source
from seedance_lint.linting import fixer
from seedance_lint.linting.linter import Linter

from conftest import CASES_DIR, EXAMPLES_DIR
from strategies import mutations

FIX_CASES = CASES_DIR / "fix"
#: A file whose safe fixes change it (a height 0.7% off a documented size, a respelled format).
FIXABLE = FIX_CASES / "comments.yaml.in"
PROPERTY = settings(max_examples=100, deadline=None, database=None)


def _copy(tmp_path: Path, name: str = "req.yaml", source: Path = FIXABLE) -> Path:
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def _fixed() -> bytes:
    return FIXABLE.with_suffix(".out").read_bytes()


# Class 1: in place.


def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(tmp_path: Path, run_cli) -> None:
    target = _copy(tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    run_cli(["check", "--fix", str(link)])
    assert link.is_symlink() and os.readlink(link) == target.name
    assert target.read_bytes() == _fixed()


def test_fix_keeps_hard_links(tmp_path: Path, run_cli) -> None:
    target = _copy(tmp_path)
    other = tmp_path / "other.yaml"
    os.link(target, other)
    inode = target.stat().st_ino
    run_cli(["check", "--fix", str(target)])
    assert target.stat().st_ino == inode and target.stat().st_nlink == 2
    assert other.read_bytes() == _fixed()


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="only root can give a file away")
def test_fix_keeps_owner_and_group(tmp_path: Path, run_cli) -> None:
    target = _copy(tmp_path)
    os.chown(target, 4321, 8765)
    run_cli(["check", "--fix", str(target)])
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 8765)
    assert target.read_bytes() == _fixed()


def test_fix_keeps_extended_attributes(tmp_path: Path, run_cli) -> None:
    target = _copy(tmp_path)
    try:
        os.setxattr(target, "user.origin", b"kept")
    except (AttributeError, OSError) as error:
        if isinstance(error, OSError) and error.errno not in (errno.ENOTSUP, errno.EPERM):
            raise
        pytest.skip("no user extended attributes here")
    run_cli(["check", "--fix", str(target)])
    assert os.getxattr(target, "user.origin") == b"kept"
    assert target.read_bytes() == _fixed()


def test_a_read_only_file_is_refused_and_nothing_is_written(tmp_path: Path, run_cli) -> None:
    writable = _copy(tmp_path, "a.yaml")
    read_only = _copy(tmp_path, "b.yaml")
    read_only.chmod(0o444)
    result = run_cli(["check", "--fix", str(writable), str(read_only)])
    assert result.exit == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "b.yaml" in result.stderr and "read-only" in result.stderr
    assert writable.read_bytes() == read_only.read_bytes() == FIXABLE.read_bytes()  # neither written
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o444


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to run as another user")
def test_someone_elses_file_is_refused_for_a_user_without_write_permission() -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o777)  # a writable directory: renaming over the file would have worked
        target = _copy(folder)
        target.chmod(0o644)  # root's file, readable by all, writable by root only
        returncode, stderr = _as_nobody(["check", "--fix", str(target)])
        assert returncode == 2, stderr
        assert "no write permission" in stderr and stderr.count("\n") == 1
        assert target.read_bytes() == FIXABLE.read_bytes()
        assert target.stat().st_uid == 0
    finally:
        shutil.rmtree(folder)


def _as_nobody(argv: list[str]) -> tuple[int, str]:
    """Run the command line in a forked child that has dropped root (the interpreter lives under /root)."""
    from seedance_lint.cli import main

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        code = 70
        try:
            sys.stderr = os.fdopen(write, "w")  # pytest captures the parent's
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            code = main(argv)
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as stream:
        stderr = stream.read()
    return os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), stderr


# Class 4: the bytes the fix was planned on.


def test_a_file_changed_during_the_run_is_not_written(tmp_path: Path, run_cli, monkeypatch) -> None:
    target = _copy(tmp_path)
    edited = FIXABLE.read_bytes() + b"# edited by someone else meanwhile\n"
    planner = fixer.plan

    def plan_then_edit(*args: object, **kwargs: object) -> list[fixer.FileChange]:
        changes = planner(*args, **kwargs)  # type: ignore[arg-type]
        target.write_bytes(edited)  # an editor saves between planning and writing
        return changes

    monkeypatch.setattr(fixer, "plan", plan_then_edit)
    result = run_cli(["check", "--fix", str(target)])
    assert target.read_bytes() == edited
    assert result.exit == 1
    assert "req.yaml: changed while it was checked: not fixed" in result.stderr


def test_write_in_place_compares_before_writing(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"new")
    assert not fixer.write_in_place(target, b"old", b"fixed")
    assert target.read_bytes() == b"new"
    assert fixer.write_in_place(target, b"new", b"fixed, and longer")
    assert target.read_bytes() == b"fixed, and longer"
    assert fixer.write_in_place(target, b"fixed, and longer", b"short")
    assert target.read_bytes() == b"short"


# Class 2: --output.


def test_output_that_is_an_input_is_refused_before_writing(tmp_path: Path, run_cli) -> None:
    victim = tmp_path / "victim.json"
    shutil.copyfile(EXAMPLES_DIR / "text-to-video.json", victim)
    before = victim.read_bytes()
    for output in (victim, tmp_path / "alias.json"):
        if output != victim:
            output.symlink_to(victim.name)
        result = run_cli(["check", str(victim), "--output", str(output)])
        assert result.exit == 2 and "is also an input" in result.stderr
        assert victim.read_bytes() == before


def test_a_report_inside_a_walked_directory_is_not_linted(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "req"
    folder.mkdir()
    shutil.copyfile(EXAMPLES_DIR / "text-to-video.json", folder / "a.json")
    report = folder / "lint.json"
    for _ in range(2):
        result = run_cli(["check", str(folder), "--format", "json", "--output", str(report)])
        assert result.exit == 0, report.read_text()
        assert {d["file"] for d in json.loads(report.read_text())["diagnostics"]} == set()
    assert sorted(p.name for p in folder.iterdir()) == ["a.json", "lint.json"]  # no temporary file left


def test_a_failed_run_leaves_the_previous_report(tmp_path: Path, run_cli) -> None:
    report = tmp_path / "report.txt"
    report.write_text("previous\n")
    result = run_cli(["check", str(tmp_path / "missing.json"), "--output", str(report)])
    assert result.exit == 2
    assert report.read_text() == "previous\n"


# Class 13: --diff's exit code.

DUPLICATE_YAML = (
    "taskType: videoInference\ntaskUUID: 59d02567-ead8-47ef-94c7-d04dfdcc78b8\nmodel: bytedance:2@2\n"
    "positivePrompt: a dancer\nwidth: 864\nheight: 480\nseed: 1\nseed: 2\n"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("dup.yaml", DUPLICATE_YAML),  # no YAML duplicate-key fix
        ("multi.yaml", DUPLICATE_YAML.replace("seed: 2\n", "") + "---\n" + FIXABLE.read_text()),  # not edited
    ],
)
def test_diff_exits_1_while_an_error_it_does_not_fix_remains(tmp_path: Path, run_cli, name: str, text: str) -> None:
    target = tmp_path / name
    target.write_text(text)
    assert run_cli(["check", str(target)]).exit == 1
    result = run_cli(["check", "--diff", str(target)])
    assert result.exit == 1
    assert result.stdout == ""
    assert "failing problem" in result.stderr


def test_diff_of_standard_input_exits_1_while_errors_remain(run_cli) -> None:
    only_safe = (FIX_CASES / "crlf-duplicates.json.in").read_bytes()  # every error has a safe fix
    result = run_cli(["check", "--diff", "--stdin-filename", "req.json", "-"], stdin=only_safe)
    assert result.exit == 1  # standard input is never fixed: every error remains
    assert result.stdout == ""


def test_diff_of_a_clean_file_exits_0_silently(run_cli) -> None:
    result = run_cli(["check", "--diff", str(EXAMPLES_DIR / "text-to-video.json")])
    assert (result.exit, result.stdout, result.stderr) == (0, "", "")


# Classes 5 and 6: properties.


def _relint(source: Source) -> list:
    return list(Linter().lint_source(source))


def _fix_once(text: str, name: str, unsafe: bool) -> str:
    """One --fix pass over the text, as the command plans it."""
    fmt = "yaml" if name.endswith(".yaml") else "json"
    snapshot = fixer.Snapshot(Path(name), name, fmt, text.encode("utf-8"))
    diagnostics = _relint(Source(name, None, fmt, True, snapshot.raw))
    changes = fixer.plan(diagnostics, [snapshot], unsafe, _relint)
    return changes[0].new if changes else text


BASE = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text())
#: Members a fix removes (unknown, or unknown by case) or keeps, in any order and repeated.
MEMBER = st.sampled_from(["foo", "Seed", "SEED", "seed", "bar"])


@PROPERTY
@given(st.lists(st.tuples(MEMBER, st.integers(1, 9)), min_size=1, max_size=8), st.sampled_from([", ", ",", ",\n  "]))
def test_one_fix_pass_applies_every_fix_and_a_second_changes_nothing(
    members: list[tuple[str, int]], separator: str
) -> None:
    known = {k: v for k, v in BASE.items() if k != "seed"}
    parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in known.items()]
    parts += [f"{json.dumps(k)}: {v}" for k, v in members]
    text = "{" + separator.join(parts) + "}\n"
    once = _fix_once(text, "t.json", unsafe=True)
    assert _fix_once(once, "t.json", unsafe=True) == once
    fixed = json.loads(once)
    last = dict(members)  # what a parser reads: the last of duplicate keys
    assert not {"foo", "bar", "Seed", "SEED"} & set(fixed)
    if "seed" in last:
        assert fixed["seed"] == last["seed"]  # a kept member keeps the value the API read


FIXABLE_DATA = yaml.safe_load(FIXABLE.read_text())
EXPECTED_DATA = yaml.safe_load(FIXABLE.with_suffix(".out").read_text())


@PROPERTY
@given(
    st.sampled_from(["block", "flow", "canonical", "explicit", "comments"]),
    st.permutations(list(FIXABLE_DATA)),
)
def test_a_yaml_fix_changes_only_the_fixed_members_in_every_syntax_form(form: str, order: list[str]) -> None:
    data = {key: FIXABLE_DATA[key] for key in order}
    text = _render(data, form)
    fixed = _fix_once(text, "t.yaml", unsafe=False)
    if fixed != text:  # applied: exactly the planned change, nothing else; else refused by the guard
        after = yaml.safe_load(fixed)
        assert list(after) == order
        assert all(after[key] in (FIXABLE_DATA[key], EXPECTED_DATA[key]) for key in order)
    if form != "canonical":  # canonical tags every scalar (`!!str "mp4"`): left to the guard, may be refused
        assert fixed != text
    if form == "comments":
        assert [line for line in text.splitlines() if "#" in line] == [
            line for line in fixed.splitlines() if "#" in line
        ]


def _render(data: dict, form: str) -> str:
    if form == "canonical":
        return yaml.safe_dump(data, canonical=True, sort_keys=False)
    if form == "flow":
        return yaml.safe_dump(data, default_flow_style=True, width=1000, sort_keys=False)
    if form == "explicit":
        return "".join(f"? {key}\n: {json.dumps(value)}\n" for key, value in data.items())
    if form == "comments":
        return "".join(f"{key}: # about {key}\n  {json.dumps(value)}\n" for key, value in data.items())
    return yaml.safe_dump(data, sort_keys=False)


def test_a_full_disk_fails_before_any_byte_is_overwritten(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "req.json"
    target.write_bytes(b'{"a": 1}')

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(OSError, match="No space left"):
        fixer.write_in_place(target, b'{"a": 1}', b'{"a": 1, "longer": true}')
    assert target.read_bytes() == b'{"a": 1}'


def test_the_guard_refuses_a_fix_that_would_change_other_members(tmp_path: Path, run_cli) -> None:
    """Removing `foo` from a flow mapping by its line would take providerSettings with it: not done."""
    target = tmp_path / "flow.yaml"
    target.write_text(
        "taskType: videoInference\ntaskUUID: 59d02567-ead8-47ef-94c7-d04dfdcc78b8\nmodel: bytedance:2@2\n"
        "positivePrompt: a dancer\nwidth: 864\nheight: 480\n"
        "providerSettings: {bytedance: {cameraFixed: false}, foo: 1}\n"
    )
    before = target.read_bytes()
    diff = run_cli(["check", "--diff", "--unsafe-fixes", str(target)])
    assert (diff.exit, diff.stdout) == (1, "")
    fixed = run_cli(["check", "--fix", "--unsafe-fixes", "--format", "json", str(target)])
    assert target.read_bytes() == before
    assert fixed.exit == 1
    assert [d["pointer"] for d in fixed.json()["diagnostics"]] == ["/providerSettings/foo"]


@PROPERTY
@given(st.lists(mutations(), min_size=1, max_size=3), st.booleans(), st.sampled_from([None, 2]))
def test_one_fix_run_leaves_nothing_for_a_second(found: list, unsafe: bool, indent: int | None) -> None:
    """Several broken tasks of one file, each fixed as far as its fixes go: a second pass changes nothing."""
    text = json.dumps([m.task for m in found], indent=indent, ensure_ascii=False)
    once = _fix_once(text, "t.json", unsafe)
    assert _fix_once(once, "t.json", unsafe) == once


@pytest.mark.parametrize(
    ("edits", "kept", "deferred"),
    [
        ([(0, 3, ""), (3, 6, "")], [(0, 6, "")], []),  # touching removals: one
        ([(0, 4, ""), (2, 6, "")], [(0, 6, "")], []),  # overlapping removals (a shared comma): one
        ([(0, 10, ""), (2, 4, "x")], [(0, 10, "")], []),  # a value inside a removed member goes with it
        ([(2, 4, "x"), (2, 4, "")], [(2, 4, "")], []),  # a member removed and its value set: removed
        ([(0, 5, "a"), (2, 7, "b")], [(0, 5, "a")], [(2, 7, "b")]),  # two replacements: the later waits
        ([(0, 2, "a"), (2, 4, "b")], [(0, 2, "a"), (2, 4, "b")], []),  # adjacent replacements: both
    ],
)
def test_edits_are_merged_or_deferred_never_dropped(edits: list, kept: list, deferred: list) -> None:
    made, waiting = fixer.schedule([fixer.TextEdit(*e) for e in edits])
    assert made == [fixer.TextEdit(*e) for e in kept]
    assert waiting == {fixer.TextEdit(*e) for e in deferred}


def test_a_file_named_twice_or_through_a_link_is_fixed_once(tmp_path: Path, run_cli) -> None:
    target = _copy(tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(target.name)
    result = run_cli(["check", "--fix", str(target), str(target), str(link)])
    assert target.read_bytes() == _fixed()
    assert "changed while it was checked" not in result.stderr
    assert result.exit == 1  # SDL105 (an unsafe fix) remains
