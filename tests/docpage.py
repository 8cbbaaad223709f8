"""Read facts straight from the API page, so tests can hold the data files to it.

Where the page cannot be seen, every fact is empty, so the parametrised
tests collect nothing; test modules skip through conftest.skip_without_doc_page
(which fails in CI instead).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache

from conftest import doc_page_path

DOC = doc_page_path()


@cache
def text() -> str:
    return DOC.read_text(encoding="utf-8") if DOC is not None else ""


def price_rows() -> list[tuple[str, str, Decimal, Decimal]]:
    """(aspect ratio, resolution, duration, price) for every '- **16:9 · 480p · 5s**: `$0.0315`' line."""
    found = re.findall(r"- \*\*(\S+) · (\S+) · (\d+)s\*\*: `\$([\d.]+)`", text())
    return [(ratio, res, Decimal(d), Decimal(p)) for ratio, res, d, p in found]


def headline_rates() -> dict[str, Decimal]:
    found = re.search(r"^≈ (.*)$", text(), re.M)
    line = found.group(1) if found else ""
    return {res: Decimal(rate) for rate, res in re.findall(r"\$([\d.]+)/s at (\d+p)", line)}


def dimension_rows() -> list[tuple[str, str, int, int]]:
    found = re.findall(r"\| `(\d+p) \((\d+:\d+)\)` \| `(\d+)x(\d+)` \|", text())
    return [(res, ratio, int(w), int(h)) for res, ratio, w, h in found]


def examples() -> list[tuple[dict, dict]]:
    """(request, response) of each example on the page."""
    requests = re.findall(r"\*\*Request\*\*:\n\n```json\n(.*?)\n```", text(), re.S)
    responses = re.findall(r"\*\*Response\*\*:\n\n```json\n(.*?)\n```", text(), re.S)
    return [(json.loads(q), json.loads(r)) for q, r in zip(requests, responses, strict=True)]


def _section(name: str) -> re.Match[str] | None:
    return re.search(rf"### \[{name}\]\([^)]*#request-[^)]*\)\n(.*?)(?=\n### |\n## )", text(), re.S)


def has_parameter(name: str) -> bool:
    return _section(name) is not None


def parameter(name: str) -> dict[str, str]:
    """The bullet facts ('Type', 'Min', 'Default', ...) of one request parameter section."""
    found = _section(name)
    section = found.group(1) if found else ""
    facts = dict(re.findall(r"^- \*\*(\w[\w ]*)\*\*: (.+)$", section, re.M))
    allowed = re.search(r"\*\*Allowed values\*\*:(.*?)(?:\n\n\*\*|\n\n#|\Z)", section, re.S)
    if allowed:
        facts["Allowed values"] = allowed.group(1)
    return facts


def allowed_values(name: str) -> list[str]:
    return re.findall(r"`([^`]+)`", parameter(name).get("Allowed values", ""))
