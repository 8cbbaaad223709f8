"""An empty or comment-only file found by a walk or given with --skip-non-requests is skipped (issue 18, 15).

It holds no request: SDL006 (info), like any other non-request file, not the
SDL002 error that failed the pre-commit hook on unrelated files. Named on the
command line, it is still an SDL002 error: the user asked for it.
"""

from __future__ import annotations

import pytest

EMPTY = {
    "empty.json": "",
    "blank.json": "\n  \n",
    "empty.yml": "",
    "comments.yml": "# settings to come\n\n# nothing yet\n",
    "only-marker.yaml": "---\n# nothing\n",
    "empty.jsonl": "",
    "blank.jsonl": "\n\n",
}


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_found_in_a_walk_it_is_skipped(name: str, write_files, run_cli) -> None:
    root = write_files({f"d/{name}": EMPTY[name]})
    result = run_cli(["check", "--format", "json", "d"], cwd=root)
    assert result.exit == 0, result.stdout
    assert [d["code"] for d in result.json()["diagnostics"]] == ["SDL006"]


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_with_skip_non_requests_it_is_skipped(name: str, write_files, run_cli) -> None:
    root = write_files({name: EMPTY[name]})
    result = run_cli(["check", "--format", "json", "--skip-non-requests", name], cwd=root)
    assert result.exit == 0, result.stdout
    assert [d["code"] for d in result.json()["diagnostics"]] == ["SDL006"]


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_named_it_is_still_an_error(name: str, write_files, run_cli) -> None:
    root = write_files({name: EMPTY[name]})
    result = run_cli(["check", "--format", "json", name], cwd=root)
    assert result.exit == 1
    null_document = name == "only-marker.yaml"  # "---" starts a document whose value is null: not a task
    assert [d["code"] for d in result.json()["diagnostics"]] == ["SDL004" if null_document else "SDL002"]
