"""The rule registry: every rule is named, documented and covered by cases.

A rule is its code and name (stable public identifiers: configuration files
and CI annotations refer to them), its docstring (the source of `seedance-lint
rule CODE` and docs/rules.md), and the failing and passing cases of
tests/cases/rules/*.yaml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from seedance_lint.core.diagnostic import SEVERITIES
from seedance_lint.rules import BY_CODE, RULES
from seedance_lint.rules.base import Rule

from rule_cases import load_cases

CODE = re.compile(r"^SDL\d{3}$")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SCOPES = {"task", "file", "run", "document", "plan"}

#: Codes that need no failing case, and why (the test below checks the reason still holds).
EXEMPT_FROM_FAILING_CASE = {
    "SDL100": "the safety net for schema keywords without a rule of their own; the shipped schema uses none",
}

#: JSON Schema keywords that never produce a validation error of their own:
#: annotations, and applicators whose errors come from their subschemas.
NON_ASSERTING_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "properties",
    "items",
    "format",  # format is an annotation unless a format checker is configured
}

CASES = load_cases()
RULE_IDS = [rule.code for rule in RULES]


def _cases_of(code: str, failing: bool) -> list[str]:
    return [case.id for case in CASES if case.rule == code and case.fails == failing]


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_identity(rule: Rule) -> None:
    assert CODE.match(rule.code), rule.code
    assert KEBAB.match(rule.name), f"{rule.code}: name {rule.name!r} is not kebab-case"
    assert rule.severity in SEVERITIES, rule.code
    assert rule.scope in SCOPES, rule.code


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_is_documented(rule: Rule) -> None:
    doc = rule.doc
    assert rule.summary, f"{rule.code} has no docstring"
    assert re.search(r"^Failing:", doc, re.MULTILINE), f"{rule.code}: the docstring has no 'Failing:' example"
    assert re.search(r"^Passing:", doc, re.MULTILINE), f"{rule.code}: the docstring has no 'Passing:' example"


def test_codes_and_names_are_unique() -> None:
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert len(set(codes)) == len(codes), sorted(c for c in codes if codes.count(c) > 1)
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
    assert list(BY_CODE) == sorted(codes)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_has_failing_and_passing_cases(rule: Rule) -> None:
    if rule.code not in EXEMPT_FROM_FAILING_CASE:
        assert _cases_of(rule.code, failing=True), (
            f"{rule.code} ({rule.name}) has no failing case in tests/cases/rules/"
        )
    assert _cases_of(rule.code, failing=False), f"{rule.code} ({rule.name}) has no passing case in tests/cases/rules/"


def test_exemptions_are_rules_without_cases() -> None:
    """An exemption names a real rule, and is dropped once the rule has a failing case."""
    for code in EXEMPT_FROM_FAILING_CASE:
        assert code in BY_CODE
        assert not _cases_of(code, failing=True), f"{code} has a failing case now: remove its exemption"


def _schema_keywords(node: object, in_names: bool = False) -> Iterator[str]:
    """Every keyword used anywhere in a schema (not the member names under properties or $defs)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not in_names:
                yield key
            if key.startswith("x-") and not in_names:
                continue  # our own data block: not schema
            yield from _schema_keywords(value, in_names=not in_names and key in ("properties", "$defs"))
    elif isinstance(node, list):
        for item in node:
            yield from _schema_keywords(item)


def test_schema_violation_is_unreachable_with_the_shipped_schema() -> None:
    """Why SDL100 is exempt: every asserting keyword of schemas/ maps to a specific rule."""
    from seedance_lint.core.data import request_schema
    from seedance_lint.rules import schema

    used = set(_schema_keywords(request_schema())) - NON_ASSERTING_KEYWORDS
    used = {k for k in used if not k.startswith("x-")}
    assert used, "no keywords found: the walk is broken"
    assert used <= set(schema._HANDLERS), (
        f"keywords without their own rule (SDL100 reports them): {used - set(schema._HANDLERS)}"
    )
    assert schema.reference_validator().format_checker is None, "format is asserted now: it needs a rule and a case"


def _doc_example(rule: Rule, label: str) -> object:
    match = re.search(rf"^{label}:\s*(.+)$", rule.doc, re.MULTILINE)
    assert match, rule.code
    try:
        return json.loads(match.group(1))
    except json.JSONDecodeError:
        return None  # prose such as "(an empty file)"


def _task_without_size() -> dict:
    """A valid task but for its output size (examples add one, or show what lacks one)."""
    from seedance_lint.core.data import model_spec

    spec = model_spec()
    return {
        "taskType": spec.task_type,
        "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",
        "model": spec.model,
        "positivePrompt": "a dancer on a rooftop",
    }


def _as_input(rule: Rule, example: object) -> object:
    """What the example means: a whole task or document as written, else members over a valid task."""
    if rule.scope in ("document", "plan") or not isinstance(example, dict) or "taskType" in example:
        return example
    return {**_task_without_size(), **example}


EXAMPLE_RULES = [
    rule
    for rule in RULES
    if rule.scope in ("task", "document", "plan")
    and _doc_example(rule, "Failing") is not None
    and _doc_example(rule, "Passing") is not None
]


def test_rules_with_prose_examples_are_few() -> None:
    """Loader and pipeline rules may describe their examples in prose; rules that read a task may not."""
    prose = {rule.code for rule in RULES if rule.scope in ("task", "document", "plan")} - {
        r.code for r in EXAMPLE_RULES
    }
    assert prose <= set(EXEMPT_FROM_FAILING_CASE), prose


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=[r.code for r in EXAMPLE_RULES])
def test_docstring_examples_do_what_they_say(rule: Rule) -> None:
    """The docstring's Failing example triggers the rule and its Passing example does not.

    These examples are what `seedance-lint rule CODE` prints, so they must be true.
    """
    from seedance_lint.linting.linter import check_task

    def codes(example: object) -> set[str]:
        return {r.code for r, _ in check_task(_as_input(rule, example), [rule])}

    failing, passing = _doc_example(rule, "Failing"), _doc_example(rule, "Passing")
    assert rule.code in codes(failing), f"{rule.code}: its Failing example does not fail: {_as_input(rule, failing)}"
    assert rule.code not in codes(passing), f"{rule.code}: its Passing example fails: {_as_input(rule, passing)}"
