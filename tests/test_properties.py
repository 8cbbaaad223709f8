"""Properties of the rules engine over requests drawn from the schema data (tests/strategies.py).

- a valid request lints clean (no error; only the documented warnings);
- one field out of its documented domain gives an error at that field's pointer;
- the engine and the CLI never raise on arbitrary JSON-like values;
- the fast validator and the explaining (reference) validator agree.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import request_schema
from seedance_lint.input.imagesize import inline_image_format
from seedance_lint.linting.linter import check_task
from seedance_lint.rules import DOCUMENT_RULES, TASK_RULES
from seedance_lint.rules.schema import reference_validator, schema_errors

from strategies import FIELDS, SPEC, Mutation, dialect_edge_tasks, json_values, mutations, task_like_values, valid_tasks

PROPERTY = settings(max_examples=150, deadline=None, database=None)
#: The CLI runs are in-process but still slower: fewer examples.
CLI_PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _errors(task: object) -> list[tuple[str, str]]:
    return [(rule.code, finding.pointer) for rule, finding in check_task(task) if rule.severity == "error"]


def _expected_warnings(task: dict) -> set[str]:
    """The warnings a documented-valid task may still get, each with its condition from the data."""
    expected = set()
    seed = task.get("seed")
    if isinstance(seed, int) and seed > SPEC.js_safe_integer_max:
        expected.add("SDL402")
    safety = task.get("safety", {})
    if safety.get("checkContent") is True and safety.get("mode") == "none":  # mode "none" disables checking
        expected.add("SDL501")
    formats = request_schema()["$defs"]["imageInput"]["x-image-formats"]
    for item in task.get("inputs", {}).get("frameImages", []):
        image = item.get("image") if isinstance(item, dict) else item
        if inline_image_format(image) not in (None, *formats):  # inline bytes with no known image header
            expected.add("SDL109")
    return expected


@PROPERTY
@given(valid_tasks())
def test_valid_requests_lint_clean(task: dict) -> None:
    findings = check_task(task)
    assert [(r.code, f.pointer, f.message) for r, f in findings if r.severity == "error"] == []
    assert {r.code for r, _ in findings} == _expected_warnings(task)


def test_the_valid_strategy_covers_the_schema() -> None:
    """Every documented member can be drawn (a member the strategy never sets would go untested)."""
    drawn: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(valid_tasks())
    def collect(task: dict) -> None:
        stack = [("", task)]
        while stack:
            pointer, node = stack.pop()
            if isinstance(node, dict):
                stack.extend((f"{pointer}/{k}", v) for k, v in node.items())
            elif isinstance(node, list):
                stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))
            drawn.add(pointer)

    collect()
    assert {f.pointer for f in FIELDS} <= drawn, {f.pointer for f in FIELDS} - drawn


@PROPERTY
@given(mutations())
def test_one_field_out_of_its_domain_is_an_error_at_its_pointer(mutation: Mutation) -> None:
    errors = _errors(mutation.task)
    assert any(pointer == mutation.pointer for _, pointer in errors), (mutation.kind, mutation.pointer, errors)


@PROPERTY
@given(st.one_of(json_values(), task_like_values()))
def test_check_task_never_raises(value: object) -> None:
    for rule, finding in check_task(value, TASK_RULES + DOCUMENT_RULES):
        assert finding.pointer == "" or finding.pointer.startswith("/"), (rule.code, finding)
        assert finding.message, rule.code


# --- the two validators ---------------------------------------------------------


def _valid_by_jsonschema_rs(task: object) -> bool:
    """The explaining path's verdict: no error from jsonschema-rs (or, for a value it cannot take, from the
    reference)."""
    return not schema_errors(task)


@PROPERTY
@given(st.one_of(valid_tasks(), mutations().map(lambda m: m.task), dialect_edge_tasks()))
def test_fast_and_reference_validators_agree(task: dict) -> None:
    """The accept path (jsonschema-rs) and the explaining path (jsonschema) give one verdict.

    If they differ, a task the fast path rejects gets no explanation (and so
    passes), or one it accepts is never explained: either hides a problem.
    """
    assert _valid_by_jsonschema_rs(task) == reference_validator().is_valid(task)


#: Characters on which Python's re and ECMA-262 regexes (JSON Schema's dialect) disagree:
#: \s differs, and $ matches before a final newline in Python only.
_DIALECT_CHARACTERS = frozenset("\n\x1c\x1d\x1e\x1f\x85\ufeff")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _is_small(value: object) -> bool:
    """Within 64 bits, where jsonschema-rs reads numbers exactly (larger ones are explained by the reference)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return not isinstance(value, (dict, list)) or all(
            _is_small(v) for v in (value.values() if isinstance(value, dict) else value)
        )
    return -(2**63) <= value < 2**64


@PROPERTY
@given(st.one_of(valid_tasks(), mutations().map(lambda m: m.task)))
def test_fast_validator_agrees_with_plain_draft_2020_12(task: dict) -> None:
    """jsonschema's own Draft202012Validator, away from the regex dialect differences."""
    from jsonschema import Draft202012Validator

    assume(not any(_DIALECT_CHARACTERS & set(s) for s in _strings(task)))
    assume(_is_small(task))
    assert _valid_by_jsonschema_rs(task) == Draft202012Validator(request_schema()).is_valid(task)


@pytest.mark.parametrize(
    "text", ["59d02567-ead8-47ef-94c7-d04dfdcc78b7\n", "59d02567-ead8-47ef-94c7-d04dfdcc78b7\ufeff"]
)
def test_dialect_differences_are_decided_as_ecma_262(text: str) -> None:
    """Where Python's re and ECMA-262 differ, both validators follow ECMA-262 (and reject these)."""
    task = {**_a_valid_task(), "taskUUID": text}
    assert not _valid_by_jsonschema_rs(task)
    assert not reference_validator().is_valid(task)
    assert ("SDL107", "/taskUUID") in _errors(task)


def _a_valid_task() -> dict:
    size = SPEC.sizes[0]
    return {
        "taskType": SPEC.task_type,
        "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",
        "model": SPEC.model,
        "positivePrompt": "a dancer",
        "width": size.width,
        "height": size.height,
    }


# --- the CLI --------------------------------------------------------------------


def _check_report(result, expect_tasks: bool = False) -> None:  # conftest's CliResult
    assert result.exit in (0, 1), (result.exit, result.stderr)
    assert result.stderr == ""
    report = result.json()
    for diagnostic in report["diagnostics"]:
        assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1, diagnostic
        assert diagnostic["pointer"] == "" or diagnostic["pointer"].startswith("/"), diagnostic
    assert result.exit == (1 if report["summary"]["errors"] else 0)


@CLI_PROPERTY
@given(
    value=st.one_of(json_values(), task_like_values(), st.lists(task_like_values(), max_size=3)),
    form=st.sampled_from(["json", "jsonl", "yaml"]),
)
def test_cli_never_raises(value: object, form: str, run_cli) -> None:
    if form == "json":
        text = json.dumps(value, ensure_ascii=False)  # NaN and Infinity included: reported, never a failure
    elif form == "jsonl":
        items = value if isinstance(value, list) else [value]
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)  # raw U+2028 and co.
    else:
        text = yaml.safe_dump(value, allow_unicode=True)
    result = run_cli(["check", "--format", "json", "--stdin-filename", f"t.{form}", "-"], stdin=text)
    _check_report(result)


def _read_as_yaml_1_2(text: str) -> object:
    from seedance_lint.input.parsers import yamlpos

    return yamlpos.parse_all(text)[0].value


@CLI_PROPERTY
@given(task=valid_tasks())
def test_cli_valid_task_is_clean_in_every_format(task: dict, run_cli) -> None:
    """Through parsing and positions too: a valid task gives no error as JSON, JSON Lines or YAML."""
    for form, text in (
        ("json", json.dumps(task, indent=2, ensure_ascii=False)),
        ("jsonl", json.dumps(task, ensure_ascii=False) + "\n"),
        ("yaml", yaml.safe_dump(task, allow_unicode=True)),
    ):
        if form == "yaml" and (yaml.safe_load(text) != task or _read_as_yaml_1_2(text) != task):
            # PyYAML's emitter folds a U+0085 in a quoted scalar into a space, and writes YAML 1.1: a string such
            # as 0E0 goes out plain and is a number in YAML 1.2, which seedance-lint reads. Not the task drawn.
            continue
        result = run_cli(["check", "--format", "json", "--stdin-filename", f"t.{form}", "-"], stdin=text)
        _check_report(result)
        codes = {d["code"] for d in result.json()["diagnostics"] if d["severity"] == "error"}
        codes -= {"SDL601", "SDL602", "SDL603"}  # a drawn URL may look like a presigned one; not a request error
        assert codes == set(), (form, result.json()["diagnostics"])


@CLI_PROPERTY
@given(mutation=mutations(), form=st.sampled_from(["json", "yaml"]))
def test_cli_reports_the_mutated_field_at_its_place_in_the_file(mutation: Mutation, form: str, run_cli) -> None:
    """The error at the mutated pointer is positioned at that member's key or value (its object's, when missing).

    Positions come from the parsers, whose own positions are checked by hand
    and against libyaml's marks in tests/test_parsers.py.
    """
    from seedance_lint.input.parsers import jsonpos, yamlpos

    if form == "json":
        text = json.dumps(mutation.task, indent=2, ensure_ascii=False)
        positions = jsonpos.parse(text).positions
    else:
        text = yaml.safe_dump(mutation.task, allow_unicode=True, width=float("inf"))
        positions = yamlpos.parse_all(text)[0].positions
    result = run_cli(["check", "--format", "json", "--stdin-filename", f"t.{form}", "-"], stdin=text)
    _check_report(result)
    if mutation.pointer == "/model" and isinstance(mutation.task.get("model"), str):
        # Another model's task is not ours to check: skipped with an info (SDL005), by design.
        codes = {d["code"] for d in result.json()["diagnostics"]} - {"SDL602", "SDL603"}  # a drawn URL may look signed
        assert codes == {"SDL005"}, result.json()["diagnostics"]
        return
    parent = mutation.pointer.rsplit("/", 1)[0]
    places = {
        positions.keys.get(mutation.pointer),
        positions.values.get(mutation.pointer),
        positions.values.get(parent),
    }
    found = [
        (d["line"], d["column"])
        for d in result.json()["diagnostics"]
        if d["pointer"] == mutation.pointer and d["severity"] == "error"
    ]
    assert found, (mutation, result.json()["diagnostics"])
    assert set(found) <= places - {None}, (mutation.pointer, found, places)


@given(st.text(st.characters(codec=None), max_size=12))
def test_printable_escapes_every_control_character_and_keeps_the_rest(text: str) -> None:
    """printable's shortcut (str.isprintable) never lets a control character or line separator through."""
    from seedance_lint.core.text import _UNPRINTABLE, printable

    shown = printable(text)
    assert not _UNPRINTABLE.search(shown)
    assert (shown == text) == (not _UNPRINTABLE.search(text))


def test_only_short_words_are_remembered_by_the_closest_match() -> None:
    """A batch repeats its typos; a hostile file of long unknown keys must not fill memory through the cache."""
    from seedance_lint.rules.schema import _remembered_closest, closest

    before = _remembered_closest.cache_info().currsize
    assert closest("widht" + "x" * 100, ("width", "height"), 0.6) is None
    assert _remembered_closest.cache_info().currsize == before
    assert closest("widht", ("width", "height"), 0.6) == "width"


def test_a_replaced_selection_does_not_keep_the_caches_of_the_old_one() -> None:
    from dataclasses import replace

    from seedance_lint.config import Selection
    from seedance_lint.rules import BY_CODE

    before = Selection(per_file_ignores=(("a.json", ("SDL204",)),))
    assert before.severity_of("SDL204", BY_CODE["SDL204"].severity) == "error"
    assert not before.enabled_in("SDL204", "a.json")
    after = replace(before, severity=(("SDL204", "info"),), per_file_ignores=())
    assert after.severity_of("SDL204", BY_CODE["SDL204"].severity) == "info" and after.enabled_in("SDL204", "a.json")


def _show_whole(value: object, limit: int = 60) -> str:
    """rules.base.show as it was: the whole value dumped, then cut."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 3] + "..."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=200), st.integers(4, 120))
def test_show_cuts_a_long_string_as_if_it_dumped_the_whole_string(text: str, limit: int) -> None:
    from seedance_lint.core.values import show

    assert show(text, limit) == _show_whole(text, limit)
