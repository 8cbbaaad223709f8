"""Prototype (measurement only): can one compiled schema decide that a task has no findings?

Today every task runs every task rule in Python (TaskContext, ~16 rule calls,
9 of them looking up the shared schema result). This script derives a
"clean-task" schema from the data files: the request schema plus the
cross-field rules written as JSON Schema (width/height pairs from the
x-seedance dimension table, dependentRequired, resolution excluding
width/height, a required output size, seed up to the JS safe-integer maximum,
no safety.checkContent true with the mode that disables checking). It is
compiled once with jsonschema-rs.

It then checks, over a corpus, that the prototype is sound (clean under it
=> the task rules find nothing) and reports how many tasks it sends to the
slow path needlessly, and the time per task of both ways. Last, it times a
"fused" loop over the raw lines that does only what a clean JSONL task needs
(decode, orjson, the duplicate-key guard, the clean-schema check, the
taskUUID registry, the secret scan's prefilter): the floor of a Python fast
path, against json.loads over the same lines.

    python bench/prototype_clean_schema.py [bench/corpus/tasks-100000.jsonl]

Nothing here is used by seedance-lint; it is evidence for bench/RESULTS.md.
"""
from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402


def clean_schema() -> dict:
    from seedance_lint.data import model_spec, request_schema

    spec = model_spec()
    schema = copy.deepcopy(request_schema())
    schema.pop("x-seedance", None)
    props = schema["properties"]
    props["seed"]["maximum"] = spec.js_safe_integer_max  # SDL402 is a warning above it
    pairs = [{"properties": {"width": {"const": s.width}, "height": {"const": s.height}}} for s in spec.sizes]
    frame_images = {"required": ["inputs"],
                    "properties": {"inputs": {"required": ["frameImages"],
                                              "properties": {"frameImages": {"minItems": 1}}}}}
    safety_modes = props["safety"]["properties"]["mode"]["enum"]
    disabling_mode = safety_modes[0]  # the enum lists "none" first: the value SDL501 tests for
    schema["allOf"] = [
        {"dependentRequired": {"width": ["height"], "height": ["width"]}},  # SDL201
        {"dependentSchemas": {"resolution": {"not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]}}}},  # SDL202
        {"anyOf": [{"required": ["width"]}, {"required": ["resolution"]}, frame_images]},  # SDL203
        {"if": {"required": ["width"]}, "then": {"anyOf": pairs}},  # SDL204
        {"not": {"required": ["safety"], "properties": {"safety": {  # SDL501
            "required": ["checkContent", "mode"],
            "properties": {"checkContent": {"const": True}, "mode": {"const": disabling_mode}}}}}},
    ]
    return schema


def fused_floor(path: Path, validator: object) -> dict[str, float]:
    import json

    import orjson

    from seedance_lint.documents import _may_repeat_keys
    from seedance_lint.engine import TaskUuids
    from seedance_lint.rules.secrets import candidates

    with open(path, "rb") as stream:
        raws = stream.readlines()

    def fused() -> None:
        uuids = TaskUuids()
        for number, raw in enumerate(raws):
            text = raw.decode("utf-8").rstrip("\r\n")
            value = orjson.loads(text)
            if _may_repeat_keys(text, value, raw) or not validator.is_valid(value):  # type: ignore[attr-defined]
                continue  # the slow path would take it from here
            uuids.setdefault(value["taskUUID"], "file", number)
            candidates(value)

    def plain() -> None:
        for raw in raws:
            json.loads(raw)

    found = {}
    for name, measure in (("fused fast path (floor)", fused), ("json.loads (same lines)", plain)):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            measure()
            best = min(best, time.perf_counter() - start)
        found[name] = best / len(raws) * 1e6
    return found


def main(argv: list[str] | None = None) -> int:
    import jsonschema_rs
    import orjson

    from seedance_lint import engine, rules

    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0]) if args else make_corpus.jsonl_path(100_000)
    with open(path, "rb") as stream:
        tasks = [orjson.loads(line) for line in stream]
    validator = jsonschema_rs.validator_for(clean_schema())

    unsound = needless = 0
    for task in tasks:
        clean = validator.is_valid(task)
        found = engine.check_task(task, rules.TASK_RULES)
        if clean and found:
            unsound += 1
        if not clean and not found:
            needless += 1
    timings = {}
    for name, measure in (
        ("task rules (today)", lambda t: engine.check_task(t, rules.TASK_RULES)),
        ("clean-schema is_valid", validator.is_valid),
    ):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for task in tasks:
                measure(task)
            best = min(best, time.perf_counter() - start)
        timings[name] = best / len(tasks) * 1e6
    timings.update(fused_floor(path, validator))
    print(f"{path} ({len(tasks):,} tasks)")
    print(f"unsound (clean under the prototype, yet a task rule finds something): {unsound}")
    print(f"needless slow path (not clean under the prototype, no finding): {needless}")
    for name, micros in timings.items():
        print(f"{name:<24} {micros:6.2f} µs/task (best of 3, every task)")
    return 1 if unsound else 0


if __name__ == "__main__":
    sys.exit(main())
