"""Credentials masked where they are written, whatever their spelling (for --diff).

A diff quotes the file's source, not the parsed values: an apiKey written
with ``\\u`` escapes, a URL whose "&" is Go's ``\\u0026`` or whose slashes are
PHP's ``\\/``, a YAML scalar continued over two lines, all hold the secret in
a spelling that a search for the decoded value never finds. So the secrets
are found in the parsed values, and masked in the source strings (JSON
string tokens, YAML scalars) that decode to a value holding one. Old and new
text are masked alike before they are diffed: the diff keeps its shape, its
line numbers, and lines without a secret as they are (so a diff of a file
without secrets applies with ``git apply``). Linear: one pass over the text,
a set look-up per string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

import orjson
import yaml

from seedance_lint.input.documents import Document, load_bytes
from seedance_lint.rules.secrets import API_KEY_MEMBERS, candidates, is_placeholder, mask, secret_parts

#: A JSON string token; strings never nest, so the scan of a whole file is linear.
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*+"')


def secrets_of(text: str, format: str) -> tuple[frozenset[str], frozenset[str]]:
    """(whole values that are secrets, parts of values that are secrets) of a file's documents."""
    whole: set[str] = set()
    parts: set[str] = set()
    for loaded in load_bytes(text.encode("utf-8"), format):
        if not isinstance(loaded, Document):
            continue
        for _pointer, name, value in candidates(loaded.value):
            if name.lower() in API_KEY_MEMBERS:
                if not is_placeholder(value):
                    whole.add(value)
                continue
            parts.update(p for p in secret_parts(value) if p != value and not is_placeholder(unquote(p)))
    return frozenset(whole), frozenset(parts)


def masked_text(text: str, format: str, whole: frozenset[str], parts: frozenset[str]) -> str:
    """``text`` with every string that holds a secret masked in its source spelling; newlines kept."""
    if not whole and not parts:
        return text
    spans = _yaml_spans(text) if format == "yaml" else _json_spans(text)
    pieces: list[str] = []
    done = 0
    for start, end, value in spans:
        if value in whole or (parts and "://" in value and not parts.isdisjoint(secret_parts(value))):
            pieces += [text[done:start], _masked_span(text[start:end], value, whole, parts)]
            done = end
    return "".join([*pieces, text[done:]])


def _json_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, decoded value) of each JSON string token's contents."""
    for match in _JSON_STRING.finditer(text):
        raw = match.group()
        try:
            value = orjson.loads(raw) if "\\" in raw else raw[1:-1]
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, str):
            yield match.start() + 1, match.end() - 1, value


def _yaml_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, value) of each YAML scalar, from the composed nodes' marks; JSON tokens if it does not compose."""
    try:
        roots = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        yield from _json_spans(text)
        return
    stack: list[yaml.Node] = [root for root in roots if root is not None]
    found: list[tuple[int, int, str]] = []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            if node.style in ('"', "'"):  # the marks take in the quotes: they stay
                start, end = start + 1, end - 1
            found.append((start, end, str(node.value)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
    seen = -1
    for start, end, value in sorted(found):
        if start >= seen:  # an alias is the node it names: masked once, where it is written
            seen = end
            yield start, end, value


def _masked_span(raw: str, value: str, whole: frozenset[str], parts: frozenset[str]) -> str:
    """The source of one secret-holding string, masked: only the secret when it is written as decoded."""
    if value not in whole:
        spelled = [part for part in secret_parts(value) if part in parts]
        if all(part in raw for part in spelled):  # written as decoded: mask the parts, keep the URL readable
            for part in sorted(spelled, key=len, reverse=True):
                raw = raw.replace(part, mask(part))
            return raw
    lines = raw.split("\n")  # a scalar continued over lines: each line's piece is masked, the lines are kept
    return "\n".join([mask(lines[0]), *(line[: len(line) - len(line.lstrip())] + "***" for line in lines[1:])])


def masked_diff(path: str, old: str, new: str, format: str) -> str:
    """The unified diff of ``old`` to ``new`` with every credential of either masked in its source spelling."""
    from seedance_lint.linting.fixer import unified_diff

    formats = ("json", "jsonl", "yaml") if format not in ("json", "jsonl", "yaml") else (format,)
    for fmt in formats:  # standard input or an unknown suffix: the first format whose documents hold a secret
        whole, parts = secrets_of(old, fmt)
        new_whole, new_parts = secrets_of(new, fmt)
        whole, parts = whole | new_whole, parts | new_parts
        if whole or parts:
            return unified_diff(path, masked_text(old, fmt, whole, parts), masked_text(new, fmt, whole, parts))
    return unified_diff(path, old, new)
