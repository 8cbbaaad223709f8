"""What every reconcile format writes: a row's cells and the summary, as plain values (money as strings)."""

from __future__ import annotations

from decimal import Decimal

from seedance_lint.core.text import printable
from seedance_lint.cost.reconcile import Reconciliation, Row

#: The columns of a row, in order (csv's header; json's keys).
COLUMNS = (
    "taskUUID",
    "resolution",
    "aspectRatio",
    "duration",
    "numberResults",
    "estimate",
    "low",
    "high",
    "billed",
    "difference",
    "differencePercent",
    "within",
    "file",
    "line",
)
#: What a bill is compared with (README, Decisions): the page's `cost` is the task's, all its results.
BASIS = (
    "a bill is the cost of its whole task (every one of its numberResults videos), compared with the task's estimate"
)


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def row_fields(row: Row) -> dict[str, object]:
    e = row.estimate
    return {
        "taskUUID": printable(row.task_uuid),
        "resolution": e.resolution,
        "aspectRatio": e.aspect_ratio,
        "duration": money(e.duration),
        "numberResults": e.number_results,
        "estimate": money(e.cost),
        "low": money(e.low),
        "high": money(e.high),
        "billed": money(row.billed),
        "difference": money(row.difference),
        "differencePercent": money(row.percent),
        "within": row.within,
        "file": printable(row.file),
        "line": row.line,
    }


def summary_fields(rec: Reconciliation) -> dict[str, object]:
    """The counts, totals, margins and drift of a reconciliation whose rows have all been read."""
    estimate, low, high, billed = rec.totals
    needed_low, needed_high = rec.margins()
    configured = rec.table.estimateMargin.high
    return {
        "currency": rec.table.currency,
        "tolerance": money(rec.tolerance),
        "basis": BASIS,
        "requests": rec.index.requests,
        "requestsWithoutTaskUUID": rec.index.without_uuid,
        "matched": rec.matched,
        "within": rec.matched - rec.outside - rec.unpriced,
        "outside": rec.outside,
        "unpriced": rec.unpriced,
        "unbilledRequests": rec.unbilled,
        "billsWithoutRequest": rec.unrequested,
        "otherTaskTypes": rec.skipped,
        "failedTasks": rec.failed_count,
        "problemCount": rec.problem_count,
        "totals": {
            "estimate": money(estimate),
            "low": money(low),
            "high": money(high),
            "billed": money(billed),
            "difference": money(rec.difference),
        },
        "margin": {
            "neededBelow": money(needed_low),
            "neededAbove": money(needed_high),
            "pricingHigh": money(configured),
            "pricingHighCovers": needed_high <= configured,
        },
        "drift": [
            {
                "duration": money(duration),
                "resolution": resolution,
                "tasks": group.count,
                "ratioMin": money(group.low),
                "ratioMax": money(group.high),
                "ratioMean": money(group.mean),
                "fitTable": group.at_table,
                "fitBilledFrames": group.at_billed_frames,
                "verdict": group.verdict,
            }
            for (duration, resolution), group in sorted(rec.drift.items(), key=_drift_order)
        ],
    }


def _drift_order(item: tuple[tuple[Decimal | None, str | None], object]) -> tuple[Decimal, str]:
    (duration, resolution), _ = item
    return (duration or Decimal(0), resolution or "")


def problem_fields(rec: Reconciliation) -> list[dict[str, object]]:
    return [
        {
            "file": printable(p.file),
            "line": p.problem.position[0],
            "column": p.problem.position[1],
            "pointer": p.problem.pointer,
            "code": p.problem.code,
            "message": printable(p.problem.message),
        }
        for p in rec.problems
    ]


def failed_fields(rec: Reconciliation) -> list[dict[str, object]]:
    return [
        {
            "taskUUID": None if f.task_uuid is None else printable(f.task_uuid),
            "code": printable(f.code),
            "message": printable(f.message),
            "file": printable(f.file),
            "line": f.line,
        }
        for f in rec.failed
    ]


def summary_lines(rec: Reconciliation) -> list[str]:
    """The summary as sentences (table and markdown)."""
    s = summary_fields(rec)
    totals, margin = s["totals"], s["margin"]
    assert isinstance(totals, dict) and isinstance(margin, dict) and isinstance(s["drift"], list)
    lines = [
        f"{s['matched']} matched ({s['within']} within [low, high] ± {s['tolerance']}, {s['outside']} outside, "
        f"{s['unpriced']} unpriced); {s['unbilledRequests']} requests without a bill, "
        f"{s['billsWithoutRequest']} bills without a request, {s['requestsWithoutTaskUUID']} requests without a "
        f"taskUUID, {s['failedTasks']} failed tasks, {s['otherTaskTypes']} items of other task types",
        f"totals ({s['currency']}): estimate {totals['estimate']}, low {totals['low']}, high {totals['high']}, "
        f"billed {totals['billed']} (difference {totals['difference']})",
        f"margin that covers the bills: {margin['neededBelow']} below and {margin['neededAbove']} above the "
        f"estimate (pricing/ estimateMargin.high is {margin['pricingHigh']}: "
        f"{'covers' if margin['pricingHighCovers'] else 'does NOT cover'} it)",
        f"basis: {s['basis']}",
    ]
    for d in s["drift"]:
        lines.append(
            f"drift at {d['duration']} s {d['resolution']}: {d['tasks']} bills, billed/estimate {d['ratioMin']}.."
            f"{d['ratioMax']} (mean {d['ratioMean']}); fit the table's frames {d['fitTable']}, the billed frames "
            f"(24·d + 1) {d['fitBilledFrames']}: {d['verdict']}"
        )
    lines += [f"{p['file']}:{p['line']}:{p['column']}: {p['code']} {p['message']}" for p in problem_fields(rec)]
    lines += [
        f"{f['file']}:{f['line']}: failed task {f['taskUUID']}: {f['code']} {f['message']}" for f in failed_fields(rec)
    ]
    if rec.problem_count > len(rec.problems):
        lines.append(f"... and {rec.problem_count - len(rec.problems)} more problems")
    return lines
