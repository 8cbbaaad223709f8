"""seedance-lint: offline linter and cost estimator for Seedance 1.0 Pro Fast requests."""
from __future__ import annotations

__version__ = "0.1.0"
