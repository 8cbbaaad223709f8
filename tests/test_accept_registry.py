"""One source for each rule: the accept path is assembled from what every rule declares.

A rule added the documented way (function, registry entry, cases) must be
reported on a task that is otherwise valid, in a JSON Lines batch, where the
accept path decides first. Each rule's documented failing example, merged
into a valid task, goes through the CLI that way and must be reported with
its code. A rule whose declaration is missing sends every task to the rules;
one whose declaration is too loose fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seedance_lint.core.diagnostic import Finding
from seedance_lint.linting.accept import clean_schema, may_be_flagged
from seedance_lint.linting.linter import check_task
from seedance_lint.rules import DOCUMENT_RULES, TASK_RULES
from seedance_lint.rules.base import Rule, rule

from test_registry import EXAMPLE_RULES, _as_input, _doc_example

ACCEPT_PATH_RULES = [r for r in EXAMPLE_RULES if r.scope in ("task", "document")]


def test_every_rule_that_reads_tasks_has_an_example_here() -> None:
    assert {r.code for r in ACCEPT_PATH_RULES} == {r.code for r in (*TASK_RULES, *DOCUMENT_RULES)} - {"SDL100"}


SIZE = {"width": 864, "height": 480}


def _valid_but_for(checked: Rule) -> object:
    """The rule's failing example in a task that no other task rule flags: over a valid task with a size, or
    (for an example about the size) over one without."""
    example = _doc_example(checked, "Failing")
    if checked.scope == "document":
        return example
    for base in ({**SIZE, **example}, example):
        task = _as_input(checked, base)
        if {r.code for r, _ in check_task(task, TASK_RULES)} == {checked.code}:
            return task
    raise AssertionError(
        f"{checked.code}: its Failing example is not a task that only this rule flags; "
        "write it so that the rest of a valid task stays valid"
    )


@pytest.mark.parametrize("checked", ACCEPT_PATH_RULES, ids=[r.code for r in ACCEPT_PATH_RULES])
def test_failing_example_is_reported_on_the_accept_path(checked: Rule, tmp_path: Path, run_cli) -> None:
    """The failing example in an otherwise valid task, as a JSON Lines line beside a clean one, is reported."""
    failing = _valid_but_for(checked)
    clean = _as_input(checked, SIZE) | {"taskUUID": "0ddc6ab0-25b0-4c4e-9b8b-0c3e4f0e0a01"}
    lines = [clean, failing]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run_cli(["check", "--format", "json", "--select", checked.code, str(path)])
    codes = [d["code"] for d in result.json()["diagnostics"]]
    assert checked.code in codes, f"{checked.code}: its failing example passed the accept path: {failing}"


def _capitals(ctx) -> list[Finding]:  # a throwaway rule, as a contributor would write one
    """The prompt is all in capitals.

    Failing: {"positivePrompt": "A DANCER"}
    Passing: {"positivePrompt": "a dancer"}
    """
    prompt = ctx.member("positivePrompt")
    return [Finding("/positivePrompt", "shouting")] if isinstance(prompt, str) and prompt.isupper() else []


def test_a_rule_that_declares_nothing_sends_every_task_to_the_rules() -> None:
    undeclared = rule("SDL999", "prompt-in-capitals", "warning")(_capitals)
    assert clean_schema((*TASK_RULES, undeclared)) is False
    assert clean_schema(TASK_RULES) not in (False, True)  # every shipped task rule declares its schema


def test_a_document_rule_without_a_prefilter_scans_every_document() -> None:
    undeclared = rule("SDL998", "anything", "warning", scope="document")(_capitals)
    assert may_be_flagged(b'{"positivePrompt": "a dancer"}', (*DOCUMENT_RULES, undeclared))
    assert not may_be_flagged(b'{"positivePrompt": "a dancer"}', DOCUMENT_RULES)


def test_a_declaration_is_checked_against_the_rule() -> None:
    """What the generic test above catches: a declaration looser than the rule lets its failing example pass."""
    import jsonschema_rs

    loose = rule("SDL999", "prompt-in-capitals", "warning", accepts=lambda: {})(_capitals)
    task = _as_input(loose, _doc_example(loose, "Failing")) | {"width": 864, "height": 480}
    assert jsonschema_rs.validator_for(clean_schema((*TASK_RULES, loose))).is_valid(task)
    assert list(loose.check(__import__("seedance_lint.rules.base", fromlist=["TaskContext"]).TaskContext(task)))


def test_a_720p_size_is_not_accepted_silently(tmp_path: Path, run_cli) -> None:
    """The 720p sizes (from outside the page) pass SDL204's declaration but not SDL205's: the accept path
    sends them to the rules, which warn; a documented size beside them is accepted."""
    import jsonschema_rs

    from seedance_lint.core.data import model_spec
    from seedance_lint.rules.dimensions import undocumented_value, unsupported_dimensions

    spec = model_spec()
    clean = _as_input(undocumented_value, SIZE) | {"taskUUID": "0ddc6ab0-25b0-4c4e-9b8b-0c3e4f0e0a01"}
    sized = [
        _as_input(undocumented_value, {"width": s.width, "height": s.height})
        | {"taskUUID": f"{i:08x}-0000-4000-8000-000000000000"}
        for i, s in enumerate(spec.undocumented_sizes)
    ]
    assert {(s.resolution, s.aspect_ratio, s.width, s.height) for s in spec.undocumented_sizes} >= {
        ("720p", "16:9", 1248, 704),
        ("720p", "9:21", 640, 1504),  # derived: 21:9 transposed
    }
    sdl204 = jsonschema_rs.validator_for(unsupported_dimensions.accepts())
    sdl205 = jsonschema_rs.validator_for(undocumented_value.accepts())
    assert all(sdl204.is_valid(task) and not sdl205.is_valid(task) for task in sized)
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in [clean, *sized]), encoding="utf-8")
    result = run_cli(["check", "--format", "json", str(path)])
    found = [(d["code"], d["task"]) for d in result.json()["diagnostics"]]
    assert found == [("SDL205", 1 + i) for i in range(len(sized))] and result.exit == 0
