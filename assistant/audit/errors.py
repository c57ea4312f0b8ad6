"""Errors of the audit capability: one line that says what to do, shown without a traceback."""

from __future__ import annotations

from assistant.service import ServiceError


class AuditError(ServiceError):
    """A review, override, report, export or import the user asked for cannot be done."""
