"""Environment errors are one line naming the path and the OS error, exit 2; never "internal error" (issue 18, 19)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CASES_DIR

EXAMPLE = Path(__file__).parent.parent / "examples"
CLI = [str(Path(sys.executable).with_name("seedance-lint"))]
HAS_DEV_FULL = os.path.exists("/dev/full")


def _run(argv: list[str], stdout: object = None, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *argv], stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, timeout=60
    )


def _one_line(stderr: str, *expected: str) -> None:
    assert stderr.count("\n") == 1 and stderr.startswith("seedance-lint: "), stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    for text in expected:
        assert text in stderr, stderr


@pytest.mark.skipif(not HAS_DEV_FULL, reason="no /dev/full here")
@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["check", "--help"],
        ["rules"],
        ["prices"],
        ["check", str(EXAMPLE)],
        ["cost", str(EXAMPLE)],
        ["check", "--format", "json", str(CASES_DIR / "hostile" / "leaky-request.json")],
    ],
    ids=" ".join,
)
def test_a_full_disk_on_stdout_fails(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = _run(argv, stdout=full)
    assert result.returncode == 2
    _one_line(result.stderr, "standard output", os.strerror(errno.ENOSPC))


def test_a_path_too_long_names_the_path() -> None:
    name = "a" * 300 + "/x.json"
    result = _run(["check", name])
    assert result.returncode == 2
    _one_line(result.stderr, "aaaa", os.strerror(errno.ENAMETOOLONG))


def test_a_deleted_working_directory(tmp_path: Path) -> None:
    gone = tmp_path / "gone"

    script = f'mkdir -p "{gone}" && cd "{gone}" && rmdir "{gone}" && exec "$@"'
    for argv in (["check", "."], ["check", "x.json"], ["cost", "."]):
        result = subprocess.run(
            ["sh", "-c", script, "sh", *CLI, *argv], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 2
        _one_line(result.stderr, "working directory", os.strerror(errno.ENOENT))


@pytest.mark.parametrize("command", ["check", "cost"])
def test_a_permission_error_names_the_path(command: str, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parent directory without permission (simulated: the tests may run as root, who passes every check)."""
    module = __import__(f"seedance_lint.commands.{command}", fromlist=["gather_sources"])

    def refuse(*args: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/srv/locked/req.json")

    monkeypatch.setattr(module, "gather_sources", refuse)
    result = run_cli([command, "/srv/locked/req.json"])
    assert result.exit == 2
    _one_line(result.stderr, "/srv/locked/req.json", os.strerror(errno.EACCES))


def test_a_bug_is_still_an_internal_error(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import seedance_lint.commands.check as check

    def bug(*args: object) -> None:
        raise KeyError("oops")

    monkeypatch.delenv("SEEDANCE_LINT_TRACEBACK", raising=False)
    monkeypatch.setattr(check, "gather_sources", bug)
    result = run_cli(["check", "x.json"])
    assert result.exit == 2 and "internal error: KeyError" in result.stderr
