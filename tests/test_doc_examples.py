"""The API page's own request examples, and the bundled examples/, lint clean.

tests/cases/doc-examples/ holds the page's four request examples as files, so
the linter is tested on them even where the page is not available; the page
test below keeps those files equal to the page, so they cannot drift.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CASES_DIR, EXAMPLES_DIR, doc_json_blocks

DOC_EXAMPLES_DIR = CASES_DIR / "doc-examples"
DOC_EXAMPLES = sorted(DOC_EXAMPLES_DIR.glob("*.json"))
#: The page has four examples, each with a request and a response block.
DOC_REQUEST_COUNT = 4


def test_the_four_doc_examples_are_here() -> None:
    assert len(DOC_EXAMPLES) == DOC_REQUEST_COUNT, [p.name for p in DOC_EXAMPLES]


@pytest.mark.parametrize("path", DOC_EXAMPLES, ids=lambda p: p.stem)
def test_doc_example_lints_clean(path: Path, run_cli) -> None:
    result = run_cli(["check", "--format", "json", "--strict", str(path)])
    report = result.json()
    assert report["diagnostics"] == [], report["diagnostics"]
    assert report["summary"]["tasks"] == 1
    assert result.exit == 0


def test_doc_examples_equal_the_request_blocks_of_the_page() -> None:
    """Each file holds exactly one request block of the page, and every block has its file."""
    blocks = [json.loads(block) for block in doc_json_blocks("Request")]
    assert len(blocks) == DOC_REQUEST_COUNT, "the page's examples changed: update tests/cases/doc-examples/"
    files = [json.loads(path.read_text(encoding="utf-8")) for path in DOC_EXAMPLES]
    by_uuid = lambda items: sorted(items, key=lambda task: task["taskUUID"])  # noqa: E731
    assert by_uuid(files) == by_uuid(blocks)


def test_doc_examples_together_lint_clean(run_cli) -> None:
    """Linted in one run (their taskUUIDs are distinct, as the page's are)."""
    result = run_cli(["check", "--format", "json", "--strict", str(DOC_EXAMPLES_DIR)])
    report = result.json()
    assert (result.exit, report["diagnostics"]) == (0, [])
    assert report["summary"]["tasks"] == DOC_REQUEST_COUNT


def test_bundled_examples_lint_clean(run_cli) -> None:
    """examples/ is what the README runs first: every file is read, every task is ours, nothing is reported."""
    result = run_cli(["check", "--format", "json", "--strict", str(EXAMPLES_DIR)])
    report = result.json()
    assert report["diagnostics"] == [], report["diagnostics"]
    assert result.exit == 0
    bundled = [p for p in EXAMPLES_DIR.rglob("*") if p.suffix in (".json", ".jsonl", ".ndjson", ".yaml", ".yml")]
    assert report["summary"]["files"] == len(bundled) > 0
    assert report["summary"]["tasks"] >= len(bundled)


def test_bundled_examples_text_output(run_cli) -> None:
    """The default text format on examples/: exit 0 and no diagnostic lines."""
    result = run_cli(["check", str(EXAMPLES_DIR)])
    assert result.exit == 0, result.stdout + result.stderr
    assert " SDL" not in result.stdout
