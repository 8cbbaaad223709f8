"""`check --format github|sarif|junit` and `--output`, through the CLI.

Each machine format must say exactly what `--format json` says (same
diagnostics, same positions), in its own syntax, and never carry colour.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import EXAMPLES_DIR, REPO_ROOT

GOOD = json.loads((EXAMPLES_DIR / "text-to-video.json").read_text(encoding="utf-8"))
SARIF_SCHEMA = REPO_ROOT.parent / "shared" / "schemas-external" / "sarif-schema-2.1.0.json"


def task(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, indent=2)


#: One project with an error, a warning, an info and a clean file, and awkward names.
PROJECT = {
    "bad size.json": task(width=1281),  # error (and a space in the name: a %20 in SARIF URIs)
    "warn,odd:name%.json": json.dumps(  # a warning only (and : , % in the name: escaped in github properties)
        {
            **{k: v for k, v in GOOD.items() if k not in ("width", "height")},
            "taskUUID": "0b7a2f7e-1c7e-4b7e-9e7e-0b7a2f7e1c7e",
            "resolution": "720p",
        },
        indent=2,
    ),
    "other.json": json.dumps({**GOOD, "taskUUID": "1c8b3e8f-2d8f-4c8f-8f8f-1c8b3e8f2d8f", "model": "klingai:5@3"}),
    "clean.json": task(taskUUID="2d9c4f90-3e90-4d90-9090-2d9c4f903e90"),
}
FORMATS = ["github", "sarif", "junit"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name, text in PROJECT.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def check(run_cli, root: Path, *args: str):
    return run_cli(["check", *args, *PROJECT], cwd=root)


@pytest.fixture
def expected(run_cli, project: Path) -> list[dict]:
    """The json format's diagnostics: what every other format must carry."""
    report = check(run_cli, project, "--format", "json").json()
    assert {d["severity"] for d in report["diagnostics"]} == {"error", "warning", "info"}  # the fixture covers all
    return report["diagnostics"]


# -- github --------------------------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$")
COMMAND_OF = {"error": "error", "warning": "warning", "info": "notice"}


def unescape(text: str) -> str:
    """What the runner does with an escaped value (the inverse of the toolkit's escaping)."""
    for escaped, raw in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def fix_lines_of(diagnostics: list[dict]) -> list[str]:
    """The text format's fix line for diagnostics as JSON gives them (none when nothing is fixable)."""
    safe = sum(1 for d in diagnostics if d.get("fix") and d["fix"]["applicability"] == "safe")
    unsafe = sum(1 for d in diagnostics if d.get("fix") and d["fix"]["applicability"] == "unsafe")
    if not safe + unsafe:
        return []
    return [f"{safe} fixable with --fix" + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "") + "."]


def test_github_annotations_say_what_json_says(run_cli, project: Path, expected: list[dict]) -> None:
    result = check(run_cli, project, "--format", "github")
    assert result.exit == 1
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    parsed = [ANNOTATION.match(line) for line in annotations]
    assert all(parsed), annotations
    got = [(m[1], unescape(m[2]), int(m[3]), int(m[4]), unescape(m[5]), unescape(m[6])) for m in parsed]
    marked = " [*] fixable with --fix"  # as the text format's [*]: what --fix would fix
    want = [
        (
            COMMAND_OF[d["severity"]],
            d["file"],
            d["line"],
            d["column"],
            f"{d['code']} {d['name']}",
            d["message"] + (marked if d.get("fix") and d["fix"]["applicability"] == "safe" else ""),
        )
        for d in expected
    ]
    assert got == want
    assert lines[len(annotations)].startswith("Found 1 error(s), 1 warning(s), 1 info in 4 files")
    assert lines[len(annotations) + 1 :] == fix_lines_of(expected)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("dir/a:b,c.json", "dir/a:b,c.json", "dir/a%3Ab%2Cc.json"),
        ("%0A", "%250A", "%250A"),  # an already escaped-looking value is escaped again, not passed through
    ],
)
def test_github_escaping_matches_the_actions_toolkit(raw: str, data: str, prop: str) -> None:
    from seedance_lint.reporters.check.github import escape_data, escape_property

    assert (escape_data(raw), escape_property(raw)) == (data, prop)


def test_github_escapes_what_a_file_puts_in_messages_and_names(run_cli, write_files) -> None:
    name = "a,b:c%.json"
    root = write_files({name: json.dumps({**GOOD, "odd%key\r\nline": 1})})
    result = run_cli(["check", "--format", "github", name], cwd=root)
    line = result.stdout.splitlines()[0]
    assert line.startswith("::error file=a%2Cb%3Ac%25.json,line=")
    # The engine writes control characters as escapes (seedance_lint.linting.linter.printable); % is the reporter's.
    assert "`odd%25key\\r\\nline`" in line
    # one annotation, the summary, and the fix counts (the unknown parameter's removal is an unsafe fix)
    assert "\r" not in result.stdout and result.stdout.count("\n") == 3
    assert result.stdout.endswith("\n0 fixable with --fix (1 more with --unsafe-fixes).\n")


def test_github_summary_says_when_annotations_are_hidden(run_cli, write_files) -> None:
    files = {f"t{i:02}.json": task(taskUUID=f"{i:08x}-0000-4000-8000-000000000000", width=1281) for i in range(11)}
    root = write_files(files)
    result = run_cli(["check", "--format", "github", *files], cwd=root)
    assert result.stdout.count("::error ") == 11
    assert "at most 10 annotations" in result.stdout.splitlines()[11]  # the summary, after the annotations
    few = run_cli(["check", "--format", "github", "t00.json"], cwd=root)
    assert "at most 10" not in few.stdout


# -- sarif ---------------------------------------------------------------------------------------


@pytest.fixture
def sarif(run_cli, project: Path) -> dict:
    result = check(run_cli, project, "--format", "sarif")
    assert result.exit == 1, result.stderr
    return result.json()


def test_sarif_validates_against_the_official_schema(sarif: dict) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the official SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (../shared next to the checkout)")
    from jsonschema import Draft4Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft4Validator(schema).iter_errors(sarif), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_results_say_what_json_says(sarif: dict, expected: list[dict]) -> None:
    from urllib.parse import unquote

    run = sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    got = []
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        got.append(
            (
                unquote(location["artifactLocation"]["uri"]),
                location["region"]["startLine"],
                location["region"]["startColumn"],
                result["ruleId"],
                result["level"],
                result["message"]["text"],
            )
        )
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert got == [
        (d["file"], d["line"], d["column"], d["code"], levels[d["severity"]], d["message"]) for d in expected
    ]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "bad%20size.json" in uris  # a URI, percent-encoded, relative to the source root


def test_sarif_rules_carry_the_rule_docs(sarif: dict, run_cli) -> None:
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "seedance-lint" and driver["version"] and driver["informationUri"].startswith("https://")
    listed = [line.split()[0] for line in run_cli(["rules"]).stdout.splitlines()[:-1]]
    assert [rule["id"] for rule in driver["rules"]] == listed
    for rule in driver["rules"]:
        doc = run_cli(["rule", rule["id"]]).stdout
        assert rule["shortDescription"]["text"] in doc
        assert rule["help"]["text"] in doc and "Failing:" in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_sarif_result_level_follows_configured_severity(run_cli, project: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('severity = {SDL204 = "warning"}\n', encoding="utf-8")
    result = check(run_cli, project, "--format", "sarif", "--config", str(config))
    levels = {r["ruleId"]: r["level"] for r in result.json()["runs"][0]["results"]}
    assert levels["SDL204"] == "warning"
    rules = result.json()["runs"][0]["tool"]["driver"]["rules"]
    assert next(r for r in rules if r["id"] == "SDL204")["defaultConfiguration"]["level"] == "error"


def test_sarif_absolute_path_is_a_file_uri(run_cli, project: Path) -> None:
    result = run_cli(["check", "--format", "sarif", str(project / "bad size.json")])
    location = result.json()["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (project / "bad size.json").as_uri()}


# -- junit ---------------------------------------------------------------------------------------


def junit(run_cli, root: Path, *args: str) -> ET.Element:
    result = check(run_cli, root, "--format", "junit", *args)
    assert result.exit in (0, 1), result.stderr
    return ET.fromstring(result.stdout)


def test_junit_has_one_testcase_per_file(run_cli, project: Path, expected: list[dict]) -> None:
    suites = junit(run_cli, project)
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert list(cases) == list(PROJECT)
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {"bad size.json"}  # the warning does not fail the run, so not the file
    suite = suites.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("4", "1")
    assert (suites.get("tests"), suites.get("failures")) == ("4", "1")
    for d in expected:  # every diagnostic is listed under its file, failing or not
        text = "".join(cases[d["file"]].itertext())
        assert f"{d['file']}:{d['line']}:{d['column']}: {d['code']} [{d['severity']}] {d['message']}" in text
    assert cases["clean.json"].find("failure") is None and not "".join(cases["clean.json"].itertext()).strip()


def test_junit_strict_fails_files_with_warnings(run_cli, project: Path) -> None:
    suites = junit(run_cli, project, "--strict")
    failed = {case.get("name") for case in suites.iter("testcase") if case.find("failure") is not None}
    assert failed == {"bad size.json", "warn,odd:name%.json"}
    assert suites.get("failures") == "2"


def test_junit_escapes_markup_and_control_characters(run_cli, write_files) -> None:
    root = write_files({"x.json": json.dumps({**GOOD, 'a<b>&"c\u0001': 1})})
    result = run_cli(["check", "--format", "junit", "x.json"], cwd=root)
    failure = ET.fromstring(result.stdout).find(".//failure")
    assert '`a<b>&"c\\x01`' in failure.text  # the engine writes control characters as escapes


# -- all machine formats ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*FORMATS, "json"])
def test_machine_formats_never_carry_colour(fmt: str, run_cli, project: Path, monkeypatch) -> None:
    monkeypatch.setattr("seedance_lint.commands.check.use_color", lambda: True)  # as on a terminal
    assert "\033[" in check(run_cli, project).stdout  # text does colour there, so the check can fail
    assert "\033[" not in check(run_cli, project, "--format", fmt).stdout


@pytest.mark.parametrize("fmt", [*FORMATS, "text", "json"])
def test_output_writes_the_report_to_a_file(fmt: str, run_cli, project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("seedance_lint.commands.check.use_color", lambda: True)
    target = tmp_path / f"report.{fmt}"
    written = check(run_cli, project, "--format", fmt, "--output", str(target))
    printed = check(run_cli, project, "--format", fmt)
    assert (written.exit, written.stdout, written.stderr) == (1, "", "")
    expected = printed.stdout if fmt != "text" else re.sub(r"\033\[\d*m", "", printed.stdout)
    assert target.read_text(encoding="utf-8") == expected  # and no colour in a file


def test_output_to_an_unwritable_place_is_a_usage_error(run_cli, project: Path, tmp_path: Path) -> None:
    result = check(run_cli, project, "--output", str(tmp_path / "no" / "such" / "dir" / "r.sarif"))
    assert result.exit == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--output" in result.stderr


def test_a_clean_run_in_every_format(run_cli) -> None:
    runs = {fmt: run_cli(["check", "--format", fmt, str(EXAMPLES_DIR)]) for fmt in FORMATS}
    assert {fmt: run.exit for fmt, run in runs.items()} == {fmt: 0 for fmt in FORMATS}
    assert runs["github"].stdout.startswith("All good:") and runs["github"].stdout.count("\n") == 1
    assert runs["sarif"].json()["runs"][0]["results"] == []
    suites = ET.fromstring(runs["junit"].stdout)
    assert suites.get("failures") == "0" and int(suites.get("tests")) == len(
        [p for p in EXAMPLES_DIR.rglob("*") if p.is_file()]
    )


def test_an_unknown_format_is_a_usage_error_naming_the_choices(run_cli) -> None:
    result = run_cli(["check", "--format", "xml", str(EXAMPLES_DIR)])
    assert (result.exit, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    for fmt in ["text", "json", *FORMATS]:
        assert fmt in result.stderr


def test_github_and_sarif_say_which_problems_fix_would_fix(run_cli, write_files) -> None:
    """The text format's [*] and fix counts, in the formats CI reads: a null with a default (a safe fix) and an
    unknown parameter (an unsafe one, fixable only with --unsafe-fixes)."""
    root = write_files({"t.json": json.dumps({**GOOD, "outputFormat": None, "colour": 1})})
    github = run_cli(["check", "--format", "github", "t.json"], cwd=root).stdout.splitlines()
    null, unknown = (next(line for line in github if f"title={code}" in line) for code in ("SDL103", "SDL102"))
    assert null.endswith(" [*] fixable with --fix") and "[*]" not in unknown
    assert github[-1] == "1 fixable with --fix (1 more with --unsafe-fixes)."
    unsafe = run_cli(["check", "--format", "github", "--unsafe-fixes", "t.json"], cwd=root).stdout.splitlines()
    assert next(line for line in unsafe if "title=SDL102" in line).endswith(" [*] fixable with --fix")
    run = run_cli(["check", "--format", "sarif", "t.json"], cwd=root).json()["runs"][0]
    fixable = {r["ruleId"]: r["properties"]["fixable"] for r in run["results"]}
    assert fixable == {"SDL103": True, "SDL102": False}
    assert run["properties"] == {"fixable": 1, "unsafeFixable": 1}
