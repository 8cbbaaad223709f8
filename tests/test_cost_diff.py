"""`seedance-lint cost diff BASE HEAD` through the CLI: sides from directories, saved JSON and git revisions."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO_ROOT

SCHEMA = json.loads((REPO_ROOT / "schemas" / "cost-diff.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def task(uuid: str | None, width: int = 864, height: int = 480, duration: int = 5, n: int = 1) -> dict:
    found = {
        "taskType": "videoInference",
        "model": "bytedance:2@2",
        "positivePrompt": "a dancer on a rooftop at dusk",
        "width": width,
        "height": height,
        "duration": duration,
        "numberResults": n,
    }
    return found if uuid is None else {"taskUUID": uuid, **found}


def uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def jsonl(*tasks: dict) -> str:
    return "".join(json.dumps(t) + "\n" for t in tasks)


BASE = {
    "req/batch.jsonl": jsonl(task(uuid(1)), task(uuid(2)), task(uuid(3))),
    "req/one.json": json.dumps(task(uuid(4)), indent=2),
}
HEAD = {
    # uuid 1 unchanged, uuid 2 longer and larger, uuid 3 removed, uuid 5 added (on line 3)
    "req/batch.jsonl": jsonl(task(uuid(1)), task(uuid(2), 1920, 1088, 10), task(uuid(5), n=2)),
    "req/one.json": json.dumps(task(uuid(4), n=3), indent=2),
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose HEAD holds BASE, with HEAD's files in the work tree (not committed)."""
    root = committed_repository(tmp_path / "repo")
    write(root, HEAD)
    return root


def committed_repository(root: Path) -> Path:
    """A new repository at ``root`` whose HEAD holds BASE (and the work tree too)."""
    root.mkdir()
    git(root, "init", "-q")
    write(root, BASE)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def by_uuid(report: dict) -> dict:
    return {t["taskUUID"]: t for t in report["tasks"]}


def check_changes(report: dict) -> None:
    VALIDATOR.validate(report)
    assert report["counts"] == {"added": 1, "removed": 1, "changed": 2, "unchanged": 1}
    tasks = by_uuid(report)
    assert tasks[uuid(2)]["change"] == "changed" and tasks[uuid(2)]["changed"] == ["size", "duration"]
    assert tasks[uuid(4)]["changed"] == ["numberResults"]
    assert tasks[uuid(3)]["change"] == "removed" and tasks[uuid(3)]["head"] is None
    assert tasks[uuid(5)]["change"] == "added" and tasks[uuid(5)]["base"] is None
    assert uuid(1) not in tasks  # unchanged: counted, not listed
    # Totals: the delta is head - base, and the sum of the tasks' deltas.
    base, head, delta = (Decimal(report[k]["total"]) for k in ("base", "head", "delta"))
    assert head - base == delta == sum(Decimal(t["delta"]["total"]) for t in report["tasks"])
    assert Decimal(report["delta"]["high"]) == Decimal(report["head"]["high"]) - Decimal(report["base"]["high"])
    assert report["delta"]["percent"] == f"{(delta * 100 / base).quantize(Decimal('0.01'))}"


def test_a_git_revision_against_the_work_tree(repo: Path, run_cli) -> None:
    result = run_cli(["cost", "diff", "git:HEAD", "req", "--format", "json"], cwd=repo)
    assert result.exit == 0, result.stderr
    report = result.json()
    check_changes(report)
    assert {f["file"] for f in report["files"]} == {"req/batch.jsonl", "req/one.json"}
    batch = next(f for f in report["files"] if f["file"] == "req/batch.jsonl")
    assert batch["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}


def test_git_rev_path_is_read_from_the_root_or_from_here_with_dot_slash(repo: Path, run_cli) -> None:
    (repo / "sub").mkdir()
    from_root = run_cli(["cost", "diff", "git:HEAD:req", "../req", "--format", "json"], cwd=repo / "sub")
    assert from_root.exit == 0, from_root.stderr
    check_changes(from_root.json())
    assert {f["file"] for f in from_root.json()["files"]} == {"../req/batch.jsonl", "../req/one.json"}
    from_here = run_cli(["cost", "diff", "git:HEAD:../req", "../req", "--format", "json"], cwd=repo / "sub")
    assert from_here.json()["counts"] == from_root.json()["counts"]
    one_file = run_cli(["cost", "diff", "git:HEAD:req/one.json", "req/one.json", "--format", "json"], cwd=repo)
    assert one_file.json()["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 0}


def test_the_whole_revision_selects_what_a_walk_selects(repo: Path, run_cli) -> None:
    """Suffixes, the config's exclude, and no node_modules: git:HEAD is the tree a walk of . would read."""
    extra = {
        "node_modules/x.json": json.dumps(task(uuid(9))),
        "notes.txt": "x",
        "skip/y.json": json.dumps(task(uuid(8))),
    }
    write(repo, extra | {".seedance-lint.toml": 'exclude = ["skip/*"]\n'})
    git(repo, "add", *extra, ".seedance-lint.toml")
    git(repo, "commit", "-qm", "more")
    result = run_cli(["cost", "diff", "git:HEAD", ".", "--format", "json"], cwd=repo)
    assert result.exit == 0, result.stderr
    files = {f["file"] for f in result.json()["files"]}
    assert files == {"req/batch.jsonl", "req/one.json"}
    check_changes(result.json())


def test_git_reads_the_revision_without_touching_the_work_tree(repo: Path, run_cli) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    status = git(repo, "status", "--porcelain")
    run_cli(["cost", "diff", "git:HEAD", "req"], cwd=repo)
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts} == before
    assert git(repo, "status", "--porcelain") == status


def test_saved_json_sides(repo: Path, run_cli, tmp_path: Path) -> None:
    saved = run_cli(["cost", "req", "--format", "json", "--output", str(tmp_path / "head.json")], cwd=repo)
    assert saved.exit == 0, saved.stderr
    same = run_cli(["cost", "diff", str(tmp_path / "head.json"), "req", "--format", "json"], cwd=repo)
    assert same.exit == 0, same.stderr
    assert same.json()["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 4}
    assert same.json()["delta"]["total"] == "0.00000"
    write(tmp_path / "w", BASE)
    base = run_cli(
        ["cost", tmp_path / "w" / "req", "--format", "json", "-o", tmp_path / "base.json"], cwd=tmp_path / "w"
    )
    assert base.exit == 0, base.stderr
    both = run_cli(["cost", "diff", tmp_path / "base.json", tmp_path / "head.json", "--format", "json"], cwd=repo)
    check_changes(both.json())


def test_a_saved_side_keeps_its_prices(repo: Path, run_cli, tmp_path: Path) -> None:
    """A saved report is a record: a price edited in it is taken as saved, and told as a change of price."""
    report = run_cli(["cost", "req", "--format", "json"], cwd=repo).json()
    report["tasks"][0]["cost"] = "9.00000"
    (tmp_path / "old.json").write_text(json.dumps(report))
    result = run_cli(["cost", "diff", tmp_path / "old.json", "req", "--format", "json"], cwd=repo)
    (changed,) = result.json()["tasks"]
    assert changed["changed"] == ["price"] and changed["base"]["cost"] == "9.00000"


def test_directory_sides(repo: Path, run_cli, tmp_path: Path) -> None:
    write(tmp_path / "old", BASE)
    result = run_cli(["cost", "diff", tmp_path / "old" / "req", "req", "--format", "json"], cwd=repo)
    report = result.json()
    VALIDATOR.validate(report)
    # The files differ in name (the sides are other folders): matched by taskUUID all the same.
    tasks = by_uuid(report)
    assert tasks[uuid(2)]["changed"] == ["size", "duration"] and tasks[uuid(5)]["change"] == "added"


def test_repeated_and_missing_uuids_fall_back_to_file_and_rank(repo: Path, run_cli) -> None:
    old = jsonl(task(None), task("dup"), task("dup"), task(uuid(7)))
    new = jsonl(task("dup"), task(None, duration=10), task("dup"), task(uuid(7)))
    write(repo, {"a.jsonl": old})
    git(repo, "add", "a.jsonl")
    git(repo, "commit", "-qm", "a")
    write(repo, {"a.jsonl": new})
    result = run_cli(["cost", "diff", "git:HEAD:a.jsonl", "a.jsonl", "--format", "json", "--show-unchanged"], cwd=repo)
    report = result.json()
    VALIDATOR.validate(report)
    # by rank among the tasks without an identifying taskUUID: 0 (none -> dup), 1 (dup -> none, 10 s),
    # 2 (dup -> dup); uuid 7 by its taskUUID
    assert report["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 3}
    (changed,) = [t for t in report["tasks"] if t["change"] == "changed"]
    assert changed["changed"] == ["duration"] and changed["head"]["task"] == 1
    # Two sides that are one file each are one file, whatever their names.
    write(repo, {"b.jsonl": new, "folder/b.jsonl": new})
    renamed = run_cli(["cost", "diff", "git:HEAD:a.jsonl", "b.jsonl", "--format", "json"], cwd=repo).json()
    assert renamed["counts"] == report["counts"] and [f["file"] for f in renamed["files"]] == ["b.jsonl"]
    # In files of other names and places, ranks do not meet: the tasks are added and removed.
    other = run_cli(["cost", "diff", "git:HEAD", "folder", "--format", "json"], cwd=repo).json()
    assert other["counts"] == {"added": 3, "removed": 3 + 4, "changed": 0, "unchanged": 1}


def test_guardrails_and_budget(repo: Path, run_cli) -> None:
    ok = run_cli(
        ["cost", "diff", "git:HEAD", "req", "--max-increase", "100", "--max-increase-percent", "10000"], cwd=repo
    )
    assert ok.exit == 0, ok.stdout
    over = run_cli(["cost", "diff", "git:HEAD", "req", "--max-increase", "0.01", "--format", "json"], cwd=repo)
    assert over.exit == 1
    (guard,) = over.json()["guardrails"]
    assert guard["ok"] is False and guard["value"] == over.json()["delta"]["high"]
    percent = run_cli(["cost", "diff", "git:HEAD", "req", "--max-increase-percent", "5", "--format", "json"], cwd=repo)
    assert percent.exit == 1 and percent.json()["guardrails"][0]["setting"] == "max-increase-percent"
    budget = run_cli(["cost", "diff", "git:HEAD", "req", "--budget", "0.01", "--format", "json"], cwd=repo)
    assert budget.exit == 1
    VALIDATOR.validate(budget.json())
    assert budget.json()["budget"]["ok"] is False and budget.json()["budget"]["high"] == budget.json()["head"]["high"]
    within = run_cli(["cost", "diff", "git:HEAD", "req", "--budget", "100", "--format", "markdown"], cwd=repo)
    assert within.exit == 0 and "Budget used: **" in within.stdout


def test_a_rise_from_nothing_is_an_infinite_percentage(tmp_path: Path, run_cli) -> None:
    write(tmp_path, {"old/a.json": "[]", "new/a.json": json.dumps([task(uuid(1))])})
    result = run_cli(["cost", "diff", "old", "new", "--max-increase-percent", "1000", "--format", "json"], cwd=tmp_path)
    report = result.json()
    assert result.exit == 1 and report["delta"]["percent"] is None and report["guardrails"][0]["value"] is None
    VALIDATOR.validate(report)


def test_head_problems_fail_and_base_problems_do_not(tmp_path: Path, run_cli) -> None:
    bad = {k: v for k, v in task(uuid(1)).items() if k not in ("width", "height")} | {"resolution": "4k"}
    write(tmp_path, {"good/a.json": json.dumps([task(uuid(1))]), "bad/a.json": json.dumps([bad])})
    fails = run_cli(["cost", "diff", "good", "bad", "--format", "json"], cwd=tmp_path)
    assert fails.exit == 1 and fails.json()["problems"]["head"] and not fails.json()["problems"]["base"]
    VALIDATOR.validate(fails.json())
    passes = run_cli(["cost", "diff", "bad", "good", "--format", "json"], cwd=tmp_path)
    assert passes.exit == 0 and passes.json()["problems"]["base"]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["git:no-such-rev", "req"], "git:no-such-rev: unknown revision no-such-rev"),
        (["git:HEAD:nowhere", "req"], "git:HEAD:nowhere: no such path in HEAD"),
        (["git:", "req"], "no revision named"),
        (["git:HEAD", "missing"], "missing: no such file or directory"),
        (["-", "req"], "standard input cannot be a side"),
        (["git:HEAD", "req", "--max-increase", "lots"], "--max-increase lots: not a number"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(repo: Path, run_cli, argv: list[str], said: str) -> None:
    result = run_cli(["cost", "diff", *argv], cwd=repo)
    assert result.exit == 2 and said in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_not_a_repository_and_no_git(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"a.json": json.dumps([task(uuid(1))])})
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    outside = run_cli(["cost", "diff", "git:HEAD", "."], cwd=tmp_path)
    assert outside.exit == 2 and "not inside a git repository" in outside.stderr
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    no_git = run_cli(["cost", "diff", "git:HEAD", "."], cwd=tmp_path)
    assert no_git.exit == 2 and "git is not installed" in no_git.stderr


def test_a_summary_or_foreign_json_is_not_a_saved_side(repo: Path, run_cli, tmp_path: Path) -> None:
    summary = run_cli(["cost", "req", "--format", "json", "--summary"], cwd=repo).stdout
    (tmp_path / "summary.json").write_text(summary)
    result = run_cli(["cost", "diff", tmp_path / "summary.json", "req"], cwd=repo)
    assert result.exit == 2 and "summary.json: a --summary report has no tasks" in result.stderr
    (tmp_path / "other.json").write_text('{"currency": "USD", "total": 3}')
    other = run_cli(["cost", "diff", tmp_path / "other.json", "req"], cwd=repo)
    assert other.exit == 2 and "other.json: not a `cost --format json` report" in other.stderr


def test_cost_diff_is_routed_and_a_file_named_diff_is_priced_as_dot_slash(tmp_path: Path, run_cli) -> None:
    write(tmp_path, {"diff": json.dumps([task(uuid(1))]), "x/a.json": json.dumps([task(uuid(1))])})
    priced = run_cli(["cost", "./diff", "--format", "json"], cwd=tmp_path)
    assert priced.exit == 0 and len(priced.json()["tasks"]) == 1
    dashed = run_cli(["cost", "--format", "json", "--", "diff"], cwd=tmp_path)
    assert dashed.exit == 0 and len(dashed.json()["tasks"]) == 1
    compared = run_cli(["--traceback", "cost", "diff", "x", "x", "--format", "json"], cwd=tmp_path)
    assert compared.exit == 0 and compared.json()["counts"]["unchanged"] == 1
    helped = run_cli(["cost", "--help"], cwd=tmp_path)
    assert "cost diff BASE HEAD" in helped.stdout and "./diff" in helped.stdout


def test_table_and_github_formats(repo: Path, run_cli) -> None:
    table = run_cli(["cost", "diff", "git:HEAD", "req"], cwd=repo)
    assert table.exit == 0
    assert "1 added, 1 removed, 2 changed, 1 unchanged" in table.stdout
    assert "changed: size, duration" in table.stdout and uuid(1) not in table.stdout
    shown = run_cli(["cost", "diff", "git:HEAD", "req", "--show-unchanged"], cwd=repo)
    assert uuid(1) in shown.stdout
    github = run_cli(["cost", "diff", "git:HEAD", "req", "--format", "github"], cwd=repo)
    lines = github.stdout.splitlines()
    assert any(line.startswith("::warning file=req/batch.jsonl,line=2,") and uuid(2) in line for line in lines)
    assert any(line.startswith("::warning file=req/batch.jsonl,line=3,") and uuid(5) in line for line in lines)
    assert any(line.startswith("::warning file=req/one.json,line=1,") for line in lines)
    assert not any(uuid(3) in line for line in lines)  # removed: no line in the head
    assert lines[-1].startswith("::notice title=seedance-lint cost diff::cost ")


def test_markdown_for_a_review(repo: Path, run_cli) -> None:
    result = run_cli(["cost", "diff", "git:HEAD", "req", "--format", "markdown", "--budget", "5"], cwd=repo)
    text = result.stdout
    assert text.startswith("<!-- seedance-lint cost diff -->\n### Seedance cost: ")
    assert "<details><summary>Biggest changes: 4 of 4 tasks that changed</summary>" in text
    rows = [line for line in text.splitlines() if line.startswith(("| changed", "| added", "| removed"))]
    deltas = [abs(Decimal(row.split(" | ")[-1].split()[0].strip(" |"))) for row in rows]
    assert deltas == sorted(deltas, reverse=True) and len(rows) == 4


def test_output_file(repo: Path, run_cli, tmp_path: Path) -> None:
    result = run_cli(["cost", "diff", "git:HEAD", "req", "--format", "json", "-o", tmp_path / "d.json"], cwd=repo)
    assert result.exit == 0 and result.stdout == ""
    check_changes(json.loads((tmp_path / "d.json").read_text()))


def test_the_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_pool_gives_the_report_of_one_process(repo: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sides in blocks of a few lines on two worker processes: the same report as --jobs 1."""
    from functools import partial

    from seedance_lint.commands import cost_diff
    from seedance_lint.core import executor
    from seedance_lint.cost import pipeline

    many = jsonl(*(task(uuid(100 + i), duration=5 + i % 3) for i in range(60)), task(None), task("dup"), task("dup"))
    write(repo, {"req/many.jsonl": many})
    git(repo, "add", "req/many.jsonl")
    git(repo, "commit", "-qm", "many")
    write(repo, {"req/many.jsonl": many.replace('"duration": 6', '"duration": 8')})
    argv = ["cost", "diff", "git:HEAD", "req", "--format", "json"]
    alone = run_cli([*argv, "--jobs", "1"], cwd=repo)
    monkeypatch.setattr(pipeline, "BLOCK_BYTES", 700)
    monkeypatch.setattr(cost_diff, "cost_blocks", partial(pipeline.cost_blocks, min_bytes=0))
    monkeypatch.setattr(executor, "cpu_count", lambda: 2)
    pooled = run_cli([*argv, "--jobs", "2"], cwd=repo)
    assert pooled.exit == alone.exit == 0, pooled.stderr
    assert pooled.stdout == alone.stdout
    assert pooled.json()["counts"]["changed"] == 2 + 20  # uuid 2 and one.json, and the 20 tasks of 6 s


def test_the_configured_budget_applies_to_the_head(repo: Path, run_cli) -> None:
    write(repo, {".seedance-lint.toml": 'budget = "0.01"\n'})
    result = run_cli(["cost", "diff", "git:HEAD:req", "req", "--format", "json"], cwd=repo)
    assert result.exit == 1
    budget = result.json()["budget"]
    assert budget["source"].endswith(".seedance-lint.toml") and budget["limit"] == "0.01" and not budget["ok"]
    assert result.json()["problems"]["head"] == []  # the budget is told in its own object
    table = run_cli(["cost", "diff", "git:HEAD:req", "req"], cwd=repo)
    assert "over budget 0.01 (set in" in table.stdout
