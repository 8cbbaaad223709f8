"""schemas/cost-report.schema.json describes what `cost --format json` writes: real output validates."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from seedance_lint.cost.pipeline import GROUP_KEYS

from conftest import EXAMPLES_DIR

SCHEMA = json.loads((Path(__file__).parent.parent / "schemas" / "cost-report.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
TASK = {"taskType": "videoInference", "taskUUID": "u-1", "model": "bytedance:2@2", "positivePrompt": "a dancer"}


def test_the_schema_is_valid_and_names_the_group_keys_of_the_code() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$defs"]["group"]["properties"]["key"]["propertyNames"]["enum"] == list(GROUP_KEYS)


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--group-by", "file,resolution,aspectRatio,duration,numberResults,label", "--budget", "50"],
        ["--summary", "--budget", "0"],
        ["--summary", "--group-by", "resolution", "--max-task-cost", "0.01"],
    ],
)
def test_real_output_validates(run_cli, flags) -> None:
    result = run_cli(["cost", str(EXAMPLES_DIR), "--format", "json", *flags])
    VALIDATOR.validate(result.json())


def test_output_with_unpriceable_tasks_and_a_budget_from_a_file_validates(run_cli, write_files) -> None:
    root = write_files({"a.json": json.dumps([TASK, {**TASK, "taskUUID": "u-2", "resolution": "4k"}])})
    (root / ".seedance-lint.toml").write_text('budget = "1"\n')
    result = run_cli(["cost", "a.json", "--format", "json", "--group-by", "resolution"], cwd=root)
    report = result.json()
    VALIDATOR.validate(report)
    assert report["budget"]["source"] == ".seedance-lint.toml"
    assert any(t["basis"] == "unpriced" for t in report["tasks"])


def test_the_schema_rejects_money_as_a_number() -> None:
    report = {"currency": "USD", "total": 1.5, "low": "1", "high": "2", "problems": []}
    assert not VALIDATOR.is_valid(report)
    assert VALIDATOR.is_valid({**report, "total": "1.5"})
