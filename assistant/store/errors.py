"""Errors the store raises for things a user can fix; each carries a one-line message."""

from __future__ import annotations


class StoreError(Exception):
    """A database problem the user can act on. `str(err)` is a one-line message to print."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SchemaTooNewError(StoreError):
    """The file was written by a newer qualify; opening it could corrupt it."""


class DatabaseLockedError(StoreError):
    """Another process holds the write lock longer than the busy timeout."""


class ReadOnlyDatabaseError(StoreError):
    """The database file (or its folder) cannot be written."""


class NotADatabaseError(StoreError):
    """The file exists but is not an SQLite database (or is damaged)."""


class DuplicateError(StoreError):
    """Adding something that already exists, where silently overwriting would lose data."""


class NotFoundError(StoreError):
    """A lead, document or signal id that the database does not hold."""


class InvalidInputError(StoreError):
    """A value the store refuses to write (bad slug, evidence outside its document, ...)."""
