"""`seedance-lint rules`, `seedance-lint rule CODE`, and docs/rules.md, all from the rule docstrings."""

from __future__ import annotations

import pytest

from seedance_lint.rules import RULES

from conftest import REPO_ROOT

RULES_MD = REPO_ROOT / "docs" / "rules.md"


def test_rules_lists_every_rule_once(run_cli) -> None:
    result = run_cli(["rules"])
    assert result.exit == 0 and result.stderr == ""
    *rows, footer = result.stdout.splitlines()
    assert [row.split()[:3] for row in rows] == [[r.code, r.name, r.severity] for r in RULES]
    for row, rule in zip(rows, RULES, strict=True):
        assert row.endswith(rule.summary) and rule.summary
    assert str(len(RULES)) in footer


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_prints_the_full_doc_with_examples(rule, run_cli) -> None:
    by_code = run_cli(["rule", rule.code])
    assert by_code.exit == 0
    assert by_code.stdout.splitlines()[0].startswith(f"{rule.code} {rule.name} (default severity: {rule.severity}")
    assert rule.doc in by_code.stdout
    lines = by_code.stdout.splitlines()
    assert any(line.startswith("Failing: ") for line in lines) and any(line.startswith("Passing: ") for line in lines)
    assert run_cli(["rule", rule.name]).stdout == by_code.stdout
    assert run_cli(["rule", rule.code.lower()]).stdout == by_code.stdout


@pytest.mark.parametrize("unknown", ["SDL999", "no-such-rule", "", "SDL2"])
def test_unknown_rule_is_a_one_line_usage_error(unknown: str, run_cli) -> None:
    result = run_cli(["rule", unknown])
    assert (result.exit, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "seedance-lint rules" in result.stderr


def test_docs_rules_md_is_current() -> None:
    from seedance_lint.rules.docs import GENERATE_COMMAND, markdown

    assert RULES_MD.is_file(), f"docs/rules.md is missing: run `{GENERATE_COMMAND}`"
    assert RULES_MD.read_text(encoding="utf-8") == markdown(), f"docs/rules.md is stale: run `{GENERATE_COMMAND}`"


def test_docs_rules_md_documents_every_rule_with_examples() -> None:
    from seedance_lint.rules.docs import anchor, markdown

    page = markdown()
    for rule in RULES:
        section = page.split(f"## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"Default severity: **{rule.severity}**" in section
        assert "**Failing:**" in section and "**Passing:**" in section
        assert f"](#{anchor(rule)})" in page
