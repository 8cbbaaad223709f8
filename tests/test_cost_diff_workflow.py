"""The README's pull-request workflow for `cost diff`: it parses, and its seedance-lint commands run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
(WORKFLOW,) = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "cost diff" in b]


def steps() -> list[dict]:
    (job,) = yaml.safe_load(WORKFLOW)["jobs"].values()
    return job["steps"]


def test_the_workflow_posts_one_comment_and_always_writes_the_summary() -> None:
    found = steps()
    names = [step.get("name") for step in found]
    diff, comment, summary = (
        found[names.index(n)] for n in ("cost diff", "post or update the comment", "step summary")
    )
    assert all(step["if"].startswith("always()") for step in (diff, comment, summary))
    assert "<!-- seedance-lint cost diff -->" in comment["run"] and "--method PATCH" in comment["run"]
    assert "GITHUB_STEP_SUMMARY" in summary["run"]
    assert "git:${{ github.event.pull_request.base.sha }}" in diff["run"]
    assert yaml.safe_load(WORKFLOW)["permissions"]["pull-requests"] == "write"


def test_the_workflows_commands_run(run_cli, tmp_path: Path) -> None:
    """Each seedance-lint command of the workflow, on this repository: the base is HEAD, the folder examples/."""
    commands = [step["run"] for step in steps() if step.get("run", "").startswith("seedance-lint ")]
    assert len(commands) == 2
    for command in commands:
        command = command.replace("${{ github.event.pull_request.base.sha }}", "HEAD:examples")
        argv = [a.replace("requests/", "examples/") for a in shlex.split(command)[1:]]
        argv = [str(tmp_path / a) if a.endswith(".md") else a for a in argv]
        result = run_cli(argv, cwd=REPO_ROOT)
        assert result.exit in (0, 1), result.stderr
    text = (tmp_path / "cost-diff.md").read_text()
    assert text.startswith("<!-- seedance-lint cost diff -->") and len(text) <= 65_536
