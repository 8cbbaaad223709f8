"""`seedance-lint rules` and `seedance-lint rule CODE`: the rule documentation."""

from __future__ import annotations

import argparse

from seedance_lint.commands.output import EXIT_OK
from seedance_lint.core.errors import UsageError
from seedance_lint.rules.docs import find, rule_text, rules_table


def run(args: argparse.Namespace, stdin: bytes | None) -> tuple[int, str]:
    if args.command == "rules":
        return EXIT_OK, rules_table()
    found = find(args.code)
    if found is None:
        raise UsageError(f"no rule {args.code!r}: `seedance-lint rules` lists every code and name")
    return EXIT_OK, rule_text(found)
