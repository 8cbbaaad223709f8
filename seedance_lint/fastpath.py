"""The accept path: one compiled schema that passes only tasks no task rule reports.

Most tasks in a batch are clean. Instead of running every rule in Python, the
engine first asks jsonschema-rs whether the task satisfies the request schema
*and* the cross-field rules written as JSON Schema, all derived from the data
files here. A task it passes has nothing to report; any other task goes
through the rules, which explain. The derived schema may be stricter than the
rules (a needless slow path costs time, never a diagnostic), never looser: a
property test holds it to that.
"""
from __future__ import annotations

import copy
import math
from functools import cache
from typing import Any

from seedance_lint.data import model_spec, request_schema


@cache
def clean_schema() -> dict:
    spec = model_spec()
    schema = copy.deepcopy(request_schema())
    schema.pop("x-seedance", None)
    schema["properties"]["seed"]["maximum"] = spec.js_safe_integer_max  # SDL402 warns above it
    sizes = [{"properties": {"width": {"const": s.width}, "height": {"const": s.height}}} for s in spec.sizes]
    frame_images = {"required": ["inputs"], "properties": {
        "inputs": {"required": ["frameImages"], "properties": {"frameImages": {"minItems": 1}}}}}
    disabled_safety = {"required": ["safety"], "properties": {"safety": {
        "required": ["checkContent", "mode"],
        "properties": {"checkContent": {"const": True}, "mode": {"const": spec.safety_mode_disabled}}}}}
    _bound_every_number(schema, spec.js_safe_integer_max)
    schema["allOf"] = [
        {"dependentRequired": {"width": ["height"], "height": ["width"]}},  # SDL201
        {"dependentSchemas": {"resolution": {"not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]}}}},  # SDL202
        {"anyOf": [{"required": ["width"]}, {"required": ["resolution"]}, frame_images]},  # SDL203
        {"if": {"required": ["width"]}, "then": {"anyOf": sizes}},  # SDL204
        {"not": disabled_safety},  # SDL501
    ]
    _integers_first(schema)
    return schema


def _bound_every_number(schema: object, bound: int) -> None:
    """Give every number without a bound one (in place): an accepted task then holds no integer past 64 bits.

    orjson reads such an integer as a rounded float; the accept path may then
    trust orjson's values (batch.py) without the long-integer check of
    documents.load_json_text. A task with a larger number takes the rules' path.
    """
    if isinstance(schema, dict) and schema.get("type") in ("integer", "number"):
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            schema["maximum"] = bound
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            schema["minimum"] = -bound
    for child in _subschemas(schema):
        _bound_every_number(child, bound)


def _integers_first(schema: object) -> None:
    """Compare numbers with a fractional minimum or maximum through an integer one first (in place; the same
    verdicts).

    jsonschema-rs compares any number with a fractional bound about six times
    slower than with an integer one (duration's minimum of 1.2 took a quarter
    of the time of a whole task). The bound becomes "within the bound rounded
    inward, or between the two bounds": the first branch, with an integer
    bound, decides every value but those between the two; what is between is
    compared with the fractional bound, as before, so no value passes or fails
    that did not before.
    """
    for child in _subschemas(schema):
        _integers_first(child)
    if isinstance(schema, dict):
        for keyword, inward, beyond in (("minimum", math.ceil, "exclusiveMaximum"),
                                        ("maximum", math.floor, "exclusiveMinimum")):
            bound = schema.get(keyword)
            if isinstance(bound, float) and math.isfinite(bound) and not bound.is_integer():
                del schema[keyword]
                either = {"anyOf": [{keyword: inward(bound)}, {keyword: bound, beyond: inward(bound)}]}
                schema.setdefault("allOf", []).append(either)


#: Keywords whose values are data (an instance to compare with, an annotation), never subschemas to rewrite.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})
#: Keywords whose values map names to subschemas (a property may be named "enum").
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def _subschemas(schema: object) -> list[object]:
    """What the schema walkers above descend into: a list's items; a schema's values but data."""
    if isinstance(schema, list):
        return list(schema)
    if not isinstance(schema, dict):
        return []
    found: list[object] = []
    for keyword, value in schema.items():
        if keyword in _SCHEMA_MAPS and isinstance(value, dict):
            found.extend(value.values())
        elif keyword not in _DATA_KEYWORDS:
            found.append(value)
    return found


@cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(clean_schema())


def is_clean(task: object) -> bool:
    """True only for a task that no task rule reports (False when unsure)."""
    try:
        return bool(_validator().is_valid(task))
    except (ValueError, TypeError, OverflowError):  # a value it has no type for: let the rules decide
        return False


def accepts_all(values: list[object]) -> list[bool]:
    """is_clean of each value, in one map over the compiled validator."""
    try:
        return list(map(_validator().is_valid, values))
    except (ValueError, TypeError, OverflowError):
        return [is_clean(value) for value in values]
