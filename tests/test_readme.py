"""Every command the README shows is run here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)
COMMANDS = [
    line.split("  #")[0].strip()
    for block in SH_BLOCKS
    for line in block.splitlines()
    if line.startswith("seedance-lint ")
]
INSTALLED = Path(sys.executable).with_name("seedance-lint")


def test_readme_starts_with_the_two_setup_commands() -> None:
    run_examples, run_tests = (block.strip() for block in SH_BLOCKS[:2])
    assert README.index("```sh") < README.index("---")
    assert "pip install ." in run_examples and "seedance-lint check examples/" in run_examples
    assert "pip install '.[test]'" in run_tests and run_tests.endswith(".venv/bin/pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    run_tests = SH_BLOCKS[1].strip()
    assert run_tests in ci.splitlines()


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_commands_run(command: str, run_cli) -> None:
    argv = shlex.split(command)[1:]
    result = run_cli(argv, cwd=REPO_ROOT)
    assert result.exit in (0, 1), result.stderr
    assert "internal error" not in result.stderr


def test_there_are_usage_commands() -> None:
    assert len(COMMANDS) >= 8


@pytest.mark.skipif(not INSTALLED.exists(), reason="seedance-lint is not installed in this interpreter's environment")
def test_installed_script_finds_its_data_from_any_directory(tmp_path: Path) -> None:
    examples = REPO_ROOT / "examples"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for command in (["check", str(examples)], ["cost", str(examples)]):
        done = subprocess.run(
            [str(INSTALLED), *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr


def test_readme_config_example_is_accepted(tmp_path: Path, run_cli) -> None:
    (example,) = [b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if "[tool.seedance-lint]" in b]
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    result = run_cli(["check", "--show-config"], cwd=tmp_path)
    assert result.exit == 0, result.stderr
    shown = result.json()
    assert "SDL402" in str(shown) and "0.50" in str(shown)


def test_readme_pre_commit_snippet_names_our_hooks() -> None:
    import yaml

    snippet = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "pre-commit-config" in b)
    hooks = {h["id"] for repo in yaml.safe_load(snippet)["repos"] for h in repo["hooks"]}
    ours = {h["id"] for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks == ours


def test_readme_budget_hook_config_prices_its_paths(tmp_path: Path, run_cli) -> None:
    import shutil

    (example,) = [b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if ".seedance-lint.toml" in b]
    (tmp_path / ".seedance-lint.toml").write_text(textwrap.dedent(example), encoding="utf-8")
    shutil.copytree(REPO_ROOT / "examples", tmp_path / "requests")
    (tmp_path / "elsewhere.json").write_text((REPO_ROOT / "examples" / "text-to-video.json").read_text())
    result = run_cli(["cost", "--summary", "--format", "json"], cwd=tmp_path)
    assert result.exit == 0, result.stdout
    report = result.json()
    # 12 tasks in the request files, 100 in the two plans of examples/plans/
    assert report["budget"]["source"] == ".seedance-lint.toml" and report["groups"][0]["tasks"] == 112
