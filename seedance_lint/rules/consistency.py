"""Combinations the API page implies are contradictory, and values clients mangle."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.core.data import model_spec
from seedance_lint.core.diagnostic import Finding, Fix
from seedance_lint.rules.base import TaskContext, is_int, rule, show


def _safety_enabled_or_off() -> dict:
    spec = model_spec()
    disabled = {
        "required": ["safety"],
        "properties": {
            "safety": {
                "required": ["checkContent", "mode"],
                "properties": {"checkContent": {"const": True}, "mode": {"const": spec.safety_mode_disabled}},
            }
        },
    }
    return {"not": disabled}


def _seed_safe_in_javascript() -> dict:
    return {"properties": {"seed": {"maximum": model_spec().js_safe_integer_max}}}


@rule("SDL501", "safety-check-without-mode", "warning", accepts=_safety_enabled_or_off)
def safety_check_without_mode(ctx: TaskContext) -> Iterator[Finding]:
    """safety.checkContent is true but safety.mode is "none", which disables checking.

    The page says checkContent enables checking (fast mode by default) while
    mode none disables it; the request asks for both.

    Failing: {"safety": {"checkContent": true, "mode": "none"}}
    Passing: {"safety": {"checkContent": true, "mode": "fast"}}
    """
    disabled = ctx.spec.safety_mode_disabled
    if ctx.member("safety", "checkContent") is True and ctx.member("safety", "mode") == disabled:
        enabling = [m for m in ctx.spec.safety_modes if m != disabled]
        yield Finding(
            "/safety/mode",
            f'`safety.checkContent` is true but `safety.mode` is "{disabled}", which disables checking: '
            f"set mode to {' or '.join(show(m) for m in enabling)}, or drop checkContent.",
            fix=Fix("/safety/mode", enabling[0]),
        )


@rule("SDL402", "seed-loses-precision", "warning", accepts=_seed_safe_in_javascript)
def seed_loses_precision(ctx: TaskContext) -> Iterator[Finding]:
    """The seed is above 2^53 - 1, which JavaScript clients cannot represent exactly.

    The API accepts seeds up to 2^63 - 1, but a JavaScript or JSON tool that
    reads numbers as doubles silently rounds larger ones, so the video is not
    reproducible from the seed you stored.

    Failing: {"seed": 9007199254740993}
    Passing: {"seed": 74606}
    """
    seed = ctx.member("seed")
    if is_int(seed) and seed > ctx.spec.js_safe_integer_max:
        yield Finding(
            "/seed",
            f"seed {show(seed)} is above {ctx.spec.js_safe_integer_max} (2^53 - 1): JavaScript and other "
            "double-based clients round it, so the stored seed may not reproduce the video. Use a smaller seed.",
        )


RULES = (safety_check_without_mode, seed_loses_precision)
