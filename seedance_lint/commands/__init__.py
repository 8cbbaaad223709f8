"""The subcommands, by name: each module's ``run(args, stdin) -> (exit code, output)``.

Modules are imported on first use, so a run loads only the command it runs.
"""

from __future__ import annotations

#: `cost diff` is parsed as one subcommand of this name (cli.py joins the two words: `cost` takes paths).
COST_DIFF = "cost diff"
#: Subcommand -> module of seedance_lint.commands.
COMMANDS = {
    "check": "check",
    "cost": "cost",
    COST_DIFF: "cost_diff",
    "prices": "prices",
    "reconcile": "reconcile",
    "rules": "rules",
    "rule": "rules",
}
