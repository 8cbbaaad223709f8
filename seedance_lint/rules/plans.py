"""Plan files (`*.plan.yaml`, `*.plan.json`): video counts for `cost`, checked as requests are.

A plan rule reads a whole plan document (scope "plan") and points into it
(/plan/3/count). What a line may hold is the request schema's (duration and
numberResults bounds, resolutions) and the model's sizes (core/data.py), read
here, never repeated; the nearest size is ModelSpec.nearest, as for SDL204.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from seedance_lint.core.data import ModelSpec, request_schema
from seedance_lint.core.diagnostic import Finding
from seedance_lint.input.plans import LINE_MEMBERS, PLAN_MEMBERS, line_values, resolutions, size_for
from seedance_lint.rules.base import TaskContext, is_int, rule, show
from seedance_lint.rules.schema import closest

#: How close a misspelt member name must be to a known one to be suggested (difflib ratio).
_NAME_CUTOFF = 0.6


def _lines(ctx: TaskContext) -> Iterator[tuple[str, dict]]:
    """(pointer, line) of each line of the plan that is an object (SDL701 reports the others)."""
    for pointer, line in line_values(ctx.task):
        if isinstance(line, dict):
            yield pointer, line


def _did_you_mean(name: str, known: tuple[str, ...]) -> str:
    near = closest(name, known, _NAME_CUTOFF)
    return f" Did you mean `{near}`?" if near else ""


@rule("SDL701", "plan-structure", "error", scope="plan")
def plan_structure(ctx: TaskContext) -> Iterator[Finding]:
    """A plan file is not an object holding a non-empty `plan` list of line objects with known members.

    A file named *.plan.yaml, *.plan.yml or *.plan.json is a plan: `cost`
    prices each line as `count` tasks. A request file is not a plan: rename
    it (without .plan) to lint it as one.

    Failing: {"plan": [{"count": 10, "resolution": "480p", "durations": 5}]}
    Passing: {"plan": [{"count": 10, "resolution": "480p", "duration": 5}]}
    """
    value = ctx.task
    if not isinstance(value, dict):
        hint = ": write `plan:` above the lines" if isinstance(value, list) else ""
        yield Finding("", f"a plan is an object with a `plan` list, found {_kind(value)}{hint}.")
        return
    if "taskType" in value or "model" in value:
        yield Finding(
            "",
            "this is a request, not a plan: a file named *.plan.yaml/*.plan.json holds `plan:` and a list of "
            "lines. Rename the file without `.plan` to lint it as a request.",
        )
        return
    for name in value:
        if name not in PLAN_MEMBERS:
            yield Finding(f"/{name}", f"`{name}` is not a member of a plan (only `plan`).", "key")
    lines = value.get("plan")
    if "plan" not in value:
        yield Finding("/plan", "the plan has no `plan` member: add `plan:` and a list of lines.", "parent")
    elif not isinstance(lines, list):
        yield Finding("/plan", f"`plan` is a list of lines, found {_kind(lines)}.")
    elif not lines:
        yield Finding("/plan", "the plan is empty: add a line such as {count: 10, resolution: 480p}.")
    for pointer, line in line_values(value):
        if not isinstance(line, dict):
            yield Finding(pointer, f"a plan line is an object (count, a size, duration...), found {_kind(line)}.")
            continue
        for name in line:
            if name not in LINE_MEMBERS:
                yield Finding(
                    f"{pointer}/{name}",
                    f"`{name}` is not a member of a plan line ({', '.join(LINE_MEMBERS)})."
                    + _did_you_mean(str(name), LINE_MEMBERS),
                    "key",
                )


@rule("SDL702", "plan-count", "error", scope="plan")
def plan_count(ctx: TaskContext) -> Iterator[Finding]:
    """A plan line's `count` is missing or not an integer of at least 1 (and at most 2^53 - 1).

    `count` is how many tasks the line stands for (each of numberResults videos).

    Failing: {"plan": [{"count": 0, "resolution": "480p"}]}
    Passing: {"plan": [{"count": 1, "resolution": "480p"}]}
    """
    for pointer, line in _lines(ctx):
        if "count" not in line:
            yield Finding(f"{pointer}/count", "the line has no `count`: add how many tasks it stands for.", "parent")
            continue
        count, most = line["count"], ctx.spec.js_safe_integer_max
        if is_int(count) and 1 <= count <= most:
            continue
        if is_int(count) and count > most:  # a line's money is one task's times count: exact up to this
            yield Finding(
                f"{pointer}/count",
                f"`count` is {show(count)}, more than a JSON number holds exactly. Nearest valid value: {most}.",
            )
            continue
        if isinstance(count, bool) or not isinstance(count, (int, float)):
            yield Finding(f"{pointer}/count", f"`count` is {show(count)}: write a whole number of tasks (1 or more).")
            continue
        nearest = max(1, round(count)) if abs(count) < 1e15 else 1
        yield Finding(
            f"{pointer}/count",
            f"`count` is {show(count)}: a line stands for a whole number of tasks, at least 1. "
            f"Nearest valid value: {nearest}.",
        )


@rule("SDL703", "plan-size", "error", scope="plan")
def plan_size(ctx: TaskContext) -> Iterator[Finding]:
    """A plan line's size is missing, ambiguous or not one of the model's.

    A line gives a `resolution` (with an optional `aspectRatio`; without one
    the cost is a range over the aspect ratios) or `width` and `height`, one
    of the model's sizes; the message names the nearest one.

    Failing: {"plan": [{"count": 10, "width": 1280, "height": 720}]}
    Passing: {"plan": [{"count": 10, "width": 1920, "height": 1088}]}
    """
    for pointer, line in _lines(ctx):
        yield from _line_size(pointer, line, ctx.spec)


def _line_size(pointer: str, line: dict, spec: ModelSpec) -> Iterator[Finding]:
    has_resolution, dimensions = "resolution" in line, [n for n in ("width", "height") if n in line]
    if has_resolution and dimensions:
        yield Finding(
            f"{pointer}/resolution",
            "`resolution` cannot be used with `width`/`height`: keep one of them.",
            "key",
        )
    elif has_resolution:
        yield from _resolution(pointer, line, spec)
    elif len(dimensions) == 1:
        (given,) = dimensions
        missing = "height" if given == "width" else "width"
        yield Finding(f"{pointer}/{missing}", f"`{given}` is set without `{missing}`: give both.", "parent")
    elif dimensions:
        yield from _dimensions(pointer, line, spec)
    else:
        yield Finding(
            pointer,
            f"the line has no size: add a `resolution` ({', '.join(resolutions(spec))}) or `width` and `height` "
            f"(for example {spec.sizes[0].width}x{spec.sizes[0].height}).",
        )
    if "aspectRatio" in line and not has_resolution:
        yield Finding(
            f"{pointer}/aspectRatio",
            "`aspectRatio` goes with `resolution` (width and height already fix the aspect ratio): remove it.",
            "key",
        )


def _resolution(pointer: str, line: dict, spec: ModelSpec) -> Iterator[Finding]:
    resolution, known = line["resolution"], resolutions(spec)
    if resolution not in known:
        near = closest(resolution, known, 0.5) if isinstance(resolution, str) else None
        hint = f" Nearest valid value: {show(near)}." if near else ""
        yield Finding(
            f"{pointer}/resolution", f"`resolution` {show(resolution)} is not one of {', '.join(known)}.{hint}"
        )
        return
    ratio = line.get("aspectRatio")
    if "aspectRatio" in line and (not isinstance(ratio, str) or size_for(resolution, ratio, spec) is None):
        ratios = tuple(s.aspect_ratio for s in spec.sizes_for(resolution))
        near = _nearest_ratio(ratio, resolution, spec) if isinstance(ratio, str) else None
        hint = f" Nearest valid value: {show(near)}." if near else ""
        yield Finding(
            f"{pointer}/aspectRatio",
            f"`aspectRatio` {show(ratio)} is not one of the {resolution} sizes' ({', '.join(ratios)}).{hint}",
        )


def _nearest_ratio(ratio: str, resolution: str, spec: ModelSpec) -> str | None:
    """The resolution's aspect ratio nearest one written as "W:H" (by ModelSpec.nearest, as sizes are), else
    the closest spelling."""
    across, _, down = ratio.partition(":")
    if across.isdigit() and down.isdigit() and int(across) > 0 and int(down) > 0 and len(ratio) < 20:
        return next(s.aspect_ratio for s in spec.nearest(int(across), int(down)) if s.resolution == resolution)
    return closest(ratio, tuple(s.aspect_ratio for s in spec.sizes_for(resolution)), 0.5)


def _dimensions(pointer: str, line: dict, spec: ModelSpec) -> Iterator[Finding]:
    width, height = line["width"], line["height"]
    if not (is_int(width) and is_int(height)):
        wrong = "width" if not is_int(width) else "height"
        yield Finding(f"{pointer}/{wrong}", f"`{wrong}` is {show(line[wrong])}: write a whole number of pixels.")
        return
    if spec.size_of(int(width), int(height)) is not None:
        return
    if width <= 0 or height <= 0:
        yield Finding(
            f"{pointer}/width",
            f"{show(width)}x{show(height)} is not a size: use one such as {spec.sizes[0].label}.",
            "key",
        )
        return
    nearest = spec.nearest(width, height)
    yield Finding(
        f"{pointer}/width",
        f"{show(width)}x{show(height)} is not a size of {spec.model}. Nearest valid value: {nearest[0].label}; "
        f"next: {', '.join(s.label for s in nearest[1:3])}.",
        "key",
    )


@rule("SDL704", "plan-duration", "error", scope="plan")
def plan_duration(ctx: TaskContext) -> Iterator[Finding]:
    """A plan line's `duration` is not a number of seconds the model accepts.

    The bounds are the request's (schemas/); the message names the nearest valid value.

    Failing: {"plan": [{"count": 10, "resolution": "480p", "duration": 15}]}
    Passing: {"plan": [{"count": 10, "resolution": "480p", "duration": 12}]}
    """
    yield from _bounded(ctx, "duration", "a number of seconds")


@rule("SDL705", "plan-number-results", "error", scope="plan")
def plan_number_results(ctx: TaskContext) -> Iterator[Finding]:
    """A plan line's `numberResults` is not a whole number of videos the model accepts per task.

    The bounds are the request's (schemas/); the message names the nearest valid value.

    Failing: {"plan": [{"count": 10, "resolution": "480p", "numberResults": 5}]}
    Passing: {"plan": [{"count": 10, "resolution": "480p", "numberResults": 4}]}
    """
    yield from _bounded(ctx, "numberResults", "a whole number of videos")


def _bounded(ctx: TaskContext, name: str, what: str) -> Iterator[Finding]:
    """The lines whose ``name`` is not a number of the schema's type within its bounds."""
    schema = request_schema()["properties"][name]
    low, high, whole = schema["minimum"], schema["maximum"], schema["type"] == "integer"
    for pointer, line in _lines(ctx):
        if name not in line:
            continue
        value = line[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            yield Finding(
                f"{pointer}/{name}", f"`{name}` is {show(value)}: write {what} ({show(low)} to {show(high)})."
            )
        elif whole and not is_int(value):
            near = min(max(round(value), low), high) if abs(value) < 1e15 else high
            yield Finding(f"{pointer}/{name}", f"`{name}` is {show(value)}: write {what}. Nearest valid value: {near}.")
        elif not Decimal(low) <= Decimal(repr(value) if isinstance(value, float) else value) <= Decimal(high):
            bound = low if value < low else high
            yield Finding(
                f"{pointer}/{name}",
                f"`{name}` is {show(value)}, outside {show(low)} to {show(high)}. Nearest valid value: {show(bound)}.",
            )


@rule("SDL706", "plan-label", "error", scope="plan")
def plan_label(ctx: TaskContext) -> Iterator[Finding]:
    """A plan line's `label` is not a non-empty string.

    Labels group lines (`cost --group-by label`); lines may share one.

    Failing: {"plan": [{"count": 10, "resolution": "480p", "label": 2026}]}
    Passing: {"plan": [{"count": 10, "resolution": "480p", "label": "2026"}]}
    """
    for pointer, line in _lines(ctx):
        label = line.get("label", "-")
        if not isinstance(label, str) or not label:
            yield Finding(f"{pointer}/label", f"`label` is {show(label)}: write a non-empty string (quote it in YAML).")


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"{show(value)}"


RULES = (plan_structure, plan_count, plan_size, plan_duration, plan_number_results, plan_label)
