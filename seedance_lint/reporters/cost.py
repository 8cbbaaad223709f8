"""Reporters for `cost`: table (terminal), markdown (PR comment), csv (spreadsheet), json."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from seedance_lint.costing import Estimate
from seedance_lint.engine import printable


@dataclass(frozen=True)
class PricedTask:
    file: str
    task: int
    estimate: Estimate


@dataclass(frozen=True)
class CostReport:
    currency: str
    tasks: tuple[PricedTask, ...]
    total: Decimal
    low: Decimal
    high: Decimal
    problems: tuple[str, ...]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def task_fields(row: PricedTask) -> dict[str, object]:
    e = row.estimate
    uuid = None if e.task_uuid is None else printable(e.task_uuid)  # user text: never raw control characters
    return {
        "file": printable(row.file), "task": row.task, "taskUUID": uuid, "width": e.width, "height": e.height,
        "resolution": e.resolution, "aspectRatio": e.aspect_ratio,
        "duration": None if e.duration is None else f"{e.duration:f}", "numberResults": e.number_results,
        "cost": _money(e.cost), "low": _money(e.low), "high": _money(e.high), "basis": e.basis, "reason": e.reason,
    }


def render_json(report: CostReport) -> str:
    document = {
        "currency": report.currency,
        "tasks": [task_fields(row) for row in report.tasks],
        "total": _money(report.total), "low": _money(report.low), "high": _money(report.high),
        "problems": list(report.problems),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("file", "task", "taskUUID", "width", "height", "resolution", "aspectRatio", "duration",
               "numberResults", "cost", "low", "high", "basis", "reason")


def render_csv(report: CostReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(task_fields(row) for row in report.tasks)
    return out.getvalue()


TABLE_COLUMNS = ("file", "task", "size", "duration", "n", "cost", "range", "basis")


def _cells(row: PricedTask) -> tuple[str, ...]:
    e = row.estimate
    size = f"{e.width}x{e.height}" if e.width else " ".join(x for x in (e.resolution, e.aspect_ratio) if x) or "?"
    span = f"{e.low:f}-{e.high:f}" if e.priced and e.low != e.high else ""
    duration = f"{e.duration:f}s" if e.duration is not None else "?"
    cost = f"{e.cost:f}" if e.priced else "unpriced"
    basis = e.basis if e.priced else f"{e.basis}: {e.reason}"
    return (printable(row.file), str(row.task), size, duration, str(e.number_results or "?"), cost, span, basis)


def _total_cells(report: CostReport) -> tuple[str, ...]:
    span = f"{report.low:f}-{report.high:f}" if report.low != report.high else ""
    return ("TOTAL", "", "", "", "", f"{report.total:f}", span, report.currency)


def render_table(report: CostReport) -> str:
    rows = [TABLE_COLUMNS, *(_cells(r) for r in report.tasks), _total_cells(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines + list(report.problems)) + "\n"


def render_markdown(report: CostReport) -> str:
    lines = ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + "---|" * len(TABLE_COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in report.tasks]
    total = _total_cells(report)
    lines.append(f"| **{total[0]}** | | | | | **{total[5]}** | {total[6]} | {total[7]} |")
    lines += [f"\n> {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"


COST_REPORTERS: dict[str, Callable[[CostReport], str]] = {
    "table": render_table,
    "markdown": render_markdown,
    "csv": render_csv,
    "json": render_json,
}
