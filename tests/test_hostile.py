"""Broken and hostile input through the CLI: a diagnostic and exit 1, never a traceback or a hang.

The file cases live in tests/cases/hostile/inputs.yaml (format described at
its top); the tests here add what a data file cannot hold: byte order marks
compared across formats, symlinks, FIFOs, unreadable paths, streaming, and
internal errors.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import CASES_DIR, REPO_ROOT, refuse_listing, run_in_child

HOSTILE_DIR = CASES_DIR / "hostile"
VALID_TASK = (
    '{"taskType": "videoInference", "taskUUID": "6513270e-269e-4d37-b2a7-4de452e6b438", "model": "bytedance:2@2", '
    '"positivePrompt": "A dancer on a rooftop", "width": 864, "height": 480}'
)
INVALID_TASK = VALID_TASK.replace('"height": 480', '"height": 481').replace(
    'bytedance:2@2", ', 'bytedance:2@2", "x": 1, '
)
KEY = ("code", "pointer", "line", "column")


@dataclass(frozen=True)
class HostileCase:
    id: str
    file: str
    data: bytes
    expect: list[dict]
    exit: int


def _data(raw: dict) -> bytes:
    if "content" in raw:
        return raw["content"].encode("utf-8")
    if "bytes" in raw:
        return raw["bytes"].encode("latin-1")  # code points 0-255 are the bytes
    return "".join(text * times for text, times in raw["parts"]).encode("utf-8")


def load_cases(path: Path = HOSTILE_DIR / "inputs.yaml") -> list[HostileCase]:
    raw_cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [HostileCase(c["id"], c["file"], _data(c), c["expect"], c.get("exit", 1)) for c in raw_cases]


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file(case: HostileCase, lint_files) -> None:
    result = lint_files({case.file: case.data})
    assert result.stderr == "", result.stderr
    diagnostics = result.json()["diagnostics"]
    got = Counter(tuple(d[k] for k in KEY) for d in diagnostics)
    want = Counter(tuple(e[k] for k in KEY) for e in case.expect)
    assert got == want, [(d["code"], d["pointer"], d["line"], d["column"], d["message"]) for d in diagnostics]
    for expected in case.expect:
        messages = [d["message"] for d in diagnostics if tuple(d[k] for k in KEY) == tuple(expected[k] for k in KEY)]
        assert any(expected.get("message", "") in m for m in messages), (expected, messages)
    assert result.exit == case.exit


@pytest.mark.parametrize("case", [c for c in CASES if len(c.data) < 10_000], ids=lambda c: c.id)
def test_hostile_file_on_stdin(case: HostileCase, run_cli) -> None:
    """The same bytes on standard input, named so that the format is the same: the same codes."""
    result = run_cli(["check", "--format", "json", "--stdin-filename", case.file, "-"], stdin=case.data)
    assert result.exit == case.exit and result.stderr == ""
    assert Counter(d["code"] for d in result.json()["diagnostics"]) == Counter(e["code"] for e in case.expect)


def test_every_case_is_well_formed() -> None:
    from seedance_lint.rules import BY_CODE

    assert len({c.id for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.expect, f"{case.id}: a hostile file must be reported"
        assert all(e["code"] in BY_CODE and e["line"] >= 1 and e["column"] >= 1 for e in case.expect), case.id


# -- byte order marks ----------------------------------------------------------

BOM = b"\xef\xbb\xbf"
_AS_YAML = {
    "valid": "\n".join(f"{k}: {v}" for k, v in yaml.safe_load(VALID_TASK).items()) + "\n",
    "invalid": "\n".join(f"{k}: {v}" for k, v in yaml.safe_load(INVALID_TASK).items()) + "\n",
}


@pytest.mark.parametrize("kind", ["valid", "invalid"])
@pytest.mark.parametrize("name", ["t.json", "t.jsonl", "t.ndjson", "t.yaml", "t.yml"])
def test_bom_is_accepted_the_same_way_in_every_format(name: str, kind: str, lint_files) -> None:
    """A leading UTF-8 BOM changes nothing: same diagnostics, same columns (the BOM is not a character)."""
    text = (
        _AS_YAML[kind] if name.endswith((".yaml", ".yml")) else (VALID_TASK if kind == "valid" else INVALID_TASK) + "\n"
    )
    plain = lint_files({name: text.encode("utf-8")})
    marked = lint_files({name: BOM + text.encode("utf-8")})
    assert plain.json() == marked.json()
    assert plain.exit == marked.exit == (0 if kind == "valid" else 1)
    if kind == "invalid":
        assert {d["code"] for d in marked.json()["diagnostics"]} == {"SDL102", "SDL204"}


def test_bom_on_stdin(run_cli) -> None:
    result = run_cli(["check", "--format", "json", "-"], stdin=BOM + VALID_TASK.encode())
    assert result.exit == 0 and result.json()["diagnostics"] == []


def test_bom_at_the_start_of_any_jsonl_line_is_accepted(lint_text) -> None:
    """Each JSON Lines line is its own document, so a BOM may start each (``cat a.jsonl b.jsonl`` makes them)."""
    second = VALID_TASK.replace("6513", "7513").replace('"height": 480', '"height": 481')
    report = lint_text(BOM + VALID_TASK.encode() + b"\n" + BOM + second.encode() + b"\n", "b.jsonl")
    column = second.index('"width"') + 1  # counted without the BOM
    assert [(d["code"], d["line"], d["column"]) for d in report["diagnostics"]] == [("SDL204", 2, column)]


# -- YAML tags never run -------------------------------------------------------


def test_yaml_python_tags_construct_nothing(lint_files, tmp_path: Path) -> None:
    """A tag that PyYAML's unsafe loader would turn into a call must not create its file."""
    marker = tmp_path / "pwned"
    text = (
        "taskType: videoInference\nmodel: bytedance:2@2\n"
        f'positivePrompt: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'seed: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ["{marker}"]]\n'
        f'resolution: !!python/object/new:pathlib.Path ["{marker}"]\n'
    )
    result = lint_files({"t.yaml": text})
    assert result.exit == 1
    assert {d["code"] for d in result.json()["diagnostics"]} >= {"SDL011"}
    assert not marker.exists()


# -- paths that cannot be read -------------------------------------------------


def _codes(result) -> list[tuple[str, str, str]]:  # a CliResult
    return sorted((d["file"], d["code"], d["severity"]) for d in result.json()["diagnostics"])


def test_dangling_symlink_named_explicitly(run_cli, tmp_path: Path) -> None:
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    result = run_cli(["check", "--format", "json", "gone.json"], cwd=tmp_path)
    assert result.exit == 1 and _codes(result) == [("gone.json", "SDL001", "error")]
    assert "cannot read the file" in result.json()["diagnostics"][0]["message"]


def test_symlink_loop_named_explicitly(run_cli, tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    result = run_cli(["check", "--format", "json", "loop.json"], cwd=tmp_path)
    assert result.exit == 1 and _codes(result) == [("loop.json", "SDL001", "error")]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads any file whatever its mode; the symlink and directory tests cover this path",
)
def test_file_without_read_permission(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_text(VALID_TASK)
    path.chmod(0)
    result = run_cli(["check", "--format", "json", "secret.json"], cwd=tmp_path)
    assert result.exit == 1 and _codes(result) == [("secret.json", "SDL001", "error")]


def test_unreadable_directory_in_a_walk(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory that cannot be listed is an error, not a silent skip (simulated: tests run as root)."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "t.json").write_text(VALID_TASK)
    (tmp_path / "locked").mkdir()
    refuse_listing(monkeypatch, "locked")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert result.exit == 1
    assert _codes(result) == [("locked", "SDL001", "error")]
    assert "Permission denied" in result.json()["diagnostics"][0]["message"]
    assert result.json()["summary"]["tasks"] == 1


def test_character_device_named_explicitly(run_cli) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    result = run_cli(["check", "--format", "json", "/dev/zero"])  # reading it would never end
    assert result.exit == 1 and _codes(result) == [("/dev/zero", "SDL001", "error")]


def test_missing_path_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli(["check", "no-such-file.json"], cwd=tmp_path)
    assert result.exit == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no-such-file.json" in result.stderr


# -- walking directories -------------------------------------------------------


def test_walk_survives_symlink_loops_and_skips_what_is_not_a_request(run_cli, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.json").write_text(VALID_TASK)
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a directory loop
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub")
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0"}')
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert _codes(result) == [("./dangling.json", "SDL001", "error"), ("./package.json", "SDL006", "info")]
    assert result.json()["summary"]["tasks"] == 1  # sub/t.json, once
    assert result.exit == 1


def test_package_json_in_a_walk_is_skipped_with_an_info(run_cli, tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0"}')
    (tmp_path / "t.json").write_text(VALID_TASK)
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert result.exit == 0 and _codes(result) == [("./package.json", "SDL006", "info")]
    explicit = run_cli(["check", "--format", "json", "package.json"], cwd=tmp_path)
    assert explicit.exit == 1 and _codes(explicit) == [("package.json", "SDL004", "error")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_in_a_walk_is_skipped_not_waited_on(tmp_path: Path) -> None:
    """Run in a child process: if reading a FIFO ever blocked again, the timeout fails the test instead of hanging."""
    (tmp_path / "t.json").write_text(VALID_TASK)
    os.mkfifo(tmp_path / "pipe.json")
    os.symlink(tmp_path / "pipe.json", tmp_path / "to-pipe.yaml")
    run = run_in_child(["check", "."], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "./pipe.json:1:1: SDL006 [info] skipped: a FIFO is not a regular file" in run.stdout
    assert "./to-pipe.yaml:1:1: SDL006" in run.stdout


# -- huge files stream -----------------------------------------------------------


def test_jsonl_lines_are_parsed_one_at_a_time() -> None:
    """The JSON Lines loader pulls one line, yields its document, and only then reads on.

    Fed an endless line source that fails when read past what was asked for,
    it still yields the first documents: it never holds the whole batch.
    """
    from seedance_lint.input import documents

    pulled = 0

    def lines() -> Iterator[bytes]:
        nonlocal pulled
        for _ in itertools.count():
            pulled += 1
            yield VALID_TASK.encode() + b"\n"

    first = list(itertools.islice(documents._jsonl_byte_lines(lines()), 5))
    assert len(first) == 5 and all(isinstance(d, documents.Document) for d in first)
    assert pulled == 5


def test_jsonl_files_are_streamed_not_read_whole(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .jsonl path is iterated from its file object: reading it whole would fail here."""
    (tmp_path / "b.jsonl").write_text((VALID_TASK + "\n") + VALID_TASK.replace("6513", "7513") + "\n")

    def refuse(self: Path) -> bytes:
        raise AssertionError(f"{self} was read whole")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run_cli(["check", "--format", "json", "b.jsonl"], cwd=tmp_path)
    assert result.exit == 0 and result.json()["summary"]["tasks"] == 2


# -- internal errors -------------------------------------------------------------


@pytest.fixture
def broken_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import seedance_lint.linting.linter as engine

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.delenv("SEEDANCE_LINT_TRACEBACK", raising=False)
    monkeypatch.setattr(engine, "check_task", explode)


def test_internal_error_is_one_line_and_exit_2(broken_engine: None, run_cli, tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    result = run_cli(["check", "t.json"], cwd=tmp_path)
    assert result.exit == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    line = result.stderr
    assert "internal error: RuntimeError: simulated bug" in line
    assert "report it at https://" in line and "--traceback" in line
    assert "Traceback" not in line


@pytest.mark.parametrize("argv", [["--traceback", "check", "t.json"], ["check", "t.json", "--traceback"]])
def test_traceback_flag_raises_the_error(broken_engine: None, run_cli, tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    with pytest.raises(RuntimeError, match="simulated bug"):
        run_cli(argv, cwd=tmp_path)


@pytest.mark.parametrize(("value", "raises"), [("1", True), ("0", False), ("", False)])
def test_traceback_environment_variable(
    broken_engine: None, run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, raises: bool
) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    monkeypatch.setenv("SEEDANCE_LINT_TRACEBACK", value)
    if raises:
        with pytest.raises(RuntimeError):
            run_cli(["check", "t.json"], cwd=tmp_path)
    else:
        assert run_cli(["check", "t.json"], cwd=tmp_path).exit == 2


_CHILD = """
import sys
import seedance_lint.linting.linter as engine
def explode(*args, **kwargs):
    raise RuntimeError("simulated bug")
engine.check_task = explode
from seedance_lint.cli import console_main
sys.argv = ["seedance-lint", *sys.argv[1:]]
console_main()
"""


@pytest.mark.parametrize("with_trace", [False, True])
def test_console_script_prints_a_trace_only_when_asked(tmp_path: Path, with_trace: bool) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    argv = ["check", "t.json"] + (["--traceback"] if with_trace else [])
    env = {k: v for k, v in os.environ.items() if k != "SEEDANCE_LINT_TRACEBACK"}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert run.returncode != 0 and run.stdout == ""
    if with_trace:
        assert "Traceback (most recent call last)" in run.stderr and "RuntimeError: simulated bug" in run.stderr
    else:
        assert run.returncode == 2
        assert run.stderr.startswith("seedance-lint: internal error: RuntimeError") and run.stderr.count("\n") == 1


def test_internal_error_in_cost(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import seedance_lint.input.documents as documents

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.delenv("SEEDANCE_LINT_TRACEBACK", raising=False)
    monkeypatch.setattr(documents, "load_json_text", explode)
    (tmp_path / "t.json").write_text(VALID_TASK)
    result = run_cli(["cost", "t.json"], cwd=tmp_path)
    assert result.exit == 2 and result.stderr.count("\n") == 1 and "internal error: RuntimeError" in result.stderr


# -- what input can do to a log --------------------------------------------------


def test_keys_cannot_inject_lines_or_escape_codes_into_the_text_output(lint_files, run_cli) -> None:
    """A key with a newline could start a GitHub "::error" line in a CI log; ESC could drive the terminal."""
    evil = "x\n::error file=evil.json::pwned\u001b[2J\u2028y\r"
    task = VALID_TASK[:-1] + ", " + json.dumps({evil: 1})[1:]
    report = lint_files({"t.json": task}).json()
    [message] = [d["message"] for d in report["diagnostics"] if d["code"] == "SDL102"]
    assert "\\n::error file=evil.json::pwned\\x1b[2J\\u2028y\\r" in message
    text = run_cli(["check", "-"], stdin=task)
    lines = text.stdout.splitlines()
    # The diagnostic, the summary, and the count of fixable problems (the unknown member's removal).
    assert len(lines) == 3 and lines[0].startswith("-:1:") and not any(line.startswith("::") for line in lines)
    assert lines[2] == "0 fixable with --fix (1 more with --unsafe-fixes)."
    assert "\x1b" not in text.stdout and "\u2028" not in text.stdout


def test_file_name_that_is_not_utf8(run_cli, tmp_path: Path) -> None:
    """Such names exist on Linux (os.walk gives them with surrogate escapes): every format still renders."""
    from seedance_lint.reporters.check import CHECK_REPORTERS

    try:
        with open(os.fsencode(tmp_path) + b"/bad\xff\xfename.json", "wb") as stream:
            stream.write(b'{"taskType": "videoInference", "model": "bytedance:2@2"}')
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    for output_format in CHECK_REPORTERS:
        result = run_cli(["check", "--format", output_format, "."], cwd=tmp_path)
        assert result.exit == 1 and result.stderr == "", (output_format, result.stderr)
        if output_format in ("json", "sarif"):
            json.loads(result.stdout)
        if output_format == "junit":
            import xml.dom.minidom

            xml.dom.minidom.parseString(result.stdout.encode("utf-8"))


def test_empty_path_is_a_usage_error_not_a_walk_of_the_working_directory(run_cli, tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    result = run_cli(["check", ""], cwd=tmp_path)  # `seedance-lint check "$UNSET"`
    assert result.exit == 2 and result.stdout == "" and "empty path" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_cost_skips_a_fifo_found_in_a_walk(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(VALID_TASK)
    os.mkfifo(tmp_path / "pipe.json")
    run = subprocess.run(
        [sys.executable, "-m", "seedance_lint", "cost", "--format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert [task["file"] for task in json.loads(run.stdout)["tasks"]] == ["./t.json"]


@pytest.mark.parametrize("case", [c for c in CASES if len(c.data) < 10_000], ids=lambda c: c.id)
def test_hostile_file_through_cost(case: HostileCase, run_cli, write_files) -> None:
    """cost reads the same files: one it cannot load fails the run (exit 1); none crashes it.

    Pricing is independent of lint severity, so a file that loads (with
    duplicate keys, say) is priced as far as it can be, and exits 0 or 1.
    """
    root = write_files({case.file: case.data})
    result = run_cli(["cost", "--format", "json", case.file], cwd=root)
    assert result.exit in (0, 1) and result.stderr == "", result.stderr
    json.loads(result.stdout)
    unloadable = any(e["code"] in _LOAD_FAILURES and e["pointer"] == "" for e in case.expect)
    if unloadable:
        assert result.exit == 1


#: Codes with which a loader gives up on a file (or a JSON Lines line): nothing there can be priced.
_LOAD_FAILURES = {"SDL001", "SDL002", "SDL007", "SDL008", "SDL009"}
