"""Issue 19, through the CLI: what Runware's SDKs send (tests/cases/sdk/), image inputs, hints, fix reporting.

Rule cases of the same points are in tests/cases/rules/ (schema.yaml, structure.yaml); here are the
SDK-shaped bodies, the outputs of --fix and of the reporters, and properties of the image-input pattern.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seedance_lint.core.data import request_schema
from seedance_lint.rules.schema import ecma_regex

SDK = Path(__file__).parent / "cases" / "sdk"
REPO_ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "taskType": "videoInference",
    "taskUUID": "59d02567-ead8-47ef-94c7-d04dfdcc78b7",
    "model": "bytedance:2@2",
    "positivePrompt": "a dancer",
    "resolution": "480p",
}
YAML_FIXABLE = (
    "taskType: videoInference\n"
    "taskUUID: 59d02567-ead8-47ef-94c7-d04dfdcc78b7\n"
    "model: bytedance:2@2\n"
    "positivePrompt: a dancer\n"
    "resolution: 480p\n"
    "includeCost: yes\n"
    "outputFormat: mp4\n"
    "duration: 20\n"
)


def _codes(result) -> list[tuple[str, str]]:
    return [(d["code"], d["pointer"]) for d in result.json()["diagnostics"]]


# -- the SDK-shaped bodies ---------------------------------------------------------------------------


def test_sdk_octet_stream_data_uri_is_clean_and_priced_from_its_header(run_cli) -> None:
    path = SDK / "runware-sdk-1.8-octet-stream.json"
    result = run_cli(["check", "--format", "json", path])
    assert (result.exit, result.json()["diagnostics"]) == (0, [])
    priced = run_cli(["cost", "--format", "json", path]).json()
    [row] = priced["tasks"]
    assert (row["width"], row["height"], row["aspectRatio"]) == (864, 480, "16:9")  # from the PNG header


def test_sdk_nulls_say_omit_the_member(run_cli) -> None:
    result = run_cli(["check", "--format", "json", SDK / "runware-sdk-1.8-nulls.json"])
    found = result.json()["diagnostics"]
    assert [d["pointer"] for d in found] == ["/0/seed", "/0/outputQuality", "/0/numberResults", "/0/webhookURL"]
    assert all(d["code"] == "SDL103" and "got null. Omit the member to use the default" in d["message"] for d in found)
    assert "default (95)" in found[1]["message"]


def test_sdk_top_level_frame_images_points_to_inputs(run_cli) -> None:
    result = run_cli(["check", "--format", "json", SDK / "runware-0.5-frame-images.json"])
    [found] = result.json()["diagnostics"]
    assert (found["code"], found["pointer"]) == ("SDL102", "/0/frameImages")
    assert "Did you mean `inputs.frameImages[].image`?" in found["message"]


def test_sdk_other_models_parameters_are_not_supported_never_a_guess(run_cli) -> None:
    result = run_cli(["check", "--format", "json", SDK / "runware-sdk-1.8-other-models.json"])
    found = result.json()["diagnostics"]
    assert [d["pointer"] for d in found] == [
        "/0/routing",
        "/0/fps",
        "/0/CFGScale",
        "/0/providerSettings/bytedance/fastMode",
    ]
    for d in found:
        assert "not supported by bytedance:2@2" in d["message"] and "did you mean" not in d["message"]


def test_other_models_data_names_its_source() -> None:
    from seedance_lint.rules.schema import other_model_parameters

    data = other_model_parameters()
    assert "Runware/sdk-python, runware/types.py at commit " in data["source"]
    assert data["model"] == request_schema()["x-seedance"]["model"]


def _other_models_data() -> dict:
    from seedance_lint.rules.schema import other_model_parameters

    return other_model_parameters()


_FRAME = {"image": "https://example.com/a.png"}


def _task_with(shape: str) -> dict:
    """An otherwise valid task with the member at ``shape`` ('a.b', 'a[].b') set; an array holds one valid frame."""
    task: dict = json.loads(json.dumps(GOOD))
    node = task
    *parents, leaf = shape.split(".")
    for part in parents:
        name = part.removesuffix("[]")
        node = node.setdefault(name, [dict(_FRAME)])[0] if part.endswith("[]") else node.setdefault(name, {})
    node[leaf] = {}
    return task


def _pointer(shape: str) -> str:
    return "/" + shape.replace("[].", "/0/").replace(".", "/")


def _accepted_by_request_schema(shape: str) -> bool:
    """Whether the request schema declares the member at ``shape`` (following $ref, anyOf and array items)."""
    return _declares(request_schema(), shape.split("."))


def _declares(node: dict, parts: list[str]) -> bool:
    if not parts:
        return True
    if "$ref" in node:
        return _declares(request_schema()["$defs"][node["$ref"].removeprefix("#/$defs/")], parts)
    if "anyOf" in node:
        return any(_declares(branch, parts) for branch in node["anyOf"])
    name = parts[0].removesuffix("[]")
    if name not in node.get("properties", {}):
        return False
    child = node["properties"][name]
    return _declares(child["items"] if parts[0].endswith("[]") else child, parts[1:])


@pytest.mark.parametrize("shape", _other_models_data()["parameters"])
def test_every_other_models_parameter_is_not_supported_never_a_guess(lint_text, shape: str) -> None:
    report = lint_text(json.dumps(_task_with(shape)))
    [found] = report["diagnostics"]
    assert (found["code"], found["pointer"]) == ("SDL102", _pointer(shape))
    expected = f"`{shape}` is a videoInference parameter of other Runware models, not supported by bytedance:2@2"
    assert expected in found["message"]
    assert "did you mean" not in found["message"].lower()


@pytest.mark.parametrize("shape", [*_other_models_data()["parameters"], *_other_models_data()["elsewhere"]])
def test_other_models_parameters_never_overlap_the_request_schema(shape: str) -> None:
    assert not _accepted_by_request_schema(shape), f"{shape} is accepted by the request schema"


def test_the_request_schema_check_sees_accepted_members() -> None:
    """The overlap check above can fail: members the schema declares are found."""
    for shape in ("positivePrompt", "safety.checkContent", "inputs.frameImages[].image", "providerSettings.bytedance"):
        assert _accepted_by_request_schema(shape)


def test_did_you_mean_only_above_the_threshold(lint_text) -> None:
    report = lint_text(json.dumps({**GOOD, "positivePromt": "x", "routings": 1}))
    messages = {d["pointer"]: d["message"] for d in report["diagnostics"]}
    assert "did you mean `positivePrompt`?" in messages["/positivePromt"]
    assert "did you mean" not in messages["/routings"] and "known parameters here" in messages["/routings"]


# -- image inputs ----------------------------------------------------------------------------------

_PATTERN = request_schema()["$defs"]["imageInput"]["pattern"]


def _accepted(value: str) -> bool:
    return bool(ecma_regex(_PATTERN).search(value))


@given(st.binary(min_size=24, max_size=300), st.sampled_from(["image/png", "application/octet-stream", "x/y"]))
def test_any_media_type_and_valid_base64_of_24_bytes_or_more_is_an_image_input(data: bytes, media: str) -> None:
    payload = base64.b64encode(data).decode()
    assert _accepted(payload) and _accepted(f"data:{media};base64,{payload}")


@given(st.binary(min_size=24, max_size=300), st.integers(min_value=1, max_value=3))
def test_base64_of_a_bad_length_is_refused(data: bytes, extra: int) -> None:
    payload = base64.b64encode(data).decode() + "A" * extra  # no longer whole 4-character groups
    assert not _accepted(payload) and not _accepted(f"data:image/png;base64,{payload}")


def test_short_and_non_http_inputs_are_refused_with_the_right_words(lint_text) -> None:
    cases = {
        "first": "which is not an image UUID",
        "inputs/frame0001": "looks like a file path",
        "QUJDRA=": "whole 4-character groups",
        "file:///tmp/a.png": "looks like a file path or a non-http(s) URL",
        "ftp://example.com/a.png": "the API takes a URL (http or https)",
    }
    for value, words in cases.items():
        report = lint_text(json.dumps({**GOOD, "inputs": {"frameImages": [value]}}))
        [found] = report["diagnostics"]
        assert found["code"] == "SDL107" and words in found["message"], (value, found)
    assert not lint_text(json.dumps({**GOOD, "inputs": {"frameImages": ["HTTPS://example.com/a.png"]}}))["diagnostics"]


def test_inline_bytes_that_are_no_image_warn_once(lint_text) -> None:
    pdf = base64.b64encode(b"%PDF-1.7\n" + b"x" * 40).decode()
    report = lint_text(json.dumps({**GOOD, "inputs": {"frameImages": [f"data:application/pdf;base64,{pdf}"]}}))
    [found] = report["diagnostics"]
    assert (found["code"], found["severity"]) == ("SDL109", "warning")
    assert "PNG, JPEG, GIF, WebP" in found["message"]


# -- YAML yes/no, and a request without taskType and model ---------------------------------------


def test_yaml_yes_on_a_boolean_is_one_diagnostic_with_a_safe_fix(run_cli, write_files) -> None:
    root = write_files({"t.yaml": YAML_FIXABLE.replace("outputFormat: mp4\nduration: 20\n", "")})
    result = run_cli(["check", "--format", "json", "t.yaml"], cwd=root)
    [found] = result.json()["diagnostics"]
    assert found["code"] == "SDL103" and found["fix"] == {
        "applicability": "safe",
        "edits": [{"pointer": "/includeCost", "value": True}],
    }
    fixed = run_cli(["check", "--fix", "t.yaml"], cwd=root)
    assert fixed.exit == 0 and "includeCost: true\n" in (root / "t.yaml").read_text()


def test_request_members_without_task_type_and_model_are_linted(run_cli, write_files) -> None:
    body = {k: v for k, v in GOOD.items() if k not in ("taskType", "model")}
    root = write_files({"requests/r.json": json.dumps(body)})
    result = run_cli(["check", "--format", "json", "."], cwd=root)
    assert sorted(_codes(result)) == [("SDL101", "/model"), ("SDL101", "/taskType")]


# -- fix reporting -----------------------------------------------------------------------------------


def test_text_marks_fixable_and_counts_them(run_cli, write_files) -> None:
    root = write_files({"t.yaml": YAML_FIXABLE})
    out = run_cli(["check", "t.yaml"], cwd=root).stdout.splitlines()
    assert [line.split(": ", 1)[1][:14] for line in out[:3]] == ["SDL103 [*] [er", "SDL104 [*] [er", "SDL105 [error]"]
    assert out[-1] == "2 fixable with --fix (1 more with --unsafe-fixes)."
    unsafe = run_cli(["check", "--unsafe-fixes", "t.yaml"], cwd=root).stdout.splitlines()
    assert "SDL105 [*]" in unsafe[2] and unsafe[-1] == "3 fixable with --fix."


def test_fix_says_what_it_did(run_cli, write_files) -> None:
    root = write_files({"t.yaml": YAML_FIXABLE})
    result = run_cli(["check", "--fix", "t.yaml"], cwd=root)
    assert result.stdout.splitlines()[-2:] == [
        "Fixed 2 problems (1 remaining).",
        "0 fixable with --fix (1 more with --unsafe-fixes).",
    ]
    again = run_cli(["check", "--fix", "--unsafe-fixes", "--format", "json", "t.yaml"], cwd=root)
    assert again.exit == 0 and again.json()["summary"]["fixed"] == 1


def test_json_fix_applicability(lint_text) -> None:
    report = lint_text(json.dumps({**GOOD, "duration": 20, "outputFormat": "mp4"}))
    fixes = {d["pointer"]: d["fix"]["applicability"] for d in report["diagnostics"]}
    assert fixes == {"/duration": "unsafe", "/outputFormat": "safe"}
    assert "fixed" not in report["summary"]


def test_clean_output_has_no_fix_line(lint_files) -> None:
    result = lint_files({"t.json": json.dumps(GOOD)}, args=())
    assert "fixable" not in result.stdout


# -- reporters ---------------------------------------------------------------------------------------


def test_junit_counts_what_it_lists(run_cli, write_files) -> None:
    body = {**GOOD, "duration": 20, "safety": {"checkContent": True, "mode": "none"}}
    root = write_files({"t.json": json.dumps(body)})
    xml = run_cli(["check", "--format", "junit", "t.json"], cwd=root).stdout
    message = re.search(r'<failure type="seedance-lint" message="([^"]*)"', xml)
    assert message and message.group(1) == "2 problem(s) in t.json: 1 error, 1 warning"
    assert xml.count("t.json:1:") == 2


def test_sarif_rules_link_their_docs_anchor(run_cli, write_files) -> None:
    from seedance_lint.rules import BY_CODE
    from seedance_lint.rules.docs import rule_markdown

    root = write_files({"t.json": json.dumps({**GOOD, "duration": 20})})
    rules = run_cli(["check", "--format", "sarif", "t.json"], cwd=root).json()["runs"][0]["tool"]["driver"]["rules"]
    headings = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in rules:
        anchor = rule["helpUri"].rsplit("#", 1)[1]
        assert rule["helpUri"].startswith("https://") and f"## {rule['id']} {rule['name']}" in headings
        assert anchor == f"{rule['id']}-{rule['name']}".lower()
        assert rule["help"]["markdown"] == rule_markdown(BY_CODE[rule["id"]])


def test_github_paths_are_relative_to_the_workspace(run_cli, write_files, monkeypatch) -> None:
    root = write_files({"sub/t.json": json.dumps({**GOOD, "duration": 20})})
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    line = run_cli(["check", "--format", "github", "t.json"], cwd=root / "sub").stdout.splitlines()[0]
    assert line.startswith("::error file=sub/t.json,line=1,")


def test_github_paths_are_relative_to_the_git_top_level(run_cli, write_files, monkeypatch) -> None:
    root = write_files({"repo/.git/HEAD": "ref: refs/heads/main\n", "repo/ci/t.json": json.dumps({**GOOD, "ttl": 1})})
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    line = run_cli(["check", "--format", "github", "t.json"], cwd=root / "repo" / "ci").stdout.splitlines()[0]
    assert line.startswith("::error file=ci/t.json,line=1,")
    outside = run_cli(["check", "--format", "github", "repo/ci/t.json"], cwd=root).stdout.splitlines()[0]
    assert outside.startswith("::error file=repo/ci/t.json,")  # no repository above: as given


def test_null_members_with_a_default_are_removed_by_fix_and_said_once(run_cli, write_files) -> None:
    body = {**GOOD, "outputFormat": None, "seed": None, "inputs": {"frameImages": [{"image": "x", "frame": None}]}}
    root = write_files({"t.json": json.dumps(body)})
    found = run_cli(["check", "--format", "json", "t.json"], cwd=root).json()["diagnostics"]
    by_pointer = {d["pointer"]: (d["code"], d.get("fix")) for d in found}
    assert by_pointer["/outputFormat"] == (
        "SDL103",
        {"applicability": "safe", "edits": [{"pointer": "/outputFormat", "remove": True}]},
    )
    assert by_pointer["/seed"] == ("SDL103", None)  # no default: it may be required, so no fix
    assert by_pointer["/inputs/frameImages/0/frame"][0] == "SDL104"  # an enum without a type: said once
    run_cli(["check", "--fix", "t.json"], cwd=root)
    assert "outputFormat" not in (root / "t.json").read_text() and '"seed": null' in (root / "t.json").read_text()
