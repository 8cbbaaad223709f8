"""`seedance-lint reconcile`: billed responses against estimates, through the CLI, every format."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.cost.model import estimate_task
from seedance_lint.cost.reconcile import UuidTable, fits, packed_uuid

from conftest import CASES_DIR

CASES = CASES_DIR / "reconcile"
REQUESTS = CASES / "page-requests.jsonl"
RESPONSES = CASES / "page-responses.json"
SCHEMA = json.loads((Path(__file__).parent.parent / "schemas" / "reconcile-report.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
FORMATS = ["table", "json", "csv", "markdown"]
TASK = {"taskType": "videoInference", "model": "bytedance:2@2", "positivePrompt": "a dancer", "width": 864}


def _task(uuid: str, **members: object) -> str:
    return json.dumps({**TASK, "taskUUID": uuid, "height": 480, "duration": 6, **members})


def _bill(uuid: str, cost: str) -> str:
    return f'{{"taskType": "videoInference", "taskUUID": "{uuid}", "cost": {cost}}}'


def _json(run_cli, *argv: object, stdin: str | None = None) -> tuple[int, dict]:
    result = run_cli(["reconcile", "--format", "json", *argv], stdin=stdin)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    report = json.loads(result.stdout)
    VALIDATOR.validate(report)
    return result.exit, report


def test_the_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_page_examples_lie_within_low_high_and_fit_the_billed_frames(run_cli) -> None:
    """The page's responses: 0.0367 (960x416, 6 s) and 0.03811 (864x480, 6 s), above the table's line, inside
    [low, high]; every bill fits fps x d + 1 frames (the hypothesis of pricing/), none the table's frames."""
    code, report = _json(run_cli, REQUESTS, "--billed", RESPONSES)
    assert code == 0
    rows = {r["taskUUID"]: r for r in report["tasks"]}
    first = rows["59d02567-ead8-47ef-94c7-d04dfdcc78b7"]
    assert (first["billed"], first["estimate"], first["low"], first["high"]) == (
        "0.0367",
        "0.03646",
        "0.03646",
        "0.03682",
    )
    second = rows["7c5a9bb5-c235-4430-b4de-4bf3dc2b6d87"]
    assert (second["billed"], second["estimate"], second["high"]) == ("0.03811", "0.03778", "0.03816")
    assert (first["difference"], first["differencePercent"], second["differencePercent"]) == ("0.00024", "0.66", "0.87")
    assert all(r["within"] is True for r in report["tasks"]) and report["matched"] == 4
    assert [r["line"] for r in report["tasks"]] == [2, 10, 18, 26]  # each item's line in the response body
    assert report["totals"]["billed"] == "0.15103"
    (drift,) = report["drift"]
    assert (drift["duration"], drift["tasks"], drift["fitTable"], drift["fitBilledFrames"]) == ("6", 4, 0, 4)
    assert drift["verdict"] == "billed-frames"
    assert report["margin"] == {
        "neededBelow": "0.000000",
        "neededAbove": "0.008735",
        "pricingHigh": "0.01",
        "pricingHighCovers": True,
    }


def test_a_bill_above_high_fails_unless_the_tolerance_covers_it(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n", "b.jsonl": _bill("a", "0.04") + "\n"})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    assert code == 1 and report["outside"] == 1 and report["tasks"][0]["within"] is False
    assert report["margin"]["pricingHighCovers"] is False
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl", "--tolerance", "0.002")
    assert code == 0 and report["tasks"][0]["within"] is True and report["tolerance"] == "0.002"
    code, _ = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl", "--tolerance", "0.0021")
    assert code == 0
    code, _ = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl", "--tolerance", "0.0018")
    assert code == 1


def test_a_bill_below_low_fails(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n", "b.json": _bill("a", "0.03") + "\n"})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.json")
    assert (
        code == 1 and report["tasks"][0]["difference"] == "-0.00778" and report["margin"]["neededBelow"] != "0.000000"
    )


def test_an_errors_response_is_a_failed_task_not_a_mismatch(write_files, run_cli) -> None:
    errors = {
        "errors": [
            {
                "code": "timeout",
                "message": "took too long",
                "parameter": "x",
                "taskType": "videoInference",
                "taskUUID": "a",
            }
        ]
    }
    root = write_files({"r.jsonl": _task("a") + "\n", "b.json": json.dumps(errors)})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.json")
    assert code == 0 and report["failedTasks"] == 1 and report["matched"] == 0 and report["outside"] == 0
    assert report["unbilledRequests"] == 0  # the failed task's request is accounted for
    assert report["failed"] == [
        {"taskUUID": "a", "code": "timeout", "message": "took too long", "file": str(root / "b.json"), "line": 1}
    ]


@pytest.mark.parametrize(
    ("cost", "column"),
    [("null", 57), ('"0.03"', 57), ("true", 57), ("-0.01", 57), ("1e999", 57), ("NaN", 57)],
)
def test_a_cost_that_is_no_bill_is_a_problem_with_its_position(cost: str, column: int, write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n", "b.jsonl": "\n" + _bill("a", cost) + "\n"})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    (problem,) = report["problems"]
    assert code == 1 and report["matched"] == 0
    assert (problem["code"], problem["line"], problem["column"], problem["pointer"]) == ("RCN003", 2, column, "/cost")
    assert "cost" in problem["message"] and "includeCost" in problem["message"]


def test_a_missing_cost_points_at_its_item(write_files, run_cli) -> None:
    body = '{"data": [\n  {"taskType": "videoInference", "taskUUID": "a"}\n]}'
    root = write_files({"r.jsonl": _task("a") + "\n", "b.json": body})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.json")
    (problem,) = report["problems"]
    assert code == 1 and (problem["line"], problem["column"], problem["pointer"]) == (2, 3, "/data/0")
    assert "missing" in problem["message"]


def test_bad_json_lines_are_problems_and_the_others_still_count(write_files, run_cli) -> None:
    billed = _bill("a", "0.03778") + "\n{oops\n" + '"text"\n' + '[{"taskType": "imageInference", "cost": 1}]\n'
    root = write_files({"r.jsonl": _task("a") + "\n", "b.jsonl": billed})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    assert code == 1 and report["matched"] == 1 and report["otherTaskTypes"] == 1
    assert [(p["code"], p["line"], p["column"]) for p in report["problems"]] == [("RCN001", 2, 2), ("RCN002", 3, 1)]


def test_unmatched_on_both_sides_and_requests_without_uuid_are_counted_not_failed(write_files, run_cli) -> None:
    requests = _task("a") + "\n" + _task("b") + "\n" + json.dumps({**TASK, "height": 480}) + "\n"
    root = write_files({"r.jsonl": requests, "b.jsonl": _bill("a", "0.03778") + "\n" + _bill("z", "1") + "\n"})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    assert code == 0
    assert (report["requests"], report["matched"], report["unbilledRequests"]) == (3, 1, 1)
    assert (report["billsWithoutRequest"], report["requestsWithoutTaskUUID"]) == (1, 1)


@pytest.mark.parametrize(
    ("requests", "bills"),
    [
        pytest.param(["a"], ["a", "z"], id="bill-without-request"),
        pytest.param(["a", "b"], ["a"], id="request-without-bill"),
        pytest.param(["a", None], ["a"], id="request-without-taskUUID"),
    ],
)
def test_strict_fails_on_each_kind_of_unmatched(requests: list, bills: list, write_files, run_cli) -> None:
    lines = [_task(uuid) if uuid else json.dumps({**TASK, "height": 480}) for uuid in requests]
    root = write_files({"r.jsonl": "\n".join(lines) + "\n", "b.jsonl": "\n".join(_bill(u, "0.03778") for u in bills)})
    assert _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")[0] == 0
    assert _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl", "--strict")[0] == 1


def test_strict_passes_when_every_bill_and_request_match(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n", "b.jsonl": _bill("a", "0.03778") + "\n"})
    assert _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl", "--strict")[0] == 0


def test_a_second_bill_for_a_task_is_a_problem_and_not_counted(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n", "b.jsonl": (_bill("a", "0.03778") + "\n") * 2})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    assert code == 1 and report["matched"] == 1 and report["totals"]["billed"] == "0.03778"
    assert [(p["code"], p["line"]) for p in report["problems"]] == [("RCN005", 2)]


def test_an_unpriced_request_is_matched_but_not_judged(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a", width=1) + "\n", "b.jsonl": _bill("a", "0.5") + "\n"})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", root / "b.jsonl")
    assert code == 0 and report["unpriced"] == 1 and report["tasks"][0]["within"] is None


def test_webhook_bodies_from_stdin_and_several_billed_files(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("a") + "\n" + _task("b") + "\n", "b.json": f"[{_bill('b', '0.03811')}]"})
    body = json.dumps({"data": [json.loads(_bill("a", "0"))]})
    code, report = _json(run_cli, root / "r.jsonl", "--billed", "-", "--billed", root / "b.json", stdin=body + "\n")
    assert code == 1 and report["matched"] == 2 and report["outside"] == 1  # a bill of 0 is below low


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_rows_and_the_summary(fmt: str, tmp_path: Path, run_cli) -> None:
    result = run_cli(["reconcile", "--format", fmt, REQUESTS, "--billed", RESPONSES])
    assert result.exit == 0
    everything = result.stdout + result.stderr
    assert "0.0367" in everything and "0.03811" in everything and "billed-frames" in everything
    report = tmp_path / "report"
    again = run_cli(["reconcile", "--format", fmt, "-o", report, REQUESTS, "--billed", RESPONSES])
    assert again.exit == 0 and again.stdout == "" and report.read_text() == result.stdout


def test_csv_has_a_row_per_task_and_the_summary_on_stderr(run_cli) -> None:
    result = run_cli(["reconcile", "--format", "csv", REQUESTS, "--billed", RESPONSES])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["billed"] for r in rows] == ["0.0367", "0.03811", "0.03811", "0.03811"]
    assert {r["within"] for r in rows} == {"true"} and "4 matched" in result.stderr


def test_markdown_is_a_table(run_cli) -> None:
    result = run_cli(["reconcile", "--format", "markdown", REQUESTS, "--billed", RESPONSES])
    assert result.stdout.count("\n| ") == 5 and "| yes |" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["--billed", "missing.json"],
        ["--billed", str(RESPONSES), "--tolerance", "abc"],
        ["--billed", str(RESPONSES), "--tolerance", "-1"],
        [],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv: list[str], run_cli) -> None:
    result = run_cli(["reconcile", str(REQUESTS), *argv])
    assert result.exit == 2 and result.stderr.count("\n") == 1 and result.stdout == ""


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=10, places=6, allow_nan=False))
def test_a_bill_is_read_as_written_and_judged_against_its_bounds(cost: Decimal) -> None:
    """The billed text survives exactly (never through float), and within follows [low, high]."""
    from seedance_lint.cost.reconcile import Reconciliation, RequestIndex
    from seedance_lint.cost.table import price_table
    from seedance_lint.input.billed import read_billed

    index = RequestIndex([])
    estimate = estimate_task(json.loads(_task("a")))
    index.estimates.append(estimate)
    index.table.put("a", 0)
    text = f"{cost:f}"
    (row,) = list(Reconciliation(index, read_billed("b", None, _bill("a", text).encode()), Decimal(0), price_table()))
    assert f"{row.billed:f}" == text
    assert estimate.low is not None and estimate.high is not None
    assert row.within == (estimate.low <= cost <= estimate.high)


@given(st.lists(st.one_of(st.uuids().map(str), st.text(max_size=40)), max_size=300))
def test_the_uuid_table_holds_what_a_dict_holds(uuids: list[str]) -> None:
    """UuidTable against a dict: the same answers, across growth, for UUIDs and any other text."""
    table, model = UuidTable(), {}
    for value, task_uuid in enumerate(uuids):
        assert table.put(task_uuid, value) == (_canonical(task_uuid) in model)
        model[_canonical(task_uuid)] = value
    for task_uuid in uuids:
        where = table.position(task_uuid)
        assert where is not None and table.get(where) == model[_canonical(task_uuid)]
    assert table.position("not there") is None and sorted(table.all_values()) == sorted(model.values())


def _canonical(task_uuid: str) -> str:
    """UUIDs compare case-insensitively (bytes.fromhex reads both cases), anything else exactly."""
    return task_uuid.lower() if packed_uuid(task_uuid) is not None else task_uuid


def test_a_bill_written_with_fewer_digits_fits_what_rounds_to_it() -> None:
    assert fits(Decimal("0.0367"), Decimal("0.03671")) and not fits(Decimal("0.0367"), Decimal("0.03676"))
    assert fits(Decimal("0.03811"), Decimal("0.03811")) and not fits(Decimal("0.03811"), Decimal("0.03812"))
    assert not fits(Decimal("1"), None)
    # A bill without decimals is exact: 0 fits no price (it would fit anything under 0.5 as "0 at its digits").
    assert not fits(Decimal("0"), Decimal("0.0367")) and not fits(Decimal("-0"), Decimal("0.03811"))
    assert fits(Decimal("0"), Decimal("0")) and not fits(Decimal("1"), Decimal("0.99"))


def test_requests_from_stdin_and_not_both_sides_from_stdin(run_cli) -> None:
    result = run_cli(["reconcile", "-", "--billed", RESPONSES, "--format", "json"], stdin=REQUESTS.read_text())
    assert result.exit == 0 and json.loads(result.stdout)["matched"] == 4
    both = run_cli(["reconcile", "-", "--billed", "-"], stdin=REQUESTS.read_text())
    assert both.exit == 2 and "stdin" in both.stderr


@given(st.uuids())
def test_a_canonical_uuid_packs_to_its_16_bytes_in_either_case(value: object) -> None:
    """Else every UUID would go to the table's dict and a million requests would not fit in memory."""
    assert packed_uuid(str(value)) == value.bytes  # type: ignore[attr-defined]
    assert packed_uuid(str(value).upper()) == value.bytes  # type: ignore[attr-defined]
    assert packed_uuid(str(value).replace("-", "")) is None and packed_uuid(" " + str(value)[1:]) is None


def test_csv_cells_from_the_files_are_never_formulas(write_files, run_cli) -> None:
    root = write_files({"r.jsonl": _task("=1+1") + "\n", "b.jsonl": _bill("=1+1", "0.03778") + "\n"})
    result = run_cli(["reconcile", "--format", "csv", root / "r.jsonl", "--billed", root / "b.jsonl"])
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["taskUUID"] == "'=1+1" and result.exit == 0


def test_a_request_file_that_cannot_be_read_fails_the_run(write_files, run_cli) -> None:
    root = write_files({"r.json": '{"taskUUID": "a", ', "b.jsonl": _bill("a", "0.03778") + "\n"})
    result = run_cli(["reconcile", root / "r.json", "--billed", root / "b.jsonl"])
    assert result.exit == 1 and "r.json:1:" in result.stderr and "1 bills without a request" in result.stdout


def test_money_is_exact_whatever_its_digits(write_files, run_cli) -> None:
    """Bills of many digits add and subtract exactly (the default decimal context would keep 28 digits)."""
    from decimal import localcontext

    big, tiny = "999999999999.999999999999999999", "1e-30"  # 30 significant digits; then 1 at the 30th place
    uuids = [json.loads(line)["taskUUID"] for line in REQUESTS.read_text().splitlines()[:2]]
    root = write_files({"bills.jsonl": _bill(uuids[0], big) + "\n" + _bill(uuids[1], tiny) + "\n"})
    _, report = _json(run_cli, REQUESTS, "--billed", root / "bills.jsonl")
    rows = {row["taskUUID"]: row for row in report["tasks"]}
    first, second = (rows[u] for u in uuids)
    total = report["totals"]
    with localcontext() as exact:
        exact.prec = 100
        assert Decimal(first["difference"]) == Decimal(big) - Decimal(first["estimate"])
        assert Decimal(total["billed"]) == Decimal(big) + Decimal(tiny)
        assert Decimal(total["difference"]) == Decimal(total["billed"]) - Decimal(total["estimate"])
    assert Decimal(second["billed"]) == Decimal(tiny)


def test_markdown_cells_and_summary_escape_markdown_and_html(write_files, run_cli) -> None:
    hostile = "=1+2|<b>x</b>![i](http://x.example/i.png)`c`"
    failed = json.dumps({"errors": [{"code": "x", "message": "<script>|x|", "taskUUID": "<i>"}]})
    root = write_files({"r.jsonl": _task(hostile) + "\n", "b.jsonl": _bill(hostile, "0.05") + "\n" + failed + "\n"})
    result = run_cli(["reconcile", "--format", "markdown", "r.jsonl", "--billed", "b.jsonl"], cwd=root)
    assert "Traceback" not in result.stderr
    for raw in ("<b>", "<i>", "<script>", "![i]", "`c`"):
        assert raw not in result.stdout, raw
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "0.05" in line]
    assert rows and rows[0].count(" | ") == 9  # the | in the taskUUID did not open a column
