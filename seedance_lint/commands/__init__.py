"""The subcommands, by name: each module's ``run(args, stdin) -> (exit code, output)``.

Modules are imported on first use, so a run loads only the command it runs.
"""

from __future__ import annotations

#: Subcommand -> module of seedance_lint.commands.
COMMANDS = {
    "check": "check",
    "cost": "cost",
    "prices": "prices",
    "reconcile": "reconcile",
    "rules": "rules",
    "rule": "rules",
}
