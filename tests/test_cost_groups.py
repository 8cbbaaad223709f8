"""`cost --group-by`, `--summary`, the budget outcome and the markdown size limit, through the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.core.data import model_spec
from seedance_lint.cost.pipeline import GROUP_KEYS
from seedance_lint.reporters.cost.markdown import STEP_SUMMARY_BYTES

from conftest import EXAMPLES_DIR

SPEC = model_spec()
TASK = {
    "taskType": "videoInference",
    "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",
    "model": SPEC.model,
    "positivePrompt": "a dancer",
    "width": SPEC.sizes[0].width,
    "height": SPEC.sizes[0].height,
}
FIELD = {
    "resolution": "resolution",
    "aspectRatio": "aspectRatio",
    "duration": "duration",
    "numberResults": "numberResults",
}


def _cost_json(run_cli, *args: str) -> dict:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "json", *args])
    assert result.exit == 0, result.stderr
    return result.json()


@pytest.mark.parametrize("keys", [["file"], ["resolution"], ["aspectRatio", "duration"], ["numberResults", "label"]])
def test_json_groups_add_up_to_the_totals_and_match_the_rows(run_cli, keys) -> None:
    report = _cost_json(run_cli, "--group-by", ",".join(keys))
    groups = report["groups"]
    assert all(list(g["key"]) == keys for g in groups)
    # a row of a plan (examples/plans/) stands for its count of tasks; a request's row for one, with no label
    assert sum(g["tasks"] for g in groups) == sum(t["count"] for t in report["tasks"])
    for name in ("total", "low", "high"):
        assert sum(Decimal(g[name]) for g in groups) == Decimal(report[name])
    expected: Counter = Counter()
    for t in report["tasks"]:
        expected[tuple(t[k] for k in keys)] += t["count"]
    assert {tuple(g["key"].values()): g["tasks"] for g in groups} == dict(expected)
    videos = sum(t["count"] * t["numberResults"] for t in report["tasks"])
    assert sum(g["videos"] for g in groups) == videos


def test_group_by_is_repeatable_and_the_same_as_comma_separated(run_cli) -> None:
    repeated = _cost_json(run_cli, "--group-by", "resolution", "--group-by", "duration")
    joined = _cost_json(run_cli, "--group-by", "resolution,duration")
    assert repeated == joined and list(repeated["groups"][0]["key"]) == ["resolution", "duration"]


def test_existing_json_members_stay_without_group_by(run_cli) -> None:
    report = _cost_json(run_cli)
    assert "groups" not in report and "budget" not in report
    assert list(report) == ["currency", "tasks", "total", "low", "high", "problems"]


def test_unknown_group_key_is_a_usage_error(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--group-by", "colour"])
    assert result.exit == 2 and "--group-by colour" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_summary_leaves_out_the_rows(run_cli, fmt) -> None:
    full = run_cli(["cost", str(EXAMPLES_DIR), "--format", fmt])
    summary = run_cli(["cost", str(EXAMPLES_DIR), "--format", fmt, "--summary"])
    assert summary.exit == 0
    assert "examples/batch.jsonl" in full.stdout and "batch.jsonl" not in summary.stdout
    assert "8.25468" in summary.stdout or "TOTAL" in summary.stdout


def test_summary_json_has_the_whole_batch_as_one_group(run_cli) -> None:
    full, summary = _cost_json(run_cli), _cost_json(run_cli, "--summary")
    assert "tasks" not in summary
    assert summary["groups"] == [
        {
            "key": {},
            "tasks": sum(t["count"] for t in full["tasks"]),
            "videos": sum(t["count"] * t["numberResults"] for t in full["tasks"]),
            "total": full["total"],
            "low": full["low"],
            "high": full["high"],
        }
    ]


def test_csv_with_groups_is_one_table_of_groups_and_a_total(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "csv", "--group-by", "resolution"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    report = _cost_json(run_cli, "--group-by", "resolution")
    assert [r["resolution"] for r in rows if r["row"] == "group"] == [g["key"]["resolution"] for g in report["groups"]]
    (total,) = [r for r in rows if r["row"] == "total"]
    assert total["total"] == report["total"] and int(total["tasks"]) == sum(t["count"] for t in report["tasks"])


def test_csv_group_cells_that_would_start_a_formula_are_escaped(run_cli, write_files) -> None:
    root = write_files({"=HYPERLINK(1).json": json.dumps(TASK)})
    result = run_cli(["cost", "=HYPERLINK(1).json", "--format", "csv", "--group-by", "file"], cwd=root)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["file"] == "'=HYPERLINK(1).json"


def test_table_shows_the_groups_after_the_total(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--group-by", "resolution"])
    lines = result.stdout.splitlines()
    first_total = next(i for i, line in enumerate(lines) if line.startswith("TOTAL"))
    assert lines[first_total + 2].split()[:3] == ["resolution", "tasks", "videos"]
    assert any(line.split()[:1] == ["1080p"] for line in lines[first_total:])


def test_budget_object_from_the_flag(run_cli) -> None:
    report = _cost_json(run_cli, "--budget", "10")
    high = Decimal(report["high"])
    assert report["budget"] == {
        "limit": "10",
        "source": "--budget",
        "high": report["high"],
        "used": f"{(high / 10).quantize(Decimal('0.0001')):f}",
        "ok": True,
    }


def test_budget_from_the_config_file_names_the_file(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps({**TASK, "numberResults": 4}), ".seedance-lint.toml": 'budget = "0.01"\n'})
    result = run_cli(["cost", "a.json", "--format", "json"], cwd=root)
    assert result.exit == 1
    budget = result.json()["budget"]
    assert budget["source"] == ".seedance-lint.toml" and budget["ok"] is False and budget["limit"] == "0.01"
    text = run_cli(["cost", "a.json"], cwd=root).stdout
    assert "over budget 0.01 (set in .seedance-lint.toml)" in text and "--budget" not in text


def test_max_task_cost_from_the_config_file_names_the_file(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps(TASK), ".seedance-lint.toml": 'max-task-cost = "0.001"\n'})
    result = run_cli(["cost", "a.json"], cwd=root)
    assert result.exit == 1 and "over max-task-cost 0.001 (set in .seedance-lint.toml)" in result.stdout
    flag = run_cli(["cost", "a.json", "--max-task-cost", "0.002"], cwd=root)
    assert flag.exit == 1 and "over --max-task-cost 0.002" in flag.stdout


def test_markdown_puts_totals_budget_and_groups_before_the_folded_rows(run_cli) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "markdown", "--group-by", "resolution", "--budget", "10"])
    text = result.stdout
    assert text.startswith("**Total: 8.25468 USD**")
    assert text.index("within budget") < text.index("| resolution |") < text.index("<details>")
    assert text.rstrip().endswith("</details>")


def test_markdown_of_a_large_batch_fits_a_step_summary(run_cli, write_files) -> None:
    line = json.dumps(TASK) + "\n"
    count = STEP_SUMMARY_BYTES // 60  # rows of about 80 bytes each: well over the limit
    root = write_files({"big.jsonl": line * count})
    result = run_cli(["cost", "big.jsonl", "--format", "markdown", "--group-by", "file"], cwd=root)
    size = len(result.stdout.encode())
    assert result.exit == 0 and STEP_SUMMARY_BYTES - 4096 < size <= STEP_SUMMARY_BYTES
    shown = result.stdout.count("\n| big.jsonl | ") - 1  # minus the group row
    assert f"_... and {count - shown} more rows not shown" in result.stdout
    assert f"| big.jsonl | {count} | {count} |" in result.stdout


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    durations=st.lists(st.sampled_from([str(d) for d in (3, 5, 7, 10, 12)]), min_size=1, max_size=8),
    keys=st.lists(st.sampled_from(GROUP_KEYS), min_size=1, max_size=3, unique=True),
)
def test_groups_always_partition_the_batch(run_cli, write_files, durations, keys) -> None:
    lines = "".join(json.dumps({**TASK, "duration": int(d)}) + "\n" for d in durations)
    root = write_files({"a.jsonl": lines})
    report = run_cli(["cost", "a.jsonl", "--format", "json", "--group-by", ",".join(keys)], cwd=root).json()
    assert sum(g["tasks"] for g in report["groups"]) == len(durations)
    assert sum(Decimal(g["total"]) for g in report["groups"]) == Decimal(report["total"])
    assert len({json.dumps(g["key"]) for g in report["groups"]}) == len(report["groups"])


def test_csv_task_cells_that_would_start_a_formula_are_escaped(run_cli, write_files) -> None:
    tasks = [{**TASK, "taskUUID": "=HYPERLINK(1)"}, {**TASK, "taskUUID": "@SUM(A1)"}]
    root = write_files({"-a.json": json.dumps(tasks)})
    result = run_cli(["cost", "./-a.json", "--format", "csv"], cwd=root)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["taskUUID"] for r in rows] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    direct = run_cli(["cost", "--format", "csv", "--", "-a.json"], cwd=root)
    assert all(r["file"] == "'-a.json" for r in csv.DictReader(io.StringIO(direct.stdout)))


@pytest.mark.parametrize("keys", [(), ("resolution", "duration"), ("file", "numberResults")])
def test_groups_and_limits_summed_by_worker_processes_match_one_process(tmp_path, monkeypatch, keys) -> None:
    """A large JSON Lines file priced in blocks on workers: the same groups and the same named limit."""
    from seedance_lint.core.executor import ProcessPool
    from seedance_lint.cost import pipeline
    from seedance_lint.input.sources import Source
    from seedance_lint.reporters.cost import COST_REPORTERS

    monkeypatch.setattr(pipeline, "BLOCK_BYTES", 700)  # several blocks: groups cross block boundaries
    lines = [json.dumps({**TASK, "duration": d, "numberResults": n}) for d in (3, 5, 12) for n in (1, 2)] * 7
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join(lines) + "\n")
    limits = pipeline.Limits(keys, "cfg.toml")

    def tally(executor: ProcessPool | None) -> pipeline.CostTally:
        source = Source(str(path), path, "jsonl", True)
        fmt = COST_REPORTERS["json"]
        blocks = pipeline.cost_blocks([source], fmt.renderer, "USD", Decimal("0.1"), executor, 2, 0, limits)
        done = pipeline.CostTally("USD", blocks, None, Decimal("0.00001"), None, keys)
        for _ in done:
            pass
        return done

    class Counting(ProcessPool):
        submitted = 0

        def submit(self, fn, /, *args, **kwargs):
            Counting.submitted += 1
            return super().submit(fn, *args, **kwargs)

    serial = tally(None)
    with Counting(2) as pool:
        parallel = tally(pool)
    assert Counting.submitted > 3  # priced in several blocks, by the workers
    assert parallel.group_rows() == serial.group_rows() and parallel.problems == serial.problems
    assert parallel.tasks == len(lines) and parallel.videos == sum(n for _ in range(21) for n in (1, 2))
    assert serial.problems and all("over max-task-cost 0.1 (set in cfg.toml)" in p for p in serial.problems)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_output_writes_the_report_to_a_file(run_cli, tmp_path, fmt) -> None:
    shown = run_cli(["cost", str(EXAMPLES_DIR), "--format", fmt, "--group-by", "resolution"])
    out = tmp_path / "report.out"
    written = run_cli(["cost", str(EXAMPLES_DIR), "--format", fmt, "--group-by", "resolution", "--output", str(out)])
    assert written.exit == shown.exit == 0 and written.stdout == ""
    assert out.read_text(encoding="utf-8") == shown.stdout


def test_output_keeps_csv_problems_on_stderr_and_the_exit_code(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps(TASK)})
    result = run_cli(["cost", "a.json", "--format", "csv", "--output", "r.csv", "--budget", "0"], cwd=root)
    assert result.exit == 1 and result.stdout == "" and "over --budget 0" in result.stderr
    assert (root / "r.csv").read_text().startswith("file,task,line,taskUUID")


def test_output_to_an_unwritable_path_is_a_usage_error(run_cli, tmp_path) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--output", str(tmp_path / "no" / "such" / "dir" / "r")])
    assert result.exit == 2 and result.stderr.count("\n") == 1 and "--output" in result.stderr


def test_the_readme_shows_what_the_grouped_summary_prints(run_cli) -> None:
    from conftest import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    command = "seedance-lint cost examples/ --group-by resolution --summary --budget 10"
    shown = readme.split(command + "\n```\n\n```\n", 1)[1].split("```", 1)[0]
    assert run_cli(command.split()[1:], cwd=REPO_ROOT).stdout == shown


@given(st.text())
def test_markdown_text_leaves_no_syntax_unescaped(text: str) -> None:
    import re

    from seedance_lint.core.text import markdown_text, printable

    escaped = markdown_text(text)
    bare = re.sub(r"\\.", "", escaped)  # every escaped character removed
    assert not set(bare) & set("|`<>[]!\\") and "\n" not in escaped
    unescaped = re.sub(r"\\(.)", r"\1", escaped).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == printable(text)


def test_markdown_escapes_hostile_names_and_reasons(run_cli, write_files) -> None:
    name = "![x](http:|evil)`<b>.json"
    root = write_files({name: json.dumps({**TASK, "width": None, "height": None, "resolution": "<4k>|"})})
    text = run_cli(["cost", name, "--format", "markdown", "--group-by", "file"], cwd=root).stdout
    assert "![x]" not in text and "<b>" not in text and "<4k>" not in text and "`<" not in text
    assert "\\!\\[x\\](http:\\|evil)\\`&lt;b&gt;.json" in text


_GROUPED_TASKS = st.lists(
    st.fixed_dictionaries(
        {
            "size": st.sampled_from([*SPEC.sizes[:4], None]),  # None: no size at all (unpriceable)
            "duration": st.sampled_from([3, 5, 6.5, 10]),
            "numberResults": st.sampled_from([1, 2, 4]),
            "file": st.sampled_from(["a.jsonl", "b.jsonl"]),
        }
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    tasks=_GROUPED_TASKS,
    keys=st.lists(st.sampled_from(GROUP_KEYS), max_size=3, unique=True),
    limit=st.sampled_from([1, 2, 5, 10_000]),
    chunk=st.integers(1, 7),
)
def test_group_counts_sum_each_task_into_its_group_in_the_order_first_met(tasks, keys, limit, chunk) -> None:
    """GroupCounts counts tasks by shared estimate object and sums each group once; whatever the runs, and
    wherever it folds early (a batch of ever new prices), its sums are those of a task-by-task grouping."""
    from unittest import mock

    from seedance_lint.cost import pipeline
    from seedance_lint.cost.model import price_many
    from seedance_lint.cost.table import price_table

    requests = [{**({"width": t["size"].width, "height": t["size"].height} if t["size"] else {}), **t} for t in tasks]
    requests.sort(key=lambda t: t["file"])  # files come one after the other
    priced = [(t["file"], price_many([t], SPEC, price_table())[1][0]) for t in requests]
    expected: dict[tuple, list] = {}
    for file, e in priced:
        by_name = {"file": file, "label": None, "resolution": e.resolution, "aspectRatio": e.aspect_ratio}
        by_name |= {"duration": f"{e.duration:f}", "numberResults": e.number_results}
        entry = expected.setdefault(tuple(by_name[k] for k in keys), [0, 0, Decimal(0), Decimal(0), Decimal(0)])
        entry[0] += 1
        entry[1] += e.number_results or 0
        entry[2:] = [a + (b or 0) for a, b in zip(entry[2:], (e.cost, e.low, e.high), strict=True)]
    counts, found = pipeline.GroupCounts(tuple(keys)), {}
    with mock.patch.object(pipeline, "MEMO_LIMIT", limit):
        for start in range(0, len(priced), chunk):  # runs of one file, as priced_tasks gives them
            run = priced[start : start + chunk]
            for file in dict.fromkeys(f for f, _ in run):
                counts.add(file, [e for f, e in run if f == file])
            if start % 3 == 0:  # read now and then, as a unit of work ends
                pipeline.merge_groups(found, counts.sums().sums)
        pipeline.merge_groups(found, counts.sums().sums)
    assert list(found) == list(expected)  # the order first met
    assert found == expected
