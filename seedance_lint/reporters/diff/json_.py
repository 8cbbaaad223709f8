"""json: one object (schemas/cost-diff.schema.json), a task a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from seedance_lint.core.text import printable
from seedance_lint.cost.diff import CostDiff, TaskChange
from seedance_lint.reporters.cost.base import budget_fields, money
from seedance_lint.reporters.diff.base import money_fields, side_fields


def stream(diff: CostDiff, root: str | None = None) -> Iterator[str]:  # one signature for all formats
    yield "{\n"
    opening: dict[str, object] = {
        "currency": diff.currency,
        "base": money_fields(diff.base.money),
        "head": money_fields(diff.head.money),
        "delta": money_fields(diff.delta) | {"percent": money(diff.percent)},
        "counts": diff.counts,
    }
    files: list[dict[str, object]] = [
        {
            "file": printable(f.file),
            "base": money_fields(f.base),
            "head": money_fields(f.head),
            "delta": money_fields(f.delta),
            "counts": f.counts,
        }
        for f in diff.files
    ]
    yield "".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in opening.items())
    yield from _one_a_line("files", files)
    yield from _one_a_line("tasks", map(_task, diff.tasks))
    closing: dict[str, object] = {
        "problems": {"base": diff.base.tally.task_problems, "head": diff.head.tally.task_problems},
        "guardrails": [
            {"setting": g.setting, "limit": money(g.limit), "value": money(g.value), "ok": not g.breached}
            for g in diff.guardrails
        ],
    }
    budget = budget_fields(diff.head.tally)
    if budget is not None:
        closing["budget"] = budget
    yield ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in closing.items())
    yield "\n}\n"


def _one_a_line(name: str, items: Iterable[dict[str, object]]) -> Iterator[str]:
    """A member whose value is a list of objects, one a line (a diff may list 100,000 tasks)."""
    yield f'  "{name}": ['
    separator = "\n"
    for item in items:
        yield separator + "    " + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield ("\n  " if separator == ",\n" else "") + "],\n"


def _task(change: TaskChange) -> dict[str, object]:
    record = change.record
    return {
        "taskUUID": None if record.uuid is None else printable(record.uuid),
        "file": printable(record.file),
        "change": change.change,
        "changed": list(change.what),
        "base": side_fields(change.base),
        "head": side_fields(change.head),
        "delta": money_fields(change.delta),
    }
