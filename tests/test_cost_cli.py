"""`seedance-lint cost` and `prices` through the CLI: formats, budget guard, exit codes."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from seedance_lint.core.data import model_spec
from seedance_lint.cost.table import price_table

from conftest import CASES_DIR, EXAMPLES_DIR, png_data_uri

SIZE = model_spec().sizes[0]
TASK = {
    "taskType": "videoInference",
    "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",
    "model": "bytedance:2@2",
    "positivePrompt": "a dancer",
    "width": SIZE.width,
    "height": SIZE.height,
}
CONTRACT = {
    "file",
    "task",
    "taskUUID",
    "width",
    "height",
    "resolution",
    "aspectRatio",
    "duration",
    "numberResults",
    "cost",
    "low",
    "high",
    "basis",
}


def test_json_contract_money_as_decimal_strings(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "json"])
    assert result.exit == 0, result.stderr
    report = result.json()
    assert report["currency"] == "USD"
    assert all(set(task) >= CONTRACT for task in report["tasks"])
    for task in report["tasks"]:
        for key in ("cost", "low", "high"):
            assert isinstance(task[key], str) and Decimal(task[key]) >= 0
    assert Decimal(report["total"]) == sum(Decimal(t["cost"]) for t in report["tasks"])
    assert Decimal(report["low"]) <= Decimal(report["total"]) <= Decimal(report["high"])


def test_budget_guard_uses_the_high_end(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "duration": 6})})
    report = run_cli(["cost", str(root / "a.json"), "--format", "json"]).json()
    high, cost = Decimal(report["high"]), Decimal(report["total"])
    assert cost < high  # interpolated: a margin above the point estimate
    assert run_cli(["cost", str(root / "a.json"), "--budget", str(high)]).exit == 0
    between = run_cli(["cost", str(root / "a.json"), "--budget", str(cost)])
    assert between.exit == 1 and "over --budget" in between.stdout


def test_max_task_cost(run_cli, write_files) -> None:
    root = write_files({"a.jsonl": json.dumps(TASK) + "\n" + json.dumps({**TASK, "numberResults": 4}) + "\n"})
    single = run_cli(["cost", str(root / "a.jsonl"), "--format", "json"]).json()["tasks"][0]["high"]
    result = run_cli(["cost", str(root / "a.jsonl"), "--max-task-cost", single])
    assert result.exit == 1 and "task 1 may cost" in result.stdout and "task 0 may cost" not in result.stdout


def test_unpriceable_task_fails_with_reason(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "width": 1280, "height": 720})})
    result = run_cli(["cost", str(root / "a.json"), "--format", "json"])
    assert result.exit == 1
    (task,) = result.json()["tasks"]
    assert task["basis"] == "unpriced" and task["cost"] is None and "not a documented size" in task["reason"]


def test_a_request_with_lint_errors_is_still_priced(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "taskUUID": "nope", "outputFormat": "mp4"})})
    result = run_cli(["cost", str(root / "a.json"), "--format", "json"])
    assert result.exit == 0 and result.json()["tasks"][0]["basis"] == "table"


def test_csv_has_a_row_per_task(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    as_json = run_cli(["cost", str(EXAMPLES_DIR), "--format", "json"]).json()["tasks"]
    assert [r["cost"] for r in rows] == [t["cost"] for t in as_json]


@pytest.mark.parametrize("fmt, marker", [("table", "TOTAL"), ("markdown", "**Total: ")])
def test_human_formats_show_a_total(run_cli, fmt, marker) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", fmt])
    assert result.exit == 0 and marker in result.stdout


@pytest.mark.parametrize("flag, value", [("--budget", "lots"), ("--budget", "-1"), ("--max-task-cost", "NaN")])
def test_bad_amounts_are_usage_errors(run_cli, flag, value) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), flag, value])
    assert result.exit == 2 and len(result.stderr.strip().splitlines()) == 1 and flag in result.stderr


def test_prices_prints_the_matrix_and_marks_derived_cells(run_cli) -> None:
    result = run_cli(["prices"])
    assert result.exit == 0
    lines = result.stdout.splitlines()
    rows = [line.split() for line in lines if line.split()[:1] and line.split()[0].endswith("p")]
    derived = {d.aspectRatio for d in price_table().derivedAspectRatios}
    assert all(("*" in row[2]) == (row[1] in derived) for row in rows)
    assert sum(1 for line in lines if line.split()[:1] and line.split()[0].endswith("p")) == 21


def test_budget_from_the_config_file_and_flag_override(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "numberResults": 4}), ".seedance-lint.toml": 'budget = "0.01"\n'})
    assert run_cli(["cost", "a.json"], cwd=root).exit == 1
    assert run_cli(["cost", "a.json", "--budget", "100"], cwd=root).exit == 0
    shown = run_cli(["cost", "--show-config"], cwd=root)
    assert shown.exit == 0 and '"0.01"' in shown.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_cost_output_never_carries_raw_control_characters(run_cli, write_files, fmt) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "taskUUID": "evil\r\n::error::x\x1b[2J"})})
    out = run_cli(["cost", str(root / "a.json"), "--format", fmt]).stdout
    assert "\x1b" not in out and "\r" not in out and "\n::error" not in out


def test_problems_of_a_large_batch_are_listed_then_counted(run_cli, write_files) -> None:
    from seedance_lint.cost.pipeline import PROBLEMS_SHOWN

    bad = json.dumps({**TASK, "width": 1280, "height": 720})
    root = write_files({"a.jsonl": (bad + "\n") * (PROBLEMS_SHOWN + 5)})
    result = run_cli(["cost", str(root / "a.jsonl"), "--format", "json"])
    problems = result.json()["problems"]
    assert result.exit == 1 and len(problems) == PROBLEMS_SHOWN + 1 and problems[-1].startswith("... and 5 more")


def test_csv_problems_go_to_stderr(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "width": 1280, "height": 720})})
    result = run_cli(["cost", str(root / "a.json"), "--format", "csv"])
    assert result.exit == 1 and "cannot be priced" in result.stderr and "cannot be priced" not in result.stdout
    assert next(csv.DictReader(io.StringIO(result.stdout)))["basis"] == "unpriced"


def test_totals_keep_the_table_precision_even_when_nothing_is_priced(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "width": 1, "height": 1})})
    report = run_cli(["cost", str(root / "a.json"), "--format", "json"]).json()
    quantum = price_table().roundTo
    assert report["total"] == f"{Decimal(0).quantize(quantum):f}" == report["high"]


def test_prices_shows_the_720p_sizes_marked_as_from_outside_the_page(run_cli) -> None:
    result = run_cli(["prices"])
    rows = {tuple(line.split()[:2]): line.split()[-1] for line in result.stdout.splitlines() if line[:1].isdigit()}
    for size in model_spec().known_sizes:
        shown = rows[(size.resolution, size.aspect_ratio)]
        assert shown == f"{size.width}x{size.height}" + ("" if size.documented else "+")
    assert rows[("720p", "16:9")] == "1248x704+" and rows[("720p", "9:21")] == "640x1504+"
    note = next(line for line in result.stdout.splitlines() if line.startswith("+ "))
    assert model_spec().undocumented_sizes_source in note


@pytest.mark.parametrize(
    "members, cells",
    [
        ({"width": 1248, "height": 704}, ("720p", "16:9", 1248, 704, "table")),
        ({"width": 704, "height": 1248, "duration": 10}, ("720p", "9:16", 704, 1248, "table")),
        ({"width": 640, "height": 1504}, ("720p", "9:21", 640, 1504, "derived")),
        (
            {"resolution": "720p", "inputs": {"frameImages": [png_data_uri(1504, 640)]}},
            ("720p", "21:9", 1504, 640, "table"),
        ),
        (
            {"resolution": "720p", "inputs": {"frameImages": [{"image": png_data_uri(1080, 1080)}]}},
            ("720p", "1:1", 960, 960, "table"),
        ),
    ],
)
def test_720p_sizes_are_priced_from_the_720p_rows(run_cli, write_files, members, cells) -> None:
    """A 720p size, or resolution 720p with a readable first frame, is priced from the page's 720p row."""
    task = {key: value for key, value in TASK.items() if key not in ("width", "height")} | members
    root = write_files({"a.json": json.dumps(task)})
    result = run_cli(["cost", str(root / "a.json"), "--format", "json"])
    assert result.exit == 0, result.stderr
    (row,) = result.json()["tasks"]
    assert (row["resolution"], row["aspectRatio"], row["width"], row["height"], row["basis"]) == cells
    ratio = cells[1] if cells[4] == "table" else next(d.from_ for d in price_table().derivedAspectRatios)
    (price,) = [p for d, p in price_table().points("720p", ratio) if d == Decimal(task.get("duration", 5))]
    assert Decimal(row["cost"]) == Decimal(row["low"]) == price < Decimal(row["high"])


def test_max_task_cost_is_not_surprised_by_a_short_clip(run_cli, write_files) -> None:
    """At 1.2 s one billed frame more is 1/28.8 (+3.5%): a cap between cost x 1.01 and the billed view fails."""
    root = write_files({"a.json": json.dumps({**TASK, "duration": 1.2})})
    (row,) = run_cli(["cost", "a.json", "--format", "json"], cwd=root).json()["tasks"]
    cost, high = Decimal(row["cost"]), Decimal(row["high"])
    frames = price_table().estimateMargin.billedFrames
    listed = frames.framesPerSecond * Decimal("1.2")
    one_frame_more = cost * (listed + frames.extraFrames) / listed
    assert cost * (1 + price_table().estimateMargin.high) < one_frame_more <= high + Decimal("0.00001")
    cap = str((cost * Decimal("1.02")).quantize(Decimal("0.00001")))
    result = run_cli(["cost", "a.json", "--max-task-cost", cap], cwd=root)
    assert result.exit == 1 and "over --max-task-cost" in result.stdout + result.stderr


SDK_720P = CASES_DIR / "sdk-720p" / "runware-sdk-720p.json"


def test_sdk_built_720p_bodies_warn_and_are_priced_from_the_720p_rows(run_cli) -> None:
    """Bodies in the shape runware-sdk 1.8 sends (resolution 720p with a 1280x720 first frame as a data URI,
    and the explicit 1248x704): warnings only (exit 0), priced exactly from the page's 16:9 720p rows."""
    checked = run_cli(["check", "--format", "json", str(SDK_720P)])
    assert checked.exit == 0
    assert [(d["code"], d["pointer"]) for d in checked.json()["diagnostics"]] == [
        ("SDL205", "/0/resolution"),
        ("SDL205", "/1/width"),
    ]
    priced = run_cli(["cost", "--format", "json", str(SDK_720P)]).json()["tasks"]
    rows = dict(price_table().points("720p", "16:9"))
    assert [(t["width"], t["height"], t["basis"], Decimal(t["cost"])) for t in priced] == [
        (1248, 704, "table", rows[Decimal(5)]),
        (1248, 704, "table", rows[Decimal(10)]),
    ]


def test_each_task_carries_the_line_it_starts_on_in_csv_and_json(run_cli, write_files) -> None:
    """JSON Lines (blank lines, a line holding an array of tasks), a JSON request body and YAML: `line` is the
    1-based line where the task starts, so a spreadsheet row or a JSON task leads back to the file."""
    other = {"taskType": "authentication", "apiKey": "${RUNWARE_API_KEY}"}
    jsonl = "\n".join([json.dumps(TASK), "", json.dumps([TASK, TASK]), json.dumps(other), json.dumps(TASK)]) + "\n"
    body = json.dumps([other, TASK, TASK], indent=2)  # tasks open on lines 6 and 14
    yaml_text = "# a comment\n\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in TASK.items())
    root = write_files({"a.jsonl": jsonl, "b.json": body, "c.yaml": yaml_text})
    expected = [("a.jsonl", 1), ("a.jsonl", 3), ("a.jsonl", 3), ("a.jsonl", 5), ("b.json", 6), ("b.json", 14)]
    expected.append(("c.yaml", 3))
    csv_out = run_cli(["cost", ".", "--format", "csv"], cwd=root)
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert [(row["file"].removeprefix("./"), int(row["line"])) for row in rows] == expected
    json_out = json.loads(run_cli(["cost", ".", "--format", "json"], cwd=root).stdout)
    assert [(task["file"].removeprefix("./"), task["line"]) for task in json_out["tasks"]] == expected


def test_a_named_file_that_holds_no_task_is_a_problem_not_a_silent_zero(run_cli, write_files) -> None:
    """`check` reports SDL004 on it; `cost` cannot price it, and says so (exit 1), with a hint for a plan that
    is not named as one. Found in a walk, such a file is skipped, as `check` skips it."""
    root = write_files(
        {"d/p.json": json.dumps({"plan": [{"count": 1, "resolution": "480p"}]}), "d/q.json": '{"tasks": 5}'}
    )
    named = run_cli(["cost", "d/p.json", "d/q.json", "--budget", "1"], cwd=root)
    problems = [line for line in named.stdout.splitlines() if "cannot price" in line]
    assert named.exit == 1 and [p.split(":")[0] for p in problems] == ["d/p.json", "d/q.json"], named.stdout
    assert ".plan.yaml" in problems[0] and ".plan.yaml" not in problems[1]
    piped = run_cli(["cost", "-"], cwd=root, stdin='{"plan": []}')
    assert piped.exit == 1 and "cannot price" in piped.stdout
    assert run_cli(["cost", "d"], cwd=root).exit == 0  # a walk skips what is not a request
