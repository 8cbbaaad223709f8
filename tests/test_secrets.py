"""Secrets (SDL6xx): found where they are, and never printed by any output format.

The cases live in tests/cases/hostile/secrets.yaml (the rule-case format of
tests/cases/rules/README.md). The leak tests lint tests/cases/hostile/
leaky-request.json, which holds one of every kind of credential, several of
them where another rule quotes the value (a wrong type, a value not allowed,
an invalid image), and assert that no run shows any 5-character piece of any
secret listed in leaky-request.secrets.txt.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CASES_DIR

HOSTILE_DIR = CASES_DIR / "hostile"
LEAKY = HOSTILE_DIR / "leaky-request.json"
SECRETS = [
    line.strip() for line in (HOSTILE_DIR / "leaky-request.secrets.txt").read_text().splitlines() if line.strip()
]
SECRET_CODES = ("SDL601", "SDL602", "SDL603")


@dataclass(frozen=True)
class Case:
    """One case of secrets.yaml: one file, and every diagnostic its run must report."""

    id: str
    rule: str
    file: str
    content: bytes
    expect: list[dict]

    @property
    def fails(self) -> bool:
        return any(e["code"] == self.rule for e in self.expect)


def load_cases(path: Path = HOSTILE_DIR / "secrets.yaml") -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Case(c["id"], c["rule"], c["file"], c["content"].encode("utf-8"), c["expect"] or []) for c in raw]


CASES = load_cases()


def _leaks(text: str) -> list[str]:
    """Every 5-character piece of a secret found in ``text`` (a mask shows 4)."""
    return sorted({s[i : i + 5] for s in SECRETS for i in range(len(s) - 4) if s[i : i + 5] in text})


def _check_formats() -> list[str]:
    from seedance_lint.reporters.check import CHECK_REPORTERS

    return sorted(CHECK_REPORTERS)


# -- the cases -----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_secret_case(case: Case, lint_files) -> None:
    result = lint_files({case.file: case.content})
    diagnostics = result.json()["diagnostics"]
    key = ("code", "pointer", "line", "column")
    got = Counter(tuple(d[k] for k in key) for d in diagnostics)
    want = Counter(tuple(e[k] for k in key) for e in case.expect)
    assert got == want, json.dumps(diagnostics, indent=1)
    for expected in case.expect:
        match = next(d for d in diagnostics if all(d[k] == expected[k] for k in key))
        for name in ("severity", "task"):
            if name in expected:
                assert match[name] == expected[name], (name, match)
        assert expected.get("message", "") in match["message"]
    assert result.exit == (1 if any(d["severity"] == "error" for d in diagnostics) else 0)


def test_every_secret_rule_has_a_failing_and_a_passing_case() -> None:
    for code in SECRET_CODES:
        about = [case for case in CASES if case.rule == code]
        assert any(case.fails for case in about), f"{code}: no failing case"
        assert any(not case.fails for case in about), f"{code}: no passing case"


def test_secret_rules_are_registered_and_documented() -> None:
    from seedance_lint.rules import BY_CODE, DOCUMENT_RULES

    for code in SECRET_CODES:
        rule = BY_CODE[code]
        assert rule in DOCUMENT_RULES
        assert "Failing:" in rule.doc and "Passing:" in rule.doc, code
    assert BY_CODE["SDL601"].severity == "error"
    assert BY_CODE["SDL602"].severity == BY_CODE["SDL603"].severity == "warning"


# -- never printed -------------------------------------------------------------


def test_the_leaky_file_is_leaky_enough(run_cli) -> None:
    """Guard the leak tests: the file must trip every secret rule and quote values through other rules."""
    codes = {d["code"] for d in run_cli(["check", "--format", "json", LEAKY]).json()["diagnostics"]}
    assert set(SECRET_CODES) <= codes
    assert {"SDL103", "SDL104", "SDL107"} <= codes  # rules whose messages quote the offending value
    text = LEAKY.read_text()
    assert all(secret in text for secret in SECRETS)


@pytest.mark.parametrize("output_format", _check_formats())
def test_no_output_format_prints_a_secret(output_format: str, run_cli) -> None:
    result = run_cli(["check", "--format", output_format, LEAKY])
    assert result.exit == 1, result.stderr
    assert result.stdout.strip(), "the format printed nothing: the test would prove nothing"
    assert _leaks(result.stdout + result.stderr) == []


@pytest.mark.parametrize("output_format", _check_formats())
def test_no_output_format_prints_a_secret_from_yaml(output_format: str, run_cli, write_files) -> None:
    """The same request as YAML: its parser's notes and positions take another path."""
    document = json.loads(LEAKY.read_text())
    root = write_files({"leaky.yaml": yaml.safe_dump(document, sort_keys=False)})
    result = run_cli(["check", "--format", output_format, "leaky.yaml"], cwd=root)
    assert result.exit == 1, result.stderr
    assert _leaks(result.stdout + result.stderr) == []


def test_ignored_secret_rules_still_mask_what_other_rules_quote(run_cli) -> None:
    result = run_cli(["check", "--format", "json", "--ignore", "SDL6", LEAKY])
    codes = {d["code"] for d in result.json()["diagnostics"]}
    assert not codes & set(SECRET_CODES) and "SDL103" in codes
    assert _leaks(result.stdout + result.stderr) == []


def test_secret_from_stdin_is_not_printed(run_cli) -> None:
    result = run_cli(["check", "--format", "json", "-"], stdin=LEAKY.read_bytes())
    assert result.exit == 1
    assert _leaks(result.stdout + result.stderr) == []


def test_output_file_holds_no_secret(run_cli, tmp_path: Path) -> None:
    from seedance_lint.cli import build_parser

    if "--output" not in build_parser()._subparsers._group_actions[0].choices["check"].format_help():
        pytest.skip("check has no --output option yet")
    for output_format in _check_formats():
        report = tmp_path / f"report.{output_format}"
        result = run_cli(["check", "--format", output_format, "--output", report, LEAKY])
        assert result.exit == 1
        assert report.read_text(encoding="utf-8").strip()
        assert _leaks(report.read_text(encoding="utf-8") + result.stdout + result.stderr) == []


def test_fix_diff_prints_no_secret(run_cli, write_files) -> None:
    """The issue names `--fix --diff` too: a diff quotes file lines, which may hold a secret."""
    from seedance_lint.cli import build_parser

    if "--diff" not in build_parser()._subparsers._group_actions[0].choices["check"].format_help():
        pytest.skip("check has no --diff option yet")
    root = write_files({"leaky.json": LEAKY.read_bytes()})
    result = run_cli(["check", "--fix", "--unsafe-fixes", "--diff", "leaky.json"], cwd=root)
    assert result.exit in (0, 1), result.stderr
    assert _leaks(result.stdout + result.stderr) == []


def test_cost_prints_no_secret(run_cli) -> None:
    for output_format in ("table", "json", "csv", "markdown"):
        result = run_cli(["cost", "--format", output_format, LEAKY])
        assert result.exit in (0, 1), result.stderr
        assert _leaks(result.stdout + result.stderr) == []


def test_internal_error_message_masks_credentials(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception's text may quote input; the one-line report masks it like a diagnostic."""
    import seedance_lint.linting.linter as engine

    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("cannot handle https://hooks.example.com/x?token=7Gq2VxL9pT4sK8mN\nsecond line")

    monkeypatch.delenv("SEEDANCE_LINT_TRACEBACK", raising=False)
    monkeypatch.setattr(engine, "check_task", explode)
    result = run_cli(["check", LEAKY])
    assert result.exit == 2
    assert result.stderr.count("\n") == 1 and "internal error: ValueError" in result.stderr
    assert "token=7Gq2***" in result.stderr
    assert _leaks(result.stdout + result.stderr) == []


# -- the pure helpers ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "${RUNWARE_API_KEY}",
        "$RUNWARE_API_KEY",
        "%RUNWARE_API_KEY%",
        "{{ runware_api_key }}",
        "<your key>",
        "YOUR_API_KEY",
        "RUNWARE_API_KEY",
        "xxxxxxxxxxxxxxxx",
        "****************",
        "your-api-key",
        "test",
        "",
        "abc123",
        "<redacted>",
        "sk-...",
    ],
)
def test_placeholders(value: str) -> None:
    from seedance_lint.rules.secrets import is_placeholder

    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value", ["k3Jd8sLq0vXz2mNw5pRt7yUb9cEa1fGh", "8f4e2c1b9a7d6e5f", "ya29.a0AfH6SMBx3k", "ABCDEFGH12345678"]
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    from seedance_lint.rules.secrets import is_placeholder

    assert not is_placeholder(value)


def test_mask_shows_four_characters() -> None:
    from seedance_lint.rules.secrets import mask

    assert mask("k3Jd8sLq0vXz2mNw5pRt7yUb9cEa1fGh") == "k3Jd***"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'is "https://b.s3.amazonaws.com/v.mp4?X-Amz-Signature=8f4e2c1b9a7d..., which',  # show() cut it short
            'is "https://b.s3.amazonaws.com/v.mp4?X-Amz-Signature=8f4e***, which',
        ),
        ("https://h.example.com/x?a=1&TOKEN=7Gq2VxL9pT4sK8mN&b=2", "https://h.example.com/x?a=1&TOKEN=7Gq2***&b=2"),
        ("https://hook:s3cr3tPassw0rd@hooks.example.com/x", "https://hook:s3cr***@hooks.example.com/x"),
        ("?sig=Zm9vYmFyYmF6cXV4cXV1eA%3D%3D&sv=1", "?sig=Zm9v***&sv=1"),
        (
            "https://h.example.com/x?monkey=bananas12345&tokens=1",
            "https://h.example.com/x?monkey=bananas12345&tokens=1",
        ),
        ("no credentials here", "no credentials here"),
    ],
)
def test_redact_masks_url_credentials(text: str, expected: str) -> None:
    from seedance_lint.rules.secrets import redact

    assert redact(text) == expected
    assert redact(expected) == expected  # masking twice changes nothing


def test_redact_masks_known_secrets_whole_or_cut_short() -> None:
    from seedance_lint.rules.secrets import redact

    key = "k3Jd8sLq0vXz2mNw5pRt7yUb9cEa1fGh"
    assert redact(f'got "{key}" twice: {key}', [key]) == 'got "k3Jd***" twice: k3Jd***'
    assert redact(f'got "{key[:20]}..."', [key]) == 'got "k3Jd***..."'
    assert (
        redact("k3Jd8sL: five or more leading characters are masked", [key])
        == "k3Jd***: five or more leading characters are masked"
    )
    assert redact("k3Jd alone is what a mask shows", [key]) == "k3Jd alone is what a mask shows"


def test_strings_walks_deep_documents_without_recursion() -> None:
    from seedance_lint.rules.secrets import strings

    deep: object = "leaf"
    for _ in range(5000):
        deep = [deep]
    assert list(strings({"a": deep})) == [("/a" + "/0" * 5000, "", "leaf")]


# -- the prefilter never hides a secret --------------------------------------------

_URL_PARTS = st.sampled_from(
    [
        "https://",
        "HTTP://",
        "http://u:p4ssw0rd1@",
        "https://h.example.com/x?",
        "?token=",
        "&sig=",
        "X-Amz-Signature=",
        "@",
        "?",
        '"',
        "\\",
        "apiKey",
        "API_KEY",
        "a",
        "/",
        "0",
    ]
)
_SECRETISH = st.lists(_URL_PARTS | st.text(max_size=6), max_size=8).map("".join)
_DOCS = st.recursive(
    st.none() | st.integers() | _SECRETISH,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "apiKey",
                    "api_key",
                    "Api-Key",
                    "APIKEY",
                    "api-KEY",
                    "apikEy",
                    "API_KeY",
                    "api\u212aey",
                    "webhookURL",
                    "image",
                    "x",
                    "key",
                    "monkey",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, database=None, derandomize=True)
@given(document=_DOCS)
def test_prefilter_keeps_every_string_a_rule_could_flag(document: object) -> None:
    """candidates() (prefilter + walk) equals the full walk filtered string by string."""
    from seedance_lint.rules.secrets import _may_be_secret, candidates, strings

    full = sorted(c for c in strings(document) if _may_be_secret(c[1], c[2]))
    assert sorted(candidates(document)) == full


def test_scheme_and_parameter_names_are_case_insensitive(lint_text) -> None:
    task = json.loads((HOSTILE_DIR / "leaky-request.json").read_text())[1]
    task = {
        k: v for k, v in task.items() if k in ("taskType", "taskUUID", "model", "positivePrompt", "width", "height")
    }
    task["webhookURL"] = "HTTPS://hooks.example.com/x?Access_Token=Qw3rTy9uIoP1aSdF"
    report = lint_text(json.dumps(task))
    assert [(d["code"], d["pointer"]) for d in report["diagnostics"]] == [("SDL603", "/webhookURL")]
    assert "Qw3rTy9u" not in json.dumps(report)


def test_python_api_reports_and_masks_secrets_too() -> None:
    import seedance_lint

    body = json.loads(LEAKY.read_text())
    diagnostics = seedance_lint.lint(body)
    assert {"SDL601", "SDL602", "SDL603"} <= {d.code for d in diagnostics}
    assert _leaks(" ".join(d.message for d in diagnostics)) == []


def test_the_prefilter_lets_through_an_api_key_named_with_the_kelvin_sign() -> None:
    """str.lower() makes U+212A a "k" (the rule reads the name so); bytes.lower() does not: the prefilter must
    not clear a document the rule would flag (U+212A is the only non-ASCII character lowered to an ASCII letter)."""
    import orjson

    from seedance_lint.linting.linter import check_task
    from seedance_lint.rules import DOCUMENT_RULES
    from seedance_lint.rules.secrets import may_hold_secret

    document = [{"taskType": "authentication", "api\u212aey": "Zq4Xw8Ve2Rt6Yu0Io3Pa7Sd1Fg5Hj9Kl"}]
    assert [rule.code for rule, _ in check_task(document, DOCUMENT_RULES)] == ["SDL601"]
    assert may_hold_secret(orjson.dumps(document))
    assert [
        chr(c)
        for c in range(0x80, 0x110000)
        if len(chr(c).lower()) == 1 and chr(c).lower().isascii() and chr(c).lower().isalpha()
    ] == ["\u212a"]
