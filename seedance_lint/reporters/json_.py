"""One JSON object: {"diagnostics": [...], "summary": {...}} (a stable interface)."""
from __future__ import annotations

import json

from seedance_lint.reporters.base import Report


def render(report: Report) -> str:
    document = {
        "diagnostics": [d.as_dict() for d in report.diagnostics],
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
