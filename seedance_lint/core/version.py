"""The version, in one place: the package, the CLI's --version, SARIF's driver and pyproject.toml read it."""

from __future__ import annotations

__version__ = "0.1.0"
