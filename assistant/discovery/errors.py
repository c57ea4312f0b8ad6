"""Errors of the discovery assistant: one line that says what to do.

They subclass `ServiceError` so that the CLI turns them into `error: ...` with exit 1.
"""

from __future__ import annotations

from assistant.service import ServiceError


class DiscoveryError(ServiceError):
    """A user-facing discovery problem (unknown framework, bad manual fact, nothing to answer)."""


class BankError(DiscoveryError):
    """A malformed question bank file: names the file, the key and the reason."""
