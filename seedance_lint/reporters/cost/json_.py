"""json: one object, the rows streamed as they are priced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import cast

from seedance_lint.core.text import printable
from seedance_lint.cost.pipeline import CostTally, PricedRun, Render
from seedance_lint.reporters.cost.base import PerEstimate, budget_fields, estimate_fields, money


def _plain(text: str) -> bool:
    """Whether a text is written as it is between JSON quotes (true of texts joined when true of each)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def rows() -> Render:
    """Rows of json as json.dumps(task_fields(row)) writes them, around their task indices."""
    tail = PerEstimate(lambda e: json.dumps(estimate_fields(e), ensure_ascii=False)[1:])

    def render(run: PricedRun) -> tuple[str, list[str]]:
        tails, uuids = tail.each(run.estimates), run.uuids
        head = f'{{"file": {_json_file(run.file)}, "task": '
        # cast: mypy cannot narrow a list by `None not in` it
        if None not in uuids and _plain("".join(cast("list[str]", uuids))):  # the usual run: each taskUUID as it is
            return head, [
                f', "line": {n}, "taskUUID": "{u}", {t}' for n, u, t in zip(run.lines, uuids, tails, strict=True)
            ]
        return head, [
            f', "line": {n}, "taskUUID": {_json_uuid(u)}, {t}' for n, u, t in zip(run.lines, uuids, tails, strict=True)
        ]

    return render


def _json_uuid(uuid: str | None) -> str:
    if uuid is not None and _plain(uuid):
        return f'"{uuid}"'
    return json.dumps(None if uuid is None else printable(uuid), ensure_ascii=False)


@lru_cache(maxsize=64)
def _json_file(file: str) -> str:
    return json.dumps(printable(file), ensure_ascii=False)


def stream(tally: CostTally) -> Iterator[str]:
    """The object: currency, tasks (left out with --summary), total, low, high, problems; then groups
    (with --group-by or --summary) and budget (when a limit is set)."""
    yield '{\n  "currency": ' + json.dumps(tally.currency) + ","
    if tally.summary:
        for _ in tally:  # priced and summed, not written
            pass
    else:
        yield from _tasks(tally)
    closing: dict[str, object] = {
        "total": money(tally.total),
        "low": money(tally.low),
        "high": money(tally.high),
        "problems": tally.problems,
    }
    if tally.group_by is not None:
        closing["groups"] = [
            {
                "key": dict(zip(tally.group_by, key, strict=True)),
                "tasks": tasks,
                "videos": videos,
                "total": money(total),
                "low": money(low),
                "high": money(high),
            }
            for key, tasks, videos, total, low, high in tally.group_rows()
        ]
    budget = budget_fields(tally)
    if budget is not None:
        closing["budget"] = budget
    yield "\n" + ",\n".join(f"  {json.dumps(k)}: {_dumps(v)}" for k, v in closing.items()) + "\n}\n"


def _dumps(value: object) -> str:
    """A closing member on one line (as before), except the groups: one a line, as the tasks."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[\n" + ",\n".join(f"    {json.dumps(v, ensure_ascii=False)}" for v in value) + "\n  ]"
    return json.dumps(value, ensure_ascii=False)


def _tasks(tally: CostTally) -> Iterator[str]:
    yield '\n  "tasks": ['
    separator = "\n"
    for block in tally:
        first = block.first
        head = block.head
        yield separator + ",\n".join([f"    {head}{first + i}{a}" for i, a in enumerate(block.rows)])
        separator = ",\n"
    yield ("\n  " if separator == ",\n" else "") + "],"
