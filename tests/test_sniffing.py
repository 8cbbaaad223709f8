"""Format detection by content when the name does not decide (issue 18, class 16).

Standard input, `<(cat batch.jsonl)` (a FIFO named /dev/fd/63) and files without
a known suffix are sniffed: JSON Lines is not parsed as one JSON document, and
a YAML flow mapping `{taskType: ...}` is YAML, not broken JSON.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seedance_lint.input.documents import sniff

LINE = '{"taskType": "videoInference", "model": "bytedance:2@2"}'
CASES = {
    LINE: "json",
    f"[{LINE}]": "json",
    "[true, 1]": "json",
    "[null]": "json",
    '{"a": 1,}': "json",  # broken JSON stays JSON: its syntax error is the useful report
    f"{LINE}\n{LINE}\n": "jsonl",
    "{taskType: videoInference}": "yaml",
    "[{taskType: videoInference}]": "yaml",
    "{'taskType': 'videoInference'}": "yaml",
    "{ # a comment\n taskType: videoInference}": "yaml",
    "[trueish]": "yaml",
    "taskType: videoInference\n": "yaml",
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_sniff(text: str) -> None:
    assert sniff(text) == CASES[text]


def test_a_yaml_flow_mapping_on_stdin_is_yaml(run_cli) -> None:
    result = run_cli(["check", "--format", "json", "-"], stdin="{taskType: videoInference, model: bytedance:2@2}\n")
    codes = {d["code"] for d in result.json()["diagnostics"]}
    assert "SDL001" not in codes and "SDL101" in codes  # read as a task, its members checked


def test_a_file_without_a_suffix_is_sniffed(tmp_path: Path, run_cli) -> None:
    (tmp_path / "batch").write_text(f"{LINE}\n{LINE}\n")
    result = run_cli(["check", "--format", "json", "batch"], cwd=tmp_path)
    assert result.json()["summary"]["tasks"] == 2 and "SDL001" not in {d["code"] for d in result.json()["diagnostics"]}


@pytest.mark.skipif(not shutil.which("bash"), reason="process substitution needs bash")
def test_process_substitution_of_a_jsonl_batch(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text(f"{LINE}\n{LINE}\n")
    cli = Path(sys.executable).with_name("seedance-lint")
    script = f'"{cli}" check --format json <(cat b.jsonl)'
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert '"SDL001"' not in result.stdout and '"tasks": 2' in result.stdout, result.stdout + result.stderr
