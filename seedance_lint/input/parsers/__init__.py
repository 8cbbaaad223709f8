"""One parser module per input format, chosen by file extension from a name table."""

from __future__ import annotations
