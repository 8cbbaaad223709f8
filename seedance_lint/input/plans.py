"""Plan files: video counts instead of requests (`*.plan.yaml`, `*.plan.yml`, `*.plan.json`).

A plan is ``{"plan": [line, ...]}``; each line stands for ``count`` tasks of
one size, duration and numberResults, with an optional label. This module
says what a plan line means (its members, the task it stands for) and makes
the plan's JSON Schema from the request schema, so that no size, bound or
enum is written twice: ``python -m seedance_lint.input.plans`` prints
schemas/bytedance-2-2.plan.schema.json (a test compares the two). The rules
that explain a wrong plan are in rules/plans.py.
"""

from __future__ import annotations

import json

from seedance_lint.core.data import ModelSpec, Size, model_spec, request_schema

#: The members of a plan document, and of one plan line.
PLAN_MEMBERS = ("plan",)
LINE_MEMBERS = ("label", "count", "resolution", "aspectRatio", "width", "height", "duration", "numberResults")
#: The members a line shares with a request (same meaning, same bounds: the request schema's).
TASK_MEMBERS = ("resolution", "width", "height", "duration", "numberResults")
PLAN_SCHEMA_FILE = "bytedance-2-2.plan.schema.json"


def line_values(value: object) -> list[tuple[str, object]]:
    """(pointer, value) of each line of a plan document, whatever they hold ([] when `plan` is not a list)."""
    lines = value.get("plan") if isinstance(value, dict) else None
    return [(f"/plan/{i}", line) for i, line in enumerate(lines)] if isinstance(lines, list) else []


def resolutions(spec: ModelSpec) -> tuple[str, ...]:
    """The resolutions a plan line may name: the model's sizes' (the page's, then 720p, which the price table
    prices; a plan sends nothing to the API, so SDL205's warning has no reader here)."""
    return tuple(dict.fromkeys(size.resolution for size in spec.known_sizes))


def aspect_ratios(spec: ModelSpec) -> tuple[str, ...]:
    """Every aspect ratio of the model's sizes, in the schema's order."""
    return tuple(dict.fromkeys(size.aspect_ratio for size in spec.known_sizes))


def size_for(resolution: str, aspect_ratio: str, spec: ModelSpec) -> Size | None:
    """The model's size of a resolution and an aspect ratio, if it has one."""
    return next((s for s in spec.sizes_for(resolution) if s.aspect_ratio == aspect_ratio), None)


def as_task(line: dict, spec: ModelSpec | None = None) -> dict:
    """The task a valid plan line stands for, as the price model reads one: a resolution with an aspect
    ratio becomes that size's width and height; duration and numberResults default as for a request."""
    task = {name: line[name] for name in TASK_MEMBERS if name in line}
    ratio = line.get("aspectRatio")
    if isinstance(ratio, str) and isinstance(task.get("resolution"), str):
        size = size_for(task.pop("resolution"), ratio, spec or model_spec())
        if size is not None:
            task["width"], task["height"] = size.width, size.height
    return task


def plan_schema() -> dict:
    """The JSON Schema of a plan file, made from the request schema and its sizes (for editors)."""
    request, spec = request_schema(), model_spec()
    properties = request["properties"]

    def member(name: str) -> dict:
        return dict(properties[name])

    line = {
        "type": "object",
        "description": "`count` tasks of one size, duration and numberResults. The size is a `resolution` "
        "(with an optional `aspectRatio`; without one the cost is a range over aspect ratios) or "
        "`width` and `height`, one of the model's sizes.",
        "required": ["count"],
        "additionalProperties": False,
        "properties": {
            "label": {"type": "string", "minLength": 1, "description": "groups lines (`cost --group-by label`)"},
            "count": {
                "type": "integer",
                "minimum": 1,
                "maximum": spec.js_safe_integer_max,
                "description": "how many tasks this line stands for",
            },
            "resolution": member("resolution") | {"enum": list(resolutions(spec))},
            "aspectRatio": {"type": "string", "enum": list(aspect_ratios(spec))},
            "width": member("width"),
            "height": member("height"),
            "duration": member("duration"),
            "numberResults": member("numberResults"),
        },
        "dependentRequired": {"width": ["height"], "height": ["width"], "aspectRatio": ["resolution"]},
        "oneOf": [
            {"required": ["resolution"], "not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]}},
            {
                "required": ["width", "height"],
                "not": {"required": ["resolution"]},
                "anyOf": [
                    {"properties": {"width": {"const": s.width}, "height": {"const": s.height}}}
                    for s in spec.known_sizes
                ],
            },
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": request["$id"].replace(":request", ":plan"),
        "title": f"seedance-lint plan for {spec.model}",
        "description": "A what-if for `seedance-lint cost`: video counts instead of request files. Generated "
        "from the request schema by `python -m seedance_lint.input.plans`; do not edit by hand.",
        "type": "object",
        "required": ["plan"],
        "additionalProperties": False,
        "properties": {"plan": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/line"}}},
        "$defs": {"line": line},
    }


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(plan_schema_text(), end="")
