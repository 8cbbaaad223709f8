"""`seedance-lint prices --format table|csv|json|markdown`: one matrix, four spellings."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from seedance_lint.cost.model import Cell, cell_price
from seedance_lint.cost.table import price_table


def _json(run_cli) -> dict:
    result = run_cli(["prices", "--format", "json"])
    assert result.exit == 0
    return result.json()


def test_json_prices_are_the_price_model_as_decimal_strings(run_cli) -> None:
    report, table = _json(run_cli), price_table()
    assert report["currency"] == table.currency and len(report["cells"]) == 21
    for cell in report["cells"]:
        for duration, price in cell["prices"].items():
            found = cell_price(Cell(cell["resolution"], cell["aspectRatio"]), Decimal(duration), table)
            assert found is not None and price == f"{found.value:f}"
            assert (found.basis == "derived") == (cell["basis"] == "derived")
    derived = {d.aspectRatio: d.from_ for d in table.derivedAspectRatios}
    assert {c["aspectRatio"]: c["pricedAs"] for c in report["cells"] if c["basis"] == "derived"} == derived


def test_csv_is_the_json_matrix(run_cli) -> None:
    report = _json(run_cli)
    rows = list(csv.DictReader(io.StringIO(run_cli(["prices", "--format", "csv"]).stdout)))
    assert [(r["resolution"], r["aspectRatio"]) for r in rows] == [
        (c["resolution"], c["aspectRatio"]) for c in report["cells"]
    ]
    for row, cell in zip(rows, report["cells"], strict=True):
        assert [row[f"{d}s"] for d in report["durations"]] == list(cell["prices"].values())
        assert row["basis"] == cell["basis"] and row["perSecond"] == cell["perSecond"]
        assert row["size"] == (cell["size"] or "")


def test_markdown_has_a_row_per_cell_and_escapes_the_derived_mark(run_cli) -> None:
    text = run_cli(["prices", "--format", "markdown"]).stdout
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 21
    assert "\\*" in text and "* " not in text.replace("\\* ", "").split("\n\n")[0]


def test_an_unknown_format_is_a_usage_error(run_cli) -> None:
    result = run_cli(["prices", "--format", "xml"])
    assert result.exit == 2
