"""No command, format or output path prints a secret (issue 18, class 8).

Every command runs over files seeded with secrets in every spelling of
issue 18's classes 7 and 9 (tests/cases/hostile/: leaky-request.json, the
escaped spellings of diff/, the URL spellings of seeded/, where the values
sit in string slots and in number slots that other rules and `cost` quote),
in every format, to stdout, stderr and --output files, from files and from
standard input; no 5-character piece of any listed secret may appear.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CASES_DIR

HOSTILE = CASES_DIR / "hostile"
SEEDED = [
    HOSTILE / "leaky-request.json",
    *sorted(p for d in ("diff", "seeded") for p in (HOSTILE / d).iterdir() if p.suffix in (".json", ".yaml")),
]


def _secrets(path: Path) -> list[str]:
    listing = (
        path.with_name("leaky-request.secrets.txt") if path.name == "leaky-request.json" else Path(f"{path}.secrets")
    )
    return listing.read_text().split()


SECRETS = sorted({s for path in SEEDED for s in _secrets(path)})
PIECES = {s[i : i + 5] for s in SECRETS for i in range(len(s) - 4)}


def _leaks(text: str) -> list[str]:
    return sorted(p for p in PIECES if p in text)


def _runs() -> list[list[str]]:
    from seedance_lint.reporters.check import CHECK_REPORTERS
    from seedance_lint.reporters.cost import COST_REPORTERS

    runs = [["check", "--format", f] for f in sorted(CHECK_REPORTERS)]
    runs += [["cost", "--format", f] for f in sorted(COST_REPORTERS)]
    return [*runs, ["check", "--diff"], ["check", "--diff", "--unsafe-fixes"], ["check", "--strict"]]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seeded")
    for path in SEEDED:
        shutil.copy(path, root / path.name)
    return root


def test_the_seeded_files_hold_their_secrets() -> None:
    """Else the test below would prove nothing: each listed secret is in its file (escaped or not)."""
    import json

    import yaml

    for path in SEEDED:
        text = path.read_text()
        values = json.dumps(yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text))
        for secret in _secrets(path):
            assert secret in text or secret in values or secret.replace(" ", "") in values.replace(" ", ""), secret


@pytest.mark.parametrize("argv", _runs(), ids=" ".join)
def test_no_command_or_format_prints_a_secret(argv: list[str], seeded: Path, run_cli) -> None:
    names = sorted(p.name for p in seeded.iterdir())
    result = run_cli([*argv, *names], cwd=seeded)
    assert result.exit in (0, 1), result.stderr
    assert (result.stdout + result.stderr).strip()
    assert _leaks(result.stdout + result.stderr) == []


@pytest.mark.parametrize("argv", _runs()[:-3], ids=" ".join)
def test_no_format_prints_a_secret_from_stdin(argv: list[str], run_cli) -> None:
    for path in SEEDED:
        result = run_cli([*argv, "--stdin-filename", path.name, "-"], stdin=path.read_bytes())
        assert result.exit in (0, 1), result.stderr
        assert _leaks(result.stdout + result.stderr) == [], path.name


@pytest.mark.parametrize("argv", [r for r in _runs() if r[0] == "check" and "--format" in r], ids=" ".join)
def test_no_report_file_holds_a_secret(argv: list[str], seeded: Path, tmp_path: Path, run_cli) -> None:
    report = tmp_path / "report.out"
    names = sorted(p.name for p in seeded.iterdir())
    result = run_cli([*argv, "--output", report, *names], cwd=seeded)
    assert result.exit in (0, 1), result.stderr
    written = report.read_text(encoding="utf-8")
    assert written.strip() and _leaks(written + result.stdout + result.stderr) == []


def test_the_other_commands_print_nothing_secret(run_cli) -> None:
    for argv in (["prices"], ["prices", "--format", "json"], ["rules"], ["--version"]):
        result = run_cli(argv)
        assert _leaks(result.stdout + result.stderr) == []


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "github"])
def test_cost_diff_prints_no_secret(fmt: str, seeded: Path, run_cli, tmp_path: Path) -> None:
    """Every seeded task is added (so listed, with its taskUUID), in each format; and as the base of a saved
    report whose taskUUIDs were never masked (a hand-made record), each is removed and listed."""
    import json

    (tmp_path / "empty").mkdir()
    added = run_cli(["cost", "diff", str(tmp_path / "empty"), ".", "--format", fmt, "--show-unchanged"], cwd=seeded)
    assert added.exit in (0, 1), added.stderr
    assert "added" in added.stdout or "::warning" in added.stdout
    assert _leaks(added.stdout + added.stderr) == []
    saved = run_cli(["cost", ".", "--format", "json"], cwd=seeded).json()
    for row, secret in zip(saved["tasks"], SECRETS * len(saved["tasks"]), strict=False):
        row["taskUUID"] = f"https://example.com/hook?token={secret}"
    (tmp_path / "saved.json").write_text(json.dumps(saved))
    removed = run_cli(["cost", "diff", str(tmp_path / "saved.json"), str(tmp_path / "empty"), "--format", fmt])
    assert removed.exit in (0, 1), removed.stderr
    assert _leaks(removed.stdout + removed.stderr) == []


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "github"])
def test_cost_diff_masks_a_credential_in_a_file_name(fmt: str, run_cli, tmp_path: Path) -> None:
    import json

    secret = "Zq8dLx3Pk2Vb7NwTy5Rm"
    task = {"taskType": "videoInference", "taskUUID": "u-1", "model": "bytedance:2@2", "positivePrompt": "a dancer"}
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / f"hook?token={secret}.json").write_text(json.dumps([{**task, "width": 864, "height": 480}]))
    result = run_cli(["cost", "diff", "old", "new", "--format", fmt], cwd=tmp_path)
    assert result.exit == 0, result.stderr
    assert "hook?token=" in result.stdout or "hook?token=" in result.stdout.replace("%3F", "?")
    assert secret[4:9] not in result.stdout + result.stderr


#: A file whose name holds a credential: every command masks it, in every format (one masking: rules.secrets).
NAMED_SECRET = "Zq8dLx3Pk2Vb7NwTy5Rm"


def _named_runs() -> list[list[str]]:
    """Each check and cost format, and reconcile's (billed for the task, so that its files are read)."""
    from seedance_lint.reporters.reconcile import RECONCILE_REPORTERS

    reconcile = [["reconcile", "--format", f, "--billed", "../bills.jsonl"] for f in sorted(RECONCILE_REPORTERS)]
    return [*_runs(), *reconcile]


@pytest.mark.parametrize("argv", _named_runs(), ids=" ".join)
def test_no_command_or_format_prints_a_credential_in_a_file_name(argv: list[str], tmp_path: Path, run_cli) -> None:
    import json

    (tmp_path / "bills.jsonl").write_text('{"taskType": "videoInference", "taskUUID": "u-1", "cost": 0.5}\n')

    task = {"taskType": "videoInference", "taskUUID": "u-1", "model": "bytedance:2@2", "positivePrompt": "a dancer"}
    bad = {**task, "width": 864, "height": 480, "resolution": "4k"}  # a diagnostic for check; a price for cost
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"hook?token={NAMED_SECRET}.json").write_text(json.dumps([bad]))
    (folder / f"batch?sig={NAMED_SECRET}.jsonl").write_text(json.dumps(bad) + "\n")
    result = run_cli([*argv, "."], cwd=folder)
    assert result.exit in (0, 1), result.stderr
    assert NAMED_SECRET[4:9] not in result.stdout + result.stderr
    if "--diff" in argv:  # a diff of the fixes (none safe here), not a report: nothing more to read
        return
    if argv[0] != "reconcile":  # reconcile names a file only with a problem of its tasks
        assert "hook" in result.stdout and NAMED_SECRET[:4] in result.stdout  # named, its credential masked
    report = tmp_path / "report.out"
    written = run_cli([*argv, "--output", report, "."], cwd=folder)
    assert written.exit in (0, 1) and NAMED_SECRET[4:9] not in report.read_text() + written.stdout + written.stderr


@pytest.fixture(scope="module")
def bills(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Billed responses for the seeded requests, their taskUUIDs (URLs with tokens among them) billed, failed
    with a message quoting them, and billed again (a problem that names the taskUUID)."""
    import json
    import re

    found = {u for p in SEEDED for u in re.findall(r'"taskUUID": *"([^"]*)"', p.read_text())}
    lines = []
    for uuid in sorted(found):
        item = {"taskType": "videoInference", "taskUUID": uuid, "cost": 0.5}
        lines += [json.dumps(item), json.dumps(item)]
        lines.append(json.dumps({"errors": [{"code": uuid, "message": f"failed: {uuid}", "taskUUID": uuid}]}))
        lines.append(json.dumps({**item, "cost": "leaky " + uuid}))
    path = tmp_path_factory.mktemp("bills") / "bills.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert any("token=" in u for u in found)  # else the test would prove nothing
    return path


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_reconcile_prints_no_secret(fmt: str, seeded: Path, bills: Path, tmp_path: Path, run_cli) -> None:
    names = sorted(p.name for p in seeded.iterdir())
    result = run_cli(["reconcile", "--format", fmt, "--billed", bills, *names], cwd=seeded)
    assert result.exit == 1, result.stderr  # the repeated bills and the string costs are problems
    assert "RCN005" in result.stdout + result.stderr and _leaks(result.stdout + result.stderr) == []
    report = tmp_path / "report.out"
    result = run_cli(
        ["reconcile", "--format", fmt, "--billed", "-", "--output", report, *names],
        cwd=seeded,
        stdin=bills.read_bytes(),
    )
    assert result.exit == 1 and _leaks(report.read_text() + result.stdout + result.stderr) == []


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "github"])
def test_cost_diff_masks_every_text_of_a_hand_made_saved_report(fmt: str, run_cli, tmp_path: Path) -> None:
    """A saved report is a record, but a hand-made one may hold a credential in any text: its problems, a
    task's reason, aspect ratio or label; each is masked as `cost` would have written it."""
    import json

    secret = "Hv4Nq8Tz2Lm6Pw9Xc3Rk"
    url = f"https://x.example/hook?token={secret}"
    report = json.loads(run_cli(["cost", "a.json", "--format", "json"], cwd=_one_task(tmp_path)).stdout)
    report["problems"] = [f"::error::x {url}"]
    report["tasks"][0] |= {"reason": url, "aspectRatio": url, "label": url}
    (tmp_path / "saved.json").write_text(json.dumps(report))
    (tmp_path / "empty").mkdir()
    result = run_cli(["cost", "diff", "saved.json", "empty", "--format", fmt, "--show-unchanged"], cwd=tmp_path)
    assert result.exit in (0, 1), result.stderr
    assert secret[4:9] not in result.stdout + result.stderr


def _one_task(root: Path) -> Path:
    import json

    task = {"taskType": "videoInference", "taskUUID": "u-1", "model": "bytedance:2@2", "positivePrompt": "a dancer"}
    (root / "a.json").write_text(json.dumps({**task, "width": 864, "height": 480}))
    return root
