"""Every case of tests/cases/rules/*.yaml, linted through the CLI (`check --format json`).

The exact multiset of (code, pointer, line, column) must match: a missing
diagnostic, an extra one, or one at another position fails the case.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rule_cases import RuleCase, load_cases

CASES = load_cases()


def _describe(diagnostics: list[dict]) -> str:
    return (
        "\n".join(
            f"  {d['file']}:{d['line']}:{d['column']} {d['code']} {d['pointer']!r} task={d['task']} {d['message']}"
            for d in diagnostics
        )
        or "  (none)"
    )


def _key(d: dict) -> tuple[str, str, str, int, int]:
    return d["file"], d["code"], d["pointer"], d["line"], d["column"]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_case(case: RuleCase, lint_files) -> None:
    result = lint_files(case.files, case.args, case.paths)
    assert result.exit in (0, 1), f"exit {result.exit}: {result.stderr}"
    diagnostics = result.json()["diagnostics"]
    got = Counter(_key(d) for d in diagnostics)
    want = Counter((e.file or case.default_file, *e.key) for e in case.expect)
    assert got == want, f"{case.source} {case.id}: diagnostics differ.\ngot:\n{_describe(diagnostics)}"

    for expected in case.expect:
        matches = [d for d in diagnostics if _key(d) == (expected.file or case.default_file, *expected.key)]
        if expected.severity is not None:
            assert all(d["severity"] == expected.severity for d in matches), (expected, _describe(matches))
        if expected.task != "any":
            assert all(d["task"] == expected.task for d in matches), (expected, _describe(matches))
        if expected.message is not None:
            assert any(expected.message in d["message"] for d in matches), (expected, _describe(matches))

    if case.exit is not None:
        assert result.exit == case.exit
    else:  # the documented contract: 1 exactly when an error is reported
        assert result.exit == (1 if any(d["severity"] == "error" for d in diagnostics) else 0)


def test_cases_are_well_formed() -> None:
    """Each case names a real rule and expects only real codes."""
    from seedance_lint.rules import BY_CODE

    for case in CASES:
        assert case.rule in BY_CODE, f"{case.id}: unknown rule {case.rule}"
        for expected in case.expect:
            assert expected.code in BY_CODE, f"{case.id}: unknown code {expected.code}"
            assert expected.line >= 1 and expected.column >= 1, case.id
            assert expected.pointer == "" or expected.pointer.startswith("/"), case.id
