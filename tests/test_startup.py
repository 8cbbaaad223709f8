"""A clean check of a JSON file imports only what it needs (startup is most of a pre-commit run)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLES_DIR, REPO_ROOT

PROBE = """
import sys
from seedance_lint.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'jsonschema', 'yaml', 'multiprocessing', 'pickle'})
print(code, ' '.join(heavy))
"""


def _imports(tmp_path, *argv: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": ""},
        timeout=60,
    )
    code, *heavy = done.stdout.splitlines()[-1].split()
    return int(code), heavy


def test_clean_json_file_needs_no_pydantic_jsonschema_or_yaml(tmp_path) -> None:
    assert _imports(tmp_path, "check", str(EXAMPLES_DIR / "text-to-video.json")) == (0, [])


def test_small_jsonl_file_starts_no_workers(tmp_path) -> None:
    """--jobs defaults to two processes, but a small JSON Lines file is linted here: nothing for workers is imported."""
    assert _imports(tmp_path, "check", str(EXAMPLES_DIR / "batch.jsonl")) == (0, [])


def test_failing_json_file_needs_no_jsonschema(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    task = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text())
    bad.write_text(json.dumps({**task, "duration": 99, "outputFormat": "mp4"}))
    assert _imports(tmp_path, "check", str(bad)) == (1, [])
