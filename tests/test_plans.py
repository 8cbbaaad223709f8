"""Plan files: video counts priced by `cost` and checked by `check`, through the CLI.

Cases are data files (tests/cases/plans/, described in its README.md); the
property holds a plan to the request batch it stands for.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import model_spec, request_schema
from seedance_lint.input.plans import PLAN_SCHEMA_FILE, plan_schema_text

from conftest import CASES_DIR, EXAMPLES_DIR, REPO_ROOT

PLAN_CASES = CASES_DIR / "plans"
CASES = sorted(p for p in PLAN_CASES.iterdir() if ".plan." in p.name)
REPORT_SCHEMA = json.loads((REPO_ROOT / "schemas" / "cost-report.schema.json").read_text())
PLAN_SCHEMA = json.loads((REPO_ROOT / "schemas" / PLAN_SCHEMA_FILE).read_text())
TASK = {"taskType": "videoInference", "model": "bytedance:2@2", "positivePrompt": "a dancer"}


@pytest.mark.parametrize("plan", CASES, ids=[p.name for p in CASES])
def test_plan_case(plan: Path, run_cli) -> None:
    expected = json.loads(plan.with_name(plan.name.split(".plan.")[0] + ".expected.json").read_text())
    result = run_cli(["cost", plan.name, "--format", "json", "--group-by", "label"], cwd=PLAN_CASES)
    report = result.json()
    jsonschema.validate(report, REPORT_SCHEMA)
    assert result.exit == expected["exit"], report["problems"]
    assert [report["total"], report["low"], report["high"]] == [expected[k] for k in ("total", "low", "high")]
    groups = {str(g["key"]["label"]).replace("None", "null"): [g["tasks"], g["videos"]] for g in report["groups"]}
    assert groups == expected["groups"]
    assert len(report["problems"]) == len(expected["problems"])
    for problem, part in zip(report["problems"], expected["problems"], strict=True):
        assert part in problem


def test_the_plan_schema_is_generated_from_the_request_schema() -> None:
    """schemas/'s plan schema is what `python -m seedance_lint.input.plans` makes (no number typed twice)."""
    assert (REPO_ROOT / "schemas" / PLAN_SCHEMA_FILE).read_text() == plan_schema_text()
    line = PLAN_SCHEMA["$defs"]["line"]["properties"]
    for name in ("duration", "numberResults"):
        bounds = request_schema()["properties"][name]
        assert (line[name]["minimum"], line[name]["maximum"]) == (bounds["minimum"], bounds["maximum"])
    sizes = PLAN_SCHEMA["$defs"]["line"]["oneOf"][1]["anyOf"]
    assert len(sizes) == len(model_spec().known_sizes)


def _rule_cases() -> list[dict]:
    cases = yaml.safe_load((CASES_DIR / "rules" / "plans.yaml").read_text())
    return [case for case in cases if "content" in case]


@pytest.mark.parametrize("case", _rule_cases(), ids=lambda case: case["id"])
def test_the_plan_schema_agrees_with_the_plan_rules(case: dict) -> None:
    """An editor using the schema flags a plan exactly when `check` does (the rule cases of SDL701-SDL706)."""
    text = case["content"]
    value = json.loads(text) if case["file"].endswith(".json") else yaml.safe_load(text)
    valid = jsonschema.Draft202012Validator(PLAN_SCHEMA).is_valid(value)
    flagged = any(e["code"].startswith("SDL7") for e in case["expect"])
    assert valid != flagged, case["id"]


def test_check_and_cost_read_plans_and_requests_in_one_run(run_cli, write_files) -> None:
    root = write_files(
        {
            "a.plan.yaml": "plan:\n  - {label: drafts, count: 4, resolution: 480p, aspectRatio: '16:9'}\n",
            "b.plan.json": json.dumps({"plan": [{"count": 2, "width": 1920, "height": 1088, "label": "drafts"}]}),
            "request.json": json.dumps(
                {**TASK, "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7", "resolution": "480p"}
            ),
            "other.yaml": "plan:\n  - {count: 3, resolution: 480p}\n",  # not named as a plan: not one
        }
    )
    checked = run_cli(["check", ".", "--format", "json"], cwd=root).json()
    assert [d["code"] for d in checked["diagnostics"]] == ["SDL006"]  # other.yaml, skipped in the walk
    result = run_cli(["cost", ".", "--format", "json", "--group-by", "file,label"], cwd=root)
    report = result.json()
    jsonschema.validate(report, REPORT_SCHEMA)
    groups = {tuple(g["key"].values()): g["tasks"] for g in report["groups"]}
    assert groups == {("./a.plan.yaml", "drafts"): 4, ("./b.plan.json", "drafts"): 2, ("./request.json", None): 1}
    rows = {t["file"]: (t["count"], t["label"], t["line"]) for t in report["tasks"]}
    assert rows == {
        "./a.plan.yaml": (4, "drafts", 2),
        "./b.plan.json": (2, "drafts", 1),
        "./request.json": (1, None, 1),
    }


def test_max_task_cost_is_for_each_task_of_a_line(run_cli, write_files) -> None:
    root = write_files({"p.plan.yaml": "plan:\n  - {count: 1000, width: 864, height: 480}\n"})
    within = run_cli(["cost", "p.plan.yaml", "--max-task-cost", "0.04"], cwd=root)
    assert within.exit == 0, within.stdout  # one task: 0.03180 at most; the line: 31.80000
    over = run_cli(["cost", "p.plan.yaml", "--max-task-cost", "0.03"], cwd=root)
    assert over.exit == 1
    assert (
        "p.plan.yaml: plan line 0: each of its 1000 tasks may cost 0.03180 USD, over --max-task-cost 0.03"
        in over.stdout
    )


def test_budget_gate_and_summary_on_a_plan(run_cli) -> None:
    plans = str(EXAMPLES_DIR / "plans")
    over = run_cli(["cost", plans, "--summary", "--budget", "5", "--format", "json"])
    report = over.json()
    jsonschema.validate(report, REPORT_SCHEMA)
    assert over.exit == 1 and report["budget"]["ok"] is False and "tasks" not in report
    assert report["groups"] == [
        {"key": {}, "tasks": 100, "videos": 100, "total": "7.28600", "low": "7.24200", "high": "7.33640"}
    ]
    assert run_cli(["cost", plans, "--summary", "--budget", "8"]).exit == 0


def test_csv_rows_carry_line_count_and_label(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR / "plans" / "campaign.plan.yaml"), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["task"], r["line"], r["count"], r["label"], r["cost"]) for r in rows] == [
        ("0", "3", "40", "drafts", "1.26000"),
        ("1", "8", "10", "finals", "3.17700"),
    ]


def test_the_readme_shows_a_plan_and_what_comparing_two_prints(run_cli) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Plans: what-if without request files", 1)[1].split("\n## ", 1)[0]
    shown_plan = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert shown_plan is not None
    example = (EXAMPLES_DIR / "plans" / "campaign.plan.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(shown_plan.group(1)) == yaml.safe_load(example)
    command = "seedance-lint cost examples/plans/ --group-by file,label --summary --budget 5"
    shown = section.split(command + "\n```\n\n```\n", 1)[1].split("```", 1)[0]
    assert run_cli(command.split()[1:], cwd=REPO_ROOT).stdout == shown


#: A valid plan line: a size as a resolution (with or without an aspect ratio) or as width and height.
_sizes = st.sampled_from(model_spec().known_sizes)
_line_sizes = st.one_of(
    _sizes.map(lambda s: {"resolution": s.resolution, "aspectRatio": s.aspect_ratio}),
    _sizes.map(lambda s: {"resolution": s.resolution}),
    _sizes.map(lambda s: {"width": s.width, "height": s.height}),
)
_durations = st.one_of(
    st.none(),
    st.integers(2, 12),
    st.decimals(Decimal("1.2"), Decimal("12"), places=1).map(float),
)
_lines = st.fixed_dictionaries(
    {"count": st.integers(1, 25), "size": _line_sizes, "duration": _durations, "n": st.none() | st.integers(1, 4)}
)


def _plan_line(drawn: dict) -> dict:
    line = {"count": drawn["count"], **drawn["size"]}
    if drawn["duration"] is not None:
        line["duration"] = drawn["duration"]
    if drawn["n"] is not None:
        line["numberResults"] = drawn["n"]
    return line


def _task(line: dict, index: int) -> dict:
    """The request a plan line stands for: its size (a resolution and an aspect ratio as that size's width and
    height, which is what a request gives for it), duration and numberResults."""
    task = {**TASK, "taskUUID": f"00000000-0000-4000-8000-{index:012d}"}
    task |= {k: v for k, v in line.items() if k in ("width", "height", "resolution", "duration", "numberResults")}
    if "aspectRatio" in line:
        size = next(
            s
            for s in model_spec().known_sizes
            if (s.resolution, s.aspect_ratio) == (line["resolution"], line["aspectRatio"])
        )
        del task["resolution"]
        task |= {"width": size.width, "height": size.height}
    return task


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(_lines, min_size=1, max_size=6))
def test_a_plan_costs_what_its_request_batch_costs(drawn: list[dict], run_cli, write_files) -> None:
    """Property: a plan's totals and grouped sums are those of a JSON Lines batch with `count` copies of each
    line's task."""
    lines = [_plan_line(d) for d in drawn]
    batch = [_task(line, i) for i, line in enumerate(lines) for _ in range(line["count"])]
    root = write_files(
        {"p.plan.json": json.dumps({"plan": lines}), "b.jsonl": "".join(json.dumps(t) + "\n" for t in batch)}
    )
    flags = ["--format", "json", "--summary", "--group-by", "resolution,aspectRatio,duration,numberResults"]
    plan = run_cli(["cost", "p.plan.json", *flags], cwd=root).json()
    requests = run_cli(["cost", "b.jsonl", *flags], cwd=root).json()
    assert plan["problems"] == requests["problems"] == []
    assert [plan[k] for k in ("total", "low", "high", "groups")] == [
        requests[k] for k in ("total", "low", "high", "groups")
    ]


def test_labels_are_printed_safely(run_cli, write_files) -> None:
    """A label is its author's text: one line in every format, and never a spreadsheet formula."""
    plan = {"plan": [{"count": 2, "resolution": "480p", "label": "=HYPERLINK(1)\n\x1b[31mred"}]}
    root = write_files({"p.plan.json": json.dumps(plan)})
    rows = list(csv.DictReader(io.StringIO(run_cli(["cost", "p.plan.json", "--format", "csv"], cwd=root).stdout)))
    assert rows[0]["label"] == "'=HYPERLINK(1)\\n\\x1b[31mred"
    table = run_cli(["cost", "p.plan.json"], cwd=root).stdout
    assert "\x1b" not in table and "=HYPERLINK(1)\\n\\x1b[31mred: 480p" in table


def test_a_plan_on_standard_input_is_named_by_stdin_filename(run_cli) -> None:
    text = (EXAMPLES_DIR / "plans" / "campaign.plan.yaml").read_text(encoding="utf-8")
    named = run_cli(["cost", "-", "--stdin-filename", "c.plan.yaml", "--format", "json"], stdin=text).json()
    assert named["total"] == "4.43700" and [t["label"] for t in named["tasks"]] == ["drafts", "finals"]
    unnamed = run_cli(["check", "-", "--stdin-filename", "c.yaml"], stdin=text)
    assert unnamed.exit == 1 and "SDL004" in unnamed.stdout  # read as a request file: not a task


def test_a_broken_plan_found_in_a_walk_cannot_be_priced(run_cli, write_files) -> None:
    root = write_files({"broken.plan.json": '{"plan": [\n', "ok.plan.yaml": "plan: [{count: 1, resolution: 480p}]\n"})
    result = run_cli(["cost", "."], cwd=root)
    assert result.exit == 1 and "./broken.plan.json:2:1: cannot price: invalid JSON" in result.stdout


def test_the_python_api_prices_a_plan_as_the_cli_does(run_cli, write_files) -> None:
    import seedance_lint

    plan = {"plan": [{"count": 900, "resolution": "480p", "label": "drafts"}, {"count": 0, "resolution": "480p"}]}
    drafts, zero = seedance_lint.estimate_plan(plan)
    root = write_files({"p.plan.json": json.dumps(plan)})
    rows = run_cli(["cost", "p.plan.json", "--format", "json"], cwd=root).json()["tasks"]
    assert (f"{drafts.cost:f}", drafts.tasks, drafts.label, drafts.basis) == (rows[0]["cost"], 900, "drafts", "range")
    assert zero.cost is None and zero.reason == rows[1]["reason"] and "SDL702" in zero.reason


def test_cost_diff_compares_a_plan_line_by_line_and_reads_reports_saved_before_plans(run_cli, write_files) -> None:
    """A saved report of a plan against the plan changed: its line is matched by its index; a report saved
    before plans (no count, no label in its rows) is read as one whose rows stand for a task each."""
    root = write_files({"p.plan.yaml": "plan:\n  - {count: 10, width: 864, height: 480, label: drafts}\n"})
    saved = run_cli(["cost", "p.plan.yaml", "--format", "json"], cwd=root).json()
    (root / "p.plan.yaml").write_text("plan:\n  - {count: 20, width: 864, height: 480, label: drafts}\n")
    for task in saved["tasks"]:
        del task["count"], task["label"]
    (root / "base.json").write_text(json.dumps(saved))
    result = run_cli(["cost", "diff", "base.json", "p.plan.yaml", "--format", "json"], cwd=root)
    diff = result.json()
    assert result.exit == 0, result.stderr
    assert diff["counts"]["changed"] == 1 and diff["delta"]["total"] == "0.31500"  # 10 more tasks of 0.03150
    (change,) = diff["tasks"]
    assert (change["base"]["count"], change["head"]["count"], change["head"]["label"]) == (1, 20, "drafts")


def test_reconcile_leaves_plans_out(run_cli) -> None:
    """A plan is a what-if: reconcile, walking a folder that holds plans, counts no plan line as a request."""
    billed = str(CASES_DIR / "reconcile" / "page-responses.json")
    result = run_cli(["reconcile", str(EXAMPLES_DIR), "--billed", billed])
    assert "12 requests without a bill" in result.stdout and "0 requests without a taskUUID" in result.stdout


def test_cost_diff_names_a_changed_count(run_cli, write_files) -> None:
    """A plan line whose count changed is `changed: count`, not `price` (which is only a saved report's)."""
    line = "plan:\n  - label: drafts\n    count: {}\n    resolution: 480p\n    aspectRatio: '16:9'\n"
    root = write_files({"old/c.plan.yaml": line.format(40), "new/c.plan.yaml": line.format(400)})
    report = run_cli(["cost", "diff", "old", "new", "--format", "json"], cwd=root).json()
    assert [task["changed"] for task in report["tasks"]] == [["count"]]
