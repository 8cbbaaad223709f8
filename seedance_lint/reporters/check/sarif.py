"""SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

The driver lists every rule (so ``ruleIndex`` is its place in the registry);
each result points at a URI relative to ``%SRCROOT%`` (the path as given,
with POSIX separators) and a 1-based region counted in code points.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from seedance_lint.core.diagnostic import Diagnostic
from seedance_lint.core.version import __version__
from seedance_lint.reporters.check.base import Report
from seedance_lint.rules import RULES
from seedance_lint.rules.base import Rule
from seedance_lint.rules.docs import anchor, rule_markdown

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/seedance-lint/seedance-lint"
#: docs/rules.md as the repository shows it; each rule's helpUri is its heading's anchor there.
RULES_DOC_URI = f"{INFORMATION_URI}/blob/main/docs/rules.md"
#: SARIF has no "info" level: "note" is its name for it.
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render(report: Report) -> str:
    index = {rule.code: number for number, rule in enumerate(RULES)}
    run = {
        "tool": {
            "driver": {
                "name": "seedance-lint",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in RULES],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code], report.marked(d)) for d in report.diagnostics],
    }
    safe, unsafe = report.fix_counts()
    # SARIF's own "fixes" are text replacements; ours are planned on the document: a property bag says it.
    run["properties"] = {"fixable": safe, "unsafeFixable": unsafe}
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict:
    doc = rule.doc or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": rule_markdown(rule)},
        "helpUri": f"{RULES_DOC_URI}#{anchor(rule)}",
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _result(d: Diagnostic, rule_index: int, fixable: bool) -> dict:
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact(d.file),
                    "region": {"startLine": d.line, "startColumn": d.column},
                }
            }
        ],
        "properties": {"pointer": d.pointer, "task": d.task, "fixable": fixable},
    }


def artifact(path: str) -> dict:
    """A relative path stays relative to the source root; an absolute one becomes a file: URI."""
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(posix, safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}
