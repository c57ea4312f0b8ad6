"""Per-invocation configuration of the CLI: settings from flags/env and the service built
from them. Set once by the root callback, read by the commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:  # the service (store, parsers) loads on first use, not for --help
    from assistant.service import Service


@dataclass
class _Invocation:
    db: str | None = None
    service: Service | None = field(default=None)
    tui_launcher: Callable[[Service], None] | None = None


_current = _Invocation()


def configure(*, db: str | None) -> None:
    """Remember the global options of this invocation (and drop any previous service)."""
    close()
    _current.db = db


def settings() -> Settings:
    overrides = {"db": Path(_current.db)} if _current.db else {}
    return Settings(**overrides)


def service() -> Service:
    """The service for this invocation, created on first use."""
    if _current.service is None:
        from assistant.service import Service

        _current.service = Service(settings())
    return _current.service


def close() -> None:
    if _current.service is not None:
        _current.service.close()
        _current.service = None


def set_tui_launcher(launcher: Callable[[Service], None] | None) -> None:
    """Plugged in by the console script (tui.main), so assistant never imports tui."""
    _current.tui_launcher = launcher


def tui_launcher() -> Callable[[Service], None] | None:
    return _current.tui_launcher
