"""Errors that end a run with exit 2 and one line on stderr."""

from __future__ import annotations


class UsageError(Exception):
    """A bad flag, path or configuration."""
