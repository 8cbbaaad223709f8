"""Rule documentation, from one source: each rule function's docstring.

A docstring is a one-line summary, paragraphs of explanation, then a
``Failing:`` and a ``Passing:`` example. ``seedance-lint rules``,
``seedance-lint rule CODE``, SARIF's rule metadata and docs/rules.md are all
made from it. Regenerate the page with::

    python -m seedance_lint.rules.docs > docs/rules.md
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from seedance_lint.rules import BY_CODE, BY_NAME, RULES
from seedance_lint.rules.base import Rule

EXAMPLE_LABELS = ("Failing", "Passing")
GENERATE_COMMAND = "python -m seedance_lint.rules.docs > docs/rules.md"


@dataclass(frozen=True)
class RuleDoc:
    """A rule's docstring split into its parts."""

    rule: Rule
    summary: str
    body: tuple[str, ...]  # paragraphs, each joined into one line
    examples: tuple[tuple[str, str], ...]  # (label, example)


def parse(rule: Rule) -> RuleDoc:
    lines = rule.doc.splitlines()
    summary = lines[0].strip() if lines else rule.name
    prose: list[str] = []
    examples: list[list[str]] = []
    for line in lines[1:]:
        label = next((name for name in EXAMPLE_LABELS if line.startswith(f"{name}:")), None)
        if label:
            examples.append([label, line[len(label) + 1 :].strip()])
        elif examples and line.strip():  # an example that runs over several lines
            examples[-1][1] += "\n" + line.strip()
        else:
            prose.append(line)
    paragraphs = tuple(" ".join(p.split()) for p in "\n".join(prose).split("\n\n") if p.strip())
    return RuleDoc(rule, summary, paragraphs, tuple((label, text) for label, text in examples))


def find(code_or_name: str) -> Rule | None:
    return BY_CODE.get(code_or_name.strip().upper()) or BY_NAME.get(code_or_name.strip().lower())


# -- text, for the terminal ------------------------------------------------------------------------


def rules_table() -> str:
    """One line per rule: code, name, default severity, summary."""
    rows = [(r.code, r.name, r.severity, parse(r).summary) for r in RULES]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    ]
    return "\n".join(lines) + f"\n{len(rows)} rules; `seedance-lint rule CODE` explains one.\n"


def rule_text(rule: Rule) -> str:
    """The full documentation of one rule, as plain text."""
    return f"{rule.code} {rule.name} (default severity: {rule.severity}, scope: {rule.scope})\n\n{rule.doc}\n"


# -- markdown, for docs/rules.md -------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def anchor(rule: Rule) -> str:
    """The anchor GitHub gives the heading ``SDL204 unsupported-dimensions``."""
    return re.sub(r"[^a-z0-9 -]", "", f"{rule.code} {rule.name}".lower()).replace(" ", "-")


#: An example that is a request fragment (JSON, or a YAML mapping) rather than prose.
_FRAGMENT = re.compile(r"^(?:[{\[]|[A-Za-z]\w*: )")


def _example(label: str, text: str) -> str:
    if not _FRAGMENT.match(text):
        return f"**{label}:** {text}"
    fence = "```"
    return f"**{label}:**\n\n{fence}\n{text}\n{fence}"


def rule_markdown(rule: Rule) -> str:
    doc = parse(rule)
    parts = [f"## {rule.code} {rule.name}", f"Default severity: **{rule.severity}**. {doc.summary}"]
    parts += list(doc.body)
    parts += [_example(label, text) for label, text in doc.examples]
    return "\n\n".join(parts) + "\n"


def markdown() -> str:
    """The whole of docs/rules.md."""
    header = [
        "# seedance-lint rules",
        "",
        f"<!-- Generated from the rule docstrings by `{GENERATE_COMMAND}`; do not edit by hand. -->",
        "",
        "Select or ignore rules by code, prefix or name (`--select`, `--ignore`, or `select`/`ignore` in the "
        "configuration file); change a rule's severity with `severity` in the configuration file.",
        "",
        "| Code | Name | Default severity | Summary |",
        "| --- | --- | --- | --- |",
    ]
    rows = [f"| [{r.code}](#{anchor(r)}) | {r.name} | {r.severity} | {_cell(parse(r).summary)} |" for r in RULES]
    return "\n".join(header + rows) + "\n\n" + "\n".join(rule_markdown(r) for r in RULES)


if __name__ == "__main__":
    sys.stdout.write(markdown())
