"""Fuzzing the CLI: no input makes `check` (or `cost`, or `check --fix`) raise or exit other than 0 or 1.

Three sources of input: arbitrary bytes, arbitrary JSON-like documents, and
valid requests mutated one step at a time (a member replaced, removed or
added; bytes flipped, cut or inserted). Each is written as .json, .jsonl and
.yaml (and fed to standard input) and run through ``cli.main`` in-process
with ``--traceback``, so a crash fails the example with its own trace.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES_DIR

FORMATS = ("t.json", "t.jsonl", "t.yaml")
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WORKDIR = Path(tempfile.mkdtemp(prefix="seedance-fuzz-"))


@contextlib.contextmanager
def _captured(stdin: bytes = b"") -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    """sys.stdin/stdout/stderr swapped for in-memory streams (cli.write uses stdout.buffer)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """One CLI run with --traceback: an internal error raises here instead of becoming exit 2."""
    from seedance_lint.cli import main

    previous = os.getcwd()
    os.chdir(WORKDIR)
    try:
        with _captured(stdin) as (out, err):
            code = main(["--traceback", *argv])
            out.flush()
            err.flush()
            return code, out.buffer.getvalue().decode("utf-8"), err.buffer.getvalue().decode("utf-8")
    finally:
        os.chdir(previous)


def _has(command: str, flag: str | None = None) -> bool:
    from seedance_lint.cli import build_parser
    from seedance_lint.commands import COMMANDS

    if command not in COMMANDS:
        return False
    if flag is None:
        return True
    subcommands = build_parser()._subparsers._group_actions[0].choices  # argparse has no public way
    return flag in subcommands[command].format_help()


HAS_COST = _has("cost")
HAS_FIX = _has("check", "--fix")


def check_file(name: str, data: bytes) -> None:
    (WORKDIR / name).write_bytes(data)
    code, out, err = run(["check", "--format", "json", name])
    assert code in (0, 1), f"exit {code}: {err}"
    report = json.loads(out)
    assert report["summary"]["errors"] == sum(d["severity"] == "error" for d in report["diagnostics"])
    assert all(d["line"] >= 1 and d["column"] >= 1 for d in report["diagnostics"])
    if HAS_COST:  # every cost format in turn (by the input's length: deterministic, one run per example)
        cost_format = ("json", "table", "csv", "markdown")[len(data) % 4]
        code, out, err = run(["cost", "--format", cost_format, name])
        assert code in (0, 1), f"cost exit {code}: {err}"
        if cost_format == "json":
            json.loads(out)


# -- arbitrary bytes -------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(FORMATS))
def test_arbitrary_bytes(data: bytes, name: str) -> None:
    check_file(name, data)


@FUZZ
@given(
    text=st.text(alphabet=st.sampled_from("{}[]:,\"\\ \n\t-.0123456789eEtruefalsnNI&*!|>?#%@`'ab\ufeff"), max_size=300),
    name=st.sampled_from(FORMATS),
)
def test_arbitrary_syntax_soup(text: str, name: str) -> None:
    """Text made of the characters that matter to the parsers reaches deeper than random bytes."""
    check_file(name, text.encode("utf-8"))


@FUZZ
@given(data=st.binary(max_size=500))
def test_arbitrary_bytes_on_stdin(data: bytes) -> None:
    """Unnamed standard input goes through format sniffing first."""
    code, out, err = run(["check", "--format", "json", "-"], stdin=data)
    assert code in (0, 1), f"exit {code}: {err}"
    json.loads(out)


# -- arbitrary JSON-like documents -------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**53, max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
KEYS = st.sampled_from(
    [
        "taskType",
        "taskUUID",
        "model",
        "positivePrompt",
        "width",
        "height",
        "resolution",
        "duration",
        "seed",
        "numberResults",
        "outputFormat",
        "outputQuality",
        "webhookURL",
        "uploadEndpoint",
        "inputs",
        "safety",
        "providerSettings",
        "apiKey",
        "frameImages",
        "image",
        "frame",
        "ttl",
        "includeCost",
    ]
) | st.text(max_size=10)
TASKS = st.fixed_dictionaries(
    {"taskType": st.sampled_from(["videoInference", "authentication"]), "model": st.just("bytedance:2@2")},
    optional={},
).flatmap(lambda base: st.dictionaries(KEYS, VALUES, max_size=8).map(lambda extra: {**extra, **base}))


def _serialize(value: object, name: str) -> bytes:
    if name.endswith(".yaml"):
        return yaml.safe_dump(value, allow_unicode=True).encode("utf-8", "surrogatepass")
    if name.endswith(".jsonl"):
        items = value if isinstance(value, list) and value else [value]
        return "\n".join(json.dumps(item) for item in items).encode("utf-8")
    return json.dumps(value).encode("utf-8")


@FUZZ
@given(value=VALUES, name=st.sampled_from(FORMATS))
def test_arbitrary_documents(value: object, name: str) -> None:
    check_file(name, _serialize(value, name))


@FUZZ
@given(tasks=st.lists(TASKS, min_size=1, max_size=3), name=st.sampled_from(FORMATS))
def test_arbitrary_task_shaped_documents(tasks: list[dict], name: str) -> None:
    """Objects that look like our tasks, so every rule runs on arbitrary members."""
    check_file(name, _serialize(tasks if len(tasks) > 1 else tasks[0], name))


# -- mutated valid requests ----------------------------------------------------------

VALID_TASKS = [json.loads(line) for line in (EXAMPLES_DIR / "batch.jsonl").read_text().splitlines() if line.strip()]
VALID_TASKS.append(json.loads((EXAMPLES_DIR / "text-to-video.json").read_text()))


#: One object in two places: yaml.safe_dump writes it once with an anchor, then an alias.
SHARED = [1]


@st.composite
def mutated_tasks(draw: st.DrawFn) -> dict:
    task = json.loads(json.dumps(draw(st.sampled_from(VALID_TASKS))))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["replace", "remove", "add", "nest"]))
        keys = list(task)
        if action == "replace" and keys:
            task[draw(st.sampled_from(keys))] = draw(VALUES)
        elif action == "remove" and keys:
            del task[draw(st.sampled_from(keys))]
        elif action == "add":
            task[draw(KEYS)] = draw(VALUES)
        else:
            task.setdefault("inputs", {})
            if isinstance(task["inputs"], dict):
                task["inputs"]["frameImages"] = draw(
                    st.lists(
                        VALUES | st.fixed_dictionaries({"image": st.text(max_size=30)}, optional={"frame": VALUES}),
                        max_size=3,
                    )
                )
    return task


@FUZZ
@given(task=mutated_tasks(), name=st.sampled_from(FORMATS))
def test_mutated_requests(task: dict, name: str) -> None:
    check_file(name, _serialize(task, name))


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray((EXAMPLES_DIR / "request-body.json").read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b"{",
                        b"}",
                        b"[",
                        b"]",
                        b",",
                        b'"',
                        b":",
                        b"NaN",
                        b"1e999",
                        b"\xff",
                        b"\x00",
                        b"\n",
                        b'"a":1,',
                        b"\xef\xbb\xbf",
                    ]
                )
            )
    return bytes(data)


@FUZZ
@given(data=mutated_bytes(), name=st.sampled_from(("t.json", "t.yaml")))
def test_mutated_request_bytes(data: bytes, name: str) -> None:
    check_file(name, data)


# -- --fix never breaks a file -------------------------------------------------------


def _parse(data: bytes, name: str) -> list[object]:
    """The file's documents as seedance-lint reads them (libyaml where PyYAML has it; YAML 1.2 values).

    PyYAML's pure-Python scanner refuses some files libyaml reads (a tab after
    a plain scalar), so the tool's own loader is the judge of "parses".
    """
    from seedance_lint.input.documents import Document, load_bytes
    from seedance_lint.input.sources import format_for

    loaded = list(load_bytes(data, format_for(name)))
    problems = [item for item in loaded if not isinstance(item, Document)]
    assert not problems, f"does not parse: {problems}"
    return [item.value for item in loaded]


def _differences(old: object, new: object, pointer: str = "") -> Iterator[str]:
    """Pointers where two parsed documents differ (the deepest member that differs)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in set(old) | set(new):
            child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in old or key not in new:
                yield child
            else:
                yield from _differences(old[key], new[key], child)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _differences(a, b, f"{pointer}/{index}")
    elif old != new or type(old) is not type(new):
        yield pointer


@pytest.mark.skipif(not HAS_FIX, reason="check has no --fix yet")
@FUZZ
@given(task=mutated_tasks(), name=st.sampled_from(FORMATS), unsafe=st.booleans())
# Found by this test: the fix of a block-sequence value (`taskType:\n- null`) swallowed the next line's newline.
@example(task={**VALID_TASKS[0], "taskType": [None]}, name="t.yaml", unsafe=True)
# Found by this test: removing an unknown member that holds a YAML anchor (&id001) leaves its alias dangling.
@example(task={**VALID_TASKS[0], "extra": SHARED, "seed": SHARED}, name="t.yaml", unsafe=True)
def test_fix_changes_only_what_it_reports(task: dict, name: str, unsafe: bool) -> None:
    """After --fix the file is byte-identical, or parses to the same data except at reported pointers."""
    _check_fix(_serialize(task, name), name, unsafe)


@pytest.mark.skipif(not HAS_FIX, reason="check has no --fix yet")
@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.tuples(mutated_tasks(), st.sampled_from(FORMATS)).map(lambda t: b"\xef\xbb\xbf" + _serialize(*t)),
        st.tuples(mutated_tasks(), st.sampled_from(FORMATS)).map(lambda t: _serialize(*t).replace(b"\n", b"\r\n")),
        mutated_bytes(),
    ),
    name=st.sampled_from(FORMATS),
)
# A tab after a plain scalar: libyaml (which the tool uses) reads it, PyYAML's Python scanner does not.
@example(data=b"\xe1\x80\x80: 1\nmodel: bytedance:2@2\t\n(: 1\n", name="t.yaml")
def test_fix_on_hostile_bytes(data: bytes, name: str) -> None:
    """BOMs, CRLF, broken and binary files: --fix leaves them alone or changes only what it reported."""
    _check_fix(data, name, True)


def _fixable_pointers(path: Path) -> set[str]:
    """Every pointer a diagnostic of the file reports, and every member its fixes edit (width with height)."""
    from seedance_lint.input.sources import discover
    from seedance_lint.linting.linter import Linter

    diagnostics = list(Linter().lint_sources(discover([str(path)])))
    return {d.pointer for d in diagnostics} | {e.pointer for d in diagnostics if d.fix for e in d.fix.edits}


def _check_fix(data: bytes, name: str, unsafe: bool) -> None:
    path = WORKDIR / name
    path.write_bytes(data)
    reported = _fixable_pointers(path)
    code, _, err = run(["check", "--fix", *(["--unsafe-fixes"] if unsafe else []), name])
    assert code in (0, 1), f"exit {code}: {err}"
    fixed = path.read_bytes()
    if fixed == data:
        return
    before = _parse(data, name)  # a file that --fix changed must have parsed before...
    after = _parse(fixed, name)  # ...and must parse after
    # Pointers of JSON Lines and multi-document YAML diagnostics are into each document.
    assert len(before) == len(after)
    changed = [p for old, new in zip(before, after, strict=True) for p in _differences(old, new)]
    for pointer in changed:
        assert any(pointer == p or pointer.startswith(p + "/") or p.startswith(pointer + "/") for p in reported), (
            f"--fix changed {pointer!r}, which no diagnostic reported ({reported})"
        )


# -- every output format survives what the messages quote ------------------------------

AWKWARD_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["\x00", "\x01\x0b", "]]>", "<x>&amp;", "%0A", "::error::", "\udc00", "\r\n", "\u2028", "`", "*" * 40]
)


def _check_formats() -> list[str]:
    from seedance_lint.reporters.check import CHECK_REPORTERS

    return sorted(CHECK_REPORTERS)


def _parses_as(output_format: str, text: str) -> None:
    """Machine formats must stay machine-readable whatever the input quoted into a message."""
    if output_format in ("json", "sarif"):
        json.loads(text)
    elif output_format == "junit":
        import xml.dom.minidom

        xml.dom.minidom.parseString(text.encode("utf-8"))
    elif output_format == "text":  # one line per diagnostic: input cannot start a line of its own
        lines = text.split("\n")[:-1]
        while lines and re.fullmatch(r"\d+ fixable with --fix( \(\d+ more with --unsafe-fixes\))?\.", lines[-1]):
            lines.pop()  # the count of fixable problems follows the summary
        *diagnostics, summary = lines
        assert all(line.startswith("t.json:") for line in diagnostics) and not summary.startswith("t.json")
        assert "\x1b" not in text


@FUZZ
@given(
    output_format=st.sampled_from(_check_formats()),
    members=st.dictionaries(AWKWARD_TEXT, AWKWARD_TEXT | VALUES, min_size=1, max_size=4),
)
def test_every_format_renders_awkward_keys_and_values(output_format: str, members: dict) -> None:
    task = {**members, "taskType": "videoInference", "model": "bytedance:2@2", "resolution": members.get("x", 5)}
    (WORKDIR / "t.json").write_bytes(json.dumps(task).encode("utf-8"))
    code, out, err = run(["check", "--format", output_format, "t.json"])
    assert code in (0, 1), f"exit {code}: {err}"
    _parses_as(output_format, out)
