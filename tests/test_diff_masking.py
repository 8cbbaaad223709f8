"""`check --diff` masks credentials in their source spelling and leaves placeholders alone (issue 18, 7, 10, 12).

The cases are files in tests/cases/hostile/diff/: each holds a fix to make and a
secret spelled as some encoder writes it (JSON \\u escapes, Go's \\u0026, PHP's
\\/, YAML \\x escapes, a YAML scalar continued over lines); NAME.secrets lists
the pieces of the secret that must never be printed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASES_DIR

DIFF_CASES = CASES_DIR / "hostile" / "diff"
FILES = sorted(p for p in DIFF_CASES.iterdir() if p.suffix in (".json", ".yaml"))
UUID = "59d02567-ead8-47ef-94c7-d04dfdcc78b7"
TASK = (
    f'"taskType": "videoInference", "taskUUID": "{UUID}", "model": "bytedance:2@2", '
    '"positivePrompt": "x y", "width": 864, "height": 480, "outputFormat": "mp4"'
)


def _pieces(secret: str) -> set[str]:
    """Every 5-character piece of a secret (a mask shows 4)."""
    return {secret[i : i + 5] for i in range(len(secret) - 4)}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_diff_masks_every_spelling(path: Path, tmp_path: Path, run_cli) -> None:
    target = tmp_path / path.name
    shutil.copy(path, target)
    secrets = Path(f"{path}.secrets").read_text().split()
    result = run_cli(["check", "--diff", str(target)])
    assert result.exit == 1, result.stderr
    assert "MP4" in result.stdout  # the diff was printed: the test proves something
    shown = result.stdout + result.stderr
    assert sorted(p for s in secrets for p in _pieces(s) if p in shown) == []


PLACEHOLDERS = ["${RUNWARE_API_KEY}", "$RUNWARE_API_KEY", "%RUNWARE_API_KEY%", "{{ api_key }}", "YOUR_API_KEY"]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_diff_of_placeholders_applies(placeholder: str, tmp_path: Path, run_cli) -> None:
    """A file without secrets: its diff is printed whole and applies with git apply (class 10)."""
    text = (
        f'[{{"taskType": "authentication", "apiKey": "{placeholder}"}},\n'
        f' {{{TASK}, "webhookURL": "https://h.example.com/x?token={placeholder}"}}]\n'
    )
    (tmp_path / "body.json").write_text(text)
    result = run_cli(["check", "--diff", "body.json"], cwd=tmp_path)
    assert result.exit == 1 and f'"apiKey": "{placeholder}"' in result.stdout
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "fix.patch").write_text(result.stdout)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "body.json").read_text() == text.replace('"mp4"', '"MP4"')


def test_diff_of_many_auth_tasks_masks_each_key(tmp_path: Path, run_cli) -> None:
    """One auth task a line, keys repeated and distinct (class 12: each masked once, by its span)."""
    keys = [f"rw_live_{i:04d}aa{i % 7}bbccddeeff" for i in range(40)]
    lines = [f'{{"taskType": "authentication", "apiKey": "{keys[i % 20]}"}}' for i in range(40)]
    target = tmp_path / "batch.jsonl"
    target.write_text("\n".join([*lines, "{" + TASK + "}"]) + "\n")
    result = run_cli(["check", "--diff", str(target)])
    assert result.exit == 1 and "MP4" in result.stdout
    assert not [k for k in keys if k[4:] in result.stdout]


@settings(max_examples=60, deadline=None)
@given(secret=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FF), min_size=12, max_size=30))
def test_masked_text_hides_any_api_key_in_any_json_spelling(secret: str) -> None:
    """Whatever the key's characters, and whether ASCII-escaped or not, its source span is masked."""
    import json

    from seedance_lint.linting.masking import masked_text, secrets_of
    from seedance_lint.rules.secrets import is_placeholder

    if is_placeholder(secret):
        return
    for ascii_only in (True, False):
        text = json.dumps([{"apiKey": secret}, {"prompt": "x"}], ensure_ascii=ascii_only)
        whole, parts = secrets_of(text, "json")
        masked = masked_text(text, "json", whole, parts)
        assert json.loads(text)[0]["apiKey"] == secret
        spelled = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        assert spelled[5:] not in masked if len(spelled) > 8 else True
        assert '"prompt": "x"' in masked
