"""The compiled accept path never hides a finding: a task it passes is one no task rule reports."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import model_spec
from seedance_lint.linting.accept import is_clean
from seedance_lint.linting.linter import lint_task
from seedance_lint.rules import TASK_RULES
from seedance_lint.rules.base import TaskContext

import strategies


def _findings(task: object) -> list:
    ctx = TaskContext(task)  # the rules themselves, without the accept path in front
    return [finding for rule in TASK_RULES for finding in rule.check(ctx)]


tasks = st.one_of(
    strategies.valid_tasks(),
    strategies.mutations().map(lambda m: m.task),
    strategies.task_like_values(),
    strategies.dialect_edge_tasks(),
)


@settings(max_examples=300, deadline=None)
@given(tasks)
def test_clean_means_no_task_rule_reports(task) -> None:
    if is_clean(task):
        assert _findings(task) == []


@settings(max_examples=300, deadline=None)
@given(tasks)
def test_lint_task_equals_the_rules(task) -> None:
    assert [(r.code, f) for r, f in lint_task(task)] == [
        (r.code, f) for r, f in ((r, f) for r in TASK_RULES for f in r.check(TaskContext(task)))
    ]


@settings(max_examples=200, deadline=None)
@given(strategies.valid_tasks())
def test_valid_tasks_without_findings_take_the_accept_path(task) -> None:
    # Past 2^53 the accept path hands a number to the rules (fastpath._bound_every_number): a ttl, say.
    assume(all(abs(n) <= model_spec().js_safe_integer_max for n in _numbers(task)))
    if not _findings(task):
        assert is_clean(task)


@pytest.mark.parametrize("duration", [1, 1.1, 1.19999, 1.2, 1.2000001, 1.5, 1.99, 2, 2.0, 11.9, 12, 12.0, 12.1, 13])
def test_a_fractional_bound_gives_the_rules_verdict_for_integers_and_fractions(duration) -> None:
    """fastpath._integers_first rewrites duration's minimum of 1.2 for speed: no verdict may change."""
    task = dict(
        json.loads((Path(__file__).parent.parent / "examples" / "text-to-video.json").read_text()), duration=duration
    )
    assert is_clean(task) == (not _findings(task))


def _numbers(value: object) -> list:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def _explained(errors, task) -> list:
    from seedance_lint.rules.schema import _describe, _leaf_errors

    ctx = TaskContext(task)
    return sorted({(code, f.pointer, f.message) for e in _leaf_errors(errors) for code, f in _describe(e, ctx)})


@settings(max_examples=300, deadline=None)
@given(st.one_of(strategies.mutations().map(lambda m: m.task), strategies.task_like_values(allow_non_finite=False)))
def test_explanations_from_jsonschema_rs_equal_the_reference(task) -> None:
    from seedance_lint.rules.schema import RsError, fast_validator, reference_validator

    try:
        fast = [RsError(e, task) for e in fast_validator().iter_errors(task)]
    except (ValueError, TypeError, OverflowError):  # beyond what jsonschema-rs takes: the reference explains
        return
    assert _explained(fast, task) == _explained(reference_validator().iter_errors(task), task)


def test_schema_rewrites_leave_data_alone_and_reach_properties_of_any_name() -> None:
    """const, enum, default and examples hold data; a property may be named like a keyword."""
    from seedance_lint.linting.accept import _bound_every_number, _integers_first

    data = {"minimum": 0.5, "type": "number"}
    schema = {
        "properties": {
            "enum": {"type": "number", "minimum": 0.5},
            "x": {"const": dict(data), "default": dict(data), "enum": [dict(data)], "examples": [dict(data)]},
        }
    }
    _bound_every_number(schema, 7)  # in clean_schema's order
    _integers_first(schema)
    x = schema["properties"]["x"]
    assert x["const"] == x["default"] == x["enum"][0] == x["examples"][0] == data
    assert schema["properties"]["enum"]["allOf"][0]["anyOf"][0] == {"minimum": 1}
    assert schema["properties"]["enum"]["maximum"] == 7


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-1e6, 1e6).filter(lambda b: not b.is_integer()),
    st.sampled_from(["minimum", "maximum"]),
    st.lists(
        st.integers(-(10**7), 10**7) | st.floats(-1e7, 1e7) | st.sampled_from(["1", None, [], True]),
        min_size=1,
        max_size=20,
    ),
)
def test_a_rewritten_fractional_bound_gives_the_same_verdicts(bound, keyword, values) -> None:
    import jsonschema_rs

    from seedance_lint.linting.accept import _integers_first

    rewritten = {keyword: bound}
    _integers_first(rewritten)
    assert keyword not in rewritten  # rewritten, not left as it was
    original, fast = jsonschema_rs.validator_for({keyword: bound}), jsonschema_rs.validator_for(rewritten)
    near = [
        bound,
        math.nextafter(bound, math.inf),
        math.nextafter(bound, -math.inf),
        math.floor(bound),
        math.ceil(bound),
        float(math.floor(bound)),
        float(math.ceil(bound)),
    ]
    for value in values + near:
        assert fast.is_valid(value) == original.is_valid(value), value


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        strategies.mutations().map(lambda m: m.task),
        strategies.task_like_values(),
        strategies.dialect_edge_tasks(),
        st.dictionaries(
            st.sampled_from(["taskType", "model", "width", "fps", "steps", "positivePromt"]),
            st.none() | st.integers() | st.text(max_size=8),
            max_size=4,
        ),
    )
)
def test_explaining_member_by_member_equals_explaining_the_whole_task(task) -> None:
    """rules.schema explains a task a member at a time, remembering each member's findings by its value."""
    from seedance_lint.rules import schema

    ctx = TaskContext(task)  # JSON values only: the member-by-member path takes every one of them (never None)
    whole = schema._explained(schema.schema_errors(task), ctx)
    assert schema._explain_by_member(task, ctx) == whole
    schema._MEMBER_MEMO.clear()
    assert schema._explain_by_member(task, ctx) == whole  # worked out afresh, not remembered


def test_a_value_jsonschema_rs_cannot_take_leaves_the_task_to_the_reference() -> None:
    from seedance_lint.rules import schema

    for task in ({"taskType": "videoInference", "seed": b"\x00"}, {"taskType": "videoInference", "zz": b"\x00"}):
        ctx = TaskContext(task)  # bytes: not JSON, so jsonschema-rs refuses it
        assert schema._explain_by_member(task, ctx) is None
        assert schema._explain(ctx) == schema._explained(schema.schema_errors(task), ctx) != []
