"""JUnit XML: one testcase per file, failed when the file has a diagnostic that fails the run.

CI systems (GitLab, Jenkins, Azure) show each file as a test; the failure
lists that file's diagnostics in the text format. Diagnostics that do not
fail the run (warnings without --strict, infos) go to the testcase's
system-out, so they are still visible.
"""

from __future__ import annotations

import re
from collections import Counter

from seedance_lint.core.diagnostic import SEVERITIES, Diagnostic
from seedance_lint.core.text import printable
from seedance_lint.reporters.check.base import Report
from seedance_lint.reporters.check.text import LINE

SUITE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<testsuites name="seedance-lint" tests="{tests}" failures="{failures}" errors="0">\n'
    '  <testsuite name="seedance-lint" tests="{tests}" failures="{failures}" errors="0" skipped="0">\n'
    "{cases}  </testsuite>\n</testsuites>\n"
)
CASE = '    <testcase classname="seedance-lint" name={name} file={name}>{body}</testcase>\n'
FAILURE = '\n      <failure type="seedance-lint" message={message}>{text}</failure>\n    '
OUTPUT = "\n      <system-out>{text}</system-out>\n    "
#: Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in report.paths}
    for d in report.diagnostics:
        by_file.setdefault(d.file, []).append(d)
    cases = [_case(path, found, report) for path, found in by_file.items()]
    failures = sum(1 for found in by_file.values() if any(report.fails(d) for d in found))
    return SUITE.format(tests=len(by_file), failures=failures, cases="".join(cases))


def _case(path: str, found: list[Diagnostic], report: Report) -> str:
    text = _escape("\n".join(LINE.format(**{**d.__dict__, "file": printable(d.file)}) for d in found))
    failing = [d for d in found if report.fails(d)]
    path = printable(path)  # CI pages show it: DEL, C1 controls and line separators escaped like the text format
    if failing:
        body = FAILURE.format(message=_attr(_counted(path, found)), text=text)
    else:
        body = OUTPUT.format(text=text) if found else ""
    return CASE.format(name=_attr(path), body=body)


def _counted(path: str, found: list[Diagnostic]) -> str:
    """What the failure lists, counted: every diagnostic of the file, by severity (not only those that fail)."""
    by_severity = Counter(d.severity for d in found)
    parts = [f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 and s != 'info' else ''}" for s in SEVERITIES]
    return f"{len(found)} problem(s) in {path}: " + ", ".join(part for part in parts if not part.startswith("0 "))


def _escape(text: str) -> str:
    clean = _NOT_XML.sub("\ufffd", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _attr(text: str) -> str:
    """A quoted XML attribute value (xml.sax.saxutils would pull in urllib.request at startup)."""
    return '"' + _NOT_XML.sub("\ufffd", text).translate(_ATTRIBUTE) + '"'
