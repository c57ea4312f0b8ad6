"""Open the SQLite file safely and turn sqlite3's errors into one-line StoreErrors."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from assistant.store.errors import (
    DatabaseLockedError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
)

DEFAULT_BUSY_TIMEOUT_MS = 2000
MEMORY = ":memory:"


def _describe(path: Path | str) -> str:
    return "the in-memory database" if str(path) == MEMORY else f"database {path}"


def translate(error: sqlite3.Error, path: Path | str) -> StoreError | None:
    """The StoreError a user should see for an sqlite3 error, or None if it is a bug of ours."""
    text = str(error).lower()
    where = _describe(path)
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            f"{where} is locked by another program; close other qualify sessions and try again"
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabaseError(
            f"{where} is read-only; make it writable (chmod u+w) or set QUALIFY_DB to another file"
        )
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return NotADatabaseError(
            f"{path} is not a qualify database (not SQLite, or damaged); "
            "check QUALIFY_DB or restore a backup"
        )
    if "unable to open" in text:
        return StoreError(f"cannot open {where}; check that its folder exists and is writable")
    if "disk is full" in text or "disk i/o" in text:
        return StoreError(
            f"cannot write {where}: the disk is full or failing; free space and retry"
        )
    return None


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    """Re-raise user-fixable sqlite3 errors as StoreError; let programming errors through."""
    try:
        yield
    except sqlite3.Error as error:
        store_error = translate(error, path)
        if store_error is None:
            raise
        raise store_error from error


def _check_writable(path: Path) -> None:
    """Refuse read-only files up front: checked on mode bits too, since root ignores them."""
    if path.exists():
        mode = path.stat().st_mode
        if not os.access(path, os.W_OK) or not mode & stat.S_IWUSR:
            raise ReadOnlyDatabaseError(
                f"database {path} is read-only; make it writable (chmod u+w) "
                "or set QUALIFY_DB to another file"
            )
        if not path.is_file():
            raise StoreError(f"database path {path} is not a file; set QUALIFY_DB to a file path")
    folder = path.parent
    if not os.access(folder, os.W_OK) or not folder.stat().st_mode & stat.S_IWUSR:
        # WAL needs to create -wal and -shm files next to the database.
        raise ReadOnlyDatabaseError(
            f"folder {folder} is read-only; the database needs it writable "
            "(or set QUALIFY_DB to another place)"
        )


def create_private(path: Path) -> None:
    """Create the parent folders and an empty file only the owner can read (0o600)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise StoreError(
            f"cannot create folder {path.parent}: {error.strerror}; set QUALIFY_DB elsewhere"
        ) from error
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise StoreError(
            f"cannot create database {path}: {error.strerror}; set QUALIFY_DB elsewhere"
        ) from error
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have removed bits, never added: make it exact


def connect(path: Path | str, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A connection with foreign keys on, WAL (for files) and a busy timeout.

    `check_same_thread=False` because the TUI calls the store from worker threads; the Store
    serialises access with its own lock.
    """
    if str(path) == MEMORY:
        conn = sqlite3.connect(MEMORY, check_same_thread=False)
    else:
        path = Path(path).expanduser()
        create_private(path)
        _check_writable(path)
        with translated(path):
            conn = sqlite3.connect(
                str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False
            )
    try:
        with translated(path):
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Reading the schema is what fails on a file that is not a database.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if str(path) != MEMORY:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"database {path} cannot use WAL journaling (got {mode})")
                # WAL + NORMAL: a commit is atomic and survives a crash of qualify; only a power
                # loss can roll back the last commits, never corrupt or half-write one.
                conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn
