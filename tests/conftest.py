"""Shared test helpers: run the CLI in-process and lint text through it.

Everything here goes through ``seedance_lint.cli.main(argv)``, the same entry
point as the console script, so a test sees exactly what a user sees: the exit
code, stdout and stderr. Fixtures (use them by naming them as arguments):

- ``run_cli(argv, stdin=None, cwd=None) -> CliResult``: one run of the CLI.
  ``CliResult`` unpacks as ``(exit, stdout, stderr)`` and has ``.json()``.
- ``write_files({name: text_or_bytes}) -> Path``: files under a fresh
  temporary directory (subdirectories are created), returning the directory.
- ``lint_files({name: content}, args=(), paths=None) -> CliResult``: writes the
  files, then runs ``check --format json`` from inside their directory with
  the names as given (so each diagnostic's ``file`` is the name you wrote).
- ``lint_text(text, name="t.json", *args) -> dict``: one file linted with
  ``check --format json``; returns the parsed JSON report.

Plain helpers (import them with ``from conftest import ...``):
``REPO_ROOT``, ``CASES_DIR``, ``EXAMPLES_DIR``, ``doc_page_text()``,
``doc_json_blocks(section)``, ``diagnostic_keys(report)``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = REPO_ROOT / "tests"
CASES_DIR = TESTS_DIR / "cases"
EXAMPLES_DIR = REPO_ROOT / "examples"
DOC_PAGE_NAME = "seedance-1-0-pro-fast.md"

# CI explores the same examples on every run (a red CI must be reproducible);
# a developer's run draws new ones each time, which is where new bugs are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Tests import the source tree, not an installed copy, unless told otherwise.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


class CliResult(NamedTuple):
    """What one CLI run produced; unpacks as ``exit, stdout, stderr``."""

    exit: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON (fails the test with the output when it is not JSON)."""
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"stdout is not JSON (exit {self.exit}).\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}")


def _stdin_stream(stdin: str | bytes | None) -> io.TextIOWrapper:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Call ``seedance_lint.cli.main(argv)`` in-process and capture what it wrote.

    ``stdin`` (str or bytes) becomes standard input; ``cwd`` is the working
    directory for the run (restored afterwards).
    """
    from seedance_lint.cli import main

    def run(argv: Sequence[str], stdin: str | bytes | None = None, cwd: str | Path | None = None) -> CliResult:
        capsys.readouterr()  # drop anything printed before this run
        monkeypatch.setattr(sys, "stdin", _stdin_stream(stdin))
        with monkeypatch.context() as local:
            if cwd is not None:
                local.chdir(cwd)
            code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def write_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Mapping[str, str | bytes]], Path]:
    """Write ``{relative name: content}`` into a new directory and return it.

    ``str`` content is written as UTF-8 bytes exactly (no newline translation).
    """

    def write(files: Mapping[str, str | bytes]) -> Path:
        root = tmp_path_factory.mktemp("files")
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return root

    return write


@pytest.fixture
def lint_files(
    run_cli: Callable[..., CliResult], write_files: Callable[[Mapping[str, str | bytes]], Path]
) -> Callable[..., CliResult]:
    """Write files and run ``check --format json`` on them from their directory.

    ``paths`` defaults to the file names in order; pass e.g. ``["."]`` to walk
    the directory instead. ``args`` are extra flags placed after ``--format json``.
    """

    def lint(
        files: Mapping[str, str | bytes], args: Iterable[str] = (), paths: Sequence[str] | None = None
    ) -> CliResult:
        root = write_files(files)
        targets = list(files) if paths is None else list(paths)
        return run_cli(["check", "--format", "json", *args, *targets], cwd=root)

    return lint


@pytest.fixture
def lint_text(lint_files: Callable[..., CliResult]) -> Callable[..., dict]:
    """Lint one file's text (str or bytes) named ``name``; return the parsed JSON report.

    The extension of ``name`` picks the format (.json, .jsonl/.ndjson, .yaml/.yml).
    """

    def lint(text: str | bytes, name: str = "t.json", *args: str) -> dict:
        result = lint_files({name: text}, args)
        assert result.exit in (0, 1), f"unexpected exit {result.exit}: {result.stderr}"
        return result.json()

    return lint


def diagnostic_keys(report: Mapping[str, Any]) -> list[tuple[str, str, int, int]]:
    """The sorted (code, pointer, line, column) of every diagnostic of a JSON report."""
    return sorted((d["code"], d["pointer"], d["line"], d["column"]) for d in report["diagnostics"])


def doc_page_path() -> Path | None:
    """The model's API page (the source of truth), if this checkout can see it.

    ``SEEDANCE_DOC_PAGE`` names it explicitly; otherwise it is looked for in
    ``../shared/seed/`` next to the checkout, where the project keeps it.
    """
    candidates = [os.environ.get("SEEDANCE_DOC_PAGE", ""), str(REPO_ROOT.parent / "shared" / "seed" / DOC_PAGE_NAME)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def doc_page_text() -> str:
    """The API page's text; skips the calling test when the page is not available."""
    path = doc_page_path()
    if path is None:
        skip_without_doc_page()
    assert path is not None
    return path.read_text(encoding="utf-8")


def skip_without_doc_page() -> None:
    """Skip the calling test, with the reason, where the API page cannot be seen; in CI, fail instead: the
    comparisons with the page must run there."""
    message = (
        f"the API page {DOC_PAGE_NAME} is not available: set SEEDANCE_DOC_PAGE to its path, or keep "
        "../shared/seed/ beside the checkout"
    )
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run the tests that compare the data files with it)")
    pytest.skip(message)


def doc_json_blocks(label: str) -> list[str]:
    """Every ```json block that follows a ``**label**:`` line on the API page (e.g. "Request")."""
    text = doc_page_text()
    marker = re.compile(rf"\*\*{re.escape(label)}\*\*:\s*\n\s*```json\n(.*?)\n```", re.DOTALL)
    return [match.group(1) for match in marker.finditer(text)]


def png_data_uri(width: int, height: int) -> str:
    """A data URI of a PNG header of that size (what cost reads of an inline first frame)."""
    import base64
    import struct

    header = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">II", width, height)
        + b"\x08\x02\x00\x00\x00"
    )
    return "data:image/png;base64," + base64.b64encode(header + b"\x00" * 8).decode()


def run_in_child(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m seedance_lint ARGS`` in a child process with a timeout: a read that blocks (a FIFO) fails the
    test instead of hanging it."""
    return subprocess.run(
        [sys.executable, "-m", "seedance_lint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def refuse_listing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make listing any directory called ``name`` fail with EACCES (root could list it otherwise)."""
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if os.path.basename(os.fspath(path)) == name:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
