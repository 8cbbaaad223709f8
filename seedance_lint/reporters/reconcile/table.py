"""table: a fixed-width row per matched task (streamed, so the widths are fixed), then the summary."""

from __future__ import annotations

from collections.abc import Iterator

from seedance_lint.cost.reconcile import Reconciliation
from seedance_lint.reporters.reconcile.base import row_fields, summary_lines

_HEAD = ("taskUUID", "size", "duration", "estimate", "low", "high", "billed", "diff", "diff %", "within")
_WIDTHS = (36, 12, 8, 10, 10, 10, 10, 10, 7, 6)


def _line(cells: tuple[str, ...]) -> str:
    return "  ".join(c.ljust(w) for c, w in zip(cells, _WIDTHS, strict=True)).rstrip() + "\n"


def cells(fields: dict[str, object]) -> tuple[str, ...]:
    """A row's cells as the table and markdown write them."""

    def text(key: str) -> str:
        value = fields[key]
        return "-" if value is None else str(value)

    within = {True: "yes", False: "NO", None: "-"}[fields["within"]]  # type: ignore[index]
    size = f"{text('resolution')} {text('aspectRatio')}"
    return (
        text("taskUUID"),
        size,
        text("duration"),
        text("estimate"),
        text("low"),
        text("high"),
        text("billed"),
        text("difference"),
        text("differencePercent"),
        within,
    )


def stream(rec: Reconciliation) -> Iterator[str]:
    yield _line(_HEAD)
    for row in rec:
        yield _line(cells(row_fields(row)))
    yield "\n" + "".join(f"{line}\n" for line in summary_lines(rec))
