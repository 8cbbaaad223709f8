"""Output size: width/height pairs, resolution presets and the documented combinations."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.data import Size, model_spec
from seedance_lint.core.diagnostic import Edit, Finding, Fix
from seedance_lint.core.pointer import tokens
from seedance_lint.input.tasks import frame_images
from seedance_lint.rules.base import TaskContext, is_int, rule, show

#: How far (relative) a requested size may be from a documented one for the
#: fix to be called safe: 1920x1080 -> 1920x1088 is; 1280x720 -> either size is not.
SAFE_FIX_TOLERANCE = 0.02


def _close(size: Size, width: int, height: int) -> bool:
    return (
        abs(size.width - width) <= size.width * SAFE_FIX_TOLERANCE
        and abs(size.height - height) <= size.height * SAFE_FIX_TOLERANCE
    )


def _width_with_height() -> dict:
    return {"dependentRequired": {"width": ["height"], "height": ["width"]}}


def _resolution_alone() -> dict:
    return {"dependentSchemas": {"resolution": {"not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]}}}}


def _some_output_size() -> dict:
    frame_images = {
        "required": ["inputs"],
        "properties": {"inputs": {"required": ["frameImages"], "properties": {"frameImages": {"minItems": 1}}}},
    }
    return {"anyOf": [{"required": ["width"]}, {"required": ["resolution"]}, frame_images]}


def _size_is(size: Size) -> dict:
    return {"properties": {"width": {"const": size.width}, "height": {"const": size.height}}}


def _known_size() -> dict:
    """A documented size, or an undocumented one (720p: SDL205 reports those, not SDL204)."""
    return {"if": {"required": ["width"]}, "then": {"anyOf": [_size_is(s) for s in model_spec().known_sizes]}}


def _no_undocumented_value() -> dict:
    """No member holds a value of x-seedance.undocumentedValues (a string, as the rule reads it), and width x
    height is not one of x-seedance.undocumentedDimensions."""
    found = []
    for pointer, values in model_spec().undocumented_values.items():
        schema: dict = {"enum": list(values)}
        for name in reversed(tokens(pointer)):
            schema = {"required": [name], "properties": {name: schema}}
        found.append(schema)
    found.extend({"required": ["width", "height"], **_size_is(s)} for s in model_spec().undocumented_sizes)
    return {"not": {"anyOf": found}} if found else {}


@rule("SDL201", "unpaired-dimension", "error", accepts=_width_with_height)
def unpaired_dimension(ctx: TaskContext) -> Iterator[Finding]:
    """width and height must be used together.

    The API rejects a task that gives only one of them.

    Failing: {"width": 864}
    Passing: {"width": 864, "height": 480}
    """
    task = ctx.task
    if not isinstance(task, dict) or ("width" in task) == ("height" in task):
        return
    given, missing = ("width", "height") if "width" in task else ("height", "width")
    partners = sorted({getattr(s, missing) for s in ctx.spec.sizes if getattr(s, given) == task[given]})
    hint = (
        f" Documented {missing} for {given} {show(task[given])}: {', '.join(map(str, partners))}." if partners else ""
    )
    fix = Fix(f"/{missing}", partners[0]) if len(partners) == 1 else None
    yield Finding(
        f"/{missing}", f"`{given}` is set without `{missing}`: they must be used together.{hint}", "parent", fix
    )


@rule("SDL202", "resolution-with-dimensions", "error", accepts=_resolution_alone)
def resolution_with_dimensions(ctx: TaskContext) -> Iterator[Finding]:
    """resolution cannot be used with width/height.

    Give either a resolution preset or explicit dimensions, not both.

    Failing: {"resolution": "480p", "width": 864, "height": 480}
    Passing: {"width": 864, "height": 480}
    """
    task = ctx.task
    if isinstance(task, dict) and "resolution" in task and ("width" in task or "height" in task):
        yield Finding(
            "/resolution",
            "`resolution` cannot be used with `width`/`height`: remove `resolution` to keep the explicit "
            "size, or remove `width` and `height` to use the preset.",
            "key",
            Fix("/resolution", remove=True),
        )


@rule("SDL203", "missing-output-size", "error", accepts=_some_output_size)
def missing_output_size(ctx: TaskContext) -> Iterator[Finding]:
    """The task gives no output size: provide inputs.frameImages, width/height or resolution.

    Failing: {"positivePrompt": "a dancer"}
    Passing: {"positivePrompt": "a dancer", "resolution": "480p"}
    """
    task = ctx.task
    if not isinstance(task, dict) or any(k in task for k in ("width", "height", "resolution")):
        return
    if frame_images(ctx.task):
        return
    example = ctx.spec.sizes[0]
    yield Finding(
        "",
        "the task has no output size: add `width` and `height` (for example "
        f"{example.width}x{example.height}), a `resolution` ({', '.join(ctx.spec.resolutions)}) "
        "or `inputs.frameImages`.",
    )


@rule("SDL204", "unsupported-dimensions", "error", accepts=_known_size)
def unsupported_dimensions(ctx: TaskContext) -> Iterator[Finding]:
    """width x height is not one of the documented combinations.

    The model supports a fixed set of sizes (the dimension table of the API
    page, in schemas/, and the model's 720p sizes, which the page prices but
    does not list: SDL205 warns about those); the message names the nearest ones.

    Failing: {"width": 1280, "height": 720}
    Passing: {"width": 864, "height": 480}
    """
    width, height = ctx.member("width"), ctx.member("height")
    if not (is_int(width) and is_int(height)):
        return
    if ctx.spec.size_of(int(width), int(height)) is not None:
        return
    if width <= 0 or height <= 0:  # no nearest size by ratio or area; still not a size the API accepts
        yield Finding(
            "/width",
            f"{show(width)}x{show(height)} is not a supported size for {ctx.spec.model}: "
            f"use a documented combination such as {ctx.spec.sizes[0].label}.",
            "key",
        )
        return
    nearest = ctx.spec.nearest(width, height)
    best = nearest[0]
    safe = _close(best, int(width), int(height))
    others = ", ".join(s.label for s in nearest[1:3])
    yield Finding(
        "/width",
        f"{show(width)}x{show(height)} is not a supported size for {ctx.spec.model}. Nearest supported: "
        f"{best.label}; next: {others}.",
        "key",
        Fix("/width", best.width, safe=safe, extra=(Edit("/height", best.height),)),
    )


@rule("SDL205", "undocumented-value", "warning", accepts=_no_undocumented_value)
def undocumented_value(ctx: TaskContext) -> Iterator[Finding]:
    """A value the API page contradicts itself about, such as resolution 720p or a 720p size.

    The page prices 720p but lists it neither as an allowed resolution nor in
    the dimension table, so the API may reject it. seedance-lint warns rather
    than errs, and prices it from the table. The 720p sizes (1248x704 for
    16:9, ...) are the model family's, from outside the page (schemas/,
    x-seedance.undocumentedDimensions, with their source).

    Failing: {"resolution": "720p"}
    Passing: {"resolution": "480p"}
    """
    for pointer, values in ctx.spec.undocumented_values.items():
        value = ctx.member(*pointer.strip("/").split("/"))
        if isinstance(value, str) and value in values:
            yield Finding(
                pointer,
                f"`{pointer.strip('/')}` {show(value)} is undocumented: {values[value]}. The API may reject "
                f"it; the documented values are {', '.join(ctx.spec.resolutions)}.",
            )
    yield from _undocumented_size(ctx)


def _undocumented_size(ctx: TaskContext) -> Iterator[Finding]:
    width, height = ctx.member("width"), ctx.member("height")
    if not (is_int(width) and is_int(height)) or (int(width), int(height)) in ctx.spec.by_dimensions:
        return
    size = ctx.spec.size_of(int(width), int(height))
    if size is not None:
        yield Finding(
            "/width",
            f"{size.width}x{size.height} is not in the page's dimension table; the model's {size.resolution} size "
            f"for {size.aspect_ratio} (source: {ctx.spec.undocumented_sizes_source}). The API page prices "
            f"{size.resolution} but does not list this size, so the API may reject it; a documented size is "
            f"{_documented_alternative(ctx, size).label}.",
            "key",
        )


def _documented_alternative(ctx: TaskContext, size: Size) -> Size:
    """The documented size of the same aspect ratio nearest in pixel count."""
    same = [s for s in ctx.spec.sizes if s.aspect_ratio == size.aspect_ratio] or list(ctx.spec.sizes)
    return min(same, key=lambda s: abs(s.width * s.height - size.width * size.height))


RULES = (
    unpaired_dimension,
    resolution_with_dimensions,
    missing_output_size,
    unsupported_dimensions,
    undocumented_value,
)
