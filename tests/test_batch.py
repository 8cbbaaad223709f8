"""The JSON Lines accept path (batch.py) reports exactly what the per-line path reports.

The same lines are linted twice: as they are, and with accept.accept
refusing every line, so each one takes documents.load_line and the rules.
The lines mix clean tasks with what the accept path must hand over: findings,
duplicate keys (also hidden by escapes), repeated taskUUIDs across chunks,
credentials, integers past 64 bits, blank lines, a BOM, syntax errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.input import jsonl as batch
from seedance_lint.input.documents import load_line
from seedance_lint.input.sources import Source
from seedance_lint.linting import accept
from seedance_lint.linting.linter import Linter
from seedance_lint.rules import DOCUMENT_RULES, secrets

import strategies


def _dumps(task: object) -> str:
    return json.dumps(task, ensure_ascii=False)


def _twists(task: dict) -> st.SearchStrategy[str]:
    """Ways to write a clean task that the accept path must not take at face value."""
    text = _dumps(task)
    uuid = task.get("taskUUID")
    uuid = uuid if isinstance(uuid, str) else ""  # a mutated task may hold any value there
    return st.sampled_from(
        [
            text,
            text[:-1] + ', "model": "bytedance:2@2"}',  # a duplicate key
            text[:-1] + ', "mod\\u0065l": "bytedance:2@2"}',  # the same, written with an escape
            text[:-1] + ', "positivePrompt": "say \\u0022hi\\u0022", "positivePrompt": "x y"}',
            text[:-1] + ', "ttl": 18446744073709551616}',  # 2^64: orjson would round it
            text[:-1] + ', "seed": 18446744073709551616}',  # the same, in a value a message quotes
            text[:-1] + ', "extra": ' + "[" * 201 + "]" * 201 + "}",  # orjson reads it; our parser stops at 200
            text[:-1] + ', "webhookURL": "https://hooks.example.com/r?token=Hk3Pq9Zs7Lm2Xw5V"}',
            text[:-1] + ', "webhookURL": "https://user:pa55w0rd-long@hooks.example.com/r"}',
            "[" + text + "]",
            '[{"taskType": "authentication", "apiKey": "Zq4Xw8Ve2Rt6Yu0Io3Pa7Sd1Fg5Hj9Kl"}, ' + text + "]",
            text.replace(uuid, uuid.upper()) if uuid else text,
            text.replace('"model": "bytedance:2@2"', '"model" : "bytedance:2@2"'),
            "   " + text + "  \r",
            "",
            "{" + text,
            '{"taskType": "videoInference", "model": "other:1@1"}',
        ]
    )


@st.composite
def lines(draw) -> list[str]:
    pool = draw(st.lists(strategies.valid_tasks(), min_size=1, max_size=4))
    chosen = []
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["clean", "clean", "twisted", "mutated", "repeat"]))
        if kind == "mutated":
            chosen.append(_dumps(draw(strategies.mutations()).task))
        elif kind == "twisted":  # a clean task or a failing one (whose value the chunk path may keep), twisted
            base = draw(st.sampled_from(pool) | strategies.mutations().map(lambda m: m.task))
            chosen.append(draw(_twists(base) if isinstance(base, dict) else st.just(_dumps(base))))
        elif kind == "repeat" and chosen:
            chosen.append(draw(st.sampled_from(chosen)))
        else:
            chosen.append(_dumps(draw(st.sampled_from(pool))))
    return chosen


def _lint(path: Path, accepting: bool, monkeypatch: pytest.MonkeyPatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(batch, "CHUNK_BYTES", 600)  # several chunks even for a few lines
        if not accepting:
            patch.setattr(accept, "accept", lambda chunk, raw=None: [None] * len(chunk))
        linter = Linter()
        found = list(linter.lint_sources([Source(str(path), path, "jsonl", True)]))
        return [found, linter.stats]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(lines(), st.booleans())
def test_accept_path_reports_what_the_per_line_path_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen: list[str], bom: bool
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(chosen).encode() + b"\n")
    assert _lint(path, True, monkeypatch) == _lint(path, False, monkeypatch)


def _price(path: Path, values: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple:
    from seedance_lint.cli import main

    with monkeypatch.context() as patch:
        patch.setattr(batch, "CHUNK_BYTES", 600)
        if not values:
            patch.setattr(batch, "values_of", lambda chunk, raw=None: [None] * len(chunk))
        capsys.readouterr()
        return main(["cost", "--format", "json", str(path)]), capsys.readouterr()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(lines())
def test_cost_prices_chunks_as_it_prices_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], chosen: list[str]
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(chosen) + "\n")
    assert _price(path, True, monkeypatch, capsys) == _price(path, False, monkeypatch, capsys)


def test_cost_sends_a_line_nested_too_deep_to_the_per_line_path() -> None:
    task = (Path(__file__).parent.parent / "examples" / "text-to-video.json").read_bytes().replace(b"\n", b" ")
    deep = task.rstrip()[:-1] + b', "x": ' + b"[" * 201 + b"]" * 201 + b"}"
    assert batch.values_of([task, deep]) == [json.loads(task), None]


def test_the_accept_path_takes_clean_lines(tmp_path: Path) -> None:
    """Not a vacuous equality: clean lines are accepted, every twisted one is handed over."""
    task = json.loads((Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text())
    clean = _dumps(task).encode()
    assert accept.accept([clean + b"\n", clean]) == [task, task]
    twisted = [
        clean[:-1] + b', "model": "bytedance:2@2"}',
        b"",
        b"[" + clean + b"]",
        clean[:-1] + b', "webhookURL": "https://h.example.com/?token=Hk3Pq9Zs7Lm2Xw5V"}',
    ]
    verdicts = accept.accept([clean, *twisted])
    assert verdicts[:3] == [task, None, None]  # a duplicate key and a blank line: load_line reads them
    assert all(isinstance(v, batch.Parsed) for v in verdicts[3:])  # their values are kept for the rules
    for line, verdict in zip(twisted[2:], verdicts[3:], strict=True):
        kept, loaded = verdict.document(line, 7), load_line(line, 7)
        assert (kept.value, kept.first_line, kept.text, kept.notes) == (loaded.value, 7, loaded.text, [])


def test_the_accept_path_knows_every_document_rule() -> None:
    """It skips the document rules on accepted lines because secrets.may_hold_secret clears them all."""
    assert set(DOCUMENT_RULES) == set(secrets.RULES)


@pytest.mark.parametrize("command", ["check", "cost"])
def test_clean_lines_then_a_blank_line_are_not_an_empty_file(run_cli, tmp_path: Path, command: str) -> None:
    """A regression: a run of accepted lines followed by a blank one once left the file 'empty' (SDL002)."""
    task = json.loads((Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text())
    other = dict(task, taskUUID=task["taskUUID"][:-1] + ("0" if task["taskUUID"][-1] != "0" else "1"))
    (tmp_path / "b.jsonl").write_text(_dumps(task) + "\n" + _dumps(other) + "\n\n")
    result = run_cli([command, "--format", "json", "b.jsonl"], cwd=tmp_path)
    assert "empty" not in result.stdout and result.exit == 0, result.stdout


def test_a_repeated_taskuuid_message_names_an_odd_file_name_safely(run_cli, tmp_path: Path) -> None:
    """SDL401 of accepted lines goes through printable() and redact() like every other message."""
    task = json.loads((Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text())
    (tmp_path / "x?token=Hk3Pq9Zs7Lm2Xw5V.jsonl").write_text((_dumps(task) + "\n") * 2)
    result = run_cli(["check", "x?token=Hk3Pq9Zs7Lm2Xw5V.jsonl"], cwd=tmp_path)
    assert "SDL401" in result.stdout and "Hk3Pq9Zs7Lm2Xw5V" not in result.stdout.split("SDL401", 1)[1]


def test_the_taskuuid_table_reports_repeats_across_runs_case_and_spellings() -> None:
    """TaskUuids: packed runs, the per-UUID fallback (a string that does not pack) and setdefault agree."""
    from seedance_lint.linting.uuids import TaskUuids

    table = TaskUuids()
    first = ["6513270e-269e-4d37-b2a7-4de452e6b438", "11111111-0000-4000-8000-000000000000"]
    assert table.add_run(first, "a.jsonl", 0) == []
    again = ["6513270E-269E-4D37-B2A7-4DE452E6B438", "not-a-uuid", "22222222-0000-4000-8000-000000000000", "NOT-A-UUID"]
    assert table.add_run(again, "b.jsonl", 5) == [0, 3]  # the first in upper case; the fallback's strings too
    assert table.setdefault("11111111-0000-4000-8000-000000000000", "c.jsonl", 9) == ("a.jsonl", 1)
    assert table.setdefault("not-a-uuid", "c.jsonl", 10) == ("b.jsonl", 6)
    for n in range(5000):  # past several rehashes of the table: every earlier UUID is still found
        table.setdefault(f"{n:08x}-0000-4000-8000-000000000000", "d.jsonl", 100 + n)
    assert table.setdefault("22222222-0000-4000-8000-000000000000", "e.jsonl", 0) == ("b.jsonl", 7)
    assert table.add_run([f"{n:08x}-0000-4000-8000-000000000000" for n in (7, 4999)], "e.jsonl", 1) == [0, 1]


def test_a_batch_of_new_taskuuids_is_remembered_in_one_span() -> None:
    """The table's size is 16 bytes a UUID and its slots: where each was seen takes one entry per span."""
    from seedance_lint.linting.uuids import TaskUuids

    table = TaskUuids()
    for run in range(10):
        table.add_run([f"{run:04x}{n:04x}-0000-4000-8000-000000000000" for n in range(100)], "a.jsonl", 100 * run)
    table.setdefault("ffffffff-0000-4000-8000-000000000000", "a.jsonl", 1000)
    assert len(table._span_start) == 1
    assert table.setdefault("00090063-0000-4000-8000-000000000000", "b", 0) == ("a.jsonl", 999)


_SOME_UUIDS = [f"{n:08x}-0000-4000-8000-00000000000{n % 3}" for n in range(6)] + [
    "6513270E-269E-4D37-B2A7-4DE452E6B438",
    "6513270e-269e-4d37-b2a7-4de452e6b438",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.jsonl", "b.jsonl"]),
            st.integers(0, 3),
            st.booleans(),
            st.lists(st.sampled_from(_SOME_UUIDS), max_size=5),
        )
    )
)
def test_the_taskuuid_table_answers_as_a_dict_of_first_sightings(calls: list) -> None:
    """Runs and single UUIDs, repeated within and across runs and files, at gaps and overlaps of task indices:
    the spans that stand for where each UUID was seen give what a plain dict gives."""
    from seedance_lint.linting.uuids import TaskUuids

    table, first, index = TaskUuids(), {}, {"a.jsonl": 0, "b.jsonl": 0}
    for file, gap, as_run, uuids in calls:
        index[file] += gap
        start = index[file]
        expected = [first.setdefault(u.lower(), (file, start + o)) for o, u in enumerate(uuids)]
        if as_run:
            repeats = table.add_run(uuids, file, start)
            assert repeats == [o for o, e in enumerate(expected) if e != (file, start + o)]
            assert [table.setdefault(u, "z", 0) for u in uuids] == expected
        else:
            assert [table.setdefault(u, file, start + o) for o, u in enumerate(uuids)] == expected
        index[file] += len(uuids)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.binary(max_size=40) | st.sampled_from([b"\n", b"\r", b"\r\n", b"\x0b", b"\x1c", b"\xe2\x80\xa8"]),
        max_size=30,
    ).map(b"".join),
    st.integers(1, 64),
)
def test_chunks_hold_the_lines_readlines_gives_and_their_bytes(data: bytes, size: int) -> None:
    import io

    chunks = [(raw, batch.split_lines(raw)) for raw in batch.read_blocks(io.BytesIO(data), size)]
    assert [line for _, lines in chunks for line in lines] == io.BytesIO(data).readlines()
    assert all(raw == b"".join(lines) and lines for raw, lines in chunks)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([b"{", b"[", b"}", b"]", b'"a":', b"1", b"{" * 100, b"[" * 99]), max_size=6).map(
            b"".join
        ),
        min_size=1,
        max_size=5,
    )
)
def test_the_chunk_nesting_test_is_the_lines_test(lines: list[bytes]) -> None:
    raw = b"\n".join(lines) + b"\n"
    assert batch._may_nest_too_deep_any(raw) == any(map(batch._may_nest_too_deep, raw.splitlines(keepends=True)))
