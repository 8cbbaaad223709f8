"""Which values of a document are tasks for this model, and which are skipped."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from seedance_lint.core.data import ModelSpec, request_schema
from seedance_lint.input.sources import Source


@dataclass(frozen=True)
class TaskRef:
    """A task for bytedance:2@2 at ``pointer`` in its document."""

    pointer: str
    value: dict


@dataclass(frozen=True)
class Skipped:
    """A value that is not ours; ``code`` is set where the user should hear of it."""

    pointer: str
    code: str | None
    message: str = ""


def select(value: object, spec: ModelSpec) -> Iterator[TaskRef | Skipped]:
    """A task object, or each item of an array of tasks (the API's request body)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield _classify(item, f"/{index}", spec)
    else:
        yield _classify(value, "", spec)


def _classify(item: object, pointer: str, spec: ModelSpec) -> TaskRef | Skipped:
    if not isinstance(item, dict):
        kind = "an array" if isinstance(item, list) else "a scalar"
        return Skipped(
            pointer,
            "SDL004",
            f"expected a task object here, found {kind}: a request is a task object or an array of task objects.",
        )
    task_type, model = item.get("taskType"), item.get("model")
    if model == spec.model:
        return TaskRef(pointer, item)
    if task_type is None and model is None and has_request_members(item):
        # taskUUID and positivePrompt without taskType and model: a request missing two required members,
        # which the schema rules report (SDL101, one per member, with what to add), never a skip.
        return TaskRef(pointer, item)
    if task_type is None and not isinstance(model, str):  # a package.json named on the command line, say
        return Skipped(
            pointer,
            "SDL004",
            "expected a task object here, found an object without `taskType` or "
            f"`model`: this is not a Runware request (a task needs taskType {spec.task_type!r}).",
        )
    if task_type != spec.task_type and not _misspelt(task_type, spec.task_type):
        return Skipped(pointer, None, f"not a {spec.task_type} task")
    if isinstance(model, str):
        return Skipped(
            pointer,
            "SDL005",
            f"skipped: a {spec.task_type} task for model {model!r}; seedance-lint checks {spec.model} only.",
        )
    return TaskRef(pointer, item)  # a misspelt taskType is then reported by the schema rules


def _misspelt(value: object, expected: str) -> bool:
    """ "videoinference" or "videoInferense": meant as ours, so checked rather than silently skipped."""
    return isinstance(value, str) and difflib.SequenceMatcher(None, value.lower(), expected.lower()).ratio() >= 0.85


def looks_like_request(value: object, spec: ModelSpec) -> bool:
    """Whether any item is a Runware task at all (has a taskType or our model, or the members of a request)."""
    items = value if isinstance(value, list) else [value]
    return any(
        isinstance(i, dict) and ("taskType" in i or i.get("model") == spec.model or has_request_members(i))
        for i in items
    )


def has_request_members(item: dict) -> bool:
    """An object with a required member of a request other than taskType and model (taskUUID, positivePrompt)
    and at least one more member the schema knows: a request body that lost its taskType and model, not a
    configuration file that happens to have a ``width``."""
    schema = request_schema()
    known = schema["properties"]
    identifying = [name for name in schema["required"] if name not in ("taskType", "model")]
    return any(name in item for name in identifying) and sum(1 for name in item if name in known) >= 2


def mentions_model(source: Source, spec: ModelSpec) -> bool:
    """Whether a file that does not parse names our task type or model anywhere (else: not a request file)."""
    names = (spec.model.encode(), spec.task_type.encode())
    if source.data is not None:
        return any(name in source.data for name in names)
    if source.path is None:
        return True  # nothing to read: reported, as an unreadable file is
    try:
        return _file_contains(source.path, names)
    except (OSError, TypeError):
        return True  # unreadable: report it


def _file_contains(path: os.PathLike, needles: tuple[bytes, ...]) -> bool:
    """Whether the file holds any of the needles, read a megabyte at a time (a batch may exceed memory)."""
    overlap = max(map(len, needles)) - 1  # a needle across two reads is found in the joined window
    tail = b""
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            window = tail + block
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:] if overlap else b""
    return False


def frame_images(task: object) -> object:
    """The value of ``inputs.frameImages`` as written (None where a step is missing or not an object)."""
    inputs = task.get("inputs") if isinstance(task, dict) else None
    return inputs.get("frameImages") if isinstance(inputs, dict) else None
