"""json: one object; the rows streamed as the bills are matched, then the summary."""

from __future__ import annotations

import json
from collections.abc import Iterator

from seedance_lint.cost.reconcile import Reconciliation
from seedance_lint.reporters.reconcile.base import failed_fields, problem_fields, row_fields, summary_fields


def stream(rec: Reconciliation) -> Iterator[str]:
    yield '{\n  "tasks": ['
    separator = "\n    "
    for row in rec:
        yield separator + json.dumps(row_fields(row), ensure_ascii=False)
        separator = ",\n    "
    closing = {**summary_fields(rec), "problems": problem_fields(rec), "failed": failed_fields(rec)}
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in closing.items())
    yield "\n  ],\n" + body + "\n}\n"
