"""`check --fix`, `--unsafe-fixes` and `--diff`: cases as files (name.in -> name.out)."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from conftest import CASES_DIR

FIX_CASES = CASES_DIR / "fix"
INPUTS = sorted(FIX_CASES.glob("*.in"))


def _expected(source: Path, suffix: str) -> bytes:
    expected = source.with_suffix(suffix)
    return expected.read_bytes() if expected.exists() else source.read_bytes()


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.stem  # "batch.jsonl.in" -> "batch.jsonl"
    shutil.copyfile(source, target)
    return target


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_safe_fixes_give_the_expected_file_and_are_idempotent(source: Path, tmp_path: Path, run_cli) -> None:
    target = _copy(source, tmp_path)
    first = run_cli(["check", "--fix", str(target)])
    assert first.exit in (0, 1), first.stderr
    assert target.read_bytes() == _expected(source, ".out")
    second = run_cli(["check", "--fix", str(target)])
    assert target.read_bytes() == _expected(source, ".out")
    assert second.exit == first.exit  # the exit code reflects what remains
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left behind


@pytest.mark.parametrize("source", [p for p in INPUTS if p.with_suffix(".unsafe-out").exists()], ids=lambda p: p.stem)
def test_unsafe_fixes_only_with_the_flag(source: Path, tmp_path: Path, run_cli) -> None:
    target = _copy(source, tmp_path)
    run_cli(["check", "--fix", str(target)])
    assert target.read_bytes() == _expected(source, ".out")
    result = run_cli(["check", "--fix", "--unsafe-fixes", str(target)])
    assert target.read_bytes() == _expected(source, ".unsafe-out")
    assert result.exit == 0


def test_exit_code_after_fix_reflects_what_remains(tmp_path: Path, run_cli) -> None:
    fixed_clean = _copy(FIX_CASES / "crlf-duplicates.json.in", tmp_path)
    assert run_cli(["check", str(fixed_clean)]).exit == 1
    assert run_cli(["check", "--fix", str(fixed_clean)]).exit == 0
    still_broken = _copy(FIX_CASES / "comments.yaml.in", tmp_path)
    result = run_cli(["check", "--fix", "--format", "json", str(still_broken)])
    assert result.exit == 1
    assert {d["code"] for d in result.json()["diagnostics"]} == {"SDL105"}  # the unsafe one remains


def test_diff_shows_the_change_without_writing(tmp_path: Path, run_cli) -> None:
    target = _copy(FIX_CASES / "comments.yaml.in", tmp_path)
    before = target.read_bytes()
    result = run_cli(["check", "--diff", str(target)])
    assert target.read_bytes() == before
    assert result.exit == 1
    assert "-height: 1080" in result.stdout and "+height: 1088" in result.stdout
    clean = _copy(FIX_CASES / "crlf-duplicates.json.out", tmp_path)
    assert run_cli(["check", "--diff", str(clean)]).exit == 0


def test_fix_keeps_the_file_mode(tmp_path: Path, run_cli) -> None:
    target = _copy(FIX_CASES / "comments.yaml.in", tmp_path)
    target.chmod(0o640)
    run_cli(["check", "--fix", str(target)])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_diff_never_prints_a_secret(tmp_path: Path, run_cli) -> None:
    secret = "rw_live_8f3a9c2d7e6b5a4f"
    target = tmp_path / "body.json"
    target.write_text(
        '[\n  {"taskType": "authentication", "apiKey": "' + secret + '"},\n'
        '  {"taskType": "videoInference", "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",\n'
        '   "model": "bytedance:2@2", "positivePrompt": "x y", "width": 864, "height": 480, "outputFormat": "mp4"}\n'
        "]\n"
    )
    result = run_cli(["check", "--diff", str(target)])
    assert (
        '+   "model": "bytedance:2@2", "positivePrompt": "x y", "width": 864, "height": 480, "outputFormat": "MP4"}'
    ) in result.stdout
    assert secret not in result.stdout + result.stderr


def test_diff_of_a_jsonl_batch_never_prints_its_api_key(tmp_path: Path, run_cli) -> None:
    secret = "rw_live_0a1b2c3d4e5f6a7b"
    target = tmp_path / "batch.jsonl"
    target.write_text(
        '{"taskType": "authentication", "apiKey": "' + secret + '"}\n'
        '{"taskType": "videoInference", "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7", "model": "bytedance:2@2", '
        '"positivePrompt": "x y", "width": 864, "height": 480, "outputFormat": "mp4"}\n'
    )
    result = run_cli(["check", "--diff", str(target)])
    assert result.exit == 1 and '"outputFormat": "MP4"' in result.stdout
    assert secret not in result.stdout + result.stderr


def test_diff_fails_while_an_unfixable_error_remains(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "a.json"
    target.write_text(
        '{"taskType": "videoInference", "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7", '
        '"model": "bytedance:2@2", "positivePrompt": "x y", "width": 864, "height": 480, "duration": 99}'
    )
    result = run_cli(["check", "--diff", str(target)])
    assert result.exit == 1 and result.stdout == ""  # nothing safe to change, but the request is still broken
