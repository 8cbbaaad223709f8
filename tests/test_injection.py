"""Names and values reach human-readable output with their control characters escaped (issue 18, class 18).

A file name holding a newline and "::error file=README.md::injected" must not
print a GitHub workflow command of its own in a CI log, nor ESC drive the
terminal, in any human-readable format of any command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORGED = "x\n::error file=README.md::injected\x1b[31m\u2028\x85.json"
TASK = b'{"taskType": "videoInference", "model": "bytedance:2@2"}\n'
HUMAN = [
    ["check", "--format", "text"],
    ["check", "--format", "github"],
    ["check", "--format", "junit"],
    ["cost", "--format", "table"],
    ["cost", "--format", "markdown"],
    ["cost", "--format", "csv"],
]
_CONTROL = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n", "\t"} | {"\u2028", "\u2029"}


def _assert_clean(argv: list[str], out: str, err: str) -> None:
    for stream in (out, err):
        assert not _CONTROL & set(stream), (argv, stream)
        for line in stream.splitlines():
            forged = line.startswith("::") and argv[-1] != "github"
            assert not forged and "\n::error file=README.md" not in line, (argv, line)
    if argv[-1] == "github":
        commands = [line for line in out.splitlines() if line.startswith("::")]
        assert commands and all(line.startswith(("::error file=x%0A", "::warning file=x%0A")) for line in commands)


@pytest.mark.parametrize("argv", HUMAN, ids=" ".join)
def test_a_forged_file_name_prints_no_command(argv: list[str], tmp_path: Path, run_cli) -> None:
    (tmp_path / FORGED).write_bytes(TASK)
    result = run_cli([*argv, FORGED], cwd=tmp_path)
    assert result.exit == 1
    assert "injected" in result.stdout + result.stderr  # the name is printed, escaped
    _assert_clean(argv, result.stdout, result.stderr)


def test_an_error_naming_a_forged_path_is_one_line(tmp_path: Path, run_cli) -> None:
    result = run_cli(["check", FORGED], cwd=tmp_path)
    assert result.exit == 2 and result.stderr.count("\n") == 1 and "\x1b" not in result.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=12))
def test_any_name_from_stdin_prints_no_control_character(name: str, run_cli) -> None:
    label = "x\n" + name.replace("/", "_") + ".json"
    for argv in HUMAN:
        result = run_cli([*argv, "--stdin-filename", label, "-"], stdin=TASK)
        _assert_clean(argv, result.stdout, result.stderr)
