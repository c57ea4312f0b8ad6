"""Errors that carry one clear line for the user, so the CLI never shows a traceback."""

from __future__ import annotations


class ScoringError(Exception):
    """Base class: `str(err)` is a one-line message that says what to do."""


class ModelError(ScoringError):
    """A scoring model file is invalid: names the file, the key and the reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        self.file = file
        self.key = key
        self.reason = reason
        super().__init__(f"{file}: {key}: {reason} (fix the model file and run it again)")


class InputError(ScoringError):
    """Bad lead facts, signals or outcome data handed to scoring."""
