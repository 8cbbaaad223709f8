"""csv: a header and a row per matched task (the command writes the summary to stderr)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from seedance_lint.core.text import formula_safe
from seedance_lint.cost.reconcile import Reconciliation
from seedance_lint.reporters.reconcile.base import COLUMNS, row_fields


def stream(rec: Reconciliation) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rec:
        fields = row_fields(row)
        fields["taskUUID"] = formula_safe(str(fields["taskUUID"]))  # texts from the files: never a formula
        fields["file"] = formula_safe(str(fields["file"]))
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v for v in fields.values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
