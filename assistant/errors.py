"""Errors the CLI and TUI show to users, importable without loading the store or parsers."""

from __future__ import annotations


class ServiceError(ValueError):
    """A user-facing problem (unknown lead, bad CSV): one line that says what to do."""
