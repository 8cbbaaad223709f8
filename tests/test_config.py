"""Configuration files, through the CLI: discovery, validation, merging with flags, --show-config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, REPO_ROOT

GOOD = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text(encoding="utf-8"))


def request(uuid_digit: str, **changes: object) -> str:
    task = {**GOOD, "taskUUID": f"{uuid_digit * 8}-0000-4000-8000-000000000000", **changes}
    return json.dumps({k: v for k, v in task.items() if v is not None}, indent=2)


#: error SDL204 (unsupported size) in one, warning SDL205 (720p) in the other.
ERROR = request("1", width=1281)
WARNING = request("2", width=None, height=None, resolution="720p")
REQUESTS = {"req/error.json": ERROR, "req/warning.json": WARNING}

# (id, config files, extra flags, expected exit, expected {file: [(code, severity)]})
CASES = [
    ("no-config", {}, [], 1, {"req/error.json": [("SDL204", "error")], "req/warning.json": [("SDL205", "warning")]}),
    (
        "pyproject-ignore",
        {"pyproject.toml": '[project]\nname = "x"\n[tool.seedance-lint]\nignore = ["SDL204"]\n'},
        [],
        0,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "yaml-select-prefix",
        {".seedance-lint.yaml": "select: [SDL2]\n"},
        [],
        1,
        {"req/error.json": [("SDL204", "error")], "req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "yml-select-name",
        {".seedance-lint.yml": "select: [undocumented-value]\n"},
        [],
        0,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "toml-severity",
        {".seedance-lint.toml": 'severity = {SDL204 = "warning", undocumented-value = "error"}\n'},
        [],
        1,
        {"req/error.json": [("SDL204", "warning")], "req/warning.json": [("SDL205", "error")]},
    ),
    (
        "severity-off",
        {".seedance-lint.toml": 'severity = {SDL205 = "off"}\n'},
        [],
        1,
        {"req/error.json": [("SDL204", "error")]},
    ),
    (
        "severity-info",
        {".seedance-lint.toml": 'severity = {SDL204 = "info"}\n'},
        [],
        0,
        {"req/error.json": [("SDL204", "info")], "req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "strict",
        {".seedance-lint.toml": "strict = true\nignore = ['SDL204']\n"},
        [],
        1,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "no-strict-flag-wins",
        {".seedance-lint.toml": "strict = true\nignore = ['SDL204']\n"},
        ["--no-strict"],
        0,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "strict-flag",
        {".seedance-lint.toml": "ignore = ['SDL204']\n"},
        ["--strict"],
        1,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "select-flag-replaces",
        {".seedance-lint.toml": "select = ['SDL204']\n"},
        ["--select", "SDL205"],
        0,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    ("ignore-flag-adds", {".seedance-lint.toml": "ignore = ['SDL204']\n"}, ["--ignore", "SDL205"], 0, {}),
    (
        "per-file-ignores",
        {".seedance-lint.toml": '[per-file-ignores]\n"req/error.json" = ["SDL2"]\n'},
        [],
        0,
        {"req/warning.json": [("SDL205", "warning")]},
    ),
    (
        "per-file-ignores-name-glob",
        {".seedance-lint.yaml": "per-file-ignores:\n  'warn*.json': [SDL205]\n"},
        [],
        1,
        {"req/error.json": [("SDL204", "error")]},
    ),
    (
        "per-file-ignores-other-code",
        {".seedance-lint.yaml": "per-file-ignores:\n  'req/*': [SDL101]\n"},
        [],
        1,
        {"req/error.json": [("SDL204", "error")], "req/warning.json": [("SDL205", "warning")]},
    ),
]


def _table(report: dict) -> dict[str, list[tuple[str, str]]]:
    table: dict[str, list[tuple[str, str]]] = {}
    for d in report["diagnostics"]:
        table.setdefault(d["file"], []).append((d["code"], d["severity"]))
    return table


@pytest.mark.parametrize(("configs", "flags", "exit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_config_cases(configs, flags, exit, expected, run_cli, write_files) -> None:
    root = write_files({**REQUESTS, **configs})
    result = run_cli(["check", "--format", "json", *flags, *REQUESTS], cwd=root)
    assert (result.exit, _table(result.json())) == (exit, expected), result.stderr


def test_found_by_walking_up_and_paths_relative_to_the_config(run_cli, write_files) -> None:
    root = write_files({**REQUESTS, ".seedance-lint.toml": '[per-file-ignores]\n"req/error.json" = ["SDL204"]\n'})
    result = run_cli(["check", "--format", "json", "error.json", "warning.json"], cwd=root / "req")
    assert _table(result.json()) == {"warning.json": [("SDL205", "warning")]}


def test_the_nearest_file_wins_and_pyproject_without_our_table_is_passed_by(run_cli, write_files) -> None:
    root = write_files(
        {
            **REQUESTS,
            ".seedance-lint.toml": "ignore = ['SDL204']\n",
            "req/pyproject.toml": '[project]\nname = "seedance-lint"\n[tool.ruff]\nline-length = 100\n',
        }
    )
    result = run_cli(["check", "--show-config"], cwd=root / "req")
    assert result.json()["config-file"] == os.path.join("..", ".seedance-lint.toml")
    nested = write_files(
        {"a/.seedance-lint.yaml": "ignore: [SDL205]\n", ".seedance-lint.toml": "ignore = ['SDL204']\n"}
    )
    assert run_cli(["check", "--show-config"], cwd=nested / "a").json()["ignore"] == ["SDL205"]


def test_config_flag_overrides_discovery(run_cli, write_files) -> None:
    root = write_files({**REQUESTS, ".seedance-lint.toml": "ignore = ['SDL204']\n", "ci/strict.yaml": "strict: true\n"})
    shown = run_cli(["check", "--show-config", "--config", "ci/strict.yaml"], cwd=root).json()
    assert (shown["config-file"], shown["strict"], shown["ignore"]) == (os.path.join("ci", "strict.yaml"), True, [])


def test_show_config_prints_the_merged_settings(run_cli, write_files) -> None:
    root = write_files(
        {
            "pyproject.toml": (
                '[tool.seedance-lint]\nselect = ["SDL1", "sdl2"]\nignore = ["unknown-parameter"]\nbudget = "12.50"\n'
                'max-task-cost = 0.1\ninclude = ["requests/*"]\nexclude = ["*.draft.json"]\n'
                '[tool.seedance-lint.severity]\nSDL205 = "off"\n'
                '[tool.seedance-lint.per-file-ignores]\n"old/*" = ["SDL204"]\n'
            )
        }
    )
    result = run_cli(["check", "--show-config", "--ignore", "SDL4", "--strict"], cwd=root)
    assert result.exit == 0
    assert result.json() == {
        "config-file": "pyproject.toml",
        "select": ["SDL1", "SDL2"],
        "ignore": ["SDL102", "SDL4"],
        "severity": {"SDL205": "off"},
        "per-file-ignores": {"old/*": ["SDL204"]},
        "include": ["requests/*"],
        "exclude": ["*.draft.json"],
        "respect-gitignore": True,
        "paths": [],
        "budget": "12.50",  # a decimal string, exactly as written
        "max-task-cost": "0.1",  # a TOML float, read through its shortest repr, not as binary 0.1000000000000000055...
        "strict": True,
        "jobs": 2,
    }


def test_show_config_without_a_file(run_cli, tmp_path: Path) -> None:
    shown = run_cli(["check", "--show-config"], cwd=tmp_path).json()
    assert shown["config-file"] is None and shown["select"] == [] and shown["budget"] is None and shown["jobs"] == 2


def test_show_config_spells_jobs_auto_as_written(run_cli, write_files) -> None:
    root = write_files({".seedance-lint.yaml": "jobs: auto\n"})
    assert run_cli(["check", "--show-config"], cwd=root).json()["jobs"] == "auto"
    assert run_cli(["check", "--show-config", "--jobs", "3"], cwd=root).json()["jobs"] == 3


def test_budget_is_a_decimal_on_the_config_object(write_files) -> None:
    import argparse
    from decimal import Decimal

    from seedance_lint.config import load_config

    root = write_files({".seedance-lint.yaml": "budget: 0.1\nmax-task-cost: '0.05'\n"})
    config = load_config(argparse.Namespace(), cwd=root)
    assert (config.budget, config.max_task_cost) == (Decimal("0.1"), Decimal("0.05"))
    flagged = load_config(argparse.Namespace(budget="3", max_task_cost=None), cwd=root)
    assert (flagged.budget, flagged.max_task_cost) == (Decimal("3"), Decimal("0.05"))  # a flag wins


def test_include_and_exclude_apply_to_directory_walks(run_cli, write_files) -> None:
    files = {**REQUESTS, "req/draft/x.json": ERROR.replace("11111111", "33333333")}
    root = write_files(
        {**files, ".seedance-lint.toml": "exclude = ['req/draft/*']\ninclude = ['*error*', 'req/draft/*']\n"}
    )
    result = run_cli(["check", "--format", "json", "req"], cwd=root)
    assert sorted(_table(result.json())) == [os.path.join("req", "error.json")]


# (id, config file name, content, words the one-line error must contain)
BAD_CONFIGS = [
    ("unknown-key", ".seedance-lint.toml", "selct = ['SDL1']\n", ["`selct`", "did you mean `select`"]),
    (
        "unknown-key-pyproject",
        "pyproject.toml",
        "[tool.seedance-lint]\nper_file_ignores = {}\n",
        ["`per_file_ignores`", "per-file-ignores"],
    ),
    ("wrong-type-strict", ".seedance-lint.yaml", "strict: 'yes'\n", ["`strict`", "bool"]),
    ("wrong-type-select", ".seedance-lint.yaml", "select: SDL1\n", ["`select`", "list"]),
    ("wrong-type-select-item", ".seedance-lint.yaml", "select: [1]\n", ["`select.0`", "string"]),
    ("bad-severity", ".seedance-lint.toml", "severity = {SDL204 = 'fatal'}\n", ["`severity.SDL204`", "'error'"]),
    (
        "unknown-severity-code",
        ".seedance-lint.toml",
        "severity = {SDL999 = 'error'}\n",
        ["`severity.SDL999`", "SDL999"],
    ),
    ("unknown-select-code", ".seedance-lint.toml", "select = ['XYZ']\n", ["`select`", "'XYZ'"]),
    (
        "unknown-per-file-code",
        ".seedance-lint.toml",
        "[per-file-ignores]\n'a/*' = ['nope']\n",
        ["`per-file-ignores.a/*`", "'nope'"],
    ),
    ("bad-budget", ".seedance-lint.toml", "budget = 'ten dollars'\n", ["`budget`", "ten dollars"]),
    ("negative-budget", ".seedance-lint.toml", "budget = -1\n", ["`budget`", "non-negative"]),
    ("boolean-budget", ".seedance-lint.yaml", "budget: true\n", ["`budget`"]),
    ("infinite-budget", ".seedance-lint.yaml", "budget: .inf\n", ["`budget`", "non-negative"]),
    ("bad-toml", ".seedance-lint.toml", "select = [\n", ["not valid TOML"]),
    ("bad-yaml", ".seedance-lint.yaml", "select: [SDL1\nignore: x\n", ["not valid YAML", "line"]),
    ("yaml-list", ".seedance-lint.yaml", "- SDL1\n", ["mapping"]),
    ("zero-jobs", ".seedance-lint.toml", "jobs = 0\n", ["`jobs`", "auto"]),
    ("boolean-jobs", ".seedance-lint.yaml", "jobs: true\n", ["`jobs`", "True"]),
    ("text-jobs", ".seedance-lint.toml", "jobs = 'all'\n", ["`jobs`", "'all'"]),
    ("non-ascii-digit-jobs", ".seedance-lint.yaml", "jobs: '\u0663'\n", ["`jobs`", "expected a number"]),
    ("several-problems", ".seedance-lint.toml", "strict = 'no'\nselect = 1\n", ["`", "more problem"]),
]


@pytest.mark.parametrize(("name", "content", "words"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_one_line_naming_key_and_file(name, content, words, run_cli, write_files) -> None:
    root = write_files({**REQUESTS, name: content})
    result = run_cli(["check", *REQUESTS], cwd=root)
    assert (result.exit, result.stdout) == (2, "")
    assert result.stderr.startswith(f"seedance-lint: {name}: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--config", "missing.toml"], ["--config", "missing.toml"]),
        (["--select", "SDL9"], ["--select", "'SDL9'"]),
        (["--ignore", "SDL204,bogus"], ["--ignore", "'bogus'"]),
    ],
)
def test_bad_flags_are_usage_errors(flags, words, run_cli, tmp_path: Path) -> None:
    result = run_cli(["check", *flags, str(EXAMPLES_DIR)], cwd=tmp_path)
    assert result.exit == 2 and result.stderr.count("\n") == 1
    for word in words:
        assert word in result.stderr


def _imports_pydantic(cwd: Path) -> bool:
    """Run a real `check` in a fresh interpreter and tell whether pydantic got imported."""
    code = (
        "import sys; from seedance_lint.cli import main; "
        f"exit = main(['check', {str(EXAMPLES_DIR)!r}]); "
        "sys.stdout.write(str('pydantic' in sys.modules)); sys.exit(exit)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.endswith("True")


def test_pydantic_is_imported_only_for_a_config_file(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    assert _imports_pydantic(tmp_path / "bare") is False
    (tmp_path / "configured").mkdir()
    (tmp_path / "configured" / ".seedance-lint.toml").write_text("strict = false\n", encoding="utf-8")
    assert _imports_pydantic(tmp_path / "configured") is True  # the control: the check above can fail


@pytest.mark.parametrize("walk", [".", "ABSOLUTE", "requests/.."])
def test_include_globs_are_relative_to_the_config_file_however_the_walk_is_named(walk, run_cli, write_files) -> None:
    task = (EXAMPLES_DIR / "text-to-video.json").read_text()
    root = write_files(
        {
            "requests/a.json": task,
            "other/b.json": '{"taskType": "videoInference"}',
            "pyproject.toml": '[tool.seedance-lint]\ninclude = ["requests/**"]\n',
        }
    )
    result = run_cli(["check", str(root) if walk == "ABSOLUTE" else walk, "--format", "json"], cwd=root)
    assert result.exit == 0 and result.json()["summary"]["files"] == 1
